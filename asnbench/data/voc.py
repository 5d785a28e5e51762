"""PASCAL VOC detection (VOC XML) and segmentation (PNG masks) through torchvision's VOC datasets.

Layout under the data root (the VOCdevkit folder of the official tar files)::

    <root>/voc/VOCdevkit/VOC2007/{JPEGImages,Annotations,ImageSets/Main}
    <root>/voc/VOCdevkit/VOC2012/{JPEGImages,Annotations,ImageSets/Main}
    <root>/voc/VOCdevkit/VOC2012/{SegmentationClass,ImageSets/Segmentation}

Detection trains on VOC 2007 trainval + VOC 2012 trainval and tests on VOC
2007 test, the usual "07+12" protocol. Objects marked difficult are dropped
from training and passed as ``iscrowd`` at test time, so detecting them
neither helps nor hurts. Segmentation trains on VOC 2012 train and tests on
VOC 2012 val; the object borders (255) are ignored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch.utils.data import ConcatDataset

from asnbench.errors import CorruptDataError

from .dense import DetectionDataset, SegmentationDataset
from .download import DATA_ROOT_HINT, download_or_raise

FOLDER = "voc"
CLASS_NAMES = (
    "background",
    "aeroplane",
    "bicycle",
    "bird",
    "boat",
    "bottle",
    "bus",
    "car",
    "cat",
    "chair",
    "cow",
    "diningtable",
    "dog",
    "horse",
    "motorbike",
    "person",
    "pottedplant",
    "sheep",
    "sofa",
    "train",
    "tvmonitor",
)
_CLASS_INDEX = {name: index for index, name in enumerate(CLASS_NAMES)}

# (year, image set) pairs of each split.
DETECTION_SPLITS = {"train": (("2007", "trainval"), ("2012", "trainval")), "test": (("2007", "test"),)}
SEGMENTATION_SPLITS = {"train": (("2012", "train"),), "test": (("2012", "val"),)}


def _check_split(split: str, splits: dict) -> None:
    if split not in splits:
        raise ValueError(f"split must be one of {tuple(splits)}, got {split!r}")


def _open(cls, root: Path, year: str, image_set: str, download: bool):
    """Construct torchvision's ``cls`` for one (year, image set), downloading or raising when missing."""
    voc_root = Path(root) / FOLDER
    try:
        return cls(str(voc_root), year=year, image_set=image_set, download=False)
    # torchvision raises RuntimeError for a missing VOCdevkit folder and OSError for a missing image-set list.
    except (RuntimeError, OSError):
        missing = (
            f"VOC {year} {image_set} not found in {voc_root / 'VOCdevkit' / f'VOC{year}'}; {DATA_ROOT_HINT} "
            f"{FOLDER}/VOCdevkit/VOC{year}/ from the official VOCtrainval/VOCtest tar files."
        )

        def fetch() -> None:
            cls(str(voc_root), year=year, image_set=image_set, download=True)

        download_or_raise(f"VOC {year} {image_set}", download, fetch, missing)
        return cls(str(voc_root), year=year, image_set=image_set, download=False)


def parse_objects(annotation: dict, keep_difficult: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Boxes (xyxy, pixel edges), labels and difficult flags of one parsed VOC XML annotation.

    VOC coordinates are 1-based and inclusive, so ``xmin - 1`` and ``xmax``
    are the box edges in 0-based pixel coordinates.
    """
    objects = annotation["annotation"].get("object", [])
    if isinstance(objects, dict):
        objects = [objects]
    boxes, labels, difficult = [], [], []
    for entry in objects:
        name = entry["name"].strip()
        if name not in _CLASS_INDEX:
            raise CorruptDataError(f"unknown VOC class {name!r} in {annotation['annotation'].get('filename')}")
        is_difficult = int(entry.get("difficult", "0")) == 1
        if is_difficult and not keep_difficult:
            continue
        box = entry["bndbox"]
        boxes.append([float(box["xmin"]) - 1, float(box["ymin"]) - 1, float(box["xmax"]), float(box["ymax"])])
        labels.append(_CLASS_INDEX[name])
        difficult.append(int(is_difficult))
    return (
        torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        torch.tensor(labels, dtype=torch.int64),
        torch.tensor(difficult, dtype=torch.int64),
    )


def load_voc_detection(root: Path, split: str, download: bool = True, image_size: int = 512) -> DetectionDataset:
    """VOC 07+12 detection; labels 1..20 in :data:`CLASS_NAMES` order, difficult objects as ``iscrowd``."""
    from torchvision.datasets import VOCDetection

    _check_split(split, DETECTION_SPLITS)
    parts = ConcatDataset([_open(VOCDetection, root, y, s, download) for y, s in DETECTION_SPLITS[split]])
    keep_difficult = split == "test"

    def item(index: int):
        image, annotation = parts[index]
        boxes, labels, difficult = parse_objects(annotation, keep_difficult)
        return image, boxes, labels, difficult

    return DetectionDataset(item, len(parts), image_size, split == "train", CLASS_NAMES)


def load_voc_segmentation(
    root: Path, split: str, download: bool = True, image_size: int = 512
) -> SegmentationDataset:
    """VOC 2012 segmentation; classes 0 (background) to 20, 255 ignored."""
    from torchvision.datasets import VOCSegmentation

    _check_split(split, SEGMENTATION_SPLITS)
    parts = ConcatDataset([_open(VOCSegmentation, root, y, s, download) for y, s in SEGMENTATION_SPLITS[split]])

    def item(index: int):
        image, mask = parts[index]
        return image, np.asarray(mask, dtype=np.int64)

    return SegmentationDataset(item, len(parts), image_size, split == "train", CLASS_NAMES)
