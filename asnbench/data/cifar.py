"""CIFAR-10 and CIFAR-100 loaders.

Layouts under the data root::

    <root>/cifar10/cifar-10-batches-py/{data_batch_1..data_batch_5, test_batch, batches.meta}
    <root>/cifar100/cifar-100-python/{train, test, meta}
    <root>/cifar10_jpeg_subset/{train,test}/<class name>/*.jpg   (CIFAR-10 only)

The python batches are the official pickles, read in memory without checksums so that
small or partial copies load as well. torchvision supplies the file names, URLs and the
download. CIFAR-100 uses the 100 fine labels.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image
from torchvision.datasets import CIFAR10, CIFAR100

from asnbench.errors import CorruptDataError, DatasetNotFoundError

from .download import DATA_ROOT_HINT, download_or_raise
from .in_memory import ImageTensorDataset, check_split

logger = logging.getLogger("asnbench.data")

# The official label order of CIFAR-10 (batches.meta), which is also alphabetical, so
# sorted folder names of an ImageFolder layout give the official class ids.
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

JPEG_SUBSET_FOLDER = "cifar10_jpeg_subset"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
IMAGE_SIZE = 32
PIXELS_PER_IMAGE = 3 * IMAGE_SIZE * IMAGE_SIZE


class _RootDownloader:
    """Mixin that points torchvision's CIFAR download at an asnbench dataset folder.

    It skips the torchvision constructor, which would also load and checksum the data,
    so an instance can only ``download()``.
    """

    def __init__(self, root: Path):
        self.root = str(root)


class _CIFAR10Downloader(_RootDownloader, CIFAR10):
    pass


class _CIFAR100Downloader(_RootDownloader, CIFAR100):
    pass


@dataclass(frozen=True)
class _PickleDataset:
    name: str
    folder: str
    downloader: type[CIFAR10]
    label_key: str
    class_names_key: str
    num_classes: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]

    def batch_folder(self, root: Path) -> Path:
        return root / self.folder / self.downloader.base_folder

    def file_names(self, split: str) -> list[str]:
        batches = self.downloader.train_list if split == "train" else self.downloader.test_list
        return [name for name, _ in batches] + [self.downloader.meta["filename"]]


# Per-channel mean and std of the training pixels scaled to [0, 1], as widely quoted for
# the official training sets.
# NOTE: these constants are not recomputed here from the data.
_CIFAR10 = _PickleDataset(
    "CIFAR-10",
    "cifar10",
    _CIFAR10Downloader,
    label_key="labels",
    class_names_key="label_names",
    num_classes=10,
    mean=(0.4914, 0.4822, 0.4465),
    std=(0.2470, 0.2435, 0.2616),
)
_CIFAR100 = _PickleDataset(
    "CIFAR-100",
    "cifar100",
    _CIFAR100Downloader,
    label_key="fine_labels",
    class_names_key="fine_label_names",
    num_classes=100,
    mean=(0.5071, 0.4865, 0.4409),
    std=(0.2673, 0.2564, 0.2762),
)


def load_cifar10(root: Path, split: str, download: bool = True) -> ImageTensorDataset:
    """Load a CIFAR-10 split as normalized ``[3, 32, 32]`` images.

    The official python batches are used when all files of the split are present.
    Otherwise the JPEG layout ``<root>/cifar10_jpeg_subset/<split>/<class name>/`` is
    read if it exists. That layout is a lossy re-encoding, often of a subset, and is not
    canonical CIFAR-10, so accuracies on it are not comparable with published ones. When
    neither layout exists, the python batches are downloaded if allowed. The logger
    ``asnbench.data`` records which layout was used.

    Raises DatasetNotFoundError when no layout is present and downloading is disabled or
    fails, and CorruptDataError naming the file when a file cannot be parsed.
    """
    check_split(split)
    root = Path(root).absolute()
    missing = _missing_files(_CIFAR10, root, split)
    if not missing:
        return _read_pickle_dataset(_CIFAR10, root, split)

    jpeg_folder = root / JPEG_SUBSET_FOLDER / split
    if jpeg_folder.is_dir():
        if _CIFAR10.batch_folder(root).is_dir():
            logger.warning(
                "The CIFAR-10 python batches in %s lack %s, so the JPEG subset is used",
                _CIFAR10.batch_folder(root),
                ", ".join(missing),
            )
        return _read_jpeg_subset(jpeg_folder, split)

    return _download_pickle_dataset(_CIFAR10, root, split, missing, download)


def load_cifar100(root: Path, split: str, download: bool = True) -> ImageTensorDataset:
    """Load a CIFAR-100 split with its 100 fine labels as normalized ``[3, 32, 32]`` images.

    Errors are the same as for ``load_cifar10``. CIFAR-100 has no JPEG layout.
    """
    check_split(split)
    root = Path(root).absolute()
    missing = _missing_files(_CIFAR100, root, split)
    if not missing:
        return _read_pickle_dataset(_CIFAR100, root, split)
    return _download_pickle_dataset(_CIFAR100, root, split, missing, download)


def _missing_files(spec: _PickleDataset, root: Path, split: str) -> list[str]:
    folder = spec.batch_folder(root)
    return [name for name in spec.file_names(split) if not (folder / name).is_file()]


def _download_pickle_dataset(
    spec: _PickleDataset, root: Path, split: str, missing: list[str], download: bool
) -> ImageTensorDataset:
    message = _missing_message(spec, root, split, missing)
    downloader = spec.downloader(root / spec.folder)
    download_or_raise(spec.name, download, downloader.download, message)
    if _missing_files(spec, root, split):
        raise DatasetNotFoundError(f"{message} The download finished without these files.")
    return _read_pickle_dataset(spec, root, split)


def _missing_message(spec: _PickleDataset, root: Path, split: str, missing: list[str]) -> str:
    dataset_folder = root / spec.folder
    needed = spec.file_names(split)
    message = f"{spec.name} {split} split not found: missing {', '.join(missing)} in {spec.batch_folder(root)}."
    if len(missing) < len(needed):
        message += f" The {split} split needs {', '.join(needed)}."
    message += (
        f" Download {spec.downloader.url} and extract it into {dataset_folder}, "
        f"which creates {spec.downloader.base_folder}/."
    )
    if spec is _CIFAR10:
        message += (
            f" Alternatively, put JPEG images in {root / JPEG_SUBSET_FOLDER / split}/<class name>/ "
            f"with exactly the class folders {', '.join(CIFAR10_CLASSES)}."
        )
        return f"{message} Or {DATA_ROOT_HINT} {spec.folder}/{spec.downloader.base_folder}/ or {JPEG_SUBSET_FOLDER}/."
    return f"{message} Or {DATA_ROOT_HINT} {spec.folder}/{spec.downloader.base_folder}/."


class _BatchUnpickler(pickle.Unpickler):
    """Unpickler that builds only dicts, lists, strings and numpy arrays.

    The official batches are Python 2 pickles of numpy arrays. Python 3 pickles of the
    same content also need ``_codecs.encode`` for bytes. Rejecting every other global
    keeps a planted file in the data root from running code.
    """

    _ALLOWED_GLOBALS = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"the global {module}.{name} is not allowed in a CIFAR batch")
        return super().find_class(module, name)


def _unpickle(path: Path) -> dict[str, Any]:
    """Read a CIFAR pickle and return it with str keys.

    The official files have Python 2 str keys, which latin-1 decoding turns into str,
    and copies written by Python 3 often have bytes keys such as ``b"data"``.
    """
    try:
        with path.open("rb") as file:
            content = _BatchUnpickler(file, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as error:
        raise CorruptDataError(f"Cannot unpickle {path}: {error}. The file is truncated or corrupt.") from error
    if not isinstance(content, dict):
        raise CorruptDataError(f"{path} contains a {type(content).__name__}, expected a dict.")
    return {_as_str(key): value for key, value in content.items()}


def _as_str(value: Any) -> Any:
    return value.decode("latin1") if isinstance(value, bytes) else value


def _read_class_names(spec: _PickleDataset, path: Path) -> list[str]:
    meta = _unpickle(path)
    if spec.class_names_key not in meta:
        raise CorruptDataError(f"{path} has no {spec.class_names_key!r} entry.")
    names = [_as_str(name) for name in meta[spec.class_names_key]]
    if len(names) != spec.num_classes or not all(isinstance(name, str) for name in names):
        raise CorruptDataError(
            f"{path} must list {spec.num_classes} class names under "
            f"{spec.class_names_key!r}, found {len(names)}."
        )
    return names


def _read_batch(spec: _PickleDataset, path: Path) -> tuple[np.ndarray, np.ndarray]:
    batch = _unpickle(path)
    for key in ("data", spec.label_key):
        if key not in batch:
            raise CorruptDataError(f"{path} has no {key!r} entry.")

    data = batch["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != PIXELS_PER_IMAGE:
        shape = getattr(data, "shape", None)
        dtype = getattr(data, "dtype", type(data).__name__)
        raise CorruptDataError(
            f"{path} has 'data' of shape {shape} and type {dtype}, expected uint8 "
            f"[N, {PIXELS_PER_IMAGE}] (3 channels of {IMAGE_SIZE}x{IMAGE_SIZE} pixels)."
        )

    labels = np.asarray(batch[spec.label_key])
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or len(labels) != len(data):
        raise CorruptDataError(
            f"{path} has {spec.label_key!r} of shape {labels.shape} and type {labels.dtype}, "
            f"expected {len(data)} integers, one per image."
        )
    if len(labels) > 0 and (labels.min() < 0 or labels.max() >= spec.num_classes):
        raise CorruptDataError(
            f"{path} has labels in [{labels.min()}, {labels.max()}], "
            f"expected 0 to {spec.num_classes - 1}."
        )
    return data, labels


def _read_pickle_dataset(spec: _PickleDataset, root: Path, split: str) -> ImageTensorDataset:
    folder = spec.batch_folder(root)
    logger.info("Loading %s %s split from the python batches in %s", spec.name, split, folder)
    *batch_names, meta_name = spec.file_names(split)
    classes = _read_class_names(spec, folder / meta_name)

    batches = [_read_batch(spec, folder / name) for name in batch_names]
    data = np.concatenate([data for data, _ in batches])
    labels = np.concatenate([labels for _, labels in batches])
    images = data.reshape(-1, 3, IMAGE_SIZE, IMAGE_SIZE)
    return _to_dataset(images, labels, classes, spec.mean, spec.std)


def _read_jpeg_subset(split_folder: Path, split: str) -> ImageTensorDataset:
    logger.info(
        "Loading CIFAR-10 %s split from the JPEG subset in %s, which is lossy and not canonical CIFAR-10",
        split,
        split_folder,
    )
    found = sorted(
        entry.name for entry in split_folder.iterdir() if entry.is_dir() and not entry.name.startswith(".")
    )
    if found != list(CIFAR10_CLASSES):
        raise CorruptDataError(
            f"{split_folder} must contain exactly the class folders {', '.join(CIFAR10_CLASSES)}, "
            f"found {', '.join(found) or 'none'}."
        )

    images: list[np.ndarray] = []
    labels: list[int] = []
    for label, name in enumerate(CIFAR10_CLASSES):
        class_folder = split_folder / name
        paths = sorted(
            path for path in class_folder.iterdir() if path.is_file() and path.suffix.lower() in IMAGE_EXTENSIONS
        )
        if not paths:
            raise DatasetNotFoundError(
                f"{class_folder} contains no images with the extensions {', '.join(IMAGE_EXTENSIONS)}."
            )
        images.extend(_read_image(path) for path in paths)
        labels.extend([label] * len(paths))

    pixels = np.stack(images).transpose(0, 3, 1, 2)  # [N, H, W, C] -> [N, C, H, W]
    return _to_dataset(pixels, np.array(labels), list(CIFAR10_CLASSES), _CIFAR10.mean, _CIFAR10.std)


def _read_image(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB"))
    except OSError as error:  # includes PIL.UnidentifiedImageError and truncated files
        raise CorruptDataError(f"Cannot decode the image {path}: {error}") from error
    if pixels.shape != (IMAGE_SIZE, IMAGE_SIZE, 3):
        raise CorruptDataError(
            f"{path} is {pixels.shape[1]}x{pixels.shape[0]} pixels, expected {IMAGE_SIZE}x{IMAGE_SIZE}."
        )
    return pixels


def _to_dataset(
    images: np.ndarray,
    labels: np.ndarray,
    classes: list[str],
    mean: tuple[float, float, float],
    std: tuple[float, float, float],
) -> ImageTensorDataset:
    """Scale uint8 ``[N, 3, H, W]`` pixels to [0, 1] and normalize each channel."""
    tensor = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255.0)
    tensor.sub_(torch.tensor(mean).view(1, 3, 1, 1)).div_(torch.tensor(std).view(1, 3, 1, 1))
    return ImageTensorDataset(tensor, torch.from_numpy(labels.astype(np.int64)), classes)
