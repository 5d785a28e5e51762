"""The leaderboard: the best finished record per (dataset, neuron), with what reproduces it."""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict, dataclass
from typing import Any

from asnbench.results import finished_records

# RunConfig fields and the ``asnbench run`` flag that sets each.
_FLAGS = (
    ("neuron", "--neuron"),
    ("seed", "--seed"),
    ("profile", "--profile"),
    ("model", "--model"),
    ("timesteps", "--timesteps"),
    ("levels", "--levels"),
    ("surrogate", "--surrogate"),
    ("epochs", "--epochs"),
    ("batch_size", "--batch-size"),
    ("lr", "--lr"),
    ("max_train_samples", "--max-train-samples"),
    ("energy_model", "--energy-model"),
    ("device", "--device"),
)


@dataclass(frozen=True)
class Entry:
    """One leaderboard row."""

    dataset: str
    task: str
    neuron: str
    metric_name: str
    metric_value: float
    higher_is_better: bool
    spikes_per_sample: float
    synops_per_sample: float
    macs_per_sample: float
    energy_pj_per_sample: float
    energy_model: str
    seed: int
    profile: str
    code_version: str
    environment: str
    finished_at: str
    run_key: str
    command: str
    config: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def reproduce_command(config: dict[str, Any]) -> str:
    """The ``asnbench run`` command line that trains ``config`` again.

    ``model_options`` has no flag; when they differ from the dataset profile's
    defaults the command is followed by a note that names them.
    """
    parts = ["asnbench", "run", config["dataset"]]
    for name, flag in _FLAGS:
        value = config.get(name)
        if value is not None:
            parts += [flag, str(value)]
    command = shlex.join(parts)
    options = config.get("model_options") or {}
    if options and options != _profile_model_options(config):
        command += f"  # with model_options {json.dumps(options, sort_keys=True)}"
    return command


def _profile_model_options(config: dict[str, Any]) -> dict[str, Any] | None:
    from asnbench.errors import AsnbenchError
    from asnbench.registry import get_dataset

    try:
        settings = get_dataset(config["dataset"]).profile(config.get("profile", "smoke"))
    except AsnbenchError:
        return None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in settings.model_options.items()}


def _code_version(record: dict[str, Any]) -> str:
    version = record.get("code_version") or {}
    if version.get("commit"):
        return version["commit"][:12] + ("-dirty" if version.get("dirty") else "")
    return f"asnbench {version.get('package', 'unknown')}"


def _environment(record: dict[str, Any]) -> str:
    env = record.get("environment") or {}
    device = env.get("cuda") or f"cpu x{env.get('cpu_count', '?')}"
    return f"python {env.get('python', '?')}, torch {env.get('torch', '?')}, {device}"


def _is_better(candidate: dict[str, Any], current: dict[str, Any]) -> bool:
    if candidate.get("higher_is_better", True):
        return candidate["metric_value"] > current["metric_value"]
    return candidate["metric_value"] < current["metric_value"]


def best_entries(records: list[dict[str, Any]]) -> list[Entry]:
    """The best finished record per (dataset, neuron) by its metric's direction, sorted by dataset then metric.

    Ties keep the earlier record.
    """
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for record in finished_records(records):
        key = (record["dataset"], record["neuron"])
        if key not in best or _is_better(record, best[key]):
            best[key] = record
    entries = [_entry(record) for record in best.values()]
    return sorted(entries, key=lambda e: (e.dataset, -e.metric_value if e.higher_is_better else e.metric_value, e.neuron))


def _entry(record: dict[str, Any]) -> Entry:
    config = record.get("config") or {}
    return Entry(
        dataset=record["dataset"],
        task=record.get("task", ""),
        neuron=record["neuron"],
        metric_name=record["metric_name"],
        metric_value=float(record["metric_value"]),
        higher_is_better=bool(record.get("higher_is_better", True)),
        spikes_per_sample=float(record["spikes_per_sample"]),
        synops_per_sample=float(record["synops_per_sample"]),
        macs_per_sample=float(record["macs_per_sample"]),
        energy_pj_per_sample=float(record["energy_pj_per_sample"]),
        energy_model=str(record.get("energy_model", "")),
        seed=int(record["seed"]),
        profile=record.get("profile", ""),
        code_version=_code_version(record),
        environment=_environment(record),
        finished_at=record.get("finished_at", ""),
        run_key=record.get("run_key", ""),
        command=reproduce_command(config) if config else "",
        config=config,
    )
