"""``asnbench compare --equal-slots``: ASN against LIF at equal spike slots and QANN at equal levels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from asnbench.errors import AsnbenchError
from asnbench.fairness import fair_compare
from asnbench.fairness_table import render_csv, render_json, render_markdown, render_rich


def show_fair_comparison(
    records: list[dict[str, Any]],
    energy_models: list[str] | None,
    output_format: str,
    out: Path | None,
    results_dir: str,
) -> None:
    """Print or write the fair comparison of ``records`` in ``output_format`` (table, csv, json or md).

    Exits with status 2 and a message on stderr when there is no finished
    record or an energy model is unknown or invalid.
    """
    try:
        comparison = fair_compare(records, energy_models or ["45nm"])
    except AsnbenchError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if output_format == "table":
        console = Console(file=out.open("w", encoding="utf-8") if out else None, width=200 if out else None)
        console.print(render_rich(comparison, f"configurations ({results_dir})"))
        return
    renderers = {"csv": render_csv, "json": render_json, "md": render_markdown}
    text = renderers[output_format](comparison)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)
