"""The interface every neuron implements, so any model can be built with any neuron."""

from __future__ import annotations

import torch
from torch import nn


class Neuron(nn.Module):
    """A neuron layer over multi-step input shaped ``[T, batch, ...]``.

    ``forward`` starts from a freshly initialised state on every call, so each
    call processes whole samples and no state leaks between batches. The
    output has the input's shape, except that a neuron with ``levels > 1`` in
    spike-inference mode expands every logical step into ``levels`` binary
    sub-steps and returns ``[T * levels, batch, ...]`` (see
    :func:`asnbench.neurons.expansion.expand_levels`).

    Attributes:
        name: registry name (``lif``, ``asn``, ...).
        is_spiking: whether the output is a spike count (True) or an analog
            activation (False, the ANN). Metrics count the next layer's work
            as accumulates only after a spiking neuron.
        levels: the largest value one logical step can emit (1 for binary
            spikes, D for integer spikes, ``None`` for analog output).
        channel_dim: which dimension of one step's ``[batch, ...]`` slice
            holds channels or features for per-channel parameters.
    """

    name: str = "neuron"
    is_spiking: bool = True

    def __init__(self, num_channels: int, channel_dim: int = 1):
        super().__init__()
        if num_channels < 1:
            raise ValueError(f"num_channels must be positive, got {num_channels}")
        self.num_channels = num_channels
        self.channel_dim = channel_dim
        self.spike_inference = False

    @property
    def levels(self) -> int | None:
        return 1

    @property
    def substeps(self) -> int:
        """Binary sub-steps per logical step that this neuron's output carries."""
        if self.spike_inference and self.levels is not None:
            return self.levels
        return 1

    def set_spike_inference(self, enabled: bool) -> None:
        """Switch between integer output (training) and binary sub-step output (inference)."""
        self.spike_inference = bool(enabled)

    def per_channel(self, parameter: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """Reshape a ``[C]`` parameter so it broadcasts over a ``[batch, ...]`` step tensor."""
        shape = [1] * like.dim()
        shape[self.channel_dim] = parameter.numel()
        return parameter.view(shape)

    def extra_repr(self) -> str:
        return f"channels={self.num_channels}, levels={self.levels}"
