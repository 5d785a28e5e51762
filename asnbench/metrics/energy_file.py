"""User-defined energy models in YAML files.

A file looks like this (``description``, ``source`` and ``memory`` are
optional, and so are the three ``*_per_op`` counts, which default to 1)::

    name: 45nm-sram-8kb
    e_mac_pj: 4.6
    e_ac_pj: 0.9
    description: 32-bit float with weights and state in an 8 KB SRAM
    source: my own estimate
    memory:
      e_access_pj: 10.0
      weight_reads_per_op: 1
      state_reads_per_op: 1
      state_writes_per_op: 1
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from asnbench.errors import ConfigError
from asnbench.metrics.energy import ENERGY_MODELS, EnergyModel, MemoryAccessModel

MODEL_FIELDS = ("name", "e_mac_pj", "e_ac_pj", "description", "source", "memory")
REQUIRED_FIELDS = ("name", "e_mac_pj", "e_ac_pj")
MEMORY_FIELDS = ("e_access_pj", "weight_reads_per_op", "state_reads_per_op", "state_writes_per_op")


def _fail(path: Path, field_name: str, problem: str) -> ConfigError:
    return ConfigError(f"energy model file {path}: field {field_name!r} {problem}")


def _check_fields(path: Path, values: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in values:
        if key not in allowed:
            raise _fail(path, f"{prefix}{key}", f"is not a known field; valid fields: {', '.join(allowed)}")


def _energy(path: Path, values: dict[str, Any], field_name: str, prefix: str = "") -> float:
    """Return ``values[field_name]`` as a finite non-negative float, or raise naming the field."""
    if field_name not in values:
        raise _fail(path, f"{prefix}{field_name}", "is missing; set it to a non-negative number")
    value = values[field_name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(path, f"{prefix}{field_name}", f"must be a finite number, got {value!r}")
    if value < 0:
        raise _fail(path, f"{prefix}{field_name}", f"must be non-negative, got {value!r}")
    return float(value)


def _text(path: Path, values: dict[str, Any], field_name: str, default: str) -> str:
    value = values.get(field_name, default)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, field_name, f"must be a non-empty string, got {value!r}")
    return value


def _memory(path: Path, values: Any) -> MemoryAccessModel:
    if not isinstance(values, dict):
        raise _fail(path, "memory", f"must be a mapping of {', '.join(MEMORY_FIELDS)}, got {values!r}")
    _check_fields(path, values, MEMORY_FIELDS, "memory.")
    counts = {
        name: _energy(path, values, name, "memory.") if name in values else 1.0 for name in MEMORY_FIELDS[1:]
    }
    return MemoryAccessModel(e_access_pj=_energy(path, values, "e_access_pj", "memory."), **counts)


def load_energy_model(path: str | Path) -> EnergyModel:
    """Read and validate the energy model in YAML file ``path``.

    Raises ``ConfigError`` naming the file and the field when the file is
    missing or unreadable, a required field is missing, a field is unknown,
    or an energy or count is negative, infinite or not a number.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"energy model file {path} not found; pass a preset name or the path of a YAML file")
    try:
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"energy model file {path} could not be read as YAML: {error}") from error
    if not isinstance(values, dict):
        raise ConfigError(f"energy model file {path} must contain a mapping with {', '.join(REQUIRED_FIELDS)}")

    _check_fields(path, values, MODEL_FIELDS, "")
    if "name" not in values:
        raise _fail(path, "name", "is missing; set it to the name shown in reports")
    name = _text(path, values, "name", "")
    if name in ENERGY_MODELS:
        # Reports name the model, so a file must not pass itself off as a preset.
        raise _fail(path, "name", f"is {name!r}, the name of a preset; choose another name")
    return EnergyModel(
        name=name,
        e_mac_pj=_energy(path, values, "e_mac_pj"),
        e_ac_pj=_energy(path, values, "e_ac_pj"),
        description=_text(path, values, "description", f"user-defined energy model from {path.name}"),
        source=_text(path, values, "source", str(path)),
        memory=_memory(path, values["memory"]) if values.get("memory") is not None else None,
    )
