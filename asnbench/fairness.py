"""Fair pairings of finished records: ASN against LIF at equal spike slots and against QANN at equal levels.

An ASN (or NASN) at ``T`` timesteps and ``D`` levels sends ``T * D`` binary
spike slots per neuron and sample in spike inference, and a LIF (or PLIF)
at ``T'`` timesteps sends ``T'``. The equal-slot partner of ASN at
``(T, D)`` is therefore LIF at ``T' = T * D``. A QANN with ``D`` levels
has the same ``D + 1`` output values as the ASN, sent as one multi-bit
number, so it is the equal-level partner.

Energies are recomputed from each record's MACs and SynOps per sample under
the energy models of the comparison, so records trained under any energy
model compare under the same one. The compute estimate is linear in those
counts, so it equals the recorded energy when the models match.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from asnbench.errors import AsnbenchError
from asnbench.metrics.energy import EnergyModel, estimate_energy, estimate_memory_energy, get_energy_model
from asnbench.results import finished_records

REFERENCE_NEURONS = ("asn", "nasn")
SLOT_PARTNERS = ("lif", "plif")
LEVEL_PARTNERS = ("qann",)
NEURON_ORDER = ("ann", "qann", "lif", "plif", "asn", "nasn")


def spike_slots(record: dict[str, Any]) -> float | None:
    """Return the binary spike slots per neuron and sample of ``record``.

    Records store the measured value as ``spike_slots``. For records written
    before that field existed it is derived from the configuration:
    ``T * D`` for ASN and NASN, ``T`` for LIF and PLIF, ``None`` for
    neurons without spikes (ANN, QANN).
    """
    if "spike_slots" in record:
        return record["spike_slots"]
    config = record.get("config") or {}
    neuron = record.get("neuron")
    timesteps = record.get("timesteps", config.get("timesteps"))
    levels = record.get("levels", config.get("levels"))
    if timesteps is None:
        return None
    if neuron in REFERENCE_NEURONS:
        return float(timesteps * levels) if levels is not None else None
    if neuron in SLOT_PARTNERS:
        return float(timesteps)
    return None


@dataclass(frozen=True)
class Configuration:
    """One (dataset, profile, neuron, timesteps, levels) over its seeds, with costs under each energy model.

    ``energy_pj`` and ``memory_energy_pj`` map energy-model names to energy
    per sample; a memory entry is ``None`` when that model has no memory term.
    """

    dataset: str
    profile: str
    neuron: str
    timesteps: int | None
    levels: int | None
    metric_name: str
    higher_is_better: bool
    seeds: list[int]
    metric_mean: float
    metric_std: float | None
    spike_slots: float | None
    spikes_per_sample: float
    synops_per_sample: float
    macs_per_sample: float
    energy_pj: dict[str, float] = field(default_factory=dict)
    memory_energy_pj: dict[str, float | None] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Neuron, timesteps and levels, for example ``asn T=1 D=4``."""
        timesteps = f" T={self.timesteps}" if self.timesteps is not None else ""
        levels = f" D={self.levels}" if self.levels is not None else ""
        return f"{self.neuron}{timesteps}{levels}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


@dataclass(frozen=True)
class Pairing:
    """An ASN or NASN configuration with its equal-slot LIF/PLIF and equal-level QANN partners."""

    reference: Configuration
    equal_slots: list[Configuration]
    equal_levels: list[Configuration]


@dataclass
class FairComparison:
    """Every configuration per (dataset, profile), the pairings among them, and the energy models used."""

    energy_models: list[EnergyModel]
    configurations: dict[tuple[str, str], list[Configuration]] = field(default_factory=dict)
    pairings: dict[tuple[str, str], list[Pairing]] = field(default_factory=dict)

    def policies(self) -> dict[str, str]:
        """Describe how the comparison pairs and prices configurations, one line per rule and energy model."""
        lines = {
            "equal_slots": "ASN/NASN at (T, D) pairs with LIF/PLIF whose spike slots per neuron equal T x D",
            "equal_levels": "ASN/NASN with D levels pairs with QANN with D levels (D + 1 output values)",
            "energy": "E_MAC x MACs + E_AC x SynOps per sample, recomputed from each record's counts",
            "qann_layers": "layers after a QANN count MACs (multi-bit input), priced at the model's E_MAC",
        }
        for model in self.energy_models:
            memory = model.memory.describe() if model.memory else "not counted"
            lines[f"model {model.name}"] = (
                f"MAC {model.e_mac_pj:g} pJ, AC {model.e_ac_pj:g} pJ ({model.description}); memory access: {memory}"
            )
        return lines


