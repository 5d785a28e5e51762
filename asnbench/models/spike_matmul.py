"""Product of two spike tensors, the synapse-free operation of spiking attention."""

from __future__ import annotations

import torch
from torch import nn

from asnbench.neurons.expansion import collapse_substeps


class SpikeMatmul(nn.Module):
    """Batched ``a @ b`` per logical step of ``[steps, batch, ..., n, k]`` and ``[steps, batch, ..., k, m]``.

    In spike inference an operand that comes from a neuron with ``D``
    levels carries ``timesteps * D`` binary sub-steps. Each operand is
    collapsed to its ``timesteps`` logical steps (the sum of its sub-steps,
    :func:`collapse_substeps`) before the product, which equals summing the
    products of all binary sub-step pairs of a logical step, so integer and
    spike inference give the same output. The result has ``timesteps``
    steps. The output is the raw product: scaling and masking belong to the
    caller, except for an optional boolean ``mask`` broadcast against the
    ``[..., n, m]`` output, whose False entries are set to 0 and are not
    counted as operations.

    Attributes:
        spiking_inputs: whether ``a`` and ``b`` are spike counts (nonnegative
            integers from spiking neurons, or products of them). The metrics
            count one accumulate per nonzero pair weighted by value when both
            are, and dense multiply-accumulates otherwise.
        timesteps: logical steps per sample, kept in sync by the network.
    """

    def __init__(self, spiking_inputs: tuple[bool, bool] = (True, True)):
        super().__init__()
        self.spiking_inputs = (bool(spiking_inputs[0]), bool(spiking_inputs[1]))
        self.timesteps = 1

    @property
    def spiking(self) -> bool:
        return all(self.spiking_inputs)

    def logical_steps(self, x: torch.Tensor) -> torch.Tensor:
        """Collapse ``x``'s binary sub-steps, if it carries any, to ``timesteps`` logical steps."""
        steps = x.shape[0]
        if steps % self.timesteps:
            raise ValueError(f"input has {steps} steps, not a multiple of the network's {self.timesteps} timesteps")
        substeps = steps // self.timesteps
        return collapse_substeps(x, substeps) if substeps > 1 else x

    def forward(self, a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        product = self.logical_steps(a) @ self.logical_steps(b)
        if mask is not None:
            product = product.masked_fill(~mask, 0.0)
        return product

    def extra_repr(self) -> str:
        return f"spiking_inputs={self.spiking_inputs}"
