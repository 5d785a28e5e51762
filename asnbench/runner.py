"""Train and evaluate one (dataset, neuron, seed, profile) combination end to end."""

from __future__ import annotations

import logging
import math
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from asnbench import checkpoint
from asnbench.config import RunConfig
from asnbench.data.root import resolve_data_root
from asnbench.environment import code_version, environment
from asnbench.errors import AsnbenchError
from asnbench.metrics.activity import ActivityMonitor
from asnbench.metrics.energy import get_energy_model
from asnbench.models import SpikingNetwork, to_spike_inference
from asnbench.results import ResultsStore
from asnbench.seeding import seed_everything
from asnbench.tasks import Task, get_task
from asnbench.tracking import Tracker

logger = logging.getLogger("asnbench.runner")


class TrainingDivergedError(AsnbenchError):
    """The loss became NaN or infinite."""


@dataclass(frozen=True)
class RunOptions:
    """Where a run reads and writes; none of these change its result."""

    data_dir: str | None = None
    results_dir: str = "results/runs"
    checkpoint_dir: str = "results/checkpoints"
    tracking_uri: str | None = None
    experiment: str = "asnbench"
    resume: bool = False
    download: bool = True
    progress: bool = True


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise AsnbenchError("--device cuda was requested but CUDA is not available; use --device cpu")
    return torch.device(name)


def _checkpoint_path(config: RunConfig, options: RunOptions) -> Path:
    name = f"{config.dataset.replace('/', '_')}-{config.neuron}-seed{config.seed}-{config.profile}-{config.key()}"
    return Path(options.checkpoint_dir) / name / "last.pt"


def _rng_state() -> dict[str, Any]:
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def _restore_rng(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


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


def evaluate(task: Task, model: SpikingNetwork, loader, device: torch.device) -> float:
    """The task metric of ``model`` (put in eval mode) over ``loader``."""
    model.eval()
    metric = task.new_metric()
    with torch.no_grad():
        for batch in loader:
            task.evaluate_batch(model, batch, metric, device)
    return metric.compute()


def run(config: RunConfig, options: RunOptions = RunOptions(), console: Console | None = None) -> dict[str, Any]:
    """Train, evaluate in spike inference, track in MLflow and append the record; return the record."""
    console = console or Console(stderr=True)
    config = config.resolved()
    spec = config.spec()
    task = get_task(spec.task)
    energy_model = get_energy_model(config.energy_model)
    device = _device(config.device)
    root = resolve_data_root(options.data_dir)

    seed_everything(config.seed)
    console.log(f"loading {config.dataset} from {root}")
    train_set, test_set = task.build_datasets(spec, config, root, options.download)
    model = task.build_model(spec, config).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)

    ckpt_path = _checkpoint_path(config, options)
    start_epoch, history, train_seconds, run_id = 0, [], 0.0, None
    if options.resume and ckpt_path.exists():
        state = checkpoint.load(ckpt_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        _restore_rng(state["rng"])
        start_epoch, history = state["epoch"], state["history"]
        train_seconds, run_id = state["train_seconds"], state["mlflow_run_id"]
        console.log(f"resuming from {ckpt_path} after epoch {start_epoch}")
    elif options.resume:
        console.log(f"no checkpoint at {ckpt_path}; starting from scratch")

    tracker = Tracker(options.tracking_uri, options.experiment)
    run_name = f"{config.dataset}-{config.neuron}-seed{config.seed}"
    tags = {"dataset": config.dataset, "neuron": config.neuron, "task": spec.task, "run_key": config.key()}
    run_id = tracker.start(run_name, tags, run_id=run_id)
    try:
        tracker.log_params(config.to_dict())
        test_loader = task.loader(test_set, config.batch_size, shuffle=False, seed=config.seed)
        integer_metric = history[-1]["test_metric"] if history else None
        with _progress(console, options.progress) as progress:
            epochs_bar = progress.add_task("epochs", total=config.epochs, completed=start_epoch, status="")
            for epoch in range(start_epoch, config.epochs):
                train_loader = task.loader(
                    train_set, config.batch_size, shuffle=True, seed=config.seed * 100_003 + epoch
                )
                model.train()
                started = time.perf_counter()
                total_loss, batches = 0.0, 0
                batch_bar = progress.add_task(f"epoch {epoch + 1}", total=len(train_loader), status="")
                for step, batch in enumerate(train_loader):
                    loss = task.loss(model, batch, device)
                    if not torch.isfinite(loss):
                        raise TrainingDivergedError(
                            f"loss is {loss.item()} at epoch {epoch + 1}, step {step + 1}; "
                            "lower --lr, or check the input data for NaN or infinite values"
                        )
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total_loss += loss.item()
                    batches += 1
                    progress.update(batch_bar, advance=1, status=f"loss {total_loss / batches:.4f}")
                scheduler.step()
                train_seconds += time.perf_counter() - started
                progress.remove_task(batch_bar)
                integer_metric = evaluate(task, model, test_loader, device)
                entry = {"epoch": epoch + 1, "train_loss": total_loss / max(batches, 1), "test_metric": integer_metric}
                history.append(entry)
                tracker.log_metrics(
                    {"train_loss": entry["train_loss"], f"test_{task.metric_name}": integer_metric}, step=epoch + 1
                )
                checkpoint.save_atomic(
                    {
                        "model": model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(),
                        "rng": _rng_state(),
                        "epoch": epoch + 1,
                        "history": history,
                        "train_seconds": train_seconds,
                        "mlflow_run_id": run_id,
                        "config": config.to_dict(),
                    },
                    ckpt_path,
                )
                progress.update(epochs_bar, advance=1, status=f"{task.metric_name} {integer_metric:.4f}")
                console.log(
                    f"epoch {epoch + 1}/{config.epochs}: loss {entry['train_loss']:.4f}, "
                    f"{task.metric_name} {integer_metric:.4f}"
                )

        record = _final_evaluation(task, model, test_loader, device, energy_model, console)
        record.update(
            {
                "dataset": config.dataset,
                "task": spec.task,
                "neuron": config.neuron,
                "seed": config.seed,
                "profile": config.profile,
                "model": config.model,
                "timesteps": config.timesteps,
                "levels": config.levels if config.neuron in ("asn", "nasn") else None,
                "metric_name": task.metric_name,
                "higher_is_better": task.higher_is_better,
                "integer_metric_value": integer_metric,
                "train_seconds": round(train_seconds, 3),
                "epochs": config.epochs,
                "train_samples": len(train_set),
                "test_samples": len(test_set),
                "parameters": sum(p.numel() for p in model.parameters()),
                "mlflow_run_id": run_id,
                "tracking_uri": tracker.tracking_uri,
                "run_key": config.key(),
                "status": "finished",
                "config": config.to_dict(),
                "code_version": code_version(),
                "environment": environment(),
                "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )
        _log_final(tracker, record, model, config)
        ResultsStore(options.results_dir).append(record)
        tracker.end("FINISHED")
        return record
    except KeyboardInterrupt:
        tracker.end("KILLED")
        raise
    except BaseException:
        tracker.end("FAILED")
        raise


def _final_evaluation(task, model, test_loader, device, energy_model, console) -> dict[str, Any]:
    """Evaluate the spike-inference copy of ``model`` with activity counting."""
    deployed = to_spike_inference(model)
    monitor = ActivityMonitor(deployed)
    metric = task.new_metric()
    started = time.perf_counter()
    with monitor, torch.no_grad():
        for batch in test_loader:
            task.evaluate_batch(deployed, batch, metric, device)
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
