"""Run configuration: what the user asked for, validated once, with defaults resolved."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from asnbench.errors import ConfigError, UnknownNameError
from asnbench.registry import DatasetSpec, get_dataset

# Logical timesteps per static sample when the user does not set them:
# integer-trained ASN/NASN need one pass, LIF-style neurons integrate over time.
DEFAULT_TIMESTEPS = {"asn": 1, "nasn": 1, "lif": 4, "plif": 4, "ann": 1, "qann": 1}
DEVICES = ("cpu", "cuda", "auto")


@dataclass(frozen=True)
class RunConfig:
    """One (dataset, neuron, seed, profile) combination and how to train it.

    Fields left as ``None`` take the dataset profile's or the neuron's
    default in :meth:`resolved`.
    """

    dataset: str = "vision/digits"
    neuron: str = "asn"
    seed: int = 0
    profile: str = "smoke"
    model: str | None = None
    timesteps: int | None = None
    levels: int = 4
    surrogate: str = "arctan"
    epochs: int | None = None
    batch_size: int | None = None
    lr: float | None = None
    max_train_samples: int | None = None
    energy_model: str = "45nm"
    device: str = "cpu"
    model_options: dict[str, Any] = field(default_factory=dict)

    def spec(self) -> DatasetSpec:
        return get_dataset(self.dataset)

    def resolved(self) -> RunConfig:
        """Return a copy with every default filled in, after validating every name and value."""
        from asnbench.metrics.energy import get_energy_model
        from asnbench.models import MODELS
        from asnbench.neurons import NEURONS, SURROGATES

        spec = self.spec()
        if not spec.implemented:
            raise ConfigError(f"dataset {self.dataset!r} is registered but not implemented yet")
        settings = spec.profile(self.profile)
        if self.neuron not in NEURONS:
            raise UnknownNameError("neuron", self.neuron, NEURONS)
        if self.surrogate not in SURROGATES:
            raise UnknownNameError("surrogate", self.surrogate, SURROGATES)
        get_energy_model(self.energy_model)
        model = self.model or spec.default_model
        if model not in MODELS:
            raise UnknownNameError("model", model, MODELS)
        if self.device not in DEVICES:
            raise UnknownNameError("device", self.device, DEVICES)
        timesteps = self.timesteps if self.timesteps is not None else DEFAULT_TIMESTEPS[self.neuron]
        if timesteps < 1:
            raise ConfigError(f"timesteps must be at least 1, got {timesteps}")
        if self.neuron in ("ann", "qann") and timesteps != 1:
            raise ConfigError(
                f"the {self.neuron} neuron runs one pass per sample; got --timesteps {timesteps}, use 1 or leave it unset"
            )
        if self.levels < 1:
            raise ConfigError(f"levels must be at least 1, got {self.levels}")
        for name in ("epochs", "batch_size", "max_train_samples"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{name} must be at least 1, got {value}")
        if self.lr is not None and not self.lr > 0:
            raise ConfigError(f"lr must be positive, got {self.lr}")
        options = {**settings.options_for(model, spec.default_model), **self.model_options}
        return replace(
            self,
            model=model,
            timesteps=timesteps,
            epochs=self.epochs or settings.epochs,
            batch_size=self.batch_size or settings.batch_size,
            lr=self.lr or settings.lr,
            max_train_samples=self.max_train_samples or settings.max_train_samples,
            model_options={k: list(v) if isinstance(v, tuple) else v for k, v in options.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def key(self) -> str:
        """Return a short stable hash of everything that affects the result (not where it is stored)."""
        payload = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]
