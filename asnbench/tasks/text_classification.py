"""Text classification: whitespace tokens of the lower-cased sentence, cross-entropy, accuracy."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from asnbench.config import RunConfig
from asnbench.data.vocabulary import PAD, UNK, Vocabulary
from asnbench.metrics.accuracy import Accuracy
from asnbench.models import SpikingNetwork, build_model
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.token_data import RecordDataset, collate_records, model_options, neuron_factories, padded_loader


def tokenize(text: str) -> list[str]:
    """Split an already tokenized sentence on whitespace, lower-cased."""
    return text.lower().split()


class _AccuracyMetric(TaskMetric):
    def __init__(self) -> None:
        self.accuracy = Accuracy()

    def update(self, outputs: torch.Tensor, batch: Any) -> None:
        self.accuracy.update(outputs, batch["label"])

    def compute(self) -> float:
        return self.accuracy.compute()

    def merge(self, other: TaskMetric) -> None:
        self.accuracy.correct += other.accuracy.correct
        self.accuracy.total += other.accuracy.total


class TextClassification(Task):
    """Sentence classification on ``datasets.Dataset`` objects with ``text`` and ``label`` columns.

    The vocabulary is built from the (possibly subsetted) training split
    only, when :meth:`build_datasets` runs; test tokens outside it map to
    ``<unk>``. :meth:`build_model` stores it in the model's ``vocabulary``
    buffer and the class names in ``label_names``.
    """

    name = "text_classification"
    metric_name = "accuracy"

    def __init__(self) -> None:
        self.vocabulary: Vocabulary | None = None
        self.class_names: list[str] = []

    def build_datasets(self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool) -> tuple[Dataset, Dataset]:
        train = spec.load(root, "train", download)
        test = spec.load(root, "test", download)
        if config.max_train_samples is not None and config.max_train_samples < len(train):
            train = train.shuffle(seed=config.seed).select(range(config.max_train_samples))
        self.class_names = list(train.features["label"].names)
        train_tokens = [tokenize(t) for t in train["text"]]
        self.vocabulary = Vocabulary.build(train_tokens, specials=(PAD, UNK))
        return self._encode(train_tokens, train["label"]), self._encode([tokenize(t) for t in test["text"]], test["label"])

    def _encode(self, token_lists: list[list[str]], labels: list[int]) -> RecordDataset:
        records = [
            {"ids": self.vocabulary.encode(tokens) or [self.vocabulary.unk_id], "label": int(label)}
            for tokens, label in zip(token_lists, labels)
        ]
        return RecordDataset(records)

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        if self.vocabulary is None:
            raise RuntimeError("build_datasets must run before build_model, because it builds the vocabulary")
        make_neuron, make_stream_neuron = neuron_factories(config)
        options = model_options(config)
        names = Vocabulary(self.class_names).to_tensor()
        common = {
            "vocab_size": len(self.vocabulary),
            "make_neuron": make_neuron,
            "timesteps": config.timesteps,
            "vocabulary": self.vocabulary.to_tensor(),
            "label_names": names,
        }
        if config.model == "transformer":
            return build_model(
                "transformer", outputs=len(self.class_names), make_stream_neuron=make_stream_neuron,
                readout="sequence", **common, **options,
            )
        return build_model(config.model, num_classes=len(self.class_names), **common, **options)

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        logits = model(batch["ids"].to(device))
        return F.cross_entropy(logits, batch["label"].to(device))

    def new_metric(self) -> TaskMetric:
        return _AccuracyMetric()

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        logits = model(batch["ids"].to(device))
        metric.update(logits.cpu(), batch)

    def loader(self, dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
        return padded_loader(dataset, batch_size, shuffle, seed, partial(collate_records, pad_id=0))
