"""``asnbench hw run`` and ``asnbench export``: neuromorphic targets for trained runs."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from asnbench.errors import AsnbenchError

app = typer.Typer(help="Run trained networks on neuromorphic hardware targets.", no_args_is_help=True)
stderr = Console(stderr=True)


class ExportFormat(str, Enum):
    nir = "nir"
    lava = "lava"


def _fail(error: Exception) -> None:
    stderr.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(2)


def _report_table(report: dict) -> Table:
    table = Table(title=f"{report['dataset']} {report['neuron']} on {report['target']} ({report['lava_tag']})")
    table.add_column("quantity")
    table.add_column("PyTorch", justify="right")
    table.add_column("Lava", justify="right")
    table.add_column("difference", justify="right")
    table.add_row(
        "accuracy",
        f"{report['pytorch_accuracy']:.4f}",
        f"{report['lava_accuracy']:.4f}",
        f"{report['accuracy_difference_pp']:+.2f} pp",
    )
    table.add_row("prediction agreement", "", f"{report['prediction_agreement']:.4f}", "")
    for layer in report["layers"]:
        table.add_row(
            f"spikes/sample {layer['layer']}",
            f"{layer['pytorch_spikes_per_sample']:.2f}",
            f"{layer['lava_spikes_per_sample']:.2f}",
            f"{layer['spike_difference_total']:+.0f} total, {layer['samples_with_different_counts']} samples differ",
        )
    table.add_row("steps/sample", "", f"{report['lava_steps_per_sample']:.2f}", "")
    table.add_row(
        "wall s/sample",
        f"{report['pytorch_seconds_per_sample']:.5f}",
        f"{report['lava_wall_seconds_per_sample']:.5f}",
        "",
    )
    return table


@app.command("run")
def run_command(
    dataset: Optional[str] = typer.Argument(None, help="Dataset of the run, checked against the run's own."),
    run_id: str = typer.Option(..., "--run", help="MLflow run id (or run_key) of a finished run in the results store."),
    target: str = typer.Option("loihi2-sim", help="Hardware target; loihi2-sim is Lava's Loihi2SimCfg."),
    samples: int = typer.Option(500, help="Number of test samples, taken from the start of the test split."),
    fixed_point: bool = typer.Option(False, "--fixed-point", help="Use Lava's bit-accurate fixed_pt models."),
    lava_python: Optional[str] = typer.Option(
        None, help="Python interpreter with lava-nc; default $ASNBENCH_LAVA_PYTHON, else .venv-lava/bin/python."
    ),
    timeout: float = typer.Option(600.0, help="Seconds before the Lava subprocess is stopped."),
    chunk: int = typer.Option(500, help="Samples pipelined in one Lava run."),
    data_dir: Optional[str] = typer.Option(None, help="Data root; default $ASNBENCH_DATA, else ~/.cache/asnbench."),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    tracking_uri: Optional[str] = typer.Option(None, help="MLflow tracking URI; default the one in the run's record."),
) -> None:
    """Run a trained run's test samples on Lava and report parity with PyTorch spike inference."""
    from asnbench.hardware.parity import HardwareOptions, run_hardware

    options = HardwareOptions(
        target=target, samples=samples, fixed_point=fixed_point, lava_python=lava_python, timeout=timeout,
        chunk=chunk, data_dir=data_dir, results_dir=results_dir, tracking_uri=tracking_uri,
    )
    try:
        report = run_hardware(run_id, dataset, options)
    except AsnbenchError as error:
        _fail(error)
    stderr.print(_report_table(report))


def export_command(
    run_id: str = typer.Option(..., "--run", help="MLflow run id (or run_key) of a finished run in the results store."),
    output_format: ExportFormat = typer.Option(
        ExportFormat.nir, "--format", help="nir (Neuromorphic Intermediate Representation) or lava (.npz)."
    ),
    out: Path = typer.Option(..., help="Output file."),
    approximate: bool = typer.Option(
        False, "--approximate", help="NIR only: export ASN as a documented CubaLIF approximation."
    ),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    tracking_uri: Optional[str] = typer.Option(None, help="MLflow tracking URI; default the one in the run's record."),
) -> None:
    """Export a trained run's spike-inference network to NIR or to the Lava network file."""
    from asnbench.hardware import export_format
    from asnbench.hardware.network_export import export_network
    from asnbench.hardware.nir_export import write_nir
    from asnbench.hardware.trained import load_trained_run
    from asnbench.models import to_spike_inference

    try:
        trained = load_trained_run(run_id, results_dir, tracking_uri)
        deployed = to_spike_inference(trained.model)
        out.parent.mkdir(parents=True, exist_ok=True)
        if output_format is ExportFormat.nir:
            write_nir(deployed, trained.spec.input_shape, out, approximate=approximate)
        else:
            export_format.save(export_network(deployed, trained.spec.input_shape, trained.spec.num_classes), out)
    except AsnbenchError as error:
        _fail(error)
    stderr.print(f"wrote {out}")
