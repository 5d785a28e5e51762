"""Fixed-size tensors for detection and segmentation samples, built with torchvision.transforms.v2.

Every image is resized to ``size x size`` and the aspect ratio is not kept,
so a batch is one ``[B, 3, size, size]`` tensor. Boxes, masks and the
metrics computed from them are in that resized frame. Training samples are
flipped horizontally with probability 1/2, drawn from torch's global
generator, which the runner seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision import tv_tensors
from torchvision.transforms.v2 import functional as TF

# torchvision's ImageNet statistics, the usual normalization for models trained from scratch as well.
IMAGE_MEAN = (0.485, 0.456, 0.406)
IMAGE_STD = (0.229, 0.224, 0.225)

# Label of pixels that no class covers (VOC object borders, ADE20K "other").
IGNORE_INDEX = 255

# A detection source item: (RGB image, boxes [N, 4] xyxy in pixels, labels [N], iscrowd [N]).
DetectionItem = tuple[Image.Image, torch.Tensor, torch.Tensor, torch.Tensor]
# A segmentation source item: (RGB image, class-index mask with IGNORE_INDEX for unlabeled pixels).
SegmentationItem = tuple[Image.Image, np.ndarray]


def _image_tensor(image: Image.Image) -> torch.Tensor:
    return TF.to_dtype(TF.to_image(image.convert("RGB")), torch.float32, scale=True)


def _resize_normalize(pixels: torch.Tensor, size: int) -> torch.Tensor:
    # Normalizing before the random flip gives the same result, because the flip does not mix channels.
    return TF.normalize(TF.resize(pixels, [size, size], antialias=True), IMAGE_MEAN, IMAGE_STD)


class DetectionDataset(Dataset):
    """Samples ``(image [3, size, size], {"boxes", "labels", "iscrowd"})`` from a source of items.

    ``source(index)`` returns a :data:`DetectionItem`. Boxes narrower or
    lower than one pixel after resizing are dropped. With ``cache`` the
    resized samples are kept in memory after their first use (for small
    datasets); the flip is applied after the cache.
    """

    def __init__(
        self,
        source: Callable[[int], DetectionItem],
        length: int,
        size: int,
        train: bool,
        class_names: Sequence[str],
        cache: bool = False,
    ):
        self.source = source
        self.length = length
        self.size = size
        self.train = train
        self.class_names = tuple(class_names)
        self._cache: dict[int, tuple[torch.Tensor, tv_tensors.BoundingBoxes, torch.Tensor, torch.Tensor]] | None
        self._cache = {} if cache else None

    def __len__(self) -> int:
        return self.length

    def _resized(self, index: int):
        if self._cache is not None and index in self._cache:
            return self._cache[index]
        image, boxes, labels, iscrowd = self.source(index)
        pixels = _image_tensor(image)
        boxes = tv_tensors.BoundingBoxes(
            boxes.reshape(-1, 4).float(), format="XYXY", canvas_size=tuple(pixels.shape[-2:])
        )
        pixels = _resize_normalize(pixels, self.size)
        boxes = TF.resize(boxes, [self.size, self.size])
        keep = ((boxes[:, 2] - boxes[:, 0]) >= 1) & ((boxes[:, 3] - boxes[:, 1]) >= 1)
        sample = (pixels, boxes[keep], labels.reshape(-1)[keep].long(), iscrowd.reshape(-1)[keep].long())
        if self._cache is not None:
            self._cache[index] = sample
        return sample

    def __getitem__(self, index: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        pixels, boxes, labels, iscrowd = self._resized(index)
        if self.train and torch.rand(()) < 0.5:
            pixels, boxes = TF.horizontal_flip(pixels), TF.horizontal_flip(boxes)
        target = {"boxes": boxes.as_subclass(torch.Tensor), "labels": labels, "iscrowd": iscrowd}
        return pixels, target


class SegmentationDataset(Dataset):
    """Samples ``(image [3, size, size], mask [size, size] int64)`` from a source of items.

    ``source(index)`` returns a :data:`SegmentationItem`. The mask is
    resized with nearest-neighbour interpolation, so it keeps class indices
    and :data:`IGNORE_INDEX`. ``cache`` works as in :class:`DetectionDataset`.
    """

    def __init__(
        self,
        source: Callable[[int], SegmentationItem],
        length: int,
        size: int,
        train: bool,
        class_names: Sequence[str],
        cache: bool = False,
    ):
        self.source = source
        self.length = length
        self.size = size
        self.train = train
        self.class_names = tuple(class_names)
        self._cache: dict[int, tuple[torch.Tensor, tv_tensors.Mask]] | None = {} if cache else None

    def __len__(self) -> int:
        return self.length

    def _resized(self, index: int):
        if self._cache is not None and index in self._cache:
            return self._cache[index]
        image, mask = self.source(index)
        pixels = _resize_normalize(_image_tensor(image), self.size)
        labels = tv_tensors.Mask(torch.from_numpy(np.asarray(mask, dtype=np.int64))[None])
        labels = TF.resize(labels, [self.size, self.size])
        sample = (pixels, labels)
        if self._cache is not None:
            self._cache[index] = sample
        return sample

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        pixels, labels = self._resized(index)
        if self.train and torch.rand(()) < 0.5:
            pixels, labels = TF.horizontal_flip(pixels), TF.horizontal_flip(labels)
        return pixels, labels.as_subclass(torch.Tensor)[0]


def detection_collate(batch: Sequence[tuple[torch.Tensor, dict[str, Any]]]):
    """Stack the fixed-size images and keep the targets as a list (their box counts differ)."""
    images, targets = zip(*batch)
    return torch.stack(images), list(targets)
