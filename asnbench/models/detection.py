"""Spiking FCOS: a spiking backbone, neck and head towers under torchvision's FCOS matching, loss and decoding.

Which layers spike and which stay analog:

* backbone, neck (one 1x1 conv block per level) and the classification and
  regression towers: ``Synapse -> [BatchNorm] -> neuron``, so every conv
  after the first sees spikes and counts accumulates (SynOps);
* the first backbone conv sees the analog image and counts MACs;
* the three predictors (class logits, box regression, centerness) are
  Synapses whose input is the towers' spikes, so they count SynOps as well;
  their outputs stay analog (logits and distances cannot be spikes) and are
  averaged over timesteps. The ReLU on the distances, the focal loss, the box
  decoding and non-maximum suppression are post-processing on those analog
  outputs and are not counted;
* no analog map is upsampled, because the levels are not merged top-down.

torchvision's ``FCOS`` object holds the modules and provides the target
matching (center sampling, scale ranges per level), the losses and the
decoding; its own ``forward`` is not used because it expects ``[batch, C, H,
W]`` features, while the features here carry a time dimension.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.models.backbone import SpikingBackbone, conv_block, fold_batch_norms
from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse
from asnbench.neurons import NeuronFactory

# Prior probability of the class logits at initialization, as in FCOS and RetinaNet.
PRIOR_PROBABILITY = 0.01


class SpikingNeck(nn.Module):
    """One ``1x1 conv block`` per backbone level, mapping every level to ``width`` spiking channels."""

    def __init__(self, backbone: SpikingBackbone, width: int, make_neuron: NeuronFactory):
        super().__init__()
        self.backbone = backbone
        blocks = []
        spiking_output = backbone.spiking_output
        for channels in backbone.out_channels:
            block, spiking_output = conv_block(channels, width, make_neuron, backbone.spiking_output, kernel_size=1)
            blocks.append(block)
        self.blocks = nn.ModuleList(blocks)
        self.out_channels = width
        self.spiking_output = spiking_output

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        return [block(f) for block, f in zip(self.blocks, self.backbone(x))]


def _tower(width: int, depth: int, make_neuron: NeuronFactory, spiking: bool) -> tuple[nn.Sequential, bool]:
    blocks = []
    for _ in range(depth):
        block, spiking = conv_block(width, width, make_neuron, spiking)
        blocks.append(block)
    return nn.Sequential(*blocks), spiking


def _predictor(width: int, outputs: int, spiking: bool) -> Synapse:
    conv = nn.Conv2d(width, outputs, 3, padding=1)
    nn.init.normal_(conv.weight, std=0.01)
    nn.init.zeros_(conv.bias)
    return Synapse(conv, spiking_input=spiking)


def _to_anchor_rows(x: torch.Tensor) -> torch.Tensor:
    """``[batch, K, H, W]`` to ``[batch, H * W, K]``, torchvision's layout for one anchor per position."""
    return x.flatten(2).transpose(1, 2)


class SpikingFCOSHead(nn.Module):
    """FCOS head with spiking towers, shared across levels; the contract of torchvision's ``FCOSHead``.

    ``forward`` returns ``cls_logits [B, HW, num_classes]``,
    ``bbox_regression [B, HW, 4]`` and ``bbox_ctrness [B, HW, 1]`` over all
    levels, and :meth:`compute_loss` is torchvision's.
    """

    def __init__(self, width: int, num_classes: int, depth: int, make_neuron: NeuronFactory, spiking_input: bool):
        super().__init__()
        from torchvision.models.detection import _utils as det_utils

        self.box_coder = det_utils.BoxLinearCoder(normalize_by_size=True)
        self.num_classes = num_classes
        self.cls_tower, cls_spiking = _tower(width, depth, make_neuron, spiking_input)
        self.reg_tower, reg_spiking = _tower(width, depth, make_neuron, spiking_input)
        self.cls_logits = _predictor(width, num_classes, cls_spiking)
        nn.init.constant_(self.cls_logits.layer.bias, -math.log((1 - PRIOR_PROBABILITY) / PRIOR_PROBABILITY))
        self.bbox_reg = _predictor(width, 4, reg_spiking)
        self.bbox_ctrness = _predictor(width, 1, reg_spiking)

    def forward(self, features: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        logits, boxes, centerness = [], [], []
        for level in features:
            logits.append(_to_anchor_rows(self.cls_logits(self.cls_tower(level)).mean(0)))
            regression = self.reg_tower(level)
            boxes.append(_to_anchor_rows(F.relu(self.bbox_reg(regression).mean(0))))
            centerness.append(_to_anchor_rows(self.bbox_ctrness(regression).mean(0)))
        return {
            "cls_logits": torch.cat(logits, dim=1),
            "bbox_regression": torch.cat(boxes, dim=1),
            "bbox_ctrness": torch.cat(centerness, dim=1),
        }

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs) -> dict[str, torch.Tensor]:
        """Focal, GIoU and centerness losses, computed by torchvision's ``FCOSHead.compute_loss``."""
        from torchvision.models.detection.fcos import FCOSHead

        return FCOSHead.compute_loss(self, targets, head_outputs, anchors, matched_idxs)


