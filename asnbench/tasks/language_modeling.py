"""Language modeling: next-token cross-entropy on fixed-length windows; perplexity or bits per character.

Word-level corpora split each line on whitespace and end it with
``<eos>``; character-level corpora (metric ``bits_per_character``) use
every character of the lines joined by newlines. The token stream of a split
is cut into non-overlapping windows of ``context`` inputs (the last window
may be shorter), each predicting the next ``context`` tokens. Evaluation
scores every token of the test stream after the first once, with the
context restarting at each window, so the reported perplexity is that of a
model with at most ``context`` tokens of history (no state carried across
windows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, TensorDataset

from asnbench.config import RunConfig
from asnbench.data.vocabulary import UNK, Vocabulary
from asnbench.metrics.language import NegativeLogLikelihood, bits_per_character, perplexity
from asnbench.models import SpikingNetwork, build_model
from asnbench.registry import DatasetSpec
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.token_data import IGNORE_INDEX, model_options, neuron_factories

EOS = "<eos>"
DEFAULT_CONTEXT = 64


def word_tokens(lines: list[str]) -> list[str]:
    """Whitespace tokens of every line, each line followed by ``<eos>``."""
    tokens: list[str] = []
    for line in lines:
        tokens.extend(line.split())
        tokens.append(EOS)
    return tokens


def character_tokens(lines: list[str]) -> list[str]:
    """Return every character of the lines joined by newlines, with a final newline."""
    return list("\n".join(lines) + "\n")


def windows(stream: list[int], context: int) -> TensorDataset:
    """Cut ``stream`` into ``(inputs, targets)`` windows of ``context`` tokens; a short last window is padded.

    Padded targets are -100, which the loss and the metric ignore. Padded
    inputs repeat the last real token. Because attention is causal, they
    only feed positions whose targets are ignored.
    """
    count = (len(stream) - 1 + context - 1) // context
    data = torch.tensor(stream, dtype=torch.long)
    inputs = torch.empty(count, context, dtype=torch.long)
    targets = torch.full((count, context), IGNORE_INDEX, dtype=torch.long)
    for i in range(count):
        chunk = data[i * context : (i + 1) * context + 1]
        length = chunk.numel() - 1
        inputs[i, :length] = chunk[:-1]
        inputs[i, length:] = chunk[-2]
        targets[i, :length] = chunk[1:]
    return TensorDataset(inputs, targets)


class _LikelihoodMetric(TaskMetric):
    def __init__(self, per_character: bool) -> None:
        self.nll = NegativeLogLikelihood()
        self.per_character = per_character

    def update(self, outputs: tuple[float, int], batch: Any) -> None:
        self.nll.update(*outputs)

    def compute(self) -> float:
        mean = self.nll.mean()
        return bits_per_character(mean) if self.per_character else perplexity(mean)


class LanguageModeling(Task):
    """Causal language modeling with the spiking transformer.

    The vocabulary is built from the training split only (with ``<unk>`` for
    tokens outside it) and stored in the model's ``vocabulary`` buffer.
    ``max_train_samples`` counts training windows (a seeded subset).
    Model option ``context`` sets the window length, ``min_freq`` the
    vocabulary's minimum count, and ``tie_embeddings`` (default True) whether
    the readout reuses the token embedding.
    """

    name = "language_modeling"
    metric_name = "perplexity"
    higher_is_better = False

    def __init__(self) -> None:
        self.vocabulary: Vocabulary | None = None
        self.per_character = False

    def _set_metric(self, spec: DatasetSpec) -> None:
        self.per_character = spec.metric == "bits_per_character"
        self.metric_name = spec.metric

    def build_datasets(self, spec: DatasetSpec, config: RunConfig, root: Path, download: bool) -> tuple[Dataset, Dataset]:
        self._set_metric(spec)
        options = dict(config.model_options)
        context = int(options.get("context", DEFAULT_CONTEXT))
        tokenize = character_tokens if self.per_character else word_tokens
        train_tokens = tokenize(list(spec.load(root, "train", download)["text"]))
        test_tokens = tokenize(list(spec.load(root, "test", download)["text"]))
        self.vocabulary = Vocabulary.build([train_tokens], specials=(UNK,), min_freq=int(options.get("min_freq", 1)))
        train = windows(self.vocabulary.encode(train_tokens), context)
        test = windows(self.vocabulary.encode(test_tokens), context)
        if config.max_train_samples is not None and config.max_train_samples < len(train):
            generator = torch.Generator().manual_seed(config.seed)
            chosen = torch.randperm(len(train), generator=generator)[: config.max_train_samples].sort().values
            train = TensorDataset(*(t[chosen] for t in train.tensors))
        return train, test

    def build_model(self, spec: DatasetSpec, config: RunConfig) -> SpikingNetwork:
        if self.vocabulary is None:
            raise RuntimeError("build_datasets must run before build_model, because it builds the vocabulary")
        self._set_metric(spec)
        make_neuron, make_stream_neuron = neuron_factories(config)
        options = model_options(config)
        context = int(options.pop("context", DEFAULT_CONTEXT))
        options.pop("min_freq", None)
        options.setdefault("max_length", context)
        options.setdefault("tie_embeddings", True)
        return build_model(
            config.model,
            vocab_size=len(self.vocabulary),
            outputs=len(self.vocabulary),
            make_neuron=make_neuron,
            make_stream_neuron=make_stream_neuron,
            causal=True,
            readout="token",
            pad_id=None,
            timesteps=config.timesteps,
            vocabulary=self.vocabulary.to_tensor(),
            **options,
        )

    def loss(self, model: SpikingNetwork, batch: Any, device: torch.device) -> torch.Tensor:
        inputs, targets = batch
        logits = model(inputs.to(device))
        return F.cross_entropy(logits.flatten(0, 1), targets.to(device).flatten(), ignore_index=IGNORE_INDEX)

    def new_metric(self) -> TaskMetric:
        return _LikelihoodMetric(self.per_character)

    def evaluate_batch(self, model: SpikingNetwork, batch: Any, metric: TaskMetric, device: torch.device) -> None:
        inputs, targets = batch
        logits = model(inputs.to(device))
        targets = targets.to(device).flatten()
        summed = F.cross_entropy(logits.flatten(0, 1), targets, ignore_index=IGNORE_INDEX, reduction="sum")
        metric.update((summed.item(), int((targets != IGNORE_INDEX).sum())), batch)

    def loader(self, dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
        generator = torch.Generator().manual_seed(seed)
        return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator, num_workers=0)
