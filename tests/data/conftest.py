"""Writers of tiny datasets in the real on-disk formats, and a loopback file server.

Test modules reach the writers through fixtures, because importing a conftest module by
name is ambiguous when several test folders have one.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import pickle
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from asnbench.data.cifar import CIFAR10_CLASSES

MNIST_TRAIN_COUNT = 20
MNIST_TEST_COUNT = 10
CIFAR_BATCH_SIZE = 4  # 5 training batches, so 20 training images
CIFAR_TEST_COUNT = 10
CIFAR100_TRAIN_COUNT = 20
# Pixel (row, column) set to 255 in channel 2 of every CIFAR fixture image.
CIFAR_MARKED_PIXEL = (1, 2)


@pytest.fixture(autouse=True)
def offline_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test off the network unless it serves its own files on loopback."""
    monkeypatch.setenv("ASNBENCH_OFFLINE", "1")
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


# IDX (MNIST) ---------------------------------------------------------------


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Encode a uint8 array as IDX: magic, big-endian dimension sizes, then the bytes."""
    if magic is None:
        magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(size.to_bytes(4, "big") for size in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_idx(path: Path, array: np.ndarray, magic: int | None = None, compress: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    content = idx_bytes(array, magic)
    if compress:
        path.write_bytes(gzip.compress(content))
    else:
        path.write_bytes(content)
    return path


def mnist_arrays(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Return images where image i has every pixel equal to i except pixel (0, 0) = 255.

    Label i is i % 10.
    """
    images = np.zeros((count, 28, 28), dtype=np.uint8)
    for i in range(count):
        images[i] = i
        images[i, 0, 0] = 255
    labels = (np.arange(count) % 10).astype(np.uint8)
    return images, labels


def write_mnist_folder(raw_folder: Path, compress: bool = True) -> None:
    """Write the four official MNIST file names with 20 train and 10 test images."""
    suffix = ".gz" if compress else ""
    for prefix, count in (("train", MNIST_TRAIN_COUNT), ("t10k", MNIST_TEST_COUNT)):
        images, labels = mnist_arrays(count)
        write_idx(raw_folder / f"{prefix}-images-idx3-ubyte{suffix}", images, compress=compress)
        write_idx(raw_folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress=compress)


@pytest.fixture
def mnist_root(tmp_path: Path) -> Path:
    """Data root with MNIST and Fashion-MNIST IDX gz files."""
    write_mnist_folder(tmp_path / "mnist" / "raw")
    write_mnist_folder(tmp_path / "fashion_mnist" / "raw")
    return tmp_path


# CIFAR python batches --------------------------------------------------------


def cifar_pixels(count: int, first_index: int = 0) -> np.ndarray:
    """Return uint8 [count, 3072] rows in the CIFAR layout (1024 R, 1024 G, 1024 B).

    For image i, channel 0 is i, channel 1 is 100 + i, channel 2 is 200 + i, and pixel
    CIFAR_MARKED_PIXEL of channel 2 is 255.
    """
    data = np.zeros((count, 3, 32, 32), dtype=np.uint8)
    for row in range(count):
        i = first_index + row
        data[row, 0] = i
        data[row, 1] = 100 + i
        data[row, 2] = 200 + i
        data[row, 2, CIFAR_MARKED_PIXEL[0], CIFAR_MARKED_PIXEL[1]] = 255
    return data.reshape(count, 3072)


