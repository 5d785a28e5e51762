"""Train and evaluate one (dataset, neuron, seed, profile) combination end to end."""

from __future__ import annotations

import logging
import math
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from asnbench import distributed
from asnbench.config import RunConfig
from asnbench.data.root import resolve_data_root
from asnbench.environment import code_version, environment
from asnbench.errors import AsnbenchError
from asnbench.interrupts import RunInterrupted, StopRequest
from asnbench.metrics.activity import ActivityMonitor
from asnbench.metrics.energy import get_energy_model
from asnbench.models import SpikingNetwork, to_spike_inference
from asnbench.results import ResultsStore
from asnbench.seeding import seed_everything
from asnbench.storage import check_writable_folder
from asnbench.tasks import get_task
from asnbench.tracking import NullTracker, Tracker
from asnbench.training import Training, TrainingDivergedError, TrainingState, evaluate

# Re-exported: callers catch these from the runner.
__all__ = ["RunInterrupted", "RunOptions", "TrainingDivergedError", "evaluate", "run"]

logger = logging.getLogger("asnbench.runner")


@dataclass(frozen=True)
class RunOptions:
    """Input and output locations of a run, and its use of the hardware.

    Only ``amp`` and ``scale_lr`` can change the result; records store both.
    ``scale_lr`` multiplies the learning rate by the number of processes (the linear
    scaling rule), because each process trains on ``batch_size`` samples per step.
    """

    data_dir: str | None = None
    results_dir: str = "results/runs"
    checkpoint_dir: str = "results/checkpoints"
    tracking_uri: str | None = None
    experiment: str = "asnbench"
    resume: bool = False
    download: bool = True
    progress: bool = True
    tracking: bool = True
    amp: bool = False
    scale_lr: bool = False


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise AsnbenchError("--device cuda was requested but CUDA is not available; use --device cpu")
    return torch.device(name)


def _check_amp(amp: bool, device: torch.device) -> None:
    if amp and device.type != "cuda":
        raise AsnbenchError(f"--amp needs a CUDA device, but this run uses {device.type}. Drop --amp, or use --device cuda")


def _checkpoint_path(config: RunConfig, options: RunOptions) -> Path:
    name = f"{config.dataset.replace('/', '_')}-{config.neuron}-seed{config.seed}-{config.profile}-{config.key()}"
    return Path(options.checkpoint_dir) / name / "last.pt"


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=True,
    )


def run(config: RunConfig, options: RunOptions = RunOptions(), console: Console | None = None) -> dict[str, Any]:
    """Train, evaluate in spike inference, track in MLflow and append the record; return the record.

    Everything that can be checked without data is checked first (names and values in
    ``config``, the device, the output folders and the tracking store), so invalid input
    raises before anything is written. Missing or corrupt data files raise before any
    record, checkpoint or MLflow run is created. Once the data is loaded, every failure appends a ``status: "failed"`` record, marks the MLflow
    run FAILED and re-raises.
    SIGINT and SIGTERM stop training at the next step boundary: the runner saves a
    checkpoint there, marks the MLflow run KILLED, appends no record and raises
    :class:`RunInterrupted`. ``--resume`` continues from that checkpoint.
    """
    context = distributed.detect()
    console = console or Console(stderr=True)
    if not context.is_main:
        console = Console(stderr=True, quiet=True)
    config = config.resolved()
    spec = config.spec()
    task = get_task(spec.task)
    energy_model = get_energy_model(config.energy_model)
    device = distributed.device_for(context, _device(config.device))
    _check_amp(options.amp, device)
    check_writable_folder(options.results_dir, "--results-dir")
    check_writable_folder(options.checkpoint_dir, "--checkpoint-dir")
    root = resolve_data_root(options.data_dir)
    distributed.init_process_group(context, device)
    try:
        return _run(config, options, console, context, spec, task, energy_model, device, root)
    finally:
        distributed.destroy_process_group(context)


