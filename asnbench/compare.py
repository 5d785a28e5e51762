"""Neurons side by side per dataset, from the results store, relative to a baseline neuron."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from asnbench.errors import AsnbenchError
from asnbench.results import finished_records

COST_FIELDS = ("spikes_per_sample", "synops_per_sample", "energy_pj_per_sample")


@dataclass(frozen=True)
class NeuronResult:
    """One neuron on one dataset: the metric over seeds, mean costs, and everything relative to the baseline.

    ``delta`` is ``metric_mean`` minus the baseline's; each ``*_ratio`` is this
    neuron's mean cost divided by the baseline's. They are ``None`` when the
    baseline has no result on the dataset or its cost is zero.
    """

    dataset: str
    profile: str
    neuron: str
    metric_name: str
    higher_is_better: bool
    seeds: list[int]
    metric_mean: float
    metric_std: float | None
    spikes_per_sample: float
    synops_per_sample: float
    energy_pj_per_sample: float
    delta: float | None = None
    spikes_ratio: float | None = None
    synops_ratio: float | None = None
    energy_ratio: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Comparison:
    """Rows of (dataset, profile) with one ``NeuronResult`` per neuron, and the neurons in column order."""

    baseline: str
    neurons: list[str] = field(default_factory=list)
    rows: dict[tuple[str, str], dict[str, NeuronResult]] = field(default_factory=dict)

    def results(self) -> list[NeuronResult]:
        return [result for row in self.rows.values() for result in row.values()]


def _configuration(record: dict[str, Any]) -> str:
    """The record's configuration without its seed, so runs that differ only in seed group together."""
    config = dict(record.get("config") or {})
    config.pop("seed", None)
    return repr(sorted(config.items()))


def _mean(records: list[dict[str, Any]], name: str) -> float:
    return statistics.fmean(float(record[name]) for record in records)


def compare(records: list[dict[str, Any]], baseline: str, neuron_order: tuple[str, ...] = ()) -> Comparison:
    """Summarize finished records per (dataset, profile, neuron) and relate them to ``baseline``.

    Per run key only the latest record counts. When a (dataset, profile,
    neuron) has runs of several configurations, the configuration of its most
    recent record is the one summarized.
    """
    latest: dict[str, dict[str, Any]] = {}
    for record in finished_records(records):
        latest[record.get("run_key") or str(id(record))] = record
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for record in latest.values():
        groups.setdefault((record["dataset"], record["profile"], record["neuron"]), []).append(record)

    known = {neuron for _, _, neuron in groups}
    if not known:
        raise AsnbenchError("the results store has no finished records; run `asnbench run` or `asnbench suite run` first")
    if baseline not in known:
        raise AsnbenchError(f"no finished records for baseline neuron {baseline!r}; neurons with records: {', '.join(sorted(known))}")

    comparison = Comparison(baseline=baseline)
    order = [n for n in neuron_order if n in known] + sorted(known - set(neuron_order))
    comparison.neurons = [baseline] + [n for n in order if n != baseline]
    for (dataset, profile, neuron), group in sorted(groups.items()):
        newest = _configuration(max(group, key=lambda r: r.get("finished_at", "")))
        chosen = sorted((r for r in group if _configuration(r) == newest), key=lambda r: r["seed"])
        values = [float(r["metric_value"]) for r in chosen]
        comparison.rows.setdefault((dataset, profile), {})[neuron] = NeuronResult(
            dataset=dataset,
            profile=profile,
            neuron=neuron,
            metric_name=chosen[0]["metric_name"],
            higher_is_better=bool(chosen[0].get("higher_is_better", True)),
            seeds=[r["seed"] for r in chosen],
            metric_mean=statistics.fmean(values),
            metric_std=statistics.stdev(values) if len(values) > 1 else None,
            **{name: _mean(chosen, name) for name in COST_FIELDS},
        )
    for key, row in comparison.rows.items():
        reference = row.get(baseline)
        if reference is None:
            continue
        for neuron, result in row.items():
            row[neuron] = _relative(result, reference)
    return comparison


def _relative(result: NeuronResult, reference: NeuronResult) -> NeuronResult:
    def ratio(name: str) -> float | None:
        denominator = getattr(reference, name)
        return getattr(result, name) / denominator if denominator else None

    values = result.to_dict()
    values.update(
        delta=result.metric_mean - reference.metric_mean,
        spikes_ratio=ratio("spikes_per_sample"),
        synops_ratio=ratio("synops_per_sample"),
        energy_ratio=ratio("energy_pj_per_sample"),
    )
    return NeuronResult(**values)
