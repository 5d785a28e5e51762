"""Rich tables that summarize a finished run."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def run_table(record: dict[str, Any]) -> Table:
    """Headline figures of one run."""
    table = Table(title=f"{record['dataset']} · {record['neuron']} · seed {record['seed']}", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    rows = [
        (record["metric_name"] + " (spike inference)", record["metric_value"]),
        ("timesteps", record["timesteps"]),
        ("levels", record["levels"]),
        ("spikes / sample", record["spikes_per_sample"]),
        ("firing rate", record["firing_rate"]),
        ("SynOps (ACs) / sample", record["synops_per_sample"]),
        ("MACs / sample", record["macs_per_sample"]),
        (f"energy / sample (pJ, {record['energy_model']})", record["energy_pj_per_sample"]),
        ("train seconds", record["train_seconds"]),
        ("eval seconds", record["eval_seconds"]),
        ("MLflow run", record["mlflow_run_id"]),
    ]
    for name, value in rows:
        table.add_row(name, _number(value))
    return table


def layer_table(record: dict[str, Any]) -> Table:
    """Per-layer operations and energy, so a dominant analog first layer is visible."""
    table = Table(title="per layer")
    for column in ("layer", "input", "SynOps", "MACs", "energy pJ", "share", "spikes", "firing rate"):
        table.add_column(column, justify="left" if column in ("layer", "input") else "right")
    for layer in record.get("activity", {}).get("layers", []):
        if layer.get("kind") in ("synapse", "matmul"):
            table.add_row(
                layer["name"],
                "spikes" if layer.get("spiking_input") else "analog",
                _number(layer.get("synops_per_sample")),
                _number(layer.get("macs_per_sample")),
                _number(layer.get("energy_pj_per_sample")),
                f"{100 * layer.get('energy_share', 0.0):.1f} %",
                "",
                "",
            )
        else:
            table.add_row(
                layer["name"],
                "",
                "",
                "",
                "",
                "",
                _number(layer.get("spikes_per_sample")),
                _number(layer.get("firing_rate")),
            )
    return table
