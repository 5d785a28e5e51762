"""Spiking convolutional backbone for dense prediction, and the layers the dense heads share.

Every tensor inside is temporal, ``[steps, batch, channels, height, width]``,
where ``steps`` is the logical timesteps in training and integer inference
and ``timesteps * D`` binary sub-steps after an ASN in spike inference.
"""

from __future__ import annotations

import torch
from torch import nn

from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import NeuronFactory
from asnbench.neurons.nasn import NASN


def uses_batch_norm(make_neuron: NeuronFactory) -> bool:
    """Return whether conv blocks built with ``make_neuron`` get a BatchNorm (every neuron except NASN).

    NASN brings its own foldable per-channel normalization, so a second one
    would only repeat it.
    """
    return getattr(make_neuron, "neuron_name", None) != "nasn"


def conv_block(
    in_channels: int,
    out_channels: int,
    make_neuron: NeuronFactory,
    spiking_input: bool,
    kernel_size: int = 3,
) -> tuple[nn.Sequential, bool]:
    """Return ``Synapse(conv) -> [BatchNorm] -> neuron`` and whether its output is spiking.

    The BatchNorm sits on the analog synaptic current, before the neuron, so
    in evaluation it is a per-channel affine map that
    :func:`fold_batch_norms` moves into the convolution.
    """
    layers: list[nn.Module] = [
        Synapse(nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2), spiking_input)
    ]
    if uses_batch_norm(make_neuron):
        layers.append(Temporal(nn.BatchNorm2d(out_channels)))
    neuron = make_neuron(out_channels, channel_dim=1)
    layers.append(neuron)
    return nn.Sequential(*layers), neuron.is_spiking


class SpikingBackbone(nn.Module):
    """VGG-style stack of conv blocks and 2x2 max pools that returns feature maps at several strides.

    ``channels`` lists conv widths and ``"M"`` for a max pool, as in
    :func:`asnbench.models.cnn.build_vgg`. The feature map returned for a
    stride in ``out_strides`` is the last block output at that stride. Max
    pooling is the only pooling because it commutes with the binary
    expansion of integer spikes.

    Attributes:
        out_channels: channels of each returned feature map, in stride order.
        out_strides: the strides of the returned feature maps.
        spiking_output: whether the returned maps are spikes.
    """

    def __init__(
        self,
        make_neuron: NeuronFactory,
        channels: tuple[int | str, ...],
        out_strides: tuple[int, ...],
        in_channels: int = 3,
    ):
        super().__init__()
        self.out_strides = tuple(sorted(out_strides))
        stride, spiking, width = 1, False, in_channels
        layers: list[nn.Module] = []
        outputs: dict[int, tuple[int, int]] = {}  # stride -> (index of the last layer, channels)
        for item in channels:
            if item == "M":
                layers.append(Temporal(nn.MaxPool2d(2)))
                stride *= 2
            else:
                block, spiking = conv_block(width, int(item), make_neuron, spiking)
                layers.append(block)
                width = int(item)
            outputs[stride] = (len(layers) - 1, width)
        missing = [s for s in self.out_strides if s not in outputs]
        if missing:
            raise ValueError(f"channels {channels} reach strides {sorted(outputs)}, not the requested {missing}")
        self.layers = nn.ModuleList(layers)
        self._taps = {outputs[s][0]: s for s in self.out_strides}
        self.out_channels = [outputs[s][1] for s in self.out_strides]
        self.spiking_output = spiking
        # Layers after the deepest tap would be computed for nothing.
        del self.layers[max(self._taps) + 1 :]

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        features = []
        for index, layer in enumerate(self.layers):
            x = layer(x)
            if index in self._taps:
                features.append(x)
        return features


def fold_batch_norms(module: nn.Module) -> int:
    """Fold every evaluation-mode BatchNorm and NASN normalization into the convolution before it.

    Looks inside every ``nn.Sequential`` of ``module`` for a ``Synapse``
    directly followed by a ``Temporal(BatchNorm2d)`` (replaced by an
    ``nn.Identity``) or by an unfolded NASN. Returns how many were folded.
    """
    folded = 0
    for sequential in [m for m in module.modules() if isinstance(m, nn.Sequential)]:
        for index in range(1, len(sequential)):
            previous, current = sequential[index - 1], sequential[index]
            if not isinstance(previous, Synapse):
                continue
            if isinstance(current, Temporal) and isinstance(current.module, nn.BatchNorm2d):
                fused = torch.nn.utils.fuse_conv_bn_eval(previous.layer.eval(), current.module.eval())
                previous.layer = fused
                sequential[index] = nn.Identity()
                folded += 1
            elif isinstance(current, NASN) and not current.folded:
                current.fold_into(previous.layer)
                folded += 1
    return folded
