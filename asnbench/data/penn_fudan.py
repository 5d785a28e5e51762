"""Penn-Fudan pedestrians for detection and person-vs-background segmentation.

Layout under the data root (the official PennFudanPed.zip, extracted)::

    <root>/penn_fudan_ped/PennFudanPed/PNGImages/<name>.png
    <root>/penn_fudan_ped/PennFudanPed/PedMasks/<name>_mask.png

A mask pixel is 0 for background and k for pedestrian k. Boxes are derived
from the masks, as in torchvision's detection fine-tuning tutorial. The
dataset has no official split. Here the sorted image names are shuffled with
the fixed seed :data:`SPLIT_SEED` (independent of the run seed) and the first
:func:`held_out_count` images are the test split: 50 of the 170 images, the test
size of torchvision's tutorial.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from asnbench.errors import CorruptDataError, DatasetNotFoundError

from .dense import DetectionDataset, SegmentationDataset
from .download import DATA_ROOT_HINT, download_or_raise

FOLDER = Path("penn_fudan_ped") / "PennFudanPed"
URL = "https://www.cis.upenn.edu/~jshi/ped_html/PennFudanPed.zip"
SPLIT_SEED = 0
CLASS_NAMES = ("background", "person")
SPLITS = ("train", "test")


def held_out_count(total: int) -> int:
    """Number of test images: 50/170 of the images, rounded, at least 1 (50 of the real 170)."""
    return max(1, round(total * 50 / 170))


def split_names(folder: Path, split: str) -> list[str]:
    """Image names (without ``.png``) of ``split`` under ``folder``, in a fixed order."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    names = sorted(p.stem for p in (folder / "PNGImages").glob("*.png"))
    order = torch.randperm(len(names), generator=torch.Generator().manual_seed(SPLIT_SEED)).tolist()
    cut = held_out_count(len(names))
    chosen = order[:cut] if split == "test" else order[cut:]
    return [names[i] for i in sorted(chosen)]


def _folder(root: Path, download: bool) -> Path:
    folder = Path(root) / FOLDER
    if not any((folder / "PNGImages").glob("*.png")):

        def fetch() -> None:
            from torchvision.datasets.utils import download_and_extract_archive

            download_and_extract_archive(URL, str(Path(root) / "penn_fudan_ped"))

        missing = (
            f"Penn-Fudan images not found in {folder / 'PNGImages'}; {DATA_ROOT_HINT} "
            f"{FOLDER}/PNGImages and {FOLDER}/PedMasks (PennFudanPed.zip from {URL})."
        )
        download_or_raise("Penn-Fudan", download, fetch, missing)
    return folder


def _read(folder: Path, name: str) -> tuple[Image.Image, np.ndarray]:
    mask_path = folder / "PedMasks" / f"{name}_mask.png"
    if not mask_path.exists():
        raise DatasetNotFoundError(f"mask {mask_path} for image {name}.png not found; restore it from PennFudanPed.zip")
    try:
        image = Image.open(folder / "PNGImages" / f"{name}.png")
        image.load()
        mask = np.asarray(Image.open(mask_path))
    except OSError as error:
        raise CorruptDataError(f"cannot read Penn-Fudan image or mask {name}: {error}") from error
    if mask.shape != (image.height, image.width):
        raise CorruptDataError(
            f"mask {mask_path} is {mask.shape[1]}x{mask.shape[0]}, image {name}.png is {image.width}x{image.height}"
        )
    return image, mask


def _boxes(mask: np.ndarray) -> torch.Tensor:
    """One xyxy box per pedestrian id in ``mask``; the right and bottom edges are exclusive."""
    boxes = []
    for instance in np.unique(mask):
        if instance == 0:
            continue
        ys, xs = np.nonzero(mask == instance)
        boxes.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
    return torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)


def load_penn_fudan_detection(root: Path, split: str, download: bool = True, image_size: int = 128) -> DetectionDataset:
    """Pedestrian boxes, label 1 (``person``), images resized to ``image_size`` squared."""
    folder = _folder(root, download)
    names = split_names(folder, split)

    def item(index: int):
        image, mask = _read(folder, names[index])
        boxes = _boxes(mask)
        count = boxes.shape[0]
        return image, boxes, torch.ones(count, dtype=torch.int64), torch.zeros(count, dtype=torch.int64)

    return DetectionDataset(item, len(names), image_size, split == "train", CLASS_NAMES, cache=True)


def load_penn_fudan_segmentation(
    root: Path, split: str, download: bool = True, image_size: int = 128
) -> SegmentationDataset:
    """Person-vs-background masks (class 1 = any pedestrian), resized to ``image_size`` squared."""
    folder = _folder(root, download)
    names = split_names(folder, split)

    def item(index: int):
        image, mask = _read(folder, names[index])
        return image, (mask > 0).astype(np.int64)

    return SegmentationDataset(item, len(names), image_size, split == "train", CLASS_NAMES, cache=True)
