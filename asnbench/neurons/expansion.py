"""Binary expansion of integer spike counts, the basis of ASN spike inference.

A count ``S`` in ``[0, D]`` is sent as ``D`` binary sub-steps
``b_d = 1[d < S]`` for ``d = 0 .. D-1``. A synaptic layer that accumulates the
sub-steps and adds its bias once per logical step gives exactly ``W @ S + b``,
because ``sum_d b_d == S``.
"""

from __future__ import annotations

import torch


def expand_levels(counts: torch.Tensor, levels: int) -> torch.Tensor:
    """Expand ``[T, batch, ...]`` integer counts into ``[T * levels, batch, ...]`` binary sub-steps.

    Sub-step ``t * levels + d`` carries ``1[d < counts[t]]``. Raises
    ``ValueError`` when a count lies outside ``[0, levels]`` or is not an
    integer, because such a value has no binary expansion.
    """
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
        raise ValueError(f"levels must be a positive integer, got {levels!r}")
    if counts.numel() and (counts.min() < 0 or counts.max() > levels):
        raise ValueError(
            f"spike counts must lie in [0, {levels}], got range "
            f"[{counts.min().item()}, {counts.max().item()}]"
        )
    if not torch.equal(counts, torch.round(counts)):
        raise ValueError("spike counts must be integers to be expanded into binary sub-steps")
    thresholds = torch.arange(levels, device=counts.device, dtype=counts.dtype)
    thresholds = thresholds.view(1, levels, *([1] * (counts.dim() - 1)))
    binary = (counts.unsqueeze(1) > thresholds).to(counts.dtype)  # [T, D, batch, ...]
    return binary.flatten(0, 1)


def collapse_substeps(values: torch.Tensor, substeps: int) -> torch.Tensor:
    """Sum ``[T * substeps, batch, ...]`` back into ``[T, batch, ...]`` logical steps."""
    if values.shape[0] % substeps:
        raise ValueError(
            f"leading dimension {values.shape[0]} is not a multiple of {substeps} sub-steps"
        )
    return values.unflatten(0, (values.shape[0] // substeps, substeps)).sum(1)