def _configuration_key(record: dict[str, Any]) -> str:
    """Return the record's configuration without seed and energy model, so such runs group together."""
    config = dict(record.get("config") or {})
    config.pop("seed", None)
    config.pop("energy_model", None)
    return repr(sorted(config.items()))


def _summarize(
    group: list[dict[str, Any]], timesteps: int | None, levels: int | None, models: list[EnergyModel]
) -> Configuration:
    newest = _configuration_key(max(group, key=lambda r: r.get("finished_at", "")))
    # Runs that differ only in energy model repeat a seed, so keep the latest run per seed.
    per_seed: dict[int, dict[str, Any]] = {}
    for record in sorted(group, key=lambda r: r.get("finished_at", "")):
        if _configuration_key(record) == newest:
            per_seed[record["seed"]] = record
    chosen = [per_seed[seed] for seed in sorted(per_seed)]
    first = chosen[0]
    values = [float(r["metric_value"]) for r in chosen]

    def mean(name: str) -> float:
        return statistics.fmean(float(r[name]) for r in chosen)

    macs, synops = mean("macs_per_sample"), mean("synops_per_sample")
    return Configuration(
        dataset=first["dataset"],
        profile=first["profile"],
        neuron=first["neuron"],
        timesteps=timesteps,
        levels=levels,
        metric_name=first["metric_name"],
        higher_is_better=bool(first.get("higher_is_better", True)),
        seeds=[r["seed"] for r in chosen],
        metric_mean=statistics.fmean(values),
        metric_std=statistics.stdev(values) if len(values) > 1 else None,
        spike_slots=spike_slots(first),
        spikes_per_sample=mean("spikes_per_sample"),
        synops_per_sample=synops,
        macs_per_sample=macs,
        energy_pj={model.name: estimate_energy(macs, synops, model) for model in models},
        memory_energy_pj={model.name: estimate_memory_energy(macs, synops, model) for model in models},
    )


def _same_slots(first: float | None, second: float | None) -> bool:
    return first is not None and second is not None and math.isclose(first, second, rel_tol=1e-9)


def _order(configuration: Configuration) -> tuple:
    rank = NEURON_ORDER.index(configuration.neuron) if configuration.neuron in NEURON_ORDER else len(NEURON_ORDER)
    return (rank, configuration.neuron, configuration.timesteps or 0, configuration.levels or 0)


def fair_compare(records: list[dict[str, Any]], energy_models: list[str | EnergyModel] | None = None) -> FairComparison:
    """Summarize finished records per configuration and pair every ASN/NASN with its fair partners.

    ``energy_models`` are preset names, YAML paths or models (default
    ``["45nm"]``). Per run key only the latest record counts, and when a
    configuration has runs with different other settings (epochs, subsets)
    the most recent one is summarized. Raises ``AsnbenchError`` when there is
    no finished record.
    """
    models = [m if isinstance(m, EnergyModel) else get_energy_model(m) for m in (energy_models or ["45nm"])]
    latest: dict[str, dict[str, Any]] = {}
    for record in finished_records(records):
        latest[record.get("run_key") or str(id(record))] = record
    if not latest:
        raise AsnbenchError("the results store has no finished records; run `asnbench run` or `asnbench suite run` first")

    groups: dict[tuple, list[dict[str, Any]]] = {}
    for record in latest.values():
        config = record.get("config") or {}
        levels = record.get("levels", config.get("levels"))
        if record["neuron"] not in REFERENCE_NEURONS + LEVEL_PARTNERS:
            levels = None
        timesteps = record.get("timesteps", config.get("timesteps"))
        key = (record["dataset"], record["profile"], record["neuron"], timesteps, levels)
        groups.setdefault(key, []).append(record)

    comparison = FairComparison(energy_models=models)
    for key, group in sorted(groups.items(), key=lambda item: repr(item[0])):
        comparison.configurations.setdefault(key[:2], []).append(_summarize(group, key[3], key[4], models))
    for row, configurations in comparison.configurations.items():
        configurations.sort(key=_order)
        comparison.pairings[row] = [
            Pairing(
                reference=reference,
                equal_slots=[
                    c for c in configurations
                    if c.neuron in SLOT_PARTNERS and _same_slots(c.spike_slots, reference.spike_slots)
                ],
                equal_levels=[c for c in configurations if c.neuron in LEVEL_PARTNERS and c.levels == reference.levels],
            )
            for reference in configurations
            if reference.neuron in REFERENCE_NEURONS
        ]
    return comparison
