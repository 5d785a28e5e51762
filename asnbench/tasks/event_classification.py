"""Event-camera classification: image classification on frames of binned events, ``T`` from the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from asnbench.config import RunConfig
from asnbench.models import SpikingNetwork
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import TaskMetric
from asnbench.tasks.image_classification import ImageClassification


class EventClassification(ImageClassification):
    """Classify event recordings binned into ``config.timesteps`` frames.

    A batch is ``[batch, T, 2, H, W]`` event counts; the network runs with
    ``temporal_input=True`` on ``[T, batch, 2, H, W]``. The events are
    spikes, so the first synapse counts its work as accumulates
    (``spiking_input=True``), value-aware for pixels with more than one
    event in a bin.
    """

    name = "event_classification"

    def build_datasets(
        self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool
    ) -> tuple[Dataset, Dataset]:
        train = spec.load(root, "train", download, time_bins=config.timesteps)
        test = spec.load(root, "test", download, time_bins=config.timesteps)
        if config.max_train_samples is not None and config.max_train_samples < len(train):
            train = train.subset(config.max_train_samples, seed=config.seed)
        return train, test

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        network = super().build_model(spec, config)
        network.temporal_input = True
        network.synapses()[0].spiking_input = True
        return network

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        frames, labels = batch
        logits = model(frames.transpose(0, 1).to(device))
        return F.cross_entropy(logits, labels.to(device))

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        frames, labels = batch
        logits = model(frames.transpose(0, 1).to(device))
        metric.update(logits.cpu(), (frames, labels))
