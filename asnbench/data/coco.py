"""COCO 2017 detection (COCO JSON) through torchvision's CocoDetection.

Layout under the data root::

    <root>/coco/train2017/*.jpg
    <root>/coco/val2017/*.jpg
    <root>/coco/annotations/instances_{train,val}2017.json

The "test" split is val2017, because test2017 has no public annotations.
The 80 sparse category ids (1 to 90) are mapped to labels 1..80 in id order.
Crowd annotations are dropped from training and passed as ``iscrowd`` at
test time.
"""

from __future__ import annotations

from pathlib import Path

import torch

from asnbench.errors import DatasetNotFoundError

from .dense import DetectionDataset
from .download import DATA_ROOT_HINT

FOLDER = "coco"
SPLITS = {"train": "train2017", "test": "val2017"}


def coco_targets(annotations: list[dict], label_of: dict[int, int], keep_crowd: bool):
    """Boxes (xyxy), labels and crowd flags from one image's COCO annotations (``bbox`` is x, y, w, h)."""
    boxes, labels, crowd = [], [], []
    for entry in annotations:
        is_crowd = int(entry.get("iscrowd", 0))
        if is_crowd and not keep_crowd:
            continue
        x, y, w, h = entry["bbox"]
        boxes.append([x, y, x + w, y + h])
        labels.append(label_of[entry["category_id"]])
        crowd.append(is_crowd)
    return (
        torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        torch.tensor(labels, dtype=torch.int64),
        torch.tensor(crowd, dtype=torch.int64),
    )


def load_coco_detection(root: Path, split: str, download: bool = True, image_size: int = 512) -> DetectionDataset:
    """COCO 2017 detection, labels 1..80; ``download`` is accepted but COCO is never downloaded here."""
    from torchvision.datasets import CocoDetection

    if split not in SPLITS:
        raise ValueError(f"split must be one of {tuple(SPLITS)}, got {split!r}")
    name = SPLITS[split]
    folder = Path(root) / FOLDER
    images, annotation_file = folder / name, folder / "annotations" / f"instances_{name}.json"
    if not images.is_dir() or not annotation_file.is_file():
        raise DatasetNotFoundError(
            f"COCO {name} not found: expected {images}/ and {annotation_file}; {DATA_ROOT_HINT} "
            f"{FOLDER}/{name}/ and {FOLDER}/annotations/instances_{name}.json from cocodataset.org "
            "(asnbench does not download COCO)."
        )
    dataset = CocoDetection(str(images), str(annotation_file))
    category_ids = sorted(dataset.coco.getCatIds())
    label_of = {category: index + 1 for index, category in enumerate(category_ids)}
    names = ["background"] + [dataset.coco.cats[c]["name"] for c in category_ids]
    keep_crowd = split == "test"

    def item(index: int):
        image, annotations = dataset[index]
        return (image, *coco_targets(annotations, label_of, keep_crowd))

    return DetectionDataset(item, len(dataset), image_size, split == "train", names)
