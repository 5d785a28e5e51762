"""``asnbench regress``: compare the latest records with a committed reference; exit 1 on a regression."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from asnbench.errors import AsnbenchError


def regress_command(
    reference: Path = typer.Option(..., help="Reference JSON file, for example results/reference.json."),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    tolerance: list[str] = typer.Option(
        [],
        help="NAME=0.02 (absolute) or NAME=5% (relative); NAME is the task metric (or 'metric') or a cost such as "
        "energy_pj_per_sample. Repeat for several. Defaults: metric 3%, spikes, SynOps and energy 10%, MACs 1%.",
    ),
    write: bool = typer.Option(False, "--write", help="Write the latest records as the new reference instead of checking."),
    note: str = typer.Option("", help="With --write: a note stored in the reference, such as the command that made the records."),
) -> None:
    """Check the latest records against a reference: exit 0 when nothing regressed, 1 when something did."""
    from asnbench.regress import check_records, parse_tolerances, read_reference, write_reference
    from asnbench.results import ResultsStore

    console = Console(stderr=True)
    if not console.is_terminal:
        # CI logs are not terminals, and rich's 80-column default would cut the table's numbers.
        console = Console(stderr=True, width=160)
    records = ResultsStore(results_dir).read().records
    try:
        if write:
            count = write_reference(reference, records, note=note or f"written by asnbench regress --write from {results_dir}")
            console.print(f"wrote {count} reference records to {reference}")
            return
        report = check_records(read_reference(reference), records, parse_tolerances(tolerance))
    except AsnbenchError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None

    table = Table(title=f"latest records in {results_dir} against {reference}")
    for column in ("dataset", "neuron", "seed", "profile", "quantity", "reference", "current", "tolerance", "status"):
        table.add_column(column, no_wrap=column in ("dataset", "quantity", "status"))
    styles = {"regressed": "bold red", "missing": "bold red", "improved": "green"}
    for check in report.checks:
        current = "–" if check.current is None else f"{check.current:.6g}"
        table.add_row(
            *(str(part) for part in check.identity),
            check.quantity,
            f"{check.reference:.6g}",
            current,
            str(check.tolerance),
            f"[{styles[check.status]}]{check.status}[/]" if check.status in styles else check.status,
        )
    console.print(table)
    if report.ok:
        console.print(f"no regressions in {len(report.checks)} checks")
        return
    for check in report.regressed:
        change = "no record" if check.current is None else f"{check.reference:.6g} -> {check.current:.6g}"
        console.print(f"regressed: {' '.join(str(p) for p in check.identity)} {check.quantity}: {change} (tolerance {check.tolerance})", highlight=False)
    raise typer.Exit(1)
