"""Synaptic layers applied over time, with spike-inference sub-step handling."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.neurons.expansion import collapse_substeps

SYNAPTIC_TYPES = (nn.Linear, nn.Conv1d, nn.Conv2d)


def is_repeated(x: torch.Tensor) -> bool:
    """Return whether ``[steps, batch, ...]`` is one step expanded over all steps (stride 0 on steps)."""
    return x.dim() > 1 and x.shape[0] > 1 and x.stride(0) == 0


class Synapse(nn.Module):
    """A Linear or Conv layer applied to every step of ``[steps, batch, ...]`` input.

    ``steps`` is ``timesteps`` logical steps, or ``timesteps * D`` binary
    sub-steps when the preceding neuron runs in spike inference. The layer
    applies its weights to every sub-step without bias, sums the sub-steps of
    each logical step and adds the bias once, so spike inference returns
    exactly what integer inference returns.

    Attributes:
        layer: the wrapped ``nn.Linear``, ``nn.Conv1d`` or ``nn.Conv2d``.
        spiking_input: whether the input comes from a spiking neuron. The
            metrics count the layer's work as accumulates when True and as
            multiply-accumulates when False (analog input).
        timesteps: logical steps per sample, kept in sync by the network.
    """

    def __init__(self, layer: nn.Module, spiking_input: bool):
        super().__init__()
        if not isinstance(layer, SYNAPTIC_TYPES):
            raise TypeError(f"Synapse wraps Linear or Conv layers, got {type(layer).__name__}")
        self.layer = layer
        self.spiking_input = bool(spiking_input)
        self.timesteps = 1

    def weight_only(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the weights without bias to a ``[N, ...]`` tensor."""
        layer = self.layer
        if isinstance(layer, nn.Linear):
            return F.linear(x, layer.weight)
        return layer._conv_forward(x, layer.weight, None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        steps, batch = x.shape[0], x.shape[1]
        if steps % self.timesteps:
            raise ValueError(
                f"input has {steps} steps, not a multiple of the network's {self.timesteps} timesteps"
            )
        substeps = steps // self.timesteps
        if is_repeated(x):
            # Direct encoding repeats one input at every step, so apply the weights once.
            y = self.weight_only(x[0])
            y = y.expand(steps, *y.shape)
        else:
            y = self.weight_only(x.flatten(0, 1))
            y = y.unflatten(0, (steps, batch))
        if substeps > 1:
            y = collapse_substeps(y, substeps)
        bias = self.layer.bias
        if bias is not None:
            if isinstance(self.layer, nn.Linear):
                y = y + bias
            else:
                y = y + bias.view(-1, *([1] * (y.dim() - 3)))
        return y

    def extra_repr(self) -> str:
        return f"spiking_input={self.spiking_input}"


class Temporal(nn.Module):
    """Apply a stateless module (pooling, flatten) to every step of ``[steps, batch, ...]``.

    Only modules that commute with binary expansion belong here: max pooling
    and reshapes do, average pooling does not (it would produce non-binary
    values from binary sub-steps).
    """

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        steps, batch = x.shape[0], x.shape[1]
        if is_repeated(x) and next(self.module.buffers(), None) is None:
            # Keep the repeat a view, so the next Synapse can apply its weights once. Modules
            # with buffers (batch norm statistics) still see every step, as they did before.
            y = self.module(x[0])
            return y.expand(steps, *y.shape)
        y = self.module(x.flatten(0, 1))
        return y.unflatten(0, (steps, batch))
