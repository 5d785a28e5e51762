"""The dataset registry: ``modality/name`` to everything a run needs to know about it."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnbench.errors import UnknownNameError

PROFILES = ("smoke", "full")


@dataclass(frozen=True)
class ProfileSettings:
    """Training budget and model size of one profile.

    ``max_train_samples`` caps the training split (a seeded subset) so the
    smoke profile fits CPU minutes; ``None`` uses the whole split.
    ``model_options`` are the builder options of the dataset's default model;
    ``options_by_model`` contains those of other models by model name.
    """

    epochs: int
    batch_size: int
    lr: float
    model_options: Mapping[str, Any] = field(default_factory=dict)
    max_train_samples: int | None = None
    max_eval_samples: int | None = None
    weight_decay: float = 0.0
    options_by_model: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def options_for(self, model: str, default_model: str) -> Mapping[str, Any]:
        """Return the builder options of ``model``: its own entry, else ``model_options`` for the default model, else none."""
        if model in self.options_by_model:
            return self.options_by_model[model]
        return self.model_options if model == default_model else {}


@dataclass(frozen=True)
class DatasetSpec:
    """A registered dataset and how asnbench trains on it.

    Attributes:
        name: ``modality/dataset``, for example ``vision/mnist``.
        task: task name in :data:`asnbench.tasks.TASKS`.
        metric: name of the reported task metric (``accuracy``, ...).
        loader: import path ``"package.module:function"`` of
            ``loader(root, split, download) -> Dataset``, imported only when
            the dataset is loaded; ``None`` while the dataset is registered
            but not implemented yet.
        input_shape: shape of one sample, without batch or time.
        num_classes: number of output classes.
        default_model: model name in :data:`asnbench.models.MODELS`.
        encoding: how a sample enters the network (``direct``: analog input
            repeated every step).
        files: paths under the data root that must exist for the local copy
            to count as present; any one of ``alternatives`` also counts.
        source: where the data comes from, for listings and error messages.
        profiles: settings per profile name.
    """

    name: str
    task: str
    metric: str
    loader: str | None
    input_shape: tuple[int, ...]
    num_classes: int
    default_model: str
    profiles: Mapping[str, ProfileSettings]
    encoding: str = "direct"
    files: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()
    source: str = ""
    embedded: bool = False

    @property
    def implemented(self) -> bool:
        return self.loader is not None

    def load(self, root: Path, split: str, download: bool = True, **options: Any) -> Any:
        """Load ``split`` of this dataset from ``root`` with its registered loader.

        ``options`` go to the loader as keyword arguments (``time_bins`` for
        event datasets).
        """
        if self.loader is None:
            raise NotImplementedError(f"dataset {self.name!r} is registered but has no loader yet")
        module_name, _, function_name = self.loader.partition(":")
        loader = getattr(importlib.import_module(module_name), function_name)
        return loader(root, split, download, **options)

    def profile(self, name: str) -> ProfileSettings:
        if name not in self.profiles:
            raise UnknownNameError("profile", name, self.profiles)
        return self.profiles[name]

    def is_present(self, root: Path) -> bool:
        """Return whether the files this dataset needs are under ``root`` (always True when embedded)."""
        if self.embedded:
            return True
        layouts = (self.files, *self.alternatives)
        return any(layout and all((root / f).exists() for f in layout) for layout in layouts)


DATASETS: dict[str, DatasetSpec] = {}


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add ``spec`` to the registry; a second spec with the same name raises ``ValueError``.

    An implemented spec must have settings for every profile in :data:`PROFILES`.
    """
    if spec.name in DATASETS:
        raise ValueError(f"dataset {spec.name!r} is already registered")
    missing = [p for p in PROFILES if p not in spec.profiles]
    if spec.implemented and missing:
        raise ValueError(f"dataset {spec.name!r} has no settings for profiles {missing}")
    DATASETS[spec.name] = spec
    return spec


def get_dataset(name: str) -> DatasetSpec:
    """Look up a dataset by ``modality/name``; unknown names get close-match suggestions."""
    _load_catalog()
    if name not in DATASETS:
        raise UnknownNameError("dataset", name, DATASETS)
    return DATASETS[name]


def all_datasets() -> list[DatasetSpec]:
    _load_catalog()
    return sorted(DATASETS.values(), key=lambda spec: spec.name)


def _load_catalog() -> None:
    # Importing the catalog registers every dataset; done lazily so that
    # importing the registry stays cheap and free of import cycles.
    import asnbench.catalog  # noqa: F401
