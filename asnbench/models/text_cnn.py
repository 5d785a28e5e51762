"""Spiking text CNN (Kim 2014 layout): parallel 1-d convolutions, max over time, linear readout."""

from __future__ import annotations

import torch
from torch import nn

from asnbench.models.synapse import Synapse
from asnbench.models.token_network import TokenNetwork
from asnbench.neurons import NeuronFactory


class SpikingTextCNN(TokenNetwork):
    """Embedding, then per kernel size ``Conv1d -> neuron -> max over positions``, then a Linear readout.

    The convolutions read the analog embeddings, so their operations count
    as MACs. The readout reads spikes. Max pooling over positions commutes with
    binary expansion (the max of the sub-steps ``1[d < S_l]`` is
    ``1[d < max_l S_l]``), so spike inference equals integer inference.
    Sequences shorter than the largest kernel are right-padded with the
    padding id. The logits are averaged over steps.
    """

    def __init__(
        self,
        vocab_size: int,
        num_classes: int,
        make_neuron: NeuronFactory,
        embed_dim: int = 128,
        channels: int = 100,
        kernel_sizes: tuple[int, ...] = (3, 4, 5),
        dropout: float = 0.5,
        timesteps: int = 1,
        pad_id: int = 0,
        **buffers: torch.Tensor,
    ):
        super().__init__(vocab_size, embed_dim, timesteps=timesteps, pad_id=pad_id, **buffers)
        self.kernel_sizes = tuple(int(k) for k in kernel_sizes)
        branches = []
        spiking = True
        for size in self.kernel_sizes:
            neuron = make_neuron(channels, channel_dim=1)
            spiking = neuron.is_spiking
            branches.append(nn.Sequential(Synapse(nn.Conv1d(embed_dim, channels, size), spiking_input=False), neuron))
        self.branches = nn.ModuleList(branches)
        self.dropout = nn.Dropout(dropout)
        self.head = Synapse(nn.Linear(channels * len(self.kernel_sizes), num_classes), spiking_input=spiking)
        self.timesteps = timesteps

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        shortfall = max(self.kernel_sizes) - ids.shape[1]
        if shortfall > 0:
            ids = nn.functional.pad(ids, (0, shortfall), value=self.pad_id)
        x = self.encode(ids).transpose(-1, -2)  # [T, batch, dim, length]
        pooled = [branch(x).amax(dim=-1) for branch in self.branches]  # each [steps, batch, channels]
        features = self.dropout(torch.cat(pooled, dim=-1))
        return self.head(features).mean(0)


def build_text_cnn(**kwargs) -> SpikingTextCNN:
    return SpikingTextCNN(**kwargs)
