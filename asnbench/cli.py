"""The ``asnbench`` command line: a thin layer over :mod:`asnbench.runner` and friends."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.logging import RichHandler

from asnbench.errors import AsnbenchError

app = typer.Typer(
    name="asnbench",
    help="Benchmark the Adaptive Spiking Neuron family against LIF and ANN baselines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

stderr = Console(stderr=True)


def _fail(error: BaseException | str, code: int) -> None:
    stderr.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def run(
    dataset: str = typer.Argument("vision/digits", help="Dataset as modality/name, see `asnbench list`."),
    neuron: str = typer.Option("asn", help="Neuron under test: asn, nasn, lif, plif, ann or qann (quantized ReLU)."),
    seed: int = typer.Option(0, help="Random seed for initialisation, data order and subsets."),
    profile: str = typer.Option("smoke", help="Size profile: smoke (CPU minutes) or full (GPU scale)."),
    model: Optional[str] = typer.Option(None, help="Model name; default: the dataset's default model."),
    timesteps: Optional[int] = typer.Option(
        None, help="Logical timesteps per sample; default 1 for asn, nasn and ann, 4 for lif and plif."
    ),
    levels: int = typer.Option(4, help="ASN/NASN maximum spike count D per step (binary sub-steps at inference); QANN levels 0..D."),
    surrogate: str = typer.Option("arctan", help="LIF/PLIF surrogate gradient: arctan, sigmoid, triangle, fast_sigmoid."),
    epochs: Optional[int] = typer.Option(None, help="Training epochs; default from the profile."),
    batch_size: Optional[int] = typer.Option(None, help="Batch size; default from the profile."),
    lr: Optional[float] = typer.Option(None, help="Adam learning rate; default from the profile."),
    max_train_samples: Optional[int] = typer.Option(None, help="Train on a seeded subset of this many samples."),
    energy_model: str = typer.Option("45nm", help="Energy model for the estimate: a preset from `asnbench list` or a .yaml/.yml file."),
    device: str = typer.Option("cpu", help="cpu, cuda or auto."),
    data_dir: Optional[str] = typer.Option(
        None, help="Data root; default $ASNBENCH_DATA, else ~/.cache/asnbench.", show_default=False
    ),
    results_dir: str = typer.Option("results/runs", help="Folder of the JSON-lines results store."),
    checkpoint_dir: str = typer.Option("results/checkpoints", help="Folder for per-epoch checkpoints."),
    tracking_uri: Optional[str] = typer.Option(
        None, help="MLflow tracking URI; default $MLFLOW_TRACKING_URI, else sqlite:///./mlflow.db."
    ),
    experiment: str = typer.Option("asnbench", help="MLflow experiment name."),
    tracking: bool = typer.Option(True, help="Track the run in MLflow; --no-tracking records it only in the results store."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the last checkpoint of this configuration."),
    download: bool = typer.Option(True, help="Download missing datasets when online."),
    as_json: bool = typer.Option(False, "--json", help="Print the result record as one JSON object on stdout."),
    progress: bool = typer.Option(True, help="Show progress bars."),
    amp: bool = typer.Option(False, "--amp", help="Train with bfloat16 mixed precision; CUDA devices only."),
    scale_lr: bool = typer.Option(
        False, help="Multiply --lr by the number of processes (each process trains on --batch-size samples per step)."
    ),
    nproc_per_node: Optional[int] = typer.Option(
        None, help="Start this many data-parallel processes on this machine through torchrun.", show_default=False
    ),
) -> None:
    """Train one (dataset, neuron, seed) combination, evaluate it with binary spikes, and record it."""
    if nproc_per_node is not None:
        from asnbench.launch import launch

        try:
            raise typer.Exit(launch(sys.argv[1:], nproc_per_node))
        except AsnbenchError as error:
            _fail(error, 2)
    from asnbench.config import RunConfig
    from asnbench.distributed import detect as detect_distributed
    from asnbench.runner import RunInterrupted, RunOptions, TrainingDivergedError
    from asnbench.runner import run as run_one
    from asnbench.summary import layer_table, run_table

    config = RunConfig(
        dataset=dataset,
        neuron=neuron,
        seed=seed,
        profile=profile,
        model=model,
        timesteps=timesteps,
        levels=levels,
        surrogate=surrogate,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        max_train_samples=max_train_samples,
        energy_model=energy_model,
        device=device,
    )
    options = RunOptions(
        data_dir=data_dir,
        results_dir=results_dir,
        checkpoint_dir=checkpoint_dir,
        tracking_uri=tracking_uri,
        experiment=experiment,
        resume=resume,
        download=download,
        progress=progress,
        tracking=tracking,
        amp=amp,
        scale_lr=scale_lr,
    )
    try:
        record = run_one(config, options, console=stderr)
    except RunInterrupted as interruption:
        _fail(interruption, interruption.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted; the last epoch's checkpoint is kept, continue with --resume", 130)
    except TrainingDivergedError as error:
        _fail(error, 1)
    except AsnbenchError as error:
        _fail(error, 2)
    if not detect_distributed().is_main:
        return
    stderr.print(run_table(record))
    stderr.print(layer_table(record))
    if as_json:
        sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")


@app.command("list")
def list_command() -> None:
    """List datasets, neurons, models and energy models."""
    from rich.table import Table

    from asnbench.data.root import resolve_data_root
    from asnbench.metrics.energy import ENERGY_MODELS
    from asnbench.models import MODELS
    from asnbench.neurons import NEURONS
    from asnbench.registry import all_datasets

    console = Console()
    root = resolve_data_root(None)
    table = Table(title=f"datasets (data root {root})")
    for column in ("dataset", "task", "metric", "model", "status", "source"):
        table.add_column(column)
    for spec in all_datasets():
        if not spec.implemented:
            status = "not implemented"
        else:
            status = "present" if spec.is_present(root) else "missing"
        table.add_row(spec.name, spec.task, spec.metric, spec.default_model, status, spec.source)
    console.print(table)
    console.print("neurons: " + ", ".join(NEURONS))
    console.print("models: " + ", ".join(MODELS))
    console.print(
        "energy models: "
        + ", ".join(f"{m.name} (MAC {m.e_mac_pj} pJ, AC {m.e_ac_pj} pJ)" for m in ENERGY_MODELS.values())
    )
    suites = _suite_commands.suites_table(Path("suites"))
    if suites is not None:
        console.print(suites)


@app.callback()
def configure(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=stderr, show_path=False)],
        force=True,
    )
    # MLflow and alembic are chatty at INFO level.
    for name in ("alembic", "mlflow"):
        logging.getLogger(name).setLevel(logging.WARNING)


from asnbench.commands import compare as _compare_commands  # noqa: E402
from asnbench.commands import hardware as _hardware_commands  # noqa: E402
from asnbench.commands import leaderboard as _leaderboard_commands  # noqa: E402
from asnbench.commands import regress as _regress_commands  # noqa: E402
from asnbench.commands import suite as _suite_commands  # noqa: E402

app.add_typer(_suite_commands.app, name="suite")
app.command("compare")(_compare_commands.compare_command)
app.add_typer(_leaderboard_commands.app, name="leaderboard")
app.command("regress")(_regress_commands.regress_command)
app.add_typer(_hardware_commands.app, name="hw")
app.command("export")(_hardware_commands.export_command)


def main() -> None:
    app()
