"""Data-parallel runs under ``torchrun``: process-group setup, data sharding and cross-rank reductions.

``torchrun`` (``python -m torch.distributed.run``) starts one process per device and sets
``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` in each. Without those variables a run is a
single process, and every helper here is a no-op or returns its input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, Dataset, DistributedSampler, Subset

from asnbench.errors import ConfigError

if TYPE_CHECKING:
    from asnbench.metrics.activity import ActivityMonitor
    from asnbench.tasks.base import TaskMetric


@dataclass(frozen=True)
class DistributedContext:
    """This process's place in a data-parallel job; ``world_size`` 1 means a single process."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Whether this process logs, tracks, checkpoints and writes results (rank 0)."""
        return self.rank == 0


SINGLE_PROCESS = DistributedContext()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"the environment variable {name}={value!r} is not an integer. Unset it, or start the run with torchrun") from None


def detect() -> DistributedContext:
    """Read the torchrun environment (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``)."""
    world_size = _env_int("WORLD_SIZE", 1)
    rank = _env_int("RANK", 0)
    local_rank = _env_int("LOCAL_RANK", 0)
    if world_size < 1 or not 0 <= rank < world_size:
        raise ConfigError(f"RANK={rank} and WORLD_SIZE={world_size} are inconsistent because RANK must lie in [0, WORLD_SIZE). Start the run with torchrun")
    return DistributedContext(rank=rank, world_size=world_size, local_rank=local_rank)


def device_for(context: DistributedContext, device: torch.device) -> torch.device:
    """Return the device of this rank: ``cuda:LOCAL_RANK`` for CUDA runs, else ``device``."""
    if context.enabled and device.type == "cuda":
        if context.local_rank >= torch.cuda.device_count():
            raise ConfigError(
                f"LOCAL_RANK {context.local_rank} has no GPU because this node has {torch.cuda.device_count()}. "
                "Lower --nproc-per-node to the number of GPUs"
            )
        return torch.device("cuda", context.local_rank)
    return device


def init_process_group(context: DistributedContext, device: torch.device) -> None:
    """Join the job's process group: NCCL for CUDA devices, gloo on the CPU.

    NOTE: only the gloo path is tested. The NCCL path has not run on a GPU.
    """
    if not context.enabled or dist.is_initialized():
        return
    if device.type == "cuda":
        torch.cuda.set_device(device)
        dist.init_process_group("nccl", device_id=device)
    else:
        dist.init_process_group("gloo")


def destroy_process_group(context: DistributedContext) -> None:
    if context.enabled and dist.is_initialized():
        dist.destroy_process_group()


def _reduction_device() -> torch.device:
    # NCCL reduces only CUDA tensors; gloo reduces CPU tensors.
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def sum_across_ranks(values: torch.Tensor) -> torch.Tensor:
    """Return the element-wise sum of ``values`` over all ranks, as float64 on the CPU."""
    if not dist.is_initialized():
        return values.to(torch.float64)
    reduced = values.to(device=_reduction_device(), dtype=torch.float64)
    dist.all_reduce(reduced, op=dist.ReduceOp.SUM)
    return reduced.cpu()


def any_rank(flag: bool) -> bool:
    """Return True on every rank when ``flag`` is True on at least one rank."""
    if not dist.is_initialized():
        return flag
    return bool(sum_across_ranks(torch.tensor([float(flag)])).item() > 0)


def shard_train_loader(loader: DataLoader, context: DistributedContext, seed: int, epoch: int) -> DataLoader:
    """Return ``loader`` with its dataset split across ranks by a :class:`DistributedSampler`.

    The batch size, collate function and worker count stay those of ``loader``, so the
    global batch is ``world_size`` times the per-process batch. The shuffle depends only on
    ``seed`` and ``epoch``, so a resumed run sees the same order.
    """
    if not context.enabled:
        return loader
    sampler = DistributedSampler(
        loader.dataset, num_replicas=context.world_size, rank=context.rank, shuffle=True, seed=seed
    )
    sampler.set_epoch(epoch)
    return DataLoader(
        loader.dataset,
        batch_size=loader.batch_size,
        sampler=sampler,
        collate_fn=loader.collate_fn,
        num_workers=loader.num_workers,
    )


def evaluation_shard(dataset: Dataset, context: DistributedContext) -> Dataset:
    """Return this rank's share of ``dataset``: every ``world_size``-th sample, from ``rank``.

    Unlike :class:`DistributedSampler`, this pads nothing, so the shards together contain
    each sample exactly once and reduced metrics equal those of the whole test set.
    """
    if not context.enabled:
        return dataset
    return Subset(dataset, range(context.rank, len(dataset), context.world_size))


def metric_is_mergeable(metric: TaskMetric) -> bool:
    from asnbench.tasks.base import TaskMetric

    return type(metric).merge is not TaskMetric.merge


def merge_metric_across_ranks(metric: TaskMetric) -> None:
    """Merge the metric states of all ranks into ``metric`` on every rank."""
    if not dist.is_initialized():
        return
    states: list[TaskMetric | None] = [None] * dist.get_world_size()
    dist.all_gather_object(states, metric)
    for rank, other in enumerate(states):
        if rank != dist.get_rank():
            metric.merge(other)


def sum_activity_across_ranks(monitor: ActivityMonitor) -> None:
    """Replace the counts of ``monitor`` by their sums over all ranks."""
    if not dist.is_initialized():
        return
    monitor.load_count_vector(sum_across_ranks(monitor.count_vector()))
