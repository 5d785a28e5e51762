"""Image classification: cross-entropy on time-averaged logits, top-1 accuracy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from asnbench.config import RunConfig
from asnbench.metrics.accuracy import Accuracy
from asnbench.models import SpikingNetwork, build_model
from asnbench.neurons import neuron_factory
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import Task, TaskMetric


class _AccuracyMetric(TaskMetric):
    def __init__(self) -> None:
        self.accuracy = Accuracy()

    def update(self, outputs: torch.Tensor, batch: Any) -> None:
        self.accuracy.update(outputs, batch[1])

    def compute(self) -> float:
        return self.accuracy.compute()

    def merge(self, other: TaskMetric) -> None:
        self.accuracy.correct += other.accuracy.correct
        self.accuracy.total += other.accuracy.total


class ImageClassification(Task):
    name = "image_classification"
    metric_name = "accuracy"

    def build_datasets(
        self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool
    ) -> tuple[Dataset, Dataset]:
        train = spec.load(root, "train", download)
        test = spec.load(root, "test", download)
        if config.max_train_samples is not None and config.max_train_samples < len(train):
            train = train.subset(config.max_train_samples, seed=config.seed)
        return train, test

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        make_neuron = neuron_factory(config.neuron, levels=config.levels, surrogate=config.surrogate)
        return build_model(
            config.model,
            input_shape=spec.input_shape,
            num_classes=spec.num_classes,
            make_neuron=make_neuron,
            timesteps=config.timesteps,
            **{k: tuple(v) if isinstance(v, list) else v for k, v in config.model_options.items()},
        )

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        images, labels = batch
        logits = model(images.to(device))
        return F.cross_entropy(logits, labels.to(device))

    def new_metric(self) -> TaskMetric:
        return _AccuracyMetric()

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        images, labels = batch
        logits = model(images.to(device))
        metric.update(logits.cpu(), (images, labels))