def _run(config, options, console, context, spec, task, energy_model, device, root) -> dict[str, Any]:
    tracking = options.tracking and context.is_main
    tracker = Tracker(options.tracking_uri, options.experiment) if tracking else NullTracker()

    seed_everything(config.seed)
    console.log(f"loading {config.dataset} from {root}")
    train_set, test_set = task.build_datasets(spec, config, root, options.download)
    model = task.build_model(spec, config).to(device)
    lr = config.lr * context.world_size if options.scale_lr else config.lr
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    sharded = context.enabled and distributed.metric_is_mergeable(task.new_metric())
    training = Training(
        config,
        task,
        model,
        optimizer,
        scheduler,
        device,
        _checkpoint_path(config, options),
        context=context,
        train_model=_data_parallel(model, context, device),
        amp=options.amp,
        sharded_evaluation=sharded,
    )
    if options.resume:
        training.restore(console)

    run_name = f"{config.dataset}-{config.neuron}-seed{config.seed}"
    tags = {"dataset": config.dataset, "neuron": config.neuron, "task": spec.task, "run_key": config.key()}
    training.state.run_id = tracker.start(run_name, tags, run_id=training.state.run_id)
    identity = _identity(config, spec.task, tracker, training.state.run_id, device)
    identity.update(_parallelism(config, options, context, lr))
    store = ResultsStore(options.results_dir)
    stage = "training"
    with StopRequest() as stop:
        try:
            tracker.log_params(config.to_dict())
            evaluated_set = distributed.evaluation_shard(test_set, context) if sharded else test_set
            test_loader = task.loader(evaluated_set, config.batch_size, shuffle=False, seed=config.seed)
            with _progress(console, options.progress and context.is_main) as progress:
                training.train(train_set, test_loader, tracker, stop, progress, console)
            stage = "final evaluation"
            record = _final_evaluation(task, model, test_loader, device, energy_model, console, sharded)
            training.raise_if_stopped(stop)
            record.update(identity)
            record.update(
                {
                    "metric_name": task.metric_name,
                    "higher_is_better": task.higher_is_better,
                    "integer_metric_value": training.state.integer_metric,
                    "train_seconds": round(training.state.train_seconds, 3),
                    "epochs": config.epochs,
                    "train_samples": len(train_set),
                    "test_samples": len(test_set),
                    "parameters": sum(p.numel() for p in model.parameters()),
                    "status": "finished",
                    "finished_at": _now(),
                }
            )
            stage = "recording"
            if context.is_main:
                _log_final(tracker, record, model, config)
                store.append(record)
            tracker.end("FINISHED")
            return record
        except KeyboardInterrupt as interruption:
            _mark_killed(tracker, interruption)
            raise
        except Exception as error:
            if context.is_main:
                _record_failure(store, tracker, identity, error, stage, training.state, config)
            raise


def _data_parallel(model: SpikingNetwork, context: distributed.DistributedContext, device: torch.device):
    """Wrap ``model`` in DistributedDataParallel in a multi-process job; return it unchanged otherwise."""
    if not context.enabled:
        return model
    device_ids = [device.index] if device.type == "cuda" else None
    # Some neurons hold parameters that a network's last layer never uses (for example the
    # threshold of a neuron whose spikes no later synapse reads), so DDP must look for them.
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=device_ids, find_unused_parameters=True)


