import datetime
import logging
import tarfile
import time

import numpy as np
import pytest
import torch
from PIL import Image

from asnbench.data import load_cifar10, load_cifar100
from asnbench.data import cifar as cifar_module
from asnbench.data.cifar import CIFAR10_CLASSES
from asnbench.errors import CorruptDataError, DatasetNotFoundError

CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)
CIFAR100_MEAN = (0.5071, 0.4865, 0.4409)
CIFAR100_STD = (0.2673, 0.2564, 0.2762)
MARKED_PIXEL = (1, 2)  # set to 255 in channel 2 of every fixture image


def normalized(value: int, channel: int, mean=CIFAR10_MEAN, std=CIFAR10_STD) -> float:
    return (value / 255 - mean[channel]) / std[channel]


def test_cifar10_classes_are_alphabetical():
    assert list(CIFAR10_CLASSES) == sorted(CIFAR10_CLASSES)
    assert len(CIFAR10_CLASSES) == 10


@pytest.mark.parametrize("split, count", [("train", 20), ("test", 10)])
def test_cifar10_batches(cifar10_root, split, count):
    dataset = load_cifar10(cifar10_root, split, download=False)
    assert len(dataset) == count
    assert dataset.images.shape == (count, 3, 32, 32)
    assert dataset.images.dtype == torch.float32
    assert dataset.labels.dtype == torch.int64
    assert dataset.labels.tolist() == [i % 10 for i in range(count)]
    assert dataset.classes == list(CIFAR10_CLASSES)


def test_cifar10_pixel_layout_and_normalization(cifar10_root):
    dataset = load_cifar10(cifar10_root, "train", download=False)
    # Fixture image i has channel values i, 100 + i and 200 + i, across all 5 batches.
    image = dataset.images[17]
    assert float(image[0, 5, 5]) == pytest.approx(normalized(17, 0), abs=1e-5)
    assert float(image[1, 5, 5]) == pytest.approx(normalized(117, 1), abs=1e-5)
    assert float(image[2, 5, 5]) == pytest.approx(normalized(217, 2), abs=1e-5)
    assert float(image[2, MARKED_PIXEL[0], MARKED_PIXEL[1]]) == pytest.approx(normalized(255, 2), abs=1e-5)
    assert float(image[2, MARKED_PIXEL[1], MARKED_PIXEL[0]]) == pytest.approx(normalized(217, 2), abs=1e-5)


def test_cifar10_str_keys(tmp_path, pickle_writer, cifar10_writer, cifar_rows):
    # Python 2 pickles unpickled with latin-1 have str keys and str class names.
    folder = tmp_path / "cifar10" / "cifar-10-batches-py"
    cifar10_writer(folder)
    pickle_writer(folder / "test_batch", {"data": cifar_rows(3), "labels": [9, 8, 7], "batch_label": "test"})
    pickle_writer(folder / "batches.meta", {"label_names": list(CIFAR10_CLASSES)})
    dataset = load_cifar10(tmp_path, "test", download=False)
    assert dataset.labels.tolist() == [9, 8, 7]
    assert dataset.classes == list(CIFAR10_CLASSES)


def test_cifar10_logs_pickle_layout(cifar10_root, caplog):
    with caplog.at_level(logging.INFO, logger="asnbench.data"):
        load_cifar10(cifar10_root, "test", download=False)
    assert "python batches" in caplog.text


@pytest.mark.parametrize("split, count", [("train", 20), ("test", 10)])
def test_cifar100_fine_labels(cifar100_root, split, count):
    dataset = load_cifar100(cifar100_root, split, download=False)
    assert dataset.images.shape == (count, 3, 32, 32)
    assert dataset.labels.tolist() == [(7 * i) % 100 for i in range(count)]
    assert len(dataset.classes) == 100
    assert dataset.classes[42] == "class_42"
    assert float(dataset.images[3, 1, 0, 0]) == pytest.approx(
        normalized(103, 1, CIFAR100_MEAN, CIFAR100_STD), abs=1e-5
    )


def test_cifar_invalid_split(cifar10_root):
    with pytest.raises(ValueError, match="'val'"):
        load_cifar10(cifar10_root, "val")
    with pytest.raises(ValueError, match="'val'"):
        load_cifar100(cifar10_root, "val")


# JPEG subset --------------------------------------------------------------------


@pytest.mark.parametrize("split, per_class", [("train", 2), ("test", 1)])
def test_jpeg_subset(jpeg_root, split, per_class, caplog):
    with caplog.at_level(logging.INFO, logger="asnbench.data"):
        dataset = load_cifar10(jpeg_root, split, download=False)
    assert "JPEG subset" in caplog.text
    assert len(dataset) == 10 * per_class
    assert dataset.images.shape == (10 * per_class, 3, 32, 32)
    assert dataset.images.dtype == torch.float32
    assert dataset.labels.tolist() == [label for label in range(10) for _ in range(per_class)]
    assert dataset.classes == list(CIFAR10_CLASSES)


