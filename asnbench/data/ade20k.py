"""ADE20K SceneParsing (150 classes) in the ADEChallengeData2016 layout.

Layout under the data root::

    <root>/ade20k/ADEChallengeData2016/images/{training,validation}/ADE_*.jpg
    <root>/ade20k/ADEChallengeData2016/annotations/{training,validation}/ADE_*.png

Annotation value 0 means "other" and is ignored; values 1..150 become
classes 0..149. The "test" split is the validation folder (2,000 images),
because the challenge test set has no public annotations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from asnbench.errors import CorruptDataError, DatasetNotFoundError

from .dense import IGNORE_INDEX, SegmentationDataset
from .download import DATA_ROOT_HINT

FOLDER = Path("ade20k") / "ADEChallengeData2016"
SPLITS = {"train": "training", "test": "validation"}
NUM_CLASSES = 150


def ade20k_labels(annotation: np.ndarray) -> np.ndarray:
    """Shift ADE20K values 1..150 to classes 0..149 and map 0 ("other") to the ignore index."""
    labels = annotation.astype(np.int64) - 1
    labels[annotation == 0] = IGNORE_INDEX
    return labels


def load_ade20k(root: Path, split: str, download: bool = True, image_size: int = 512) -> SegmentationDataset:
    """ADE20K pairs of ``images/<split>/X.jpg`` and ``annotations/<split>/X.png``; never downloaded here."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {tuple(SPLITS)}, got {split!r}")
    folder = Path(root) / FOLDER
    images_dir, masks_dir = folder / "images" / SPLITS[split], folder / "annotations" / SPLITS[split]
    names = sorted(p.stem for p in images_dir.glob("*.jpg"))
    if not names:
        raise DatasetNotFoundError(
            f"no ADE20K images in {images_dir}; {DATA_ROOT_HINT} {FOLDER}/images/{SPLITS[split]}/ and "
            f"{FOLDER}/annotations/{SPLITS[split]}/ from ADEChallengeData2016.zip (asnbench does not download it)."
        )
    class_names = tuple(f"class_{index}" for index in range(1, NUM_CLASSES + 1))

    def item(index: int):
        name = names[index]
        mask_path = masks_dir / f"{name}.png"
        if not mask_path.exists():
            raise DatasetNotFoundError(f"annotation {mask_path} for image {name}.jpg not found")
        try:
            image = Image.open(images_dir / f"{name}.jpg").convert("RGB")
            annotation = np.asarray(Image.open(mask_path))
        except OSError as error:
            raise CorruptDataError(f"cannot read ADE20K image or annotation {name}: {error}") from error
        if annotation.max(initial=0) > NUM_CLASSES:
            raise CorruptDataError(f"{mask_path} has value {annotation.max()}, above the {NUM_CLASSES} classes")
        return image, ade20k_labels(annotation)

    return SegmentationDataset(item, len(names), image_size, split == "train", class_names)
