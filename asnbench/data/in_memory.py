"""In-memory image-classification dataset shared by all image loaders."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch.utils.data import Dataset

SPLITS = ("train", "test")


def check_split(split: str) -> None:
    """Raise ValueError unless ``split`` is "train" or "test"."""
    if split not in SPLITS:
        raise ValueError(f"Invalid split {split!r}: expected one of {', '.join(SPLITS)}.")


class ImageTensorDataset(Dataset[tuple[torch.Tensor, int]]):
    """Image-classification dataset held in memory as two tensors.

    ``images`` is float32 ``[N, C, H, W]`` and already normalized. ``labels`` is int64
    ``[N]`` and contains indices into ``classes``. Keeping whole datasets in memory makes
    batching a plain tensor index.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, classes: Sequence[str]):
        if images.dtype != torch.float32 or images.dim() != 4:
            raise ValueError(
                f"images must be a float32 tensor [N, C, H, W], got {images.dtype} "
                f"with shape {tuple(images.shape)}."
            )
        if labels.dtype != torch.int64 or labels.dim() != 1:
            raise ValueError(
                f"labels must be an int64 tensor [N], got {labels.dtype} "
                f"with shape {tuple(labels.shape)}."
            )
        if images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"images has {images.shape[0]} samples but labels has {labels.shape[0]}."
            )
        if labels.numel() > 0 and (labels.min() < 0 or labels.max() >= len(classes)):
            raise ValueError(
                f"labels must lie in [0, {len(classes) - 1}] for {len(classes)} classes, "
                f"got the range [{int(labels.min())}, {int(labels.max())}]."
            )
        self.images = images
        self.labels = labels
        self.classes = list(classes)

    def __len__(self) -> int:
        return self.labels.shape[0]

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return self.images[index], int(self.labels[index])

    def subset(self, n: int, seed: int) -> ImageTensorDataset:
        """Return a class-balanced random subset of ``n`` samples.

        The classes are drawn in turn, so class counts differ by at most one while every
        class still has samples left. The same ``n`` and ``seed`` give the same subset,
        in the original sample order. An ``n`` of at least ``len(self)`` returns every
        sample.
        """
        if n < 1:
            raise ValueError(f"Invalid subset size {n}: expected at least 1.")
        n = min(n, len(self))

        generator = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(self), generator=generator)
        shuffled_labels = self.labels[order]

        # Rank of each shuffled sample among the samples of its class. Taking the
        # lowest ranks first takes one sample of every class, then a second, and so on.
        rank = torch.empty_like(order)
        for label in shuffled_labels.unique():
            positions = (shuffled_labels == label).nonzero().squeeze(1)
            rank[positions] = torch.arange(positions.numel())

        by_rank = torch.sort(rank, stable=True).indices
        chosen = order[by_rank[:n]].sort().values
        return ImageTensorDataset(self.images[chosen], self.labels[chosen], self.classes)
