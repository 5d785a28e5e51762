"""Small VGG-style spiking convolutional network."""

from __future__ import annotations

from torch import nn

from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import NeuronFactory


def build_vgg(
    input_shape: tuple[int, int, int],
    num_classes: int,
    make_neuron: NeuronFactory,
    channels: tuple[int | str, ...] = (32, "M", 64, "M"),
    hidden: tuple[int, ...] = (256,),
    timesteps: int = 1,
) -> SpikingNetwork:
    """VGG-style stack: ``channels`` lists conv widths (3x3, padding 1) and ``"M"`` for 2x2 max pooling.

    Max pooling is the only pooling used, because it commutes with the binary
    expansion of integer spikes. A fully connected head with ``hidden``
    widths and a Linear readout follows.
    """
    in_channels, height, width = input_shape
    layers: list[nn.Module] = []
    spiking = False
    for item in channels:
        if item == "M":
            layers.append(Temporal(nn.MaxPool2d(2)))
            height, width = height // 2, width // 2
            continue
        layers.append(Synapse(nn.Conv2d(in_channels, int(item), 3, padding=1), spiking_input=spiking))
        neuron = make_neuron(int(item), channel_dim=1)
        layers.append(neuron)
        spiking = neuron.is_spiking
        in_channels = int(item)
    layers.append(Temporal(nn.Flatten()))
    features = in_channels * height * width
    for size in hidden:
        layers.append(Synapse(nn.Linear(features, size), spiking_input=spiking))
        neuron = make_neuron(size, channel_dim=1)
        layers.append(neuron)
        spiking = neuron.is_spiking
        features = size
    layers.append(Synapse(nn.Linear(features, num_classes), spiking_input=spiking))
    return SpikingNetwork(layers, timesteps=timesteps)
