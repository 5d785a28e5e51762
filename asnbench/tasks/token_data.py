"""Token datasets, padding collation and neuron factories shared by the language tasks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from asnbench.config import RunConfig
from asnbench.neurons import NeuronFactory, neuron_factory

IGNORE_INDEX = -100


class RecordDataset(Dataset):
    """A list of per-sample dicts (token ids, labels, gold tags), indexed like a sequence."""

    def __init__(self, records: Sequence[dict[str, Any]]):
        self.records = list(records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.records[index]


def pad_sequences(sequences: Sequence[Sequence[int]], value: int) -> torch.Tensor:
    """Right-pad id lists to the longest one: ``[batch, max length]`` int64."""
    length = max(len(s) for s in sequences)
    out = torch.full((len(sequences), length), value, dtype=torch.long)
    for row, sequence in enumerate(sequences):
        out[row, : len(sequence)] = torch.as_tensor(sequence, dtype=torch.long)
    return out


def collate_records(records: Sequence[dict[str, Any]], pad_id: int = 0) -> dict[str, Any]:
    """Batch records: ``ids`` padded with ``pad_id``, ``tags`` padded with -100, other fields as lists or tensors."""
    batch: dict[str, Any] = {"ids": pad_sequences([r["ids"] for r in records], pad_id)}
    if "label" in records[0]:
        batch["label"] = torch.tensor([r["label"] for r in records], dtype=torch.long)
    if "tag_ids" in records[0]:
        batch["tag_ids"] = pad_sequences([r["tag_ids"] for r in records], IGNORE_INDEX)
    if "gold" in records[0]:
        batch["gold"] = [r["gold"] for r in records]
    return batch


def padded_loader(dataset: Dataset, batch_size: int, shuffle: bool, seed: int, collate: Callable) -> DataLoader:
    """Return a DataLoader whose order depends only on ``seed``, batching with ``collate``."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=shuffle, generator=generator, num_workers=0, collate_fn=collate
    )


def neuron_factories(config: RunConfig) -> tuple[NeuronFactory, NeuronFactory]:
    """Return ``(make_neuron, make_stream_neuron)`` for ``config``.

    Neurons that read the residual stream or an attention product have no
    preceding Synapse to fold a NASN normalization into, so NASN runs use a
    plain ASN with the same options there.
    """
    options = {"levels": config.levels, "surrogate": config.surrogate}
    make_neuron = neuron_factory(config.neuron, **options)
    stream = "asn" if config.neuron == "nasn" else config.neuron
    return make_neuron, neuron_factory(stream, **options)


def model_options(config: RunConfig) -> dict[str, Any]:
    """Return the run's model options with lists turned back into tuples."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in config.model_options.items()}
