import gzip
import os
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from asnbench.data import load_fashion_mnist, load_mnist
from asnbench.data import mnist as mnist_module
from asnbench.errors import CorruptDataError, DatasetNotFoundError

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
FASHION_MEAN, FASHION_STD = 0.2860, 0.3530
SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def snapshot(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.mark.parametrize("split, count", [("train", 20), ("test", 10)])
def test_mnist_shapes_and_labels(mnist_root, split, count):
    dataset = load_mnist(mnist_root, split, download=False)
    assert len(dataset) == count
    assert dataset.images.shape == (count, 1, 28, 28)
    assert dataset.images.dtype == torch.float32
    assert dataset.labels.dtype == torch.int64
    assert dataset.labels.tolist() == [i % 10 for i in range(count)]
    assert dataset.classes[0] == "0 - zero"
    assert len(dataset.classes) == 10


def test_mnist_normalization(mnist_root):
    dataset = load_mnist(mnist_root, "train", download=False)
    # Fixture image i has every pixel equal to i, except pixel (0, 0) = 255.
    assert float(dataset.images[0, 0, 0, 0]) == pytest.approx((1.0 - MNIST_MEAN) / MNIST_STD, abs=1e-6)
    assert float(dataset.images[0, 0, 5, 5]) == pytest.approx(-MNIST_MEAN / MNIST_STD, abs=1e-6)
    assert float(dataset.images[13, 0, 27, 27]) == pytest.approx((13 / 255 - MNIST_MEAN) / MNIST_STD, abs=1e-6)


def test_fashion_mnist_own_stats_and_classes(mnist_root):
    dataset = load_fashion_mnist(mnist_root, "test", download=False)
    assert dataset.images.shape == (10, 1, 28, 28)
    assert float(dataset.images[0, 0, 0, 0]) == pytest.approx((1.0 - FASHION_MEAN) / FASHION_STD, abs=1e-6)
    assert dataset.classes[0] == "T-shirt/top"
    assert dataset.classes[9] == "Ankle boot"


def test_mnist_reads_without_writing(mnist_root):
    before = snapshot(mnist_root)
    load_mnist(mnist_root, "train", download=False)
    load_mnist(mnist_root, "test", download=True)
    assert snapshot(mnist_root) == before


def test_mnist_reads_decompressed_files(tmp_path, mnist_writer):
    mnist_writer(tmp_path / "mnist" / "raw", compress=False)
    dataset = load_mnist(tmp_path, "test", download=False)
    assert len(dataset) == 10
    assert dataset.labels.tolist() == [i % 10 for i in range(10)]


def test_mnist_invalid_split(mnist_root):
    with pytest.raises(ValueError, match="'valid'"):
        load_mnist(mnist_root, "valid")


# Missing files --------------------------------------------------------------------


@pytest.mark.parametrize("split", ["train", "test"])
def test_mnist_missing_download_disabled(tmp_path, split):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_mnist(tmp_path, split, download=False)
    message = str(caught.value)
    assert "MNIST" in message
    assert str(tmp_path / "mnist" / "raw") in message
    for name in SPLIT_FILES[split]:
        assert name in message
    assert "https://" in message
    assert "ASNBENCH_DATA" in message
    assert "--data-dir" in message
    assert "download=False" in message


def test_mnist_missing_relative_root_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError) as caught:
        load_mnist(Path("data"), "test", download=False)
    assert str(tmp_path / "data" / "mnist" / "raw") in str(caught.value)


def test_mnist_missing_one_file(mnist_root):
    (mnist_root / "mnist" / "raw" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetNotFoundError) as caught:
        load_mnist(mnist_root, "test", download=False)
    message = str(caught.value)
    assert "missing t10k-labels-idx1-ubyte.gz in" in message
    assert "needs t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz" in message


@pytest.mark.parametrize("loader", [load_mnist, load_fashion_mnist])
def test_mnist_missing_offline_fast(tmp_path, monkeypatch, loader):
    monkeypatch.setenv("ASNBENCH_OFFLINE", "1")
    start = time.monotonic()
    with pytest.raises(DatasetNotFoundError) as caught:
        loader(tmp_path, "train", download=True)
    assert time.monotonic() - start < 5
    message = str(caught.value)
    assert "ASNBENCH_OFFLINE=1" in message
    assert "train-images-idx3-ubyte.gz" in message
    assert not (tmp_path / "mnist").exists()
    assert not (tmp_path / "fashion_mnist").exists()


