"""``asnbench leaderboard export``: the best run per (dataset, neuron) as a file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

app = typer.Typer(help="Export the leaderboard from the results store.", no_args_is_help=True)


class BoardFormat(str, Enum):
    md = "md"
    csv = "csv"
    json = "json"
    html = "html"


@app.command("export")
def export(
    output_format: BoardFormat = typer.Option(BoardFormat.md, "--format", help="md, csv, json or html."),
    out: Optional[Path] = typer.Option(None, help="Output file; default stdout."),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    equal_slots: bool = typer.Option(
        False, "--equal-slots", help="With --format md: add ASN against LIF at equal spike slots and QANN at equal levels."
    ),
) -> None:
    """Write the best finished record per (dataset, neuron) with its config, code version and run command."""
    from asnbench.leaderboard import WRITERS, best_entries
    from asnbench.results import ResultsStore

    entries = best_entries(ResultsStore(results_dir).read().records)
    if not entries:
        Console(stderr=True).print(f"[bold red]error:[/] no finished records in {results_dir}; run a suite first")
        raise typer.Exit(2)
    text = WRITERS[output_format.value](entries)
    if equal_slots and output_format == BoardFormat.md:
        from asnbench.fairness_table import fair_section_markdown

        text += fair_section_markdown(ResultsStore(results_dir).read().records)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    Console(stderr=True).print(f"wrote {len(entries)} entries to {out}")
