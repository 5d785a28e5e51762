"""MNIST and Fashion-MNIST loaders for the official IDX files.

Layout under the data root, one folder per dataset::

    <root>/mnist/raw/train-images-idx3-ubyte.gz
    <root>/mnist/raw/train-labels-idx1-ubyte.gz
    <root>/mnist/raw/t10k-images-idx3-ubyte.gz
    <root>/mnist/raw/t10k-labels-idx1-ubyte.gz
    <root>/fashion_mnist/raw/  (the same four names)

The loaders read the .gz files directly and never write to the data root unless they
download, so the root may be read-only. A decompressed file without ``.gz`` is read when
the .gz file is absent, which is the layout torchvision leaves after its own download.
torchvision 0.29's MNIST class only reads the decompressed files, so the IDX parsing
here is our own, and torchvision supplies the mirrors, checksums, class names and the
download.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torchvision.datasets import MNIST, FashionMNIST

from asnbench.errors import CorruptDataError, DatasetNotFoundError

from .download import DATA_ROOT_HINT, download_or_raise
from .in_memory import ImageTensorDataset, check_split

logger = logging.getLogger("asnbench.data")

# IDX magic numbers: two zero bytes, the type code 0x08 (unsigned byte), the number of
# dimensions. Multi-byte header fields are big-endian.
IDX_IMAGES_MAGIC = 0x0803  # 2051
IDX_LABELS_MAGIC = 0x0801  # 2049

IMAGE_SIZE = 28


class _RawFolderDownloader:
    """Mixin that points torchvision's MNIST download at an asnbench raw folder.

    It skips the torchvision constructor, which would also try to load the data, so an
    instance can only ``download()``.
    """

    def __init__(self, raw_folder: Path):
        self._raw_folder = str(raw_folder)

    @property
    def raw_folder(self) -> str:
        return self._raw_folder


class _MNISTDownloader(_RawFolderDownloader, MNIST):
    pass


class _FashionMNISTDownloader(_RawFolderDownloader, FashionMNIST):
    pass


@dataclass(frozen=True)
class _IdxDataset:
    name: str
    folder: str
    downloader: type[MNIST]
    mean: float
    std: float


# Mean and std of the training pixels scaled to [0, 1]. Normalizing the official
# training files with them gives mean 0.000 and std 1.000 to three decimals.
_MNIST = _IdxDataset("MNIST", "mnist", _MNISTDownloader, mean=0.1307, std=0.3081)
_FASHION_MNIST = _IdxDataset(
    "Fashion-MNIST", "fashion_mnist", _FashionMNISTDownloader, mean=0.2860, std=0.3530
)


def load_mnist(root: Path, split: str, download: bool = True) -> ImageTensorDataset:
    """Load an MNIST split as normalized ``[1, 28, 28]`` images.

    Pixels are scaled to [0, 1], then normalized with mean 0.1307 and std 0.3081. Raises
    DatasetNotFoundError when the files are missing and cannot be downloaded, and
    CorruptDataError when a file cannot be parsed.
    """
    return _load_idx_dataset(_MNIST, Path(root), split, download)


def load_fashion_mnist(root: Path, split: str, download: bool = True) -> ImageTensorDataset:
    """Load a Fashion-MNIST split as normalized ``[1, 28, 28]`` images.

    Pixels are scaled to [0, 1], then normalized with mean 0.2860 and std 0.3530. Errors
    are the same as for ``load_mnist``.
    """
    return _load_idx_dataset(_FASHION_MNIST, Path(root), split, download)


def split_file_names(split: str) -> tuple[str, str]:
    """Return the image and label file names of a split, as published."""
    prefix = "train" if split == "train" else "t10k"
    return f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"


def _load_idx_dataset(spec: _IdxDataset, root: Path, split: str, download: bool) -> ImageTensorDataset:
    check_split(split)
    raw_folder = Path(root).absolute() / spec.folder / "raw"
    names = split_file_names(split)

    paths = [_find_idx_file(raw_folder, name) for name in names]
    if None in paths:
        missing = [name for name, path in zip(names, paths) if path is None]
        message = _missing_message(spec, split, raw_folder, names, missing)
        downloader = spec.downloader(raw_folder)
        download_or_raise(spec.name, download, downloader.download, message)
        paths = [_find_idx_file(raw_folder, name) for name in names]
        if None in paths:
            raise DatasetNotFoundError(f"{message} The download finished without these files.")

    image_path, label_path = paths
    images = read_idx(image_path, IDX_IMAGES_MAGIC)
    labels = read_idx(label_path, IDX_LABELS_MAGIC)
    _check_idx_arrays(image_path, images, label_path, labels, len(spec.downloader.classes))
    logger.info("Loaded %s %s split: %d images from %s", spec.name, split, len(labels), raw_folder)

    # A 256-entry lookup table normalizes every pixel in one indexing pass.
    table = ((np.arange(256) / 255.0 - spec.mean) / spec.std).astype(np.float32)
    image_tensor = torch.from_numpy(table[images]).unsqueeze(1)
    label_tensor = torch.from_numpy(labels.astype(np.int64))
    return ImageTensorDataset(image_tensor, label_tensor, spec.downloader.classes)


def _find_idx_file(raw_folder: Path, gz_name: str) -> Path | None:
    compressed = raw_folder / gz_name
    if compressed.is_file():
        return compressed
    decompressed = raw_folder / gz_name.removesuffix(".gz")
    if decompressed.is_file():
        return decompressed
    return None


def _missing_message(
    spec: _IdxDataset, split: str, raw_folder: Path, names: tuple[str, str], missing: list[str]
) -> str:
    mirror = spec.downloader.mirrors[0]
    all_names = [name for name, _ in spec.downloader.resources]
    message = f"{spec.name} {split} split not found: missing {', '.join(missing)} in {raw_folder}."
    if len(missing) < len(names):
        message += f" The {split} split needs {' and '.join(names)}."
    return (
        f"{message} Download {', '.join(all_names)} from {mirror} into that folder, or "
        f"{DATA_ROOT_HINT} {spec.folder}/raw/."
    )


def read_idx(path: Path, magic: int) -> np.ndarray:
    """Read an IDX file of unsigned bytes, gzip-compressed if its name ends in .gz.

    Raises CorruptDataError naming the file when it is truncated, not gzip data, has
    another magic number, or contains fewer or more bytes than its header declares.
    """
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as compressed:
                content = compressed.read()
        else:
            content = path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise CorruptDataError(
            f"Cannot decompress {path}: {error}. The file is truncated or not gzip data. "
            "Delete it and download it again."
        ) from error

    dimensions = magic & 0xFF
    header_size = 4 + 4 * dimensions
    if len(content) < header_size:
        raise CorruptDataError(
            f"{path} is too short for an IDX header: {len(content)} bytes, "
            f"expected at least {header_size}."
        )
    found_magic = int.from_bytes(content[:4], "big")
    if found_magic != magic:
        raise CorruptDataError(
            f"{path} has the IDX magic number {found_magic}, expected {magic}. "
            "It is not an MNIST-style "
            f"{'image' if magic == IDX_IMAGES_MAGIC else 'label'} file."
        )

    shape = tuple(int(size) for size in np.frombuffer(content, ">u4", count=dimensions, offset=4))
    expected_bytes = int(np.prod(shape))
    found_bytes = len(content) - header_size
    if found_bytes != expected_bytes:
        raise CorruptDataError(
            f"{path} contains {found_bytes} data bytes, but its header declares the shape "
            f"{shape}, which needs {expected_bytes}. The file is truncated or corrupt."
        )
    return np.frombuffer(content, np.uint8, offset=header_size).reshape(shape)


def _check_idx_arrays(
    image_path: Path, images: np.ndarray, label_path: Path, labels: np.ndarray, num_classes: int
) -> None:
    if images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise CorruptDataError(
            f"{image_path} contains images of {images.shape[1]}x{images.shape[2]} pixels, "
            f"expected {IMAGE_SIZE}x{IMAGE_SIZE}."
        )
    if len(images) != len(labels):
        raise CorruptDataError(
            f"{image_path} contains {len(images)} images but {label_path} contains {len(labels)} labels."
        )
    if len(labels) > 0 and labels.max() >= num_classes:
        raise CorruptDataError(
            f"{label_path} contains the label {int(labels.max())}, expected 0 to {num_classes - 1}."
        )
