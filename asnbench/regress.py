"""Regression checks: the latest records against a committed reference, within per-quantity tolerances."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from asnbench.errors import ConfigError
from asnbench.results import latest_by

# A reference entry and a record match on these fields; hyperparameters may change between them.
IDENTITY = ("dataset", "neuron", "seed", "profile")
# Costs: lower is better. The task metric's direction comes from its record.
COST_QUANTITIES = ("spikes_per_sample", "synops_per_sample", "macs_per_sample", "energy_pj_per_sample")
# "metric" stands for each record's task metric, whatever its name.
TASK_METRIC = "metric"
REFERENCE_FIELDS = (*IDENTITY, "metric_name", "higher_is_better", "metric_value", *COST_QUANTITIES, "run_key")


@dataclass(frozen=True)
class Tolerance:
    """How far a value may move in the worse direction: ``amount`` absolute, or a fraction of the reference."""

    amount: float
    relative: bool

    def allowed(self, reference: float) -> float:
        return abs(reference) * self.amount if self.relative else self.amount

    def __str__(self) -> str:
        return f"{self.amount * 100:g}%" if self.relative else f"{self.amount:g}"


# Defaults sized to absorb CPU nondeterminism between machines (other instruction sets and
# thread counts change float sums) while catching real changes.
DEFAULT_TOLERANCES = {
    TASK_METRIC: Tolerance(0.03, relative=True),
    "spikes_per_sample": Tolerance(0.10, relative=True),
    "synops_per_sample": Tolerance(0.10, relative=True),
    "energy_pj_per_sample": Tolerance(0.10, relative=True),
    "macs_per_sample": Tolerance(0.01, relative=True),
}

_TOLERANCE = re.compile(r"^(?P<name>[A-Za-z_][\w]*)=(?P<amount>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)(?P<percent>%?)$")


def parse_tolerances(specs: list[str]) -> dict[str, Tolerance]:
    """Defaults updated with ``name=0.02`` (absolute) or ``name=5%`` (relative) entries."""
    tolerances = dict(DEFAULT_TOLERANCES)
    for spec in specs:
        match = _TOLERANCE.match(spec.strip())
        if match is None:
            raise ConfigError(f"invalid tolerance {spec!r}; write NAME=0.02 for an absolute or NAME=5% for a relative one")
        amount = float(match["amount"])
        relative = bool(match["percent"])
        tolerances[match["name"]] = Tolerance(amount / 100 if relative else amount, relative)
    return tolerances


@dataclass(frozen=True)
class Check:
    """One quantity of one reference entry against the latest record."""

    identity: tuple
    quantity: str
    reference: float
    current: float | None
    higher_is_better: bool
    tolerance: Tolerance
    status: str  # "regressed", "improved", "within tolerance" or "missing"


@dataclass
class RegressionReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def regressed(self) -> list[Check]:
        return [check for check in self.checks if check.status in ("regressed", "missing")]

    @property
    def ok(self) -> bool:
        return not self.regressed


def _status(reference: float, current: float, higher_is_better: bool, tolerance: Tolerance) -> str:
    gain = current - reference if higher_is_better else reference - current
    allowed = tolerance.allowed(reference)
    if gain < -allowed:
        return "regressed"
    if gain > allowed:
        return "improved"
    return "within tolerance"


def check_records(reference: list[dict[str, Any]], records: list[dict[str, Any]], tolerances: dict[str, Tolerance]) -> RegressionReport:
    """Compare each reference entry with the latest finished record of the same dataset, neuron, seed and profile.

    A reference entry without a matching record is reported as missing and counts as a regression.
    """
    latest = latest_by(records, IDENTITY)
    report = RegressionReport()
    for entry in reference:
        identity = tuple(entry.get(name) for name in IDENTITY)
        current = latest.get(identity)
        quantities = [(TASK_METRIC, "metric_value", bool(entry.get("higher_is_better", True)))]
        quantities += [(name, name, False) for name in COST_QUANTITIES if name in entry]
        for tolerance_name, value_name, higher_is_better in quantities:
            label = entry.get("metric_name", TASK_METRIC) if tolerance_name == TASK_METRIC else tolerance_name
            tolerance = tolerances.get(label) or tolerances.get(tolerance_name) or Tolerance(0.0, relative=False)
            reference_value = float(entry[value_name])
            if current is None:
                report.checks.append(Check(identity, label, reference_value, None, higher_is_better, tolerance, "missing"))
                continue
            value = float(current[value_name])
            status = _status(reference_value, value, higher_is_better, tolerance)
            report.checks.append(Check(identity, label, reference_value, value, higher_is_better, tolerance, status))
    return report


def read_reference(path: Path) -> list[dict[str, Any]]:
    """Read the entries of a reference file written by :func:`write_reference`."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"reference file {path} not found; create it with `asnbench regress --reference {path} --write`") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"reference file {path} is not valid JSON: {error}") from error
    entries = content.get("records") if isinstance(content, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"reference file {path} has no list of records under the key 'records'")
    for index, entry in enumerate(entries):
        missing = [name for name in (*IDENTITY, "metric_value") if name not in entry]
        if missing:
            raise ConfigError(f"reference file {path}: record {index} lacks {', '.join(missing)}")
    return entries


def write_reference(path: Path, records: list[dict[str, Any]], note: str) -> int:
    """Write the latest finished record per identity as the reference; return how many were written."""
    latest = latest_by(records, IDENTITY)
    if not latest:
        raise ConfigError("the results store has no finished records to make a reference from")
    entries = [{name: record.get(name) for name in REFERENCE_FIELDS} for _, record in sorted(latest.items(), key=lambda item: str(item[0]))]
    first = next(iter(latest.values()))
    content = {
        "note": note,
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": first.get("code_version"),
        "environment": first.get("environment"),
        "records": entries,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return len(entries)
