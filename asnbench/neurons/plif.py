"""Parametric LIF: LIF whose time constant is learned."""

from __future__ import annotations

import math

import torch
from torch import nn

from asnbench.neurons.lif import LIF


class PLIF(LIF):
    """LIF with ``beta = sigmoid(w)`` learned, one value per layer.

    ``w`` starts at ``logit(1 - 1/tau)``, so an untrained PLIF equals a LIF
    with the same ``tau``. Other arguments are those of :class:`LIF`.
    """

    name = "plif"

    def __init__(self, num_channels: int, channel_dim: int = 1, tau: float = 2.0, **kwargs):
        super().__init__(num_channels, channel_dim, tau=tau, **kwargs)
        beta = 1.0 - 1.0 / tau
        self.w_beta = nn.Parameter(torch.tensor(math.log(beta / (1 - beta))))

    def beta(self) -> torch.Tensor:
        return torch.sigmoid(self.w_beta)

    def extra_repr(self) -> str:
        return f"beta={self.beta().item():.4f}, threshold={self.threshold}, reset={self.reset}"
