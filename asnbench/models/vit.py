"""Spiking vision transformer: convolutional patch embedding, spiking self-attention, spiking MLP."""

from __future__ import annotations

import torch
from torch import nn

from asnbench.models.network import SpikingNetwork
from asnbench.models.spike_matmul import SpikeMatmul
from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import NeuronFactory


class PatchEmbedding(nn.Module):
    """Non-overlapping ``patch x patch`` convolution and a neuron, plus a convolutional position embedding.

    The position embedding is a 3x3 convolution over the patch grid of
    spikes with its own neuron, added to the patch spikes (Spikformer's
    relative position embedding), so no analog value travels after the
    first layer. Returns ``[steps, batch, tokens, dim]``.
    """

    def __init__(self, input_shape: tuple[int, int, int], patch_size: int, dim: int, make_neuron: NeuronFactory):
        super().__init__()
        channels, height, width = input_shape
        if height % patch_size or width % patch_size:
            raise ValueError(f"image size {height}x{width} is not a multiple of patch_size {patch_size}")
        neuron = make_neuron(dim, channel_dim=1)
        self.is_spiking = neuron.is_spiking
        self.patches = nn.Sequential(
            Synapse(nn.Conv2d(channels, dim, patch_size, stride=patch_size), spiking_input=False), neuron
        )
        self.position = nn.Sequential(
            Synapse(nn.Conv2d(dim, dim, 3, padding=1), spiking_input=neuron.is_spiking),
            make_neuron(dim, channel_dim=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patches = self.patches(x)
        y = patches + self.position(patches)
        return y.flatten(3).transpose(2, 3)


class SpikingSelfAttention(nn.Module):
    """Multi-head attention without softmax on spike tensors: ``SN(Linear(Q K^T V))``.

    ``Q``, ``K`` and ``V`` are neuron outputs (spike counts), and both
    products run in :class:`SpikeMatmul`, so they count as accumulates and
    integer and spike inference give the same result. The integer product
    goes straight into the projection synapse, which counts it value-aware.
    Spikformer (Zhou et al., ICLR 2023) puts a neuron between the product,
    scaled by 0.125, and the projection. Here that scale is folded into the
    projection's initial weights and the neuron is left out, so that a NASN
    always follows a synapse and its normalization can be folded. This
    costs more accumulates, because the projection receives counts, not spikes.
    """

    def __init__(self, dim: int, heads: int, make_neuron: NeuronFactory, spiking: bool, scale: float = 0.125):
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim {dim} is not divisible by heads {heads}")
        self.heads = heads
        self.scale = scale

        def branch() -> nn.Sequential:
            return nn.Sequential(Synapse(nn.Linear(dim, dim), spiking_input=spiking), make_neuron(dim, channel_dim=2))

        self.query, self.key, self.value = branch(), branch(), branch()
        self.scores = SpikeMatmul((spiking, spiking))
        self.mix = SpikeMatmul((spiking, spiking))
        self.projection = branch()
        with torch.no_grad():
            self.projection[0].layer.weight.mul_(scale)

    def _split_heads(self, x: torch.Tensor) -> torch.Tensor:
        steps, batch, tokens, dim = x.shape
        return x.view(steps, batch, tokens, self.heads, dim // self.heads).transpose(2, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = self._split_heads(self.query(x))
        k = self._split_heads(self.key(x))
        v = self._split_heads(self.value(x))
        mixed = self.mix(self.scores(q, k.transpose(-2, -1)), v)  # [T, batch, heads, tokens, dh]
        return self.projection(mixed.transpose(2, 3).flatten(3))


class SpikingTransformerBlock(nn.Module):
    """``x + attention(x)``, then ``x + MLP(x)``; every branch ends in a neuron (SEW-style ADD)."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, make_neuron: NeuronFactory, spiking: bool):
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.attention = SpikingSelfAttention(dim, heads, make_neuron, spiking)
        first = make_neuron(hidden, channel_dim=2)
        self.mlp = nn.Sequential(
            Synapse(nn.Linear(dim, hidden), spiking_input=spiking),
            first,
            Synapse(nn.Linear(hidden, dim), spiking_input=first.is_spiking),
            make_neuron(dim, channel_dim=2),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(x)
        return x + self.mlp(x)


class TokenSum(nn.Module):
    """Sum ``[N, tokens, dim]`` over tokens; a sum keeps spike counts integer (see ``SpatialSum``)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum(dim=1)


def build_vit(
    input_shape: tuple[int, int, int],
    num_classes: int,
    make_neuron: NeuronFactory,
    patch_size: int = 4,
    dim: int = 64,
    depth: int = 1,
    heads: int = 4,
    mlp_ratio: float = 2.0,
    timesteps: int = 1,
) -> SpikingNetwork:
    """Spiking vision transformer: patch embedding, ``depth`` blocks, token sum and a Linear readout.

    The defaults are the small CPU network of the smoke profile.
    """
    embedding = PatchEmbedding(input_shape, patch_size, dim, make_neuron)
    spiking = embedding.is_spiking
    layers: list[nn.Module] = [embedding]
    layers.extend(SpikingTransformerBlock(dim, heads, mlp_ratio, make_neuron, spiking) for _ in range(depth))
    layers.append(Temporal(TokenSum()))
    readout = nn.Linear(dim, num_classes)
    with torch.no_grad():
        # The readout receives sums over all tokens, so its initial weights are scaled as for a mean.
        readout.weight.div_((input_shape[1] // patch_size) * (input_shape[2] // patch_size))
    layers.append(Synapse(readout, spiking_input=spiking))
    return SpikingNetwork(layers, timesteps=timesteps)
