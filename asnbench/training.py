"""The training loop of a run: epochs, per-epoch evaluation, checkpoints, resume and stop requests."""

from __future__ import annotations

import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.progress import Progress

from asnbench import checkpoint, distributed
from asnbench.config import RunConfig
from asnbench.distributed import SINGLE_PROCESS, DistributedContext
from asnbench.errors import AsnbenchError
from asnbench.interrupts import RunInterrupted, StopRequest, signal_name
from asnbench.models import SpikingNetwork
from asnbench.tasks import Task

class TrainingDivergedError(AsnbenchError):
    """The loss became NaN or infinite."""


def evaluate(task: Task, model: SpikingNetwork, loader, device: torch.device, sharded: bool = False) -> float:
    """Compute the task metric of ``model`` (put in eval mode) over ``loader``.

    With ``sharded``, ``loader`` contains this rank's shard of the test set and the metric
    states of all ranks are merged first, so every rank returns the whole set's value.
    """
    model.eval()
    metric = task.new_metric()
    with torch.no_grad():
        for batch in loader:
            task.evaluate_batch(model, batch, metric, device)
    if sharded:
        distributed.merge_metric_across_ranks(metric)
    return metric.compute()


def _rng_state() -> dict[str, Any]:
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}


def _restore_rng(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


@dataclass
class TrainingState:
    """Training progress: ``epoch`` epochs done, plus ``step`` steps of the next one.

    ``loss_sum`` and ``batches`` accumulate the running epoch's training loss, so an epoch
    resumed part way reports the same mean loss as an uninterrupted one.
    """

    epoch: int = 0
    step: int = 0
    loss_sum: float = 0.0
    batches: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    train_seconds: float = 0.0
    run_id: str | None = None
    world_size: int = 1

    @property
    def integer_metric(self) -> float | None:
        return self.history[-1]["test_metric"] if self.history else None


class Training:
    """Train ``model`` for ``config.epochs`` epochs, saving a checkpoint after each one.

    A stop request (SIGINT or SIGTERM through :class:`StopRequest`) is honored at the next
    step boundary: the state there is saved, then RunInterrupted is raised. The training
    data order of each epoch depends only on the seed and the epoch, and the checkpoint
    stores the RNG states, so a resumed run gives the same result as an uninterrupted one.

    In a data-parallel job, ``model`` is the bare network and ``train_model`` its
    DistributedDataParallel wrapper. Every rank trains on its shard. Only rank 0 writes
    checkpoints, which hold the bare network's weights and load on any world size. A stop
    request on any rank stops all ranks at the same step.
    """

    def __init__(
        self,
        config: RunConfig,
        task: Task,
        model: SpikingNetwork,
        optimizer: torch.optim.Optimizer,
        scheduler: torch.optim.lr_scheduler.LRScheduler,
        device: torch.device,
        checkpoint_path: Path,
        context: DistributedContext = SINGLE_PROCESS,
        train_model: torch.nn.Module | None = None,
        amp: bool = False,
        sharded_evaluation: bool = False,
    ):
        self.config = config
        self.context = context
        self.train_model = train_model if train_model is not None else model
        self.amp = amp
        self.sharded_evaluation = sharded_evaluation
        self.task = task
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.device = device
        self.checkpoint_path = checkpoint_path
        self.state = TrainingState()

    def restore(self, console: Console) -> None:
        """Load the last checkpoint of this configuration, if there is one."""
        if not self.checkpoint_path.exists():
            console.log(f"no checkpoint at {self.checkpoint_path}; starting from scratch")
            return
        saved = checkpoint.load(self.checkpoint_path)
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        self.scheduler.load_state_dict(saved["scheduler"])
        _restore_rng(saved["rng"])
        self.state = TrainingState(
            epoch=saved["epoch"],
            step=saved.get("step", 0),
            loss_sum=saved.get("loss_sum", 0.0),
            batches=saved.get("batches", 0),
            history=saved["history"],
            train_seconds=saved["train_seconds"],
            run_id=saved["mlflow_run_id"],
            world_size=self.context.world_size,
        )
        saved_world_size = saved.get("world_size", 1)
        if self.state.step and saved_world_size != self.context.world_size:
            # The step count of a part-done epoch depends on the shard size, so that epoch restarts.
            console.log(
                f"the checkpoint was saved by {saved_world_size} processes in the middle of an epoch; "
                f"{self.context.world_size} processes restart that epoch from its first step"
            )
            self.state.step, self.state.loss_sum, self.state.batches = 0, 0.0, 0
        console.log(
            f"resuming from {self.checkpoint_path} after epoch {self.state.epoch}, step {self.state.step}"
        )

    def save(self) -> None:
        if not self.context.is_main:
            return
        state = self.state
        checkpoint.save_atomic(
            {
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "rng": _rng_state(),
                "epoch": state.epoch,
                "step": state.step,
                "loss_sum": state.loss_sum,
                "batches": state.batches,
                "history": state.history,
                "train_seconds": state.train_seconds,
                "mlflow_run_id": state.run_id,
                "world_size": self.context.world_size,
                "config": self.config.to_dict(),
            },
            self.checkpoint_path,
        )

    def raise_if_stopped(self, stop: StopRequest) -> None:
        """Raise RunInterrupted if a stop was requested on any rank; the caller has saved what is needed."""
        if not self._stop_requested(stop):
            return
        state = self.state
        raise RunInterrupted(
            stop.signal_number,
            f"stopped by {signal_name(stop.signal_number)} after epoch {state.epoch}, step {state.step}; "
            f"the checkpoint {self.checkpoint_path} is saved, continue with --resume",
        )

    def train(self, train_set, test_loader, tracker, stop: StopRequest, progress: Progress, console: Console) -> None:
        """Run the remaining epochs; evaluate, log and checkpoint after each one."""
        config, state = self.config, self.state
        epochs_bar = progress.add_task("epochs", total=config.epochs, completed=state.epoch, status="")
        while state.epoch < config.epochs:
            self._train_epoch(train_set, stop, progress)
            self.scheduler.step()
            metric = evaluate(self.task, self.model, test_loader, self.device, sharded=self.sharded_evaluation)
            loss_sum, batches = distributed.sum_across_ranks(torch.tensor([state.loss_sum, state.batches])).tolist()
            entry = {"epoch": state.epoch + 1, "train_loss": loss_sum / max(batches, 1), "test_metric": metric}
            state.history.append(entry)
            state.epoch, state.step, state.loss_sum, state.batches = state.epoch + 1, 0, 0.0, 0
            tracker.log_metrics(
                {"train_loss": entry["train_loss"], f"test_{self.task.metric_name}": metric}, step=state.epoch
            )
            self.save()
            progress.update(epochs_bar, advance=1, status=f"{self.task.metric_name} {metric:.4f}")
            console.log(
                f"epoch {state.epoch}/{config.epochs}: loss {entry['train_loss']:.4f}, "
                f"{self.task.metric_name} {metric:.4f}"
            )
            self.raise_if_stopped(stop)

    def _train_epoch(self, train_set, stop: StopRequest, progress: Progress) -> None:
        config, state = self.config, self.state
        epoch = state.epoch
        seed = config.seed * 100_003
        loader = self.task.loader(train_set, config.batch_size, shuffle=True, seed=seed + epoch)
        loader = distributed.shard_train_loader(loader, self.context, seed, epoch)
        self.train_model.train()
        done = state.step
        batch_bar = progress.add_task(f"epoch {epoch + 1}", total=len(loader), completed=done, status="")
        for index, batch in enumerate(loader):
            # A resumed epoch replays the same order and skips the steps already trained.
            if index < done:
                continue
            started = time.perf_counter()
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.amp):
                loss = self.task.loss(self.train_model, batch, self.device)
            if not torch.isfinite(loss):
                raise TrainingDivergedError(self._divergence_message(loss.item(), epoch, index))
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            state.loss_sum += loss.item()
            state.batches += 1
            state.step = index + 1
            state.train_seconds += time.perf_counter() - started
            progress.update(batch_bar, advance=1, status=f"loss {state.loss_sum / state.batches:.4f}")
            if self._stop_requested(stop):
                self.save()
                self.raise_if_stopped(stop)
        progress.remove_task(batch_bar)

    def _stop_requested(self, stop: StopRequest) -> bool:
        """Return whether any rank received a stop signal, and record it on every rank so that all stop here."""
        if not self.context.enabled:
            return stop.requested
        # Every rank must return the reduced value, not its own flag: a signal that lands
        # after the reduction would otherwise make one rank stop while its peers train on,
        # and their next collectives would no longer match.
        requested = distributed.any_rank(stop.requested)
        if requested and stop.signal_number is None:
            stop.signal_number = signal.SIGTERM
        return requested

    def _divergence_message(self, loss: float, epoch: int, index: int) -> str:
        if epoch > 0:
            kept = f"the checkpoint of epoch {epoch} is kept at {self.checkpoint_path}"
        else:
            kept = "no epoch finished, so there is no checkpoint"
        return (
            f"the training loss is {loss} at epoch {epoch + 1}, step {index + 1}. Likely causes: a learning "
            f"rate too high for this model (lower --lr, now {self.config.lr:g}), NaN or infinite values in "
            f"the input data, or an unstable neuron setting (--levels, --timesteps). {kept[0].upper()}{kept[1:]}."
        )