def test_jpeg_subset_pixels(jpeg_root):
    dataset = load_cifar10(jpeg_root, "test", download=False)
    # Fixture class k is the solid color (20k, 128, 250 - 20k); JPEG may shift it slightly.
    for label in (0, 3, 9):
        color = (20 * label, 128, 250 - 20 * label)
        index = int((dataset.labels == label).nonzero()[0])
        for channel in range(3):
            expected = normalized(color[channel], channel)
            tolerance = 3 / 255 / CIFAR10_STD[channel]
            assert abs(float(dataset.images[index, channel].mean()) - expected) < tolerance


def test_pickle_preferred_over_jpeg(cifar10_root):
    # This JPEG folder lacks nine classes, so reading it would raise CorruptDataError.
    (cifar10_root / "cifar10_jpeg_subset" / "test" / "airplane").mkdir(parents=True)
    dataset = load_cifar10(cifar10_root, "test", download=False)
    assert len(dataset) == 10
    assert dataset.labels.tolist() == [i % 10 for i in range(10)]


def test_jpeg_used_when_batches_incomplete(jpeg_root, cifar10_writer, caplog):
    folder = jpeg_root / "cifar10" / "cifar-10-batches-py"
    cifar10_writer(folder)
    (folder / "test_batch").unlink()
    with caplog.at_level(logging.INFO, logger="asnbench.data"):
        dataset = load_cifar10(jpeg_root, "test", download=False)
    assert len(dataset) == 10
    assert "lack test_batch" in caplog.text


def test_jpeg_wrong_class_folders(jpeg_root):
    split = jpeg_root / "cifar10_jpeg_subset" / "train"
    (split / "truck").rename(split / "lorry")
    with pytest.raises(CorruptDataError) as caught:
        load_cifar10(jpeg_root, "train", download=False)
    message = str(caught.value)
    assert str(split) in message
    assert "lorry" in message
    assert "truck" in message


def test_jpeg_unreadable_image(jpeg_root):
    path = jpeg_root / "cifar10_jpeg_subset" / "test" / "cat" / "0000.jpg"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CorruptDataError) as caught:
        load_cifar10(jpeg_root, "test", download=False)
    assert str(path) in str(caught.value)


def test_jpeg_not_an_image(jpeg_root):
    path = jpeg_root / "cifar10_jpeg_subset" / "test" / "dog" / "0000.jpg"
    path.write_text("not an image")
    with pytest.raises(CorruptDataError, match="Cannot decode") as caught:
        load_cifar10(jpeg_root, "test", download=False)
    assert str(path) in str(caught.value)


def test_jpeg_wrong_size(jpeg_root):
    path = jpeg_root / "cifar10_jpeg_subset" / "test" / "dog" / "0000.jpg"
    Image.new("RGB", (64, 48)).save(path)
    with pytest.raises(CorruptDataError, match="64x48 pixels, expected 32x32"):
        load_cifar10(jpeg_root, "test", download=False)


def test_jpeg_empty_class_folder(jpeg_root):
    folder = jpeg_root / "cifar10_jpeg_subset" / "test" / "frog"
    for path in folder.iterdir():
        path.unlink()
    with pytest.raises(DatasetNotFoundError, match="no images") as caught:
        load_cifar10(jpeg_root, "test", download=False)
    assert str(folder) in str(caught.value)


# Missing files --------------------------------------------------------------------


def test_cifar10_missing_names_both_layouts(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_cifar10(tmp_path, "train", download=False)
    message = str(caught.value)
    assert "CIFAR-10 train split not found" in message
    assert str(tmp_path / "cifar10" / "cifar-10-batches-py") in message
    for name in ("data_batch_1", "data_batch_5", "batches.meta"):
        assert name in message
    assert "cifar-10-python.tar.gz" in message
    assert str(tmp_path / "cifar10_jpeg_subset" / "train") in message
    assert "airplane" in message
    assert "ASNBENCH_DATA" in message
    assert "download=False" in message


def test_cifar100_missing_offline_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("ASNBENCH_OFFLINE", "1")
    start = time.monotonic()
    with pytest.raises(DatasetNotFoundError) as caught:
        load_cifar100(tmp_path, "test", download=True)
    assert time.monotonic() - start < 5
    message = str(caught.value)
    assert str(tmp_path / "cifar100" / "cifar-100-python") in message
    assert "test, meta" in message
    assert "cifar-100-python.tar.gz" in message
    assert "ASNBENCH_OFFLINE=1" in message
    assert "cifar10_jpeg_subset" not in message


def test_cifar10_missing_offline_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "true")
    monkeypatch.delenv("ASNBENCH_OFFLINE")
    start = time.monotonic()
    with pytest.raises(DatasetNotFoundError, match="HF_DATASETS_OFFLINE=true"):
        load_cifar10(tmp_path, "test", download=True)
    assert time.monotonic() - start < 5


