"""Spiking ResNet with SEW (spike-element-wise) residual connections, built for any neuron."""

from __future__ import annotations

import math

import torch
from torch import nn

from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import NeuronFactory

# Residual blocks per stage of the standard ResNet depths (basic blocks).
DEPTHS: dict[str, tuple[int, ...]] = {"resnet18": (2, 2, 2, 2), "resnet34": (3, 4, 6, 3)}


class SpatialSum(nn.Module):
    """Sum ``[N, C, H, W]`` over the spatial positions into ``[N, C]``.

    A sum, not a mean, keeps integer spike counts integer, so the readout
    after it still accumulates counts and the binary sub-steps of spike
    inference sum to the same result as the integer counts.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.sum(dim=(-2, -1))


class SEWBlock(nn.Module):
    """Basic residual block ``out = SN(conv(SN(conv(x)))) + shortcut(x)`` (SEW "ADD").

    Both branches end in a neuron of the same kind (the shortcut is the
    identity or ``conv1x1 -> SN``), so in spike inference both carry the
    same number of binary sub-steps. Their sum is an integer per sub-step,
    which the next synapse counts value-aware. The convolutions of each
    branch sit in an ``nn.Sequential`` directly before their neuron, where
    :func:`fold_normalizations` finds them.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int, make_neuron: NeuronFactory, spiking: bool):
        super().__init__()
        first = make_neuron(out_channels, channel_dim=1)
        self.residual = nn.Sequential(
            Synapse(nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1), spiking_input=spiking),
            first,
            Synapse(nn.Conv2d(out_channels, out_channels, 3, padding=1), spiking_input=first.is_spiking),
            make_neuron(out_channels, channel_dim=1),
        )
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                Synapse(nn.Conv2d(in_channels, out_channels, 1, stride=stride), spiking_input=spiking),
                make_neuron(out_channels, channel_dim=1),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.residual(x) + self.shortcut(x)


def build_resnet(
    input_shape: tuple[int, int, int],
    num_classes: int,
    make_neuron: NeuronFactory,
    widths: tuple[int, ...] = (16, 32, 64),
    blocks: tuple[int, ...] = (1, 1, 1),
    depth: str | None = None,
    stem: str = "cifar",
    timesteps: int = 1,
) -> SpikingNetwork:
    """SEW ResNet: stem, stages of :class:`SEWBlock`, spatial sum and a Linear readout.

    ``widths`` and ``blocks`` give the channels and block count per stage;
    every stage after the first halves the resolution. ``depth``
    (``resnet18`` or ``resnet34``) sets ``blocks`` to the standard depth.
    ``stem`` is ``cifar`` (3x3 conv) or ``imagenet`` (7x7 stride-2 conv and
    3x3 stride-2 max pooling). The defaults are the small CPU network of the
    smoke profile.
    """
    if depth is not None:
        if depth not in DEPTHS:
            raise ValueError(f"depth must be one of {', '.join(DEPTHS)}, got {depth!r}")
        blocks = DEPTHS[depth]
    if len(widths) != len(blocks):
        raise ValueError(f"widths {tuple(widths)} and blocks {tuple(blocks)} must have one entry per stage")
    if stem not in ("cifar", "imagenet"):
        raise ValueError(f"stem must be 'cifar' or 'imagenet', got {stem!r}")

    in_channels = input_shape[0]
    layers: list[nn.Module] = []
    if stem == "cifar":
        layers.append(Synapse(nn.Conv2d(in_channels, widths[0], 3, padding=1), spiking_input=False))
    else:
        layers.append(Synapse(nn.Conv2d(in_channels, widths[0], 7, stride=2, padding=3), spiking_input=False))
    neuron = make_neuron(widths[0], channel_dim=1)
    layers.append(neuron)
    spiking = neuron.is_spiking
    if stem == "imagenet":
        # Max pooling commutes with the binary expansion of the stem neuron's counts.
        layers.append(Temporal(nn.MaxPool2d(3, stride=2, padding=1)))

    channels = widths[0]
    for stage, (width, count) in enumerate(zip(widths, blocks)):
        for index in range(count):
            stride = 2 if stage > 0 and index == 0 else 1
            layers.append(SEWBlock(channels, width, stride, make_neuron, spiking))
            channels = width

    layers.append(Temporal(SpatialSum()))
    readout = nn.Linear(channels, num_classes)
    with torch.no_grad():
        # The readout receives sums over all positions, so its initial weights are scaled as for a mean.
        positions = _output_positions(input_shape, len(widths), stem)
        readout.weight.div_(positions)
    layers.append(Synapse(readout, spiking_input=spiking))
    return SpikingNetwork(layers, timesteps=timesteps)


def _output_positions(input_shape: tuple[int, int, int], stages: int, stem: str) -> int:
    height, width = input_shape[1], input_shape[2]
    if stem == "imagenet":
        height, width = math.ceil(height / 4), math.ceil(width / 4)
    for _ in range(stages - 1):
        height, width = math.ceil(height / 2), math.ceil(width / 2)
    return max(height * width, 1)