class SpikingFCOS(SpikingNetwork):
    """Spiking FCOS detector over fixed-size image batches.

    ``forward(images, targets)`` takes ``images [B, 3, H, W]`` (already
    normalized). In training mode it returns torchvision's loss dictionary
    (``classification``, ``bbox_regression``, ``bbox_ctrness``) for
    ``targets``, a list of ``{"boxes": [N, 4] xyxy, "labels": [N]}``; in
    evaluation mode it returns one ``{"boxes", "scores", "labels"}`` per
    image, in the input's pixel coordinates.
    """

    def __init__(
        self,
        make_neuron: NeuronFactory,
        num_classes: int,
        image_size: int,
        channels: tuple[int | str, ...],
        strides: tuple[int, ...],
        width: int,
        head_depth: int,
        timesteps: int = 1,
        score_threshold: float = 0.05,
        nms_threshold: float = 0.6,
        detections_per_image: int = 100,
    ):
        from torchvision.models.detection import FCOS
        from torchvision.models.detection.anchor_utils import AnchorGenerator

        super().__init__([], timesteps=timesteps)
        neck = SpikingNeck(SpikingBackbone(make_neuron, channels, strides), width, make_neuron)
        head = SpikingFCOSHead(width, num_classes, head_depth, make_neuron, neck.spiking_output)
        # One anchor per position whose size is the level's stride, as torchvision's FCOS-ResNet50-FPN.
        anchors = AnchorGenerator(
            sizes=tuple((s,) for s in neck.backbone.out_strides), aspect_ratios=((1.0,),) * len(strides)
        )
        self.detector = FCOS(
            neck,
            num_classes,
            min_size=image_size,
            max_size=image_size,
            anchor_generator=anchors,
            head=head,
            score_thresh=score_threshold,
            nms_thresh=nms_threshold,
            detections_per_img=detections_per_image,
        )
        self.timesteps = timesteps

    def forward(self, images: torch.Tensor, targets: list[dict[str, torch.Tensor]] | None = None):
        from torchvision.models.detection.image_list import ImageList

        features = self.detector.backbone(self.encode(images))
        head_outputs = self.detector.head(features)
        image_sizes = [tuple(images.shape[-2:])] * images.shape[0]
        anchors = self.detector.anchor_generator(ImageList(images, image_sizes), [f[0] for f in features])
        anchors_per_level = [f.shape[-2] * f.shape[-1] for f in features]
        if self.training:
            if targets is None:
                raise ValueError("SpikingFCOS needs targets in training mode")
            return self.detector.compute_loss(targets, head_outputs, anchors, anchors_per_level)
        split_outputs = {k: list(v.split(anchors_per_level, dim=1)) for k, v in head_outputs.items()}
        split_anchors = [list(a.split(anchors_per_level)) for a in anchors]
        return self.detector.postprocess_detections(split_outputs, split_anchors, image_sizes)

    def set_spike_inference(self, enabled: bool) -> None:
        if enabled:
            fold_batch_norms(self)
        super().set_spike_inference(enabled)


def build_fcos(
    num_classes: int,
    make_neuron: NeuronFactory,
    image_size: int = 128,
    channels: tuple[int | str, ...] = (16, "M", 32, "M", 64, "M", 64, "M"),
    strides: tuple[int, ...] = (8, 16),
    width: int = 64,
    head_depth: int = 1,
    timesteps: int = 1,
) -> SpikingFCOS:
    """Build a :class:`SpikingFCOS`; ``num_classes`` counts the background (torchvision's convention)."""
    return SpikingFCOS(
        make_neuron, num_classes, image_size, tuple(channels), tuple(strides), width, head_depth, timesteps
    )
