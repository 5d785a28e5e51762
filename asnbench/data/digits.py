"""Loader for scikit-learn's bundled 8x8 handwritten digits (no files, no download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sklearn.datasets
import torch
from sklearn.model_selection import train_test_split

from .in_memory import ImageTensorDataset, check_split

# Fixed stratified split of the 1797 samples: 1347 train and 450 test.
TEST_SIZE = 0.25
SPLIT_SEED = 0


def load_digits(root: Path | None, split: str, download: bool = True) -> ImageTensorDataset:
    """Load a split of scikit-learn's digits as normalized ``[1, 8, 8]`` images.

    The data ships with scikit-learn, so ``root`` and ``download`` are ignored. Pixels
    (0 to 16) are divided by 16, then normalized with the mean and std of all training
    pixels. The split is ``train_test_split(test_size=0.25, random_state=0)``
    stratified by label, which gives 1347 train and 450 test samples.
    """
    check_split(split)
    bunch = sklearn.datasets.load_digits()
    images = bunch.images.astype(np.float32) / 16.0
    labels = bunch.target.astype(np.int64)

    train_index, test_index = train_test_split(
        np.arange(len(labels)), test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=labels
    )
    train_pixels = images[train_index]
    mean = train_pixels.mean()
    std = train_pixels.std()

    index = train_index if split == "train" else test_index
    normalized = (images[index] - mean) / std
    classes = [str(name) for name in bunch.target_names]
    return ImageTensorDataset(
        torch.from_numpy(normalized).unsqueeze(1), torch.from_numpy(labels[index]), classes
    )
