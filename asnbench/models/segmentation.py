"""Spiking FCN: a spiking backbone under an FCN-style head with sub-pixel upsampling.

Which layers spike and which stay analog:

* backbone and the head's 3x3 conv block (torchvision's ``FCNHead`` has the
  same ``conv 3x3 -> norm -> activation -> conv 1x1`` shape): ``Synapse ->
  [BatchNorm] -> neuron``, so every conv after the first counts SynOps;
* the first backbone conv sees the analog image and counts MACs;
* the 1x1 classifier is a Synapse on the head's spikes (SynOps) whose output,
  the class logits, stays analog and is averaged over timesteps.

Upsampling to the input size is learned, not interpolated: the classifier
predicts ``num_classes * stride**2`` channels and ``pixel_shuffle`` (a
reshape) lays them out as a ``stride`` times larger map. So every arithmetic
operation of the upsampling is inside a counted Synapse, and no analog map is
interpolated after it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.models.backbone import SpikingBackbone, conv_block, fold_batch_norms
from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse
from asnbench.neurons import NeuronFactory


class SpikingFCN(SpikingNetwork):
    """Semantic segmentation network: ``images [B, 3, H, W]`` to logits ``[B, num_classes, H, W]``.

    ``H`` and ``W`` must be multiples of ``stride``.
    """

    def __init__(
        self,
        make_neuron: NeuronFactory,
        num_classes: int,
        channels: tuple[int | str, ...],
        stride: int,
        head_width: int,
        timesteps: int = 1,
    ):
        super().__init__([], timesteps=timesteps)
        self.backbone = SpikingBackbone(make_neuron, channels, (stride,))
        self.head, spiking = conv_block(
            self.backbone.out_channels[0], head_width, make_neuron, self.backbone.spiking_output
        )
        self.classifier = Synapse(nn.Conv2d(head_width, num_classes * stride * stride, 1), spiking_input=spiking)
        self.num_classes = num_classes
        self.stride = stride
        self.timesteps = timesteps

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        height, width = images.shape[-2:]
        if height % self.stride or width % self.stride:
            raise ValueError(f"image size {height}x{width} is not a multiple of the output stride {self.stride}")
        (features,) = self.backbone(self.encode(images))
        logits = self.classifier(self.head(features)).mean(0)
        return F.pixel_shuffle(logits, self.stride)

    def set_spike_inference(self, enabled: bool) -> None:
        if enabled:
            fold_batch_norms(self)
        super().set_spike_inference(enabled)


def build_fcn(
    num_classes: int,
    make_neuron: NeuronFactory,
    channels: tuple[int | str, ...] = (16, "M", 32, "M", 64, "M", 64),
    stride: int = 8,
    head_width: int = 32,
    timesteps: int = 1,
) -> SpikingFCN:
    """Build a :class:`SpikingFCN` whose features come from the backbone at ``stride``."""
    return SpikingFCN(make_neuron, num_classes, tuple(channels), stride, head_width, timesteps)
