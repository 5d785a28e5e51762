"""MNIST tensors for the benchmarks that need a trained model or real batches."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from asnbench.data.mnist import load_mnist
from asnbench.errors import DatasetNotFoundError


def data_root(data_dir: str | None) -> Path:
    """Return ``data_dir``, else ``$ASNBENCH_DATA``; raise when neither is set."""
    root = data_dir or os.environ.get("ASNBENCH_DATA")
    if not root:
        raise DatasetNotFoundError(
            "the eval and epoch benchmarks read MNIST; set ASNBENCH_DATA or pass --data-dir "
            "to a folder that contains mnist/raw/"
        )
    return Path(root)


def mnist_tensors(root: Path, split: str, samples: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(images [N, 1, 28, 28], labels [N])`` of the first ``samples`` of ``split``."""
    dataset = load_mnist(root, split, download=False)
    count = len(dataset) if samples is None else min(samples, len(dataset))
    return dataset.images[:count], dataset.labels[:count]
