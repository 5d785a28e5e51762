"""Metrics: accuracy, spike and operation counts, and energy estimates."""

from __future__ import annotations

from asnbench.metrics.accuracy import Accuracy
from asnbench.metrics.activity import POLICIES, ActivityMonitor, ActivityReport, LayerActivity
from asnbench.metrics.energy import (
    DEFAULT_ENERGY_MODEL,
    ENERGY_MODELS,
    EnergyModel,
    MemoryAccessModel,
    estimate_energy,
    estimate_memory_accesses,
    estimate_memory_energy,
    get_energy_model,
)
from asnbench.metrics.fanout import dense_connections, fanout_map, spatial_fanout

__all__ = [
    "DEFAULT_ENERGY_MODEL",
    "ENERGY_MODELS",
    "POLICIES",
    "Accuracy",
    "ActivityMonitor",
    "ActivityReport",
    "EnergyModel",
    "LayerActivity",
    "MemoryAccessModel",
    "dense_connections",
    "estimate_energy",
    "estimate_memory_accesses",
    "estimate_memory_energy",
    "fanout_map",
    "get_energy_model",
    "spatial_fanout",
]
