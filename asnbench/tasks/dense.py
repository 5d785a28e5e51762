"""Helpers shared by the detection and segmentation tasks."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import Dataset, Subset

from asnbench.config import RunConfig
from asnbench.errors import ConfigError
from asnbench.models import SpikingNetwork, build_model
from asnbench.neurons import neuron_factory
from asnbench.registry import DatasetSpec


def image_size(config: RunConfig) -> int:
    """Return the square input size in pixels, from the ``image_size`` model option of the profile or run."""
    size = config.model_options.get("image_size")
    if not isinstance(size, int) or size < 8:
        raise ConfigError(f"model option image_size must be an integer of at least 8 pixels, got {size!r}")
    return size


def load_split(spec: DatasetSpec, root: Path, split: str, download: bool, size: int) -> Dataset:
    """Call the registered loader of ``spec`` with the run's image size."""
    if spec.loader is None:
        raise ConfigError(f"dataset {spec.name!r} is registered but not implemented yet")
    module_name, _, function_name = spec.loader.partition(":")
    loader = getattr(importlib.import_module(module_name), function_name)
    return loader(root, split, download, image_size=size)


def limit(dataset: Dataset, count: int | None, seed: int) -> Dataset:
    """Return a seeded subset of ``count`` samples, or ``dataset`` itself when ``count`` is None or not smaller."""
    if count is None or count >= len(dataset):
        return dataset
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))[:count]
    return Subset(dataset, sorted(order.tolist()))


def build_dense_model(spec: DatasetSpec, config: RunConfig, drop: tuple[str, ...] = ()) -> SpikingNetwork:
    """Build ``config.model`` with the neuron under test; ``drop`` lists model options the builder does not take."""
    make_neuron = neuron_factory(config.neuron, levels=config.levels, surrogate=config.surrogate)
    options: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in config.model_options.items()
        if key not in drop
    }
    return build_model(
        config.model,
        num_classes=spec.num_classes,
        make_neuron=make_neuron,
        timesteps=config.timesteps,
        **options,
    )
