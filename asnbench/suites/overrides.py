"""The run settings a suite may set, and how each value is checked."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

# Every RunConfig field a suite may override; dataset, neuron and seed come from the grid itself.
OVERRIDE_FIELDS = (
    "profile",
    "model",
    "timesteps",
    "levels",
    "surrogate",
    "epochs",
    "batch_size",
    "lr",
    "max_train_samples",
    "energy_model",
    "device",
    "model_options",
)

_POSITIVE_INTEGERS = ("timesteps", "levels", "epochs", "batch_size", "max_train_samples")


def _names(field_name: str) -> Callable[[], dict[str, Any] | tuple[str, ...]]:
    def valid() -> dict[str, Any] | tuple[str, ...]:
        from asnbench.config import DEVICES
        from asnbench.metrics.energy import ENERGY_MODELS
        from asnbench.models import MODELS
        from asnbench.neurons import SURROGATES
        from asnbench.registry import PROFILES

        table = {
            "profile": PROFILES,
            "model": MODELS,
            "surrogate": SURROGATES,
            "energy_model": ENERGY_MODELS,
            "device": DEVICES,
        }
        return table[field_name]

    return valid


_NAMED = {name: _names(name) for name in ("profile", "model", "surrogate", "energy_model", "device")}


def check_override(field_name: str, value: Any) -> str | None:
    """Return what is wrong with ``value`` for ``field_name``, or ``None`` when it is valid."""
    if field_name in _POSITIVE_INTEGERS:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an integer, got {value!r}"
        if value < 1:
            return f"must be at least 1, got {value}"
        return None
    if field_name == "lr":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, got {value!r}"
        if not value > 0:
            return f"must be positive, got {value}"
        return None
    if field_name == "model_options":
        if not isinstance(value, dict):
            return f"must be a mapping of model constructor options, got {value!r}"
        return None
    if field_name == "energy_model" and isinstance(value, str):
        from asnbench.metrics.energy import is_energy_model_file

        if is_energy_model_file(value):
            # RunConfig.resolved() reads the file and reports its invalid fields.
            # NOTE: a relative path is resolved against the working directory, not the suite file.
            return None
    if field_name in _NAMED:
        valid = sorted(_NAMED[field_name]())
        if not isinstance(value, str) or value not in valid:
            close = difflib.get_close_matches(str(value), valid, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            return f"unknown value {value!r}{hint} Valid values: {', '.join(valid)}"
        return None
    return f"is not a setting a suite can change; valid settings: {', '.join(OVERRIDE_FIELDS)}"


def unknown_key_message(key: str, valid: tuple[str, ...]) -> str:
    """Return the message for an invalid key, with the closest valid keys."""
    close = difflib.get_close_matches(key, valid, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown key.{hint} Valid keys: {', '.join(valid)}"
