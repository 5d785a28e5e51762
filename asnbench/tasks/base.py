"""The contract between the runner and a task (classification, detection, language modeling, ...)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from asnbench.config import RunConfig
from asnbench.models import SpikingNetwork
from asnbench.registry import DatasetSpec


class TaskMetric(ABC):
    """An accumulating task metric: ``update`` per batch, then ``compute``."""

    @abstractmethod
    def update(self, outputs: Any, batch: Any) -> None: ...

    @abstractmethod
    def compute(self) -> float: ...

    def merge(self, other: "TaskMetric") -> None:
        """Add the state of ``other`` (the same metric over other samples) into this one.

        Data-parallel runs merge the metrics of their test-set shards with it. A metric
        that does not override it is computed over the whole test set on every process.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot merge states")


class Task(ABC):
    """Everything task-specific the runner needs; the training loop itself is shared.

    Attributes:
        name: registry name of the task.
        metric_name: name of the value :meth:`new_metric` computes.
        higher_is_better: direction of the metric, for comparisons.
    """

    name: str
    metric_name: str
    higher_is_better: bool = True

    @abstractmethod
    def build_datasets(
        self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool
    ) -> tuple[Dataset, Dataset]:
        """Return the (train, held-out test) datasets."""

    @abstractmethod
    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        """Build the network for ``config`` with the neuron under test."""

    @abstractmethod
    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        """Forward one training batch and return the scalar loss."""

    @abstractmethod
    def new_metric(self) -> TaskMetric: ...

    @abstractmethod
    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        """Forward one evaluation batch and update ``metric``."""

    def loader(self, dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
        """A DataLoader whose shuffling depends only on ``seed``, so a resumed run sees the same order."""
        generator = torch.Generator().manual_seed(seed)
        return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator, num_workers=0)
