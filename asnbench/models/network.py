"""The container every asnbench model uses: direct encoding, timesteps, readout."""

from __future__ import annotations

import copy

import torch
from torch import nn

from asnbench.models.spike_matmul import SpikeMatmul
from asnbench.models.synapse import Synapse
from asnbench.neurons.base import Neuron
from asnbench.neurons.nasn import NASN


class SpikingNetwork(nn.Module):
    """A stack of synapses and neurons run for ``timesteps`` logical steps.

    Static input ``[batch, ...]`` is repeated for every step (direct
    encoding: the first layer sees the analog input). Input that is already
    temporal, ``[T, batch, ...]`` with ``temporal_input=True``, is passed
    through. The output is the last layer's output averaged over steps.
    """

    def __init__(self, layers: list[nn.Module], timesteps: int = 1, temporal_input: bool = False):
        super().__init__()
        self.layers = nn.Sequential(*layers)
        self.temporal_input = temporal_input
        self.timesteps = timesteps

    @property
    def timesteps(self) -> int:
        return self._timesteps

    @timesteps.setter
    def timesteps(self, value: int) -> None:
        if value < 1:
            raise ValueError(f"timesteps must be at least 1, got {value}")
        self._timesteps = int(value)
        for module in self.modules():
            if isinstance(module, (Synapse, SpikeMatmul)):
                module.timesteps = self._timesteps

    def neurons(self) -> list[Neuron]:
        return [m for m in self.modules() if isinstance(m, Neuron)]

    def synapses(self) -> list[Synapse]:
        return [m for m in self.modules() if isinstance(m, Synapse)]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        if self.temporal_input:
            if x.shape[0] != self.timesteps:
                raise ValueError(f"temporal input has {x.shape[0]} steps, expected {self.timesteps}")
            return x
        return x.unsqueeze(0).expand(self.timesteps, *x.shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(self.encode(x)).mean(0)

    def set_spike_inference(self, enabled: bool) -> None:
        for neuron in self.neurons():
            neuron.set_spike_inference(enabled)


def fold_normalizations(network: SpikingNetwork) -> int:
    """Fold every NASN normalization into the synapse right before it; return how many.

    Every ``nn.Sequential`` in the network is searched (``layers`` and those
    inside blocks such as transformer layers). Raises ``ValueError`` when a
    NASN does not directly follow a synapse in a Sequential, because then
    there are no weights to fold into.
    """
    folded = 0
    for container in network.modules():
        if not isinstance(container, nn.Sequential):
            continue
        previous: nn.Module | None = None
        for module in container:
            if isinstance(module, NASN) and not module.folded:
                if not isinstance(previous, Synapse):
                    raise ValueError("a NASN must directly follow a Synapse to fold its normalization")
                module.fold_into(previous.layer)
                folded += 1
            previous = module
    unfolded = [name for name, m in network.named_modules() if isinstance(m, NASN) and not m.folded]
    if unfolded:
        raise ValueError(f"NASN modules {unfolded} do not follow a Synapse in an nn.Sequential and cannot be folded")
    return folded


def to_spike_inference(network: SpikingNetwork) -> SpikingNetwork:
    """Return an evaluation copy that runs on binary spikes: norms folded, neurons expanded."""
    deployed = copy.deepcopy(network).eval()
    fold_normalizations(deployed)
    deployed.set_spike_inference(True)
    return deployed
