"""ImageNet-1k (ILSVRC 2012) loader: torchvision's ImageNet layout, or a plain ImageFolder copy.

Layouts under the data root::

    <root>/imagenet/ILSVRC2012_devkit_t12.tar.gz    (with train/ and val/ below: torchvision's layout)
    <root>/imagenet/train/<wnid>/*.JPEG
    <root>/imagenet/val/<wnid>/*.JPEG

With the devkit archive, ``torchvision.datasets.ImageNet`` reads the class
names from it (and sorts the official validation archive into ``val/<wnid>/``
when only ``ILSVRC2012_img_val.tar`` is present). Without it the two folders
are read as an ImageFolder and the classes are the folder names.
NOTE: torchvision writes ``meta.bin`` into ``<root>/imagenet`` the first
time it parses the devkit, so that first run needs a writable folder. ImageNet is
never downloaded: its archives need a registered account at image-net.org.
Images are decoded lazily with the standard preprocessing: random resized
crop and horizontal flip for train, resize to 256 and center crop for test,
224x224 pixels, normalized with the usual ImageNet mean and std.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch
from torch.utils.data import Dataset
from torchvision import transforms
from torchvision.datasets import ImageFolder, ImageNet

from asnbench.errors import DatasetNotFoundError

from .download import DATA_ROOT_HINT
from .in_memory import check_split

logger = logging.getLogger("asnbench.data")

FOLDER = "imagenet"
DEVKIT = "ILSVRC2012_devkit_t12.tar.gz"
META_FILE = "meta.bin"  # torchvision's parsed copy of the devkit, written next to it
ARCHIVES = {"train": "ILSVRC2012_img_train.tar", "test": "ILSVRC2012_img_val.tar"}
SPLIT_FOLDERS = {"train": "train", "test": "val"}
IMAGE_SIZE = 224
# Per-channel mean and std of the ImageNet training images as torchvision's reference scripts use them.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def preprocessing(split: str) -> transforms.Compose:
    """Return the standard train (random resized crop, flip) or test (resize, center crop) transform."""
    if split == "train":
        steps = [transforms.RandomResizedCrop(IMAGE_SIZE), transforms.RandomHorizontalFlip()]
    else:
        steps = [transforms.Resize(256), transforms.CenterCrop(IMAGE_SIZE)]
    return transforms.Compose([*steps, transforms.ToTensor(), transforms.Normalize(MEAN, STD)])


class ImageFolderSplit(Dataset[tuple[torch.Tensor, int]]):
    """A torchvision ImageFolder (or ImageNet) split restricted to ``indices``, with ``subset``."""

    def __init__(self, folder: ImageFolder, indices: list[int] | None = None):
        self.folder = folder
        self.indices = list(range(len(folder))) if indices is None else indices
        self.classes = list(folder.classes)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.folder[self.indices[index]]

    def subset(self, n: int, seed: int) -> ImageFolderSplit:
        """Return a seeded random subset of ``n`` images, in the original order."""
        if n < 1:
            raise ValueError(f"Invalid subset size {n}: expected at least 1.")
        generator = torch.Generator().manual_seed(seed)
        chosen = torch.randperm(len(self), generator=generator)[: min(n, len(self))].sort().values
        return ImageFolderSplit(self.folder, [self.indices[i] for i in chosen.tolist()])


def load_imagenet(root: Path, split: str, download: bool = True) -> ImageFolderSplit:
    """Load the ImageNet train or validation ("test") split, decoded lazily.

    ``download`` is accepted for the loader interface, but ImageNet is never
    downloaded. Raises DatasetNotFoundError naming the folder and files when
    neither layout is present.
    """
    check_split(split)
    folder = Path(root).absolute() / FOLDER
    split_folder = folder / SPLIT_FOLDERS[split]
    transform = preprocessing(split)
    has_images = split_folder.is_dir() and any(path.is_dir() for path in split_folder.iterdir())
    has_devkit = (folder / DEVKIT).is_file() or (folder / META_FILE).is_file()
    if has_devkit and (has_images or (folder / ARCHIVES[split]).is_file()):
        dataset: ImageFolder = ImageNet(str(folder), split=SPLIT_FOLDERS[split], transform=transform)
        # ImageNet's classes are tuples of synonyms; keep the first, most common name.
        dataset.classes = [names[0] for names in dataset.classes]
        layout = "torchvision ImageNet layout with the devkit"
    elif has_images:
        dataset = ImageFolder(str(split_folder), transform=transform)
        layout = "ImageFolder layout without the devkit (class names are the folder names)"
    else:
        raise DatasetNotFoundError(
            f"ImageNet {split} split not found: expected {split_folder}/<wnid>/*.JPEG, optionally with "
            f"{folder / DEVKIT}, or {DEVKIT} and {ARCHIVES[split]} in {folder}. ImageNet is not downloaded "
            f"automatically: get the archives from https://image-net.org (registration required), or "
            f"{DATA_ROOT_HINT} {FOLDER}/."
        )
    logger.info("Loaded ImageNet %s split: %d images from %s (%s)", split, len(dataset), folder, layout)
    return ImageFolderSplit(dataset)