def test_fashion_mnist_missing_names_folder(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_fashion_mnist(tmp_path, "test", download=False)
    message = str(caught.value)
    assert "Fashion-MNIST" in message
    assert str(tmp_path / "fashion_mnist" / "raw") in message
    assert "fashion-mnist" in message  # the download URL


def test_mnist_download_failure_fast(tmp_path, monkeypatch, closed_port_url):
    monkeypatch.delenv("ASNBENCH_OFFLINE")
    monkeypatch.setattr(mnist_module._MNISTDownloader, "mirrors", [closed_port_url])
    start = time.monotonic()
    with pytest.raises(DatasetNotFoundError) as caught:
        load_mnist(tmp_path, "train", download=True)
    assert time.monotonic() - start < 5
    message = str(caught.value)
    assert "download failed" in message
    assert closed_port_url in message
    assert str(tmp_path / "mnist" / "raw") in message


def test_mnist_download_into_layout(tmp_path, monkeypatch, file_server, mnist_writer, md5):
    base_url, served = file_server
    mnist_writer(served)
    resources = [(name, md5(served / name)) for name, _ in mnist_module.MNIST.resources]
    monkeypatch.delenv("ASNBENCH_OFFLINE")
    monkeypatch.setattr(mnist_module._MNISTDownloader, "mirrors", [base_url])
    monkeypatch.setattr(mnist_module._MNISTDownloader, "resources", resources)

    dataset = load_mnist(tmp_path / "root", "test", download=True)
    assert len(dataset) == 10
    for name, _ in resources:
        assert (tmp_path / "root" / "mnist" / "raw" / name).is_file()


def test_mnist_download_checksum_mismatch(tmp_path, monkeypatch, file_server, mnist_writer):
    base_url, served = file_server
    mnist_writer(served)
    resources = [(name, "0" * 32) for name, _ in mnist_module.MNIST.resources]
    monkeypatch.delenv("ASNBENCH_OFFLINE")
    monkeypatch.setattr(mnist_module._MNISTDownloader, "mirrors", [base_url])
    monkeypatch.setattr(mnist_module._MNISTDownloader, "resources", resources)

    with pytest.raises(DatasetNotFoundError, match="download failed"):
        load_mnist(tmp_path, "test", download=True)


# Corrupt files ------------------------------------------------------------------


def test_mnist_truncated_gzip(mnist_root):
    path = mnist_root / "mnist" / "raw" / "train-images-idx3-ubyte.gz"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(CorruptDataError) as caught:
        load_mnist(mnist_root, "train")
    assert str(path) in str(caught.value)
    assert "truncated" in str(caught.value)


def test_mnist_not_gzip(mnist_root):
    path = mnist_root / "mnist" / "raw" / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(b"<html>Not Found</html>")
    with pytest.raises(CorruptDataError, match="not gzip data") as caught:
        load_mnist(mnist_root, "test")
    assert str(path) in str(caught.value)


def test_mnist_wrong_magic(mnist_root, idx_writer):
    raw = mnist_root / "mnist" / "raw"
    # A label file stored under the image file name.
    idx_writer(raw / "t10k-images-idx3-ubyte.gz", np.zeros(10, dtype=np.uint8))
    with pytest.raises(CorruptDataError) as caught:
        load_mnist(mnist_root, "test")
    message = str(caught.value)
    assert str(raw / "t10k-images-idx3-ubyte.gz") in message
    assert "magic number 2049, expected 2051" in message


def test_mnist_payload_shorter_than_header(mnist_root):
    path = mnist_root / "mnist" / "raw" / "t10k-images-idx3-ubyte.gz"
    content = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(content[:-100]))
    with pytest.raises(CorruptDataError, match="declares the shape") as caught:
        load_mnist(mnist_root, "test")
    assert str(path) in str(caught.value)


def test_mnist_count_mismatch(mnist_root, idx_writer):
    raw = mnist_root / "mnist" / "raw"
    idx_writer(raw / "t10k-labels-idx1-ubyte.gz", np.zeros(7, dtype=np.uint8))
    with pytest.raises(CorruptDataError, match="10 images but .* contains 7 labels"):
        load_mnist(mnist_root, "test")


def test_mnist_wrong_image_size(mnist_root, idx_writer):
    raw = mnist_root / "mnist" / "raw"
    idx_writer(raw / "t10k-images-idx3-ubyte.gz", np.zeros((10, 8, 8), dtype=np.uint8))
    with pytest.raises(CorruptDataError, match="8x8 pixels, expected 28x28"):
        load_mnist(mnist_root, "test")


def test_mnist_label_out_of_range(mnist_root, idx_writer):
    raw = mnist_root / "mnist" / "raw"
    idx_writer(raw / "t10k-labels-idx1-ubyte.gz", np.full(10, 12, dtype=np.uint8))
    with pytest.raises(CorruptDataError, match="label 12"):
        load_mnist(mnist_root, "test")


# Real data ----------------------------------------------------------------------

REAL_ROOT = os.environ.get("ASNBENCH_DATA")
# Official MNIST test split: number of images per digit 0 to 9.
MNIST_TEST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.shared_data
@pytest.mark.skipif(
    not REAL_ROOT or not (Path(REAL_ROOT) / "mnist" / "raw").is_dir(),
    reason="ASNBENCH_DATA is unset or has no mnist/raw folder",
)
def test_real_mnist_test_split():
    dataset = load_mnist(Path(REAL_ROOT), "test", download=False)
    assert len(dataset) == 10000
    assert dataset.images.shape == (10000, 1, 28, 28)
    assert dataset.labels.bincount(minlength=10).tolist() == MNIST_TEST_LABEL_COUNTS
    # The normalization constants are the training statistics, so the test split is
    # close to zero mean and unit std.
    assert abs(float(dataset.images.mean())) < 0.05
    assert abs(float(dataset.images.std()) - 1.0) < 0.05
