"""Spiking multilayer perceptron."""

from __future__ import annotations

import math

from torch import nn

from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import NeuronFactory


def build_mlp(
    input_shape: tuple[int, ...],
    num_classes: int,
    make_neuron: NeuronFactory,
    hidden: tuple[int, ...] = (512,),
    timesteps: int = 1,
) -> SpikingNetwork:
    """Flatten, then ``Linear -> neuron`` per hidden width, then a Linear readout.

    The first Linear sees the analog input; every later one sees the
    preceding neuron's output.
    """
    layers: list[nn.Module] = [Temporal(nn.Flatten())]
    width = math.prod(input_shape)
    spiking = False
    for size in hidden:
        layers.append(Synapse(nn.Linear(width, size), spiking_input=spiking))
        neuron = make_neuron(size, channel_dim=1)
        layers.append(neuron)
        spiking = neuron.is_spiking
        width = size
    layers.append(Synapse(nn.Linear(width, num_classes), spiking_input=spiking))
    return SpikingNetwork(layers, timesteps=timesteps)
