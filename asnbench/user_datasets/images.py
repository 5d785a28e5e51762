"""Readers for user image-classification data: an image folder tree or IDX files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from asnbench.data.in_memory import ImageTensorDataset, check_split
from asnbench.data.mnist import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, read_idx
from asnbench.errors import CorruptDataError, DatasetNotFoundError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")
IDX_PREFIXES = {"train": "train", "test": "t10k"}


def image_folder_classes(path: Path) -> list[str]:
    """The class names of ``<path>/train/<class>/``, sorted, as torchvision's ImageFolder orders them."""
    for split in ("train", "test"):
        if not (path / split).is_dir():
            raise DatasetNotFoundError(
                f"image folder {path} has no {split}/ folder; expected {path}/{split}/<class name>/<image files>"
            )
    classes = sorted(entry.name for entry in (path / "train").iterdir() if entry.is_dir())
    if not classes:
        raise DatasetNotFoundError(f"{path}/train/ has no class folders; put each class's images in {path}/train/<class name>/")
    return classes


def read_image_folder(path: Path, split: str, image_size: tuple[int, int], channels: int) -> ImageTensorDataset:
    """Read ``<path>/<split>/<class>/<image>`` into normalized ``[channels, H, W]`` tensors.

    Images are converted to grayscale (1 channel) or RGB (3), resized to
    ``image_size`` (height, width) with bilinear filtering and normalized with
    the per-channel mean and std of the training split.
    """
    check_split(split)
    classes = image_folder_classes(path)
    images, labels = _read_split(path / split, classes, image_size, channels)
    if split == "train":
        train_images = images
    else:
        train_images, _ = _read_split(path / "train", classes, image_size, channels)
    mean = train_images.mean(axis=(0, 2, 3), keepdims=True)
    std = train_images.std(axis=(0, 2, 3), keepdims=True) + 1e-6
    normalized = ((images - mean) / std).astype(np.float32)
    return ImageTensorDataset(torch.from_numpy(normalized), torch.from_numpy(labels), classes)


def _read_split(folder: Path, classes: list[str], image_size: tuple[int, int], channels: int):
    mode = "L" if channels == 1 else "RGB"
    height, width = image_size
    arrays, labels = [], []
    for label, name in enumerate(classes):
        class_folder = folder / name
        if not class_folder.is_dir():
            continue
        for file in sorted(class_folder.iterdir()):
            if file.suffix.lower() not in IMAGE_EXTENSIONS:
                continue
            try:
                with Image.open(file) as image:
                    converted = image.convert(mode).resize((width, height), Image.BILINEAR)
            except (UnidentifiedImageError, OSError) as error:
                raise CorruptDataError(f"cannot read image {file}: {error}; replace or remove the file") from error
            array = np.asarray(converted, dtype=np.float32) / 255.0
            arrays.append(array[None] if channels == 1 else array.transpose(2, 0, 1))
            labels.append(label)
    if not arrays:
        raise DatasetNotFoundError(
            f"{folder} has no images with a known extension ({', '.join(IMAGE_EXTENSIONS)}) in its class folders"
        )
    return np.stack(arrays), np.asarray(labels, dtype=np.int64)


def first_image_size(path: Path) -> tuple[int, int]:
    """The (height, width) of the first training image, the default size of an image folder."""
    for class_folder in sorted((path / "train").iterdir()):
        for file in sorted(class_folder.iterdir()) if class_folder.is_dir() else ():
            if file.suffix.lower() in IMAGE_EXTENSIONS:
                with Image.open(file) as image:
                    return image.height, image.width
    raise DatasetNotFoundError(f"{path}/train/ contains no images")


def idx_paths(path: Path, split: str) -> tuple[Path, Path]:
    """The image and label files of ``split``: MNIST's names, with or without ``.gz``."""
    prefix = IDX_PREFIXES[split]
    found = []
    for kind in ("images-idx3", "labels-idx1"):
        name = f"{prefix}-{kind}-ubyte"
        candidates = [path / f"{name}.gz", path / name]
        match = next((candidate for candidate in candidates if candidate.is_file()), None)
        if match is None:
            raise DatasetNotFoundError(f"IDX dataset {path} has no {name}.gz or {name}; put the {split} files there")
        found.append(match)
    return found[0], found[1]


def read_idx_folder(path: Path, split: str, num_classes: int) -> ImageTensorDataset:
    """Read MNIST-style IDX files of ``split``; pixels scaled to [0, 1], then normalized with train statistics."""
    check_split(split)
    image_path, label_path = idx_paths(path, split)
    images = read_idx(image_path, IDX_IMAGES_MAGIC).astype(np.float32) / 255.0
    labels = read_idx(label_path, IDX_LABELS_MAGIC).astype(np.int64)
    if len(images) != len(labels):
        raise CorruptDataError(f"{image_path} contains {len(images)} images but {label_path} contains {len(labels)} labels")
    train_images = images if split == "train" else read_idx(idx_paths(path, "train")[0], IDX_IMAGES_MAGIC) / 255.0
    mean, std = float(train_images.mean()), float(train_images.std()) + 1e-6
    normalized = torch.from_numpy(((images - mean) / std).astype(np.float32)).unsqueeze(1)
    return ImageTensorDataset(normalized, torch.from_numpy(labels), [str(i) for i in range(num_classes)])


def idx_shape(path: Path) -> tuple[tuple[int, int], int]:
    """The (height, width) of the training images and the number of classes (largest label + 1)."""
    image_path, label_path = idx_paths(path, "train")
    images = read_idx(image_path, IDX_IMAGES_MAGIC)
    labels = read_idx(label_path, IDX_LABELS_MAGIC)
    if images.ndim != 3:
        raise CorruptDataError(f"{image_path} has shape {images.shape}; expected [N, height, width] grayscale images")
    return (images.shape[1], images.shape[2]), int(labels.max()) + 1 if len(labels) else 0
