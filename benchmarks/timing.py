"""Interleaved timing with medians, and peak memory of one call on the CPU."""

from __future__ import annotations

import ctypes
import gc
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

# glibc keeps freed blocks below its dynamic mmap threshold in the heap, which
# hides later peaks from the resident-set high-water mark. A fixed threshold
# of 64 KiB makes every tensor buffer its own mapping, returned on free.
_M_MMAP_THRESHOLD = -3


def fix_malloc_threshold() -> bool:
    """Set glibc's mmap threshold to 64 KiB; return False where glibc is not available."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, 64 * 1024))


def _status_kib(field_name: str) -> int:
    with open("/proc/self/status") as status:
        match = re.search(rf"^{field_name}:\s+(\d+) kB", status.read(), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"/proc/self/status has no {field_name} line")
    return int(match.group(1))


def peak_memory_mib(run: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    """Return the rise of the process's peak resident memory during ``run()``, in MiB.

    ``before()``, when given, runs first and outside the measurement.

    Uses Linux's ``VmHWM``, which writing ``5`` to ``/proc/self/clear_refs``
    resets to the current resident size. On CUDA it would be better to use
    ``torch.cuda.max_memory_allocated``, but the measurements here are on the CPU.
    """
    if before is not None:
        before()
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    resident = _status_kib("VmRSS")
    run()
    return (_status_kib("VmHWM") - resident) / 1024


def saved_tensor_mib(run: Callable[[], object]) -> float:
    """Return the memory of the distinct tensors autograd saves for backward during ``run()``, in MiB."""
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        run()
    return sum(storages.values()) / 2**20


@dataclass
class Timings:
    """Seconds per call of each variant, in the order they ran."""

    seconds: dict[str, list[float]] = field(default_factory=dict)

    def median_ms(self, name: str) -> float:
        return 1000 * statistics.median(self.seconds[name])

    def spread_ms(self, name: str) -> tuple[float, float]:
        """Return the 25th and 75th percentiles in milliseconds."""
        quartiles = statistics.quantiles(self.seconds[name], n=4)
        return 1000 * quartiles[0], 1000 * quartiles[2]


def time_interleaved(variants: dict[str, Callable[[], object]], repeats: int, warmup: int) -> Timings:
    """Time every variant ``repeats`` times, one call of each in turn, after ``warmup`` untimed rounds.

    Interleaving spreads a change in machine load over all variants alike,
    which matters on a machine shared with other jobs.
    """
    for _ in range(warmup):
        for run in variants.values():
            run()
    timings = Timings({name: [] for name in variants})
    for _ in range(repeats):
        for name, run in variants.items():
            started = time.perf_counter()
            run()
            timings.seconds[name].append(time.perf_counter() - started)
    return timings
