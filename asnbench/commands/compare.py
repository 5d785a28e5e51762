"""``asnbench compare``: neurons side by side per dataset, relative to a baseline neuron."""

from __future__ import annotations

import csv
import io
import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from asnbench.compare import Comparison, NeuronResult, compare
from asnbench.errors import AsnbenchError
from asnbench.results import ResultsStore
from asnbench.tables import format_number, markdown_table

NEURON_ORDER = ("asn", "nasn", "lif", "plif", "qann", "ann")


class CompareFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


def _metric_cell(result: NeuronResult | None) -> str:
    if result is None:
        return "–"
    if result.metric_std is None:
        return f"{result.metric_mean:.4f} (n={len(result.seeds)})"
    return f"{result.metric_mean:.4f} ± {result.metric_std:.4f} (n={len(result.seeds)})"


def _ratio_cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3g}x"


def wide_table(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: per dataset, the baseline's absolute values and every other neuron relative to it."""
    baseline = comparison.baseline
    headers = ["dataset", "profile", "metric", baseline, f"{baseline} spikes", f"{baseline} SynOps", f"{baseline} energy pJ"]
    others = [n for n in comparison.neurons if n != baseline]
    for neuron in others:
        headers += [neuron, f"{neuron} Δ", f"{neuron} spikes ×", f"{neuron} SynOps ×", f"{neuron} energy ×"]
    rows = []
    for (dataset, profile), row in comparison.rows.items():
        any_result = next(iter(row.values()))
        base = row.get(baseline)
        cells = [dataset, profile, any_result.metric_name, _metric_cell(base)]
        cells += [format_number(getattr(base, name)) if base else "–" for name in ("spikes_per_sample", "synops_per_sample", "energy_pj_per_sample")]
        for neuron in others:
            result = row.get(neuron)
            if result is None:
                cells += ["–"] * 5
                continue
            delta = "–" if result.delta is None else f"{result.delta:+.4f}"
            cells += [_metric_cell(result), delta, _ratio_cell(result.spikes_ratio), _ratio_cell(result.synops_ratio), _ratio_cell(result.energy_ratio)]
        rows.append(cells)
    return headers, rows


def terminal_table(comparison: Comparison, results_dir: str) -> Table:
    """Build a rich table with one row per dataset and one column per neuron, relative values stacked in each cell."""
    baseline = comparison.baseline
    table = Table(title=f"neurons compared with {baseline} ({results_dir})", show_lines=True)
    for header in ("dataset", "metric", *comparison.neurons):
        table.add_column(header, no_wrap=header in ("dataset", "metric"))
    for (dataset, profile), row in comparison.rows.items():
        cells = [f"{dataset}\n{profile}", next(iter(row.values())).metric_name]
        for neuron in comparison.neurons:
            result = row.get(neuron)
            if result is None:
                cells.append("–")
            elif neuron == baseline:
                cells.append(
                    f"{_metric_cell(result)}\nspikes {format_number(result.spikes_per_sample)}\n"
                    f"SynOps {format_number(result.synops_per_sample)}\nenergy {format_number(result.energy_pj_per_sample)} pJ"
                )
            else:
                delta = "–" if result.delta is None else f"{result.delta:+.4f}"
                cells.append(
                    f"{_metric_cell(result)}\nΔ {delta}\nspikes {_ratio_cell(result.spikes_ratio)}\n"
                    f"SynOps {_ratio_cell(result.synops_ratio)}\nenergy {_ratio_cell(result.energy_ratio)}"
                )
        table.add_row(*cells)
    return table


def render(comparison: Comparison, output_format: CompareFormat) -> str:
    """Format the comparison as CSV or JSON (one row per dataset and neuron) or as a Markdown table."""
    results = [result.to_dict() for result in comparison.results()]
    if output_format == CompareFormat.json:
        return json.dumps({"baseline": comparison.baseline, "results": results}, indent=2) + "\n"
    if output_format == CompareFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(results[0]))
        writer.writeheader()
        for result in results:
            writer.writerow({**result, "seeds": " ".join(str(seed) for seed in result["seeds"])})
        return buffer.getvalue()
    headers, rows = wide_table(comparison)
    return markdown_table(headers, rows)


def compare_command(
    baseline: str = typer.Option("lif", help="Neuron every other neuron is compared with."),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    output_format: CompareFormat = typer.Option(CompareFormat.table, "--format", help="table (terminal), csv, json or md."),
    out: Optional[Path] = typer.Option(None, help="Write to this file instead of stdout."),
    equal_slots: bool = typer.Option(
        False, "--equal-slots", help="Pair ASN at (T, D) with LIF at T x D spike slots and with QANN at D levels."
    ),
    energy_models: Optional[list[str]] = typer.Option(
        None, "--energy-model", help="With --equal-slots: energy preset or YAML file to price with; repeatable (default 45nm)."
    ),
) -> None:
    """Show each dataset's neurons side by side: metric mean ± std over seeds, difference and cost ratios to the baseline."""
    records = ResultsStore(results_dir).read().records
    if equal_slots:
        from asnbench.commands.fair_compare import show_fair_comparison

        show_fair_comparison(records, energy_models, output_format.value, out, results_dir)
        return
    try:
        comparison = compare(records, baseline, NEURON_ORDER)
    except AsnbenchError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if output_format == CompareFormat.table:
        Console(file=out.open("w", encoding="utf-8") if out else None).print(terminal_table(comparison, results_dir))
        return
    text = render(comparison, output_format)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)