def write_pickle(path: Path, content: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        pickle.dump(content, file, protocol=2)
    return path


def write_cifar10_batches(batch_folder: Path) -> None:
    """Write data_batch_1..5 (4 images each), test_batch (10) and batches.meta.

    Keys and class names are bytes, as the official files show when unpickled with
    encoding="bytes". Label i is i % 10.
    """
    for number in range(1, 6):
        first = (number - 1) * CIFAR_BATCH_SIZE
        labels = [(first + row) % 10 for row in range(CIFAR_BATCH_SIZE)]
        write_pickle(
            batch_folder / f"data_batch_{number}",
            {
                b"batch_label": f"training batch {number} of 5".encode(),
                b"labels": labels,
                b"data": cifar_pixels(CIFAR_BATCH_SIZE, first),
                b"filenames": [f"image_{first + row}.png".encode() for row in range(CIFAR_BATCH_SIZE)],
            },
        )
    write_pickle(
        batch_folder / "test_batch",
        {
            b"batch_label": b"testing batch 1 of 1",
            b"labels": [i % 10 for i in range(CIFAR_TEST_COUNT)],
            b"data": cifar_pixels(CIFAR_TEST_COUNT),
            b"filenames": [f"test_{i}.png".encode() for i in range(CIFAR_TEST_COUNT)],
        },
    )
    write_pickle(
        batch_folder / "batches.meta",
        {
            b"num_cases_per_batch": CIFAR_BATCH_SIZE,
            b"label_names": [name.encode() for name in CIFAR10_CLASSES],
            b"num_vis": 3072,
        },
    )


CIFAR100_CLASSES = [f"class_{k:02d}" for k in range(100)]


def cifar100_labels(count: int) -> list[int]:
    return [(7 * i) % 100 for i in range(count)]


def write_cifar100_files(batch_folder: Path) -> None:
    """Write train (20 images), test (10) and meta with fine and coarse labels."""
    for name, count in (("train", CIFAR100_TRAIN_COUNT), ("test", CIFAR_TEST_COUNT)):
        fine = cifar100_labels(count)
        write_pickle(
            batch_folder / name,
            {
                b"filenames": [f"{name}_{i}.png".encode() for i in range(count)],
                b"batch_label": f"{name}ing batch 1 of 1".encode(),
                b"fine_labels": fine,
                b"coarse_labels": [label // 5 for label in fine],
                b"data": cifar_pixels(count),
            },
        )
    write_pickle(
        batch_folder / "meta",
        {
            b"fine_label_names": [name.encode() for name in CIFAR100_CLASSES],
            b"coarse_label_names": [f"superclass_{k:02d}".encode() for k in range(20)],
        },
    )


@pytest.fixture
def cifar10_root(tmp_path: Path) -> Path:
    write_cifar10_batches(tmp_path / "cifar10" / "cifar-10-batches-py")
    return tmp_path


@pytest.fixture
def cifar100_root(tmp_path: Path) -> Path:
    write_cifar100_files(tmp_path / "cifar100" / "cifar-100-python")
    return tmp_path


# CIFAR-10 JPEG folder ----------------------------------------------------------

JPEG_TRAIN_PER_CLASS = 2
JPEG_TEST_PER_CLASS = 1


def jpeg_color(label: int) -> tuple[int, int, int]:
    """Solid color of the fixture images of a class, which JPEG keeps almost exactly."""
    return (20 * label, 128, 250 - 20 * label)


def write_jpeg_subset(root: Path) -> Path:
    """Write <root>/cifar10_jpeg_subset/{train,test}/<class>/NNNN.jpg of solid colors."""
    subset = root / "cifar10_jpeg_subset"
    for split, per_class in (("train", JPEG_TRAIN_PER_CLASS), ("test", JPEG_TEST_PER_CLASS)):
        for label, name in enumerate(CIFAR10_CLASSES):
            folder = subset / split / name
            folder.mkdir(parents=True)
            for number in range(per_class):
                image = Image.new("RGB", (32, 32), jpeg_color(label))
                image.save(folder / f"{number:04d}.jpg", quality=95)
    return subset


@pytest.fixture
def jpeg_root(tmp_path: Path) -> Path:
    write_jpeg_subset(tmp_path)
    return tmp_path


# Loopback HTTP server ----------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def file_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Serve a fresh folder over HTTP on 127.0.0.1 and return (base URL, folder)."""
    folder = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def closed_port_url() -> str:
    """Return a loopback URL on a port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def md5_of(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


# Writers for tests that build their own files -----------------------------------


@pytest.fixture
def idx_writer():
    """Return ``write_idx(path, array, magic=None, compress=True)``."""
    return write_idx


@pytest.fixture
def pickle_writer():
    """Return ``write_pickle(path, content)``, which pickles with protocol 2."""
    return write_pickle


@pytest.fixture
def cifar_rows():
    """Return ``cifar_pixels(count, first_index=0)``, uint8 [count, 3072] CIFAR rows."""
    return cifar_pixels


@pytest.fixture
def mnist_writer():
    """Return ``write_mnist_folder(raw_folder, compress=True)``."""
    return write_mnist_folder


@pytest.fixture
def cifar10_writer():
    """Return ``write_cifar10_batches(batch_folder)``."""
    return write_cifar10_batches


@pytest.fixture
def md5():
    """Return ``md5_of(path)``, the hex MD5 digest of a file."""
    return md5_of
