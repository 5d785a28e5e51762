"""The non-spiking baseline: a ReLU applied to every step."""

from __future__ import annotations

import torch

from asnbench.neurons.base import Neuron


class ANN(Neuron):
    """ReLU activation with the neuron interface; analog output, run with T = 1."""

    name = "ann"
    is_spiking = False

    @property
    def levels(self) -> None:
        return None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)
