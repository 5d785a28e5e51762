"""Semantic segmentation: per-pixel cross-entropy for training, confusion-matrix mIoU for evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from asnbench.config import RunConfig
from asnbench.data.dense import IGNORE_INDEX
from asnbench.metrics.miou import ConfusionMatrixMIoU
from asnbench.models import SpikingNetwork
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.dense import build_dense_model, image_size, limit, load_split


class _MIoUMetric(TaskMetric):
    def __init__(self, num_classes: int) -> None:
        self.miou = ConfusionMatrixMIoU(num_classes, ignore_index=IGNORE_INDEX)

    def update(self, outputs: torch.Tensor, batch: Any) -> None:
        self.miou.update(outputs.argmax(1), batch[1])

    def compute(self) -> float:
        return self.miou.compute()


class SemanticSegmentation(Task):
    """Segmentation task; pixels labeled 255 (unlabeled) count neither in the loss nor in the mIoU."""

    name = "semantic_segmentation"
    metric_name = "miou"

    def __init__(self) -> None:
        self.num_classes = 0

    def build_datasets(
        self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool
    ) -> tuple[Dataset, Dataset]:
        self.num_classes = spec.num_classes
        size = image_size(config)
        train = load_split(spec, root, "train", download, size)
        test = load_split(spec, root, "test", download, size)
        return limit(train, config.max_train_samples, config.seed), test

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        self.num_classes = spec.num_classes
        return build_dense_model(spec, config, drop=("image_size",))

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        images, masks = batch
        logits = model(images.to(device))
        return F.cross_entropy(logits, masks.to(device), ignore_index=IGNORE_INDEX)

    def new_metric(self) -> TaskMetric:
        if self.num_classes < 1:
            raise RuntimeError("build_datasets or build_model must run before new_metric")
        return _MIoUMetric(self.num_classes)

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        images, masks = batch
        logits = model(images.to(device))
        metric.update(logits.cpu(), (images, masks))
