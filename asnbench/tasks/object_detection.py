"""Object detection: torchvision's FCOS losses for training, mean average precision for evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from asnbench.config import RunConfig
from asnbench.data.dense import detection_collate
from asnbench.metrics.detection_map import MAP_KEYS, DetectionMAP
from asnbench.models import SpikingNetwork
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.dense import build_dense_model, image_size, limit, load_split


class _MAPMetric(TaskMetric):
    def __init__(self, key: str) -> None:
        self.key = key
        self.map = DetectionMAP()

    def update(self, outputs: list[dict[str, torch.Tensor]], batch: Any) -> None:
        self.map.update(outputs, batch[1])

    def compute(self) -> float:
        return self.map.values()[self.key]


def _to_device(targets: list[dict[str, torch.Tensor]], device: torch.device) -> list[dict[str, torch.Tensor]]:
    return [{key: value.to(device) for key, value in target.items()} for target in targets]


class ObjectDetection(Task):
    """Detection task; the reported metric is the dataset's ``metric`` (``map`` or ``map_50``).

    ``metric_name`` is set from the dataset in :meth:`build_datasets`, which
    the runner calls before it reads the name.
    """

    name = "object_detection"
    metric_name = "map_50"

    def build_datasets(
        self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool
    ) -> tuple[Dataset, Dataset]:
        if spec.metric not in MAP_KEYS:
            raise ValueError(f"dataset {spec.name} reports {spec.metric!r}; detection metrics are {MAP_KEYS}")
        self.metric_name = spec.metric
        size = image_size(config)
        train = load_split(spec, root, "train", download, size)
        test = load_split(spec, root, "test", download, size)
        return limit(train, config.max_train_samples, config.seed), test

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        return build_dense_model(spec, config)

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        images, targets = batch
        losses = model(images.to(device), _to_device(targets, device))
        return sum(losses.values())

    def new_metric(self) -> TaskMetric:
        return _MAPMetric(self.metric_name)

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        images, targets = batch
        detections = model(images.to(device))
        metric.update(detections, (images, targets))

    def loader(self, dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
        generator = torch.Generator().manual_seed(seed)
        return DataLoader(
            dataset,
            batch_size=batch_size,
            shuffle=shuffle,
            generator=generator,
            num_workers=0,
            collate_fn=detection_collate,
        )
