"""Corrupt dataset files through ``asnbench run``: exit 2 with the file named, before any training.

The loaders' own tests (tests/data) cover each defect in detail. These check that the
command line reports them cleanly and writes no record or checkpoint. The CoNLL reader
is tested directly, because no run fixture exists for the language datasets here.
"""

import gzip
import pickle

import numpy as np
import pytest


def _idx_gz(path, array):
    header = (0x0800 | array.ndim).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def _write_mnist(raw):
    raw.mkdir(parents=True)
    for prefix, count in (("train", 20), ("t10k", 10)):
        _idx_gz(raw / f"{prefix}-images-idx3-ubyte.gz", np.zeros((count, 28, 28)))
        _idx_gz(raw / f"{prefix}-labels-idx1-ubyte.gz", np.arange(count) % 10)


def _write_cifar10(folder, train_shape=(4, 3072)):
    folder.mkdir(parents=True)
    for name in [f"data_batch_{n}" for n in range(1, 6)] + ["test_batch"]:
        shape = train_shape if name == "data_batch_3" else (4, 3072)
        batch = {b"labels": [0, 1, 2, 3], b"data": np.zeros(shape, dtype=np.uint8)}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    names = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]
    (folder / "batches.meta").write_bytes(pickle.dumps({b"label_names": names}, protocol=2))


def _assert_rejected(outputs, result, bad_file):
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert str(bad_file) in message
    assert not outputs.results.exists()
    assert outputs.checkpoint_files() == []


def test_truncated_mnist_gz_named(outputs):
    raw = outputs.root / "data" / "mnist" / "raw"
    _write_mnist(raw)
    bad = raw / "train-images-idx3-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:-20])

    result = outputs.invoke("run", "vision/mnist", "--data-dir", str(outputs.root / "data"), *outputs.args())

    _assert_rejected(outputs, result, bad)
    assert "truncated" in result.output


def test_cifar_batch_wrong_shape_named(outputs):
    folder = outputs.root / "data" / "cifar10" / "cifar-10-batches-py"
    _write_cifar10(folder, train_shape=(4, 3000))

    result = outputs.invoke("run", "vision/cifar10", "--data-dir", str(outputs.root / "data"), *outputs.args())

    _assert_rejected(outputs, result, folder / "data_batch_3")
    assert "3000" in result.output


def test_conll_malformed_line_named(tmp_path):
    from asnbench.data.conll import read_conll
    from asnbench.errors import CorruptDataError

    path = tmp_path / "eng.train"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects\n")

    with pytest.raises(CorruptDataError) as caught:
        read_conll(path)

    assert f"{path}:4" in str(caught.value)
    assert "'rejects'" in str(caught.value)


def test_conll_undecodable_bytes_named(tmp_path):
    from asnbench.data.conll import read_conll
    from asnbench.errors import CorruptDataError

    path = tmp_path / "eng.train"
    path.write_bytes(b"EU NNP B-NP B-ORG\nGerman\xff JJ B-NP B-MISC\n")

    with pytest.raises(CorruptDataError) as caught:
        read_conll(path)

    assert f"{path}:2" in str(caught.value)
    assert "0xff" in str(caught.value)
