"""Sequence labeling (NER, POS tagging): a tag per token from the spiking transformer; entity F1 or accuracy."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from asnbench.config import RunConfig
from asnbench.data.vocabulary import PAD, Vocabulary
from asnbench.data.word_shape import SHAPE_TOKENS, encode_words
from asnbench.metrics.language import entity_f1, token_accuracy
from asnbench.models import SpikingNetwork, build_model
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.token_data import (
    IGNORE_INDEX,
    RecordDataset,
    collate_records,
    model_options,
    neuron_factories,
    padded_loader,
)

# Training words seen fewer times than this map to their word-shape tokens (<unk:Xx> and so on),
# so the model learns those embeddings for the unseen words of the test split.
DEFAULT_MIN_FREQ = 2


class _TagMetric(TaskMetric):
    """Collects predicted and gold tag strings; ``entity_f1`` (seqeval) or token ``accuracy`` on compute."""

    def __init__(self, tag_names: list[str], metric: str) -> None:
        self.tag_names = tag_names
        self.metric = metric
        self.gold: list[list[str]] = []
        self.predicted: list[list[str]] = []

    def update(self, outputs: torch.Tensor, batch: Any) -> None:
        best = outputs.argmax(-1).tolist()
        for row, gold in enumerate(batch["gold"]):
            self.gold.append(list(gold))
            self.predicted.append([self.tag_names[i] for i in best[row][: len(gold)]])

    def compute(self) -> float:
        if self.metric == "entity_f1":
            return entity_f1(self.gold, self.predicted)
        return token_accuracy(self.gold, self.predicted)


class SequenceLabeling(Task):
    """Token classification on ``datasets.Dataset`` objects with ``tokens`` and ``tags`` columns.

    Word and tag vocabularies come from the training split only and are
    stored in the model's ``vocabulary`` and ``label_names`` buffers. Words
    keep their case (it marks names), and an unknown word maps to the token
    of its shape (see :mod:`asnbench.data.word_shape`). Gold test tags are scored as strings,
    so a tag that never occurs in training counts as an error, not a crash.
    """

    name = "sequence_labeling"
    metric_name = "entity_f1"

    def __init__(self) -> None:
        self.vocabulary: Vocabulary | None = None
        self.tag_names: list[str] = []

    def build_datasets(self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool) -> tuple[Dataset, Dataset]:
        self.metric_name = spec.metric
        train = spec.load(root, "train", download)
        test = spec.load(root, "test", download)
        if config.max_train_samples is not None and config.max_train_samples < len(train):
            train = train.shuffle(seed=config.seed).select(range(config.max_train_samples))
        min_freq = int(config.model_options.get("min_freq", DEFAULT_MIN_FREQ))
        self.vocabulary = Vocabulary.build(train["tokens"], specials=(PAD, *SHAPE_TOKENS), min_freq=min_freq)
        self.tag_names = sorted({tag for tags in train["tags"] for tag in tags})
        return self._encode(train, training=True), self._encode(test, training=False)

    def _encode(self, dataset, training: bool) -> RecordDataset:
        tag_index = {tag: i for i, tag in enumerate(self.tag_names)}
        records = []
        for tokens, tags in zip(dataset["tokens"], dataset["tags"]):
            record = {"ids": encode_words(self.vocabulary, tokens), "gold": list(tags)}
            if training:
                record["tag_ids"] = [tag_index[t] for t in tags]
            records.append(record)
        return RecordDataset(records)

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        if self.vocabulary is None:
            raise RuntimeError("build_datasets must run before build_model, because it builds the vocabularies")
        self.metric_name = spec.metric
        make_neuron, make_stream_neuron = neuron_factories(config)
        options = model_options(config)
        options.pop("min_freq", None)
        return build_model(
            config.model,
            vocab_size=len(self.vocabulary),
            outputs=len(self.tag_names),
            make_neuron=make_neuron,
            make_stream_neuron=make_stream_neuron,
            readout="token",
            timesteps=config.timesteps,
            vocabulary=self.vocabulary.to_tensor(),
            label_names=Vocabulary(self.tag_names).to_tensor(),
            **options,
        )

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        logits = model(batch["ids"].to(device))
        return F.cross_entropy(logits.flatten(0, 1), batch["tag_ids"].to(device).flatten(), ignore_index=IGNORE_INDEX)

    def new_metric(self) -> TaskMetric:
        return _TagMetric(self.tag_names, self.metric_name)

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        metric.update(model(batch["ids"].to(device)).cpu(), batch)

    def loader(self, dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
        return padded_loader(dataset, batch_size, shuffle, seed, partial(collate_records, pad_id=0))