def _parallelism(config: RunConfig, options: RunOptions, context: distributed.DistributedContext, lr: float):
    return {
        "world_size": context.world_size,
        "global_batch_size": config.batch_size * context.world_size,
        "scale_lr": options.scale_lr,
        "effective_lr": lr,
        "amp": options.amp,
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _determinism(device: torch.device) -> dict[str, Any]:
    """Whether a rerun with the same seed, config and machine gives the same metrics.

    NOTE: on the CPU, PyTorch 2.14 kernels give the same results for the same inputs and
    thread count. tests/reliability checks this for vision/digits, not for every model.
    On CUDA it holds only with ``torch.use_deterministic_algorithms(True)`` and cuDNN
    autotuning off.
    """
    algorithms = torch.are_deterministic_algorithms_enabled()
    if device.type == "cpu":
        deterministic = True
    else:
        deterministic = algorithms and not torch.backends.cudnn.benchmark
    return {"deterministic": deterministic, "deterministic_algorithms": algorithms}


def _identity(config: RunConfig, task_name: str, tracker: Tracker | NullTracker, run_id, device) -> dict[str, Any]:
    """Return the fields that every record of this run carries, finished or failed."""
    return {
        "dataset": config.dataset,
        "task": task_name,
        "neuron": config.neuron,
        "seed": config.seed,
        "profile": config.profile,
        "model": config.model,
        "timesteps": config.timesteps,
        "levels": config.levels if config.neuron in ("asn", "nasn", "qann") else None,
        "mlflow_run_id": run_id,
        "tracking": tracker.enabled,
        "tracking_uri": tracker.tracking_uri,
        "run_key": config.key(),
        "config": config.to_dict(),
        "code_version": code_version(),
        "environment": environment(),
        **_determinism(device),
    }


def _mark_killed(tracker: Tracker | NullTracker, interruption: KeyboardInterrupt) -> None:
    try:
        tracker.set_tag("asnbench.stopped", str(interruption) or "KeyboardInterrupt")
        tracker.end("KILLED")
    except Exception as error:  # the stop request must win over a tracking error
        logger.error("could not mark MLflow run %s as KILLED: %s", tracker.run_id, error)


def _record_failure(
    store: ResultsStore,
    tracker: Tracker | NullTracker,
    identity: dict[str, Any],
    error: Exception,
    stage: str,
    state: TrainingState,
    config: RunConfig,
) -> None:
    """Append a failed record and mark the MLflow run FAILED; errors doing so are logged, not raised."""
    in_training = stage == "training"
    record = {
        **identity,
        "status": "failed",
        "error": str(error) or type(error).__name__,
        "error_type": type(error).__name__,
        "failed_stage": stage,
        "failed_at_epoch": min(state.epoch + 1, config.epochs) if in_training else config.epochs,
        "failed_at_step": state.step + 1 if in_training else None,
        "completed_epochs": state.epoch,
        "ended_at": _now(),
    }
    try:
        store.append(record)
    except AsnbenchError as store_error:
        logger.error("could not append the failed record of run %s: %s", identity["run_key"], store_error)
    try:
        tracker.set_tag("asnbench.error", record["error"][:5000])
        tracker.end("FAILED")
    except Exception as tracking_error:  # the original error must reach the caller
        logger.error("could not mark MLflow run %s as FAILED: %s", tracker.run_id, tracking_error)


def _final_evaluation(task, model, test_loader, device, energy_model, console, sharded=False) -> dict[str, Any]:
    """Evaluate the spike-inference copy of ``model`` with activity counting.

    With ``sharded``, ``test_loader`` contains this rank's shard of the test set, and the
    metric states and activity counts of all ranks are summed before the report, so
    per-sample figures divide by the global sample count.
    """
    deployed = to_spike_inference(model)
    monitor = ActivityMonitor(deployed)
    metric = task.new_metric()
    started = time.perf_counter()
    with monitor, torch.no_grad():
        for batch in test_loader:
            task.evaluate_batch(deployed, batch, metric, device)
    if sharded:
        distributed.merge_metric_across_ranks(metric)
        distributed.sum_activity_across_ranks(monitor)
    eval_seconds = time.perf_counter() - started
    report = monitor.report(energy_model=energy_model)
    value = metric.compute()
    console.log(f"spike-inference {task.metric_name}: {value:.4f}")
    activity = report.to_dict()
    record = {
        "metric_value": value,
        "eval_seconds": round(eval_seconds, 3),
        "spikes_per_sample": activity["spikes_per_sample"],
        "synops_per_sample": activity["synops_per_sample"],
        "macs_per_sample": activity["macs_per_sample"],
        "energy_pj_per_sample": activity["energy_pj_per_sample"],
        "energy_model": activity["energy_model"],
        "firing_rate": activity["firing_rate"],
        "spike_slots": activity["spike_slots"],
        "activity": activity,
    }
    if not math.isfinite(value):
        raise TrainingDivergedError(f"the evaluated {task.metric_name} is {value}")
    return record


def _log_final(tracker: Tracker, record: dict[str, Any], model: SpikingNetwork, config: RunConfig) -> None:
    keys = (
        "metric_value",
        "spikes_per_sample",
        "synops_per_sample",
        "macs_per_sample",
        "energy_pj_per_sample",
        "firing_rate",
        "train_seconds",
        "eval_seconds",
    )
    tracker.log_metrics({f"final_{k}": record[k] for k in keys})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pt"
        torch.save({"config": config.to_dict(), "state_dict": model.state_dict()}, path)
        tracker.log_artifact(path, "model")
