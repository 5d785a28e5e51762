"""``asnbench suite run|validate``: run or check a YAML suite."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from asnbench.errors import AsnbenchError

app = typer.Typer(help="Run or validate a YAML suite of datasets x neurons x seeds.", no_args_is_help=True)
stderr = Console(stderr=True)


def _load(path: Path):
    from asnbench.suites import load_suite

    try:
        return load_suite(path)
    except AsnbenchError as error:
        stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@app.command("validate")
def validate(path: Path = typer.Argument(..., help="Suite YAML file.")) -> None:
    """Check a suite file and list its combinations without running anything."""
    suite = _load(path)
    table = Table(title=f"suite {suite.name}: {len(suite.combinations)} combinations")
    for column in ("#", "combination", "line", "status"):
        table.add_column(column)
    for index, combination in enumerate(suite.combinations, start=1):
        status = "ready" if combination.implemented else "not implemented (fails when run)"
        table.add_row(str(index), combination.label(), str(combination.line), status)
    Console().print(table)


@app.command("run")
def run(
    path: Path = typer.Argument(..., help="Suite YAML file."),
    data_dir: Optional[str] = typer.Option(
        None, help="Data root; default $ASNBENCH_DATA, else ~/.cache/asnbench.", show_default=False
    ),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    checkpoint_dir: str = typer.Option("results/checkpoints", help="Folder for per-epoch checkpoints."),
    tracking_uri: Optional[str] = typer.Option(
        None, help="MLflow tracking URI; default $MLFLOW_TRACKING_URI, else sqlite:///./mlflow.db."
    ),
    experiment: str = typer.Option("asnbench", help="MLflow experiment name."),
    download: bool = typer.Option(True, help="Download missing datasets when online."),
    progress: bool = typer.Option(True, help="Show per-run progress bars."),
) -> None:
    """Run every combination of a suite that has no finished record yet; exit 1 if any combination failed."""
    from asnbench.runner import RunOptions
    from asnbench.suites import run_suite

    suite = _load(path)
    options = RunOptions(
        data_dir=data_dir,
        results_dir=results_dir,
        checkpoint_dir=checkpoint_dir,
        tracking_uri=tracking_uri,
        experiment=experiment,
        resume=True,
        download=download,
        progress=progress,
    )
    stderr.print(f"suite {suite.name}: {len(suite.combinations)} combinations, results in {results_dir}")
    report = run_suite(suite, options, console=stderr)
    stderr.print(
        f"suite {suite.name}: {len(report.finished)} finished, {len(report.skipped)} skipped "
        f"(already finished), {len(report.failed)} failed in {report.seconds:.0f} s",
        highlight=False,
    )
    if report.failed:
        table = Table(title="failed combinations")
        for column in ("combination", "line", "error"):
            table.add_column(column)
        for failure in report.failed:
            table.add_row(failure.combination.label(), str(failure.combination.line), f"{failure.error_type}: {failure.message}")
        stderr.print(table)
        raise typer.Exit(1)


def suites_table(folder: Path) -> Table | None:
    """Build a table of the suite files in ``folder`` with their sizes; return ``None`` when there are none."""
    from asnbench.suites import load_suite

    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        return None
    table = Table(title=f"suites ({folder})")
    for column in ("file", "name", "combinations", "description"):
        table.add_column(column)
    for file in files:
        try:
            suite = load_suite(file)
        except AsnbenchError as error:
            table.add_row(str(file), "–", "–", f"invalid: {str(error).splitlines()[0]}; see `asnbench suite validate {file}`")
            continue
        ready = sum(c.implemented for c in suite.combinations)
        table.add_row(str(file), suite.name, f"{len(suite.combinations)} ({ready} implemented)", " ".join(suite.description.split()))
    return table