def test_cifar10_download_failure_fast(tmp_path, monkeypatch, closed_port_url):
    monkeypatch.delenv("ASNBENCH_OFFLINE")
    url = closed_port_url + "cifar-10-python.tar.gz"
    monkeypatch.setattr(cifar_module._CIFAR10Downloader, "url", url)
    start = time.monotonic()
    with pytest.raises(DatasetNotFoundError) as caught:
        load_cifar10(tmp_path, "test", download=True)
    assert time.monotonic() - start < 5
    assert "download failed" in str(caught.value)


def test_cifar10_download_into_layout(tmp_path, monkeypatch, file_server, cifar10_writer, md5):
    base_url, served = file_server
    cifar10_writer(tmp_path / "build" / "cifar-10-batches-py")
    archive = served / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "build" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    monkeypatch.delenv("ASNBENCH_OFFLINE")
    monkeypatch.setattr(cifar_module._CIFAR10Downloader, "url", base_url + "cifar-10-python.tar.gz")
    monkeypatch.setattr(cifar_module._CIFAR10Downloader, "tgz_md5", md5(archive))

    dataset = load_cifar10(tmp_path / "root", "train", download=True)
    assert len(dataset) == 20
    assert (tmp_path / "root" / "cifar10" / "cifar-10-batches-py" / "data_batch_3").is_file()


# Corrupt files ------------------------------------------------------------------


def test_cifar10_wrong_data_shape(cifar10_root, pickle_writer):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "test_batch"
    pickle_writer(path, {b"data": np.zeros((10, 3000), dtype=np.uint8), b"labels": list(range(10))})
    with pytest.raises(CorruptDataError) as caught:
        load_cifar10(cifar10_root, "test")
    message = str(caught.value)
    assert str(path) in message
    assert "(10, 3000)" in message
    assert "3072" in message


def test_cifar10_wrong_data_dtype(cifar10_root, pickle_writer):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "test_batch"
    pickle_writer(path, {b"data": np.zeros((10, 3072), dtype=np.float32), b"labels": list(range(10))})
    with pytest.raises(CorruptDataError, match="float32"):
        load_cifar10(cifar10_root, "test")


def test_cifar10_label_count_mismatch(cifar10_root, pickle_writer, cifar_rows):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "data_batch_2"
    pickle_writer(path, {b"data": cifar_rows(4), b"labels": [1, 2, 3]})
    with pytest.raises(CorruptDataError, match="expected 4 integers") as caught:
        load_cifar10(cifar10_root, "train")
    assert str(path) in str(caught.value)


def test_cifar10_label_out_of_range(cifar10_root, pickle_writer, cifar_rows):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "test_batch"
    pickle_writer(path, {b"data": cifar_rows(2), b"labels": [3, 10]})
    with pytest.raises(CorruptDataError, match="expected 0 to 9"):
        load_cifar10(cifar10_root, "test")


def test_cifar10_missing_key(cifar10_root, pickle_writer, cifar_rows):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "test_batch"
    pickle_writer(path, {b"data": cifar_rows(2), b"fine_labels": [3, 1]})
    with pytest.raises(CorruptDataError, match="no 'labels' entry"):
        load_cifar10(cifar10_root, "test")


def test_cifar10_truncated_batch(cifar10_root):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "data_batch_4"
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(CorruptDataError, match="truncated") as caught:
        load_cifar10(cifar10_root, "train")
    assert str(path) in str(caught.value)


def test_cifar10_wrong_class_count(cifar10_root, pickle_writer):
    path = cifar10_root / "cifar10" / "cifar-10-batches-py" / "batches.meta"
    pickle_writer(path, {b"label_names": [b"cat", b"dog"]})
    with pytest.raises(CorruptDataError, match="10 class names") as caught:
        load_cifar10(cifar10_root, "test")
    assert str(path) in str(caught.value)


def test_cifar_pickle_rejects_other_globals(cifar100_root, pickle_writer, cifar_rows):
    path = cifar100_root / "cifar100" / "cifar-100-python" / "test"
    pickle_writer(path, {b"data": cifar_rows(1), b"fine_labels": [0], b"date": datetime.date(2009, 1, 1)})
    with pytest.raises(CorruptDataError, match="datetime.date is not allowed") as caught:
        load_cifar100(cifar100_root, "test")
    assert str(path) in str(caught.value)
