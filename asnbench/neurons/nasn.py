"""Normalized ASN: an ASN whose membrane input is batch-normalized per channel."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.neurons.asn import ASN


class NASN(ASN):
    """ASN with a per-channel normalization of its input ``X[t]``.

    Training normalizes with statistics of the current batch, pooled over
    timesteps, batch and spatial positions (per channel for convolutions, per
    feature for tokens), and keeps running statistics. At evaluation the
    running statistics make the normalization a fixed per-channel affine map
    ``y = scale * x + shift``, which :meth:`fold_into` moves into the
    preceding synaptic layer's weights and bias. After folding, spike
    inference needs no floating-point statistics at all.

    Arguments are those of :class:`ASN`, plus ``momentum`` and ``eps`` of the
    running statistics.
    """

    name = "nasn"

    def __init__(self, num_channels: int, channel_dim: int = 1, momentum: float = 0.1, eps: float = 1e-5, **kwargs):
        super().__init__(num_channels, channel_dim, **kwargs)
        self.momentum = momentum
        self.eps = eps
        self.norm_weight = nn.Parameter(torch.ones(num_channels))
        self.norm_bias = nn.Parameter(torch.zeros(num_channels))
        self.register_buffer("running_mean", torch.zeros(num_channels))
        self.register_buffer("running_var", torch.ones(num_channels))
        self.folded = False

    def normalize_input(self, x: torch.Tensor) -> torch.Tensor:
        if self.folded:
            return x
        # Move channels last, flatten everything else, and batch-normalize [N, C].
        channel_axis = self.channel_dim + 1 if self.channel_dim >= 0 else x.dim() + self.channel_dim
        moved = x.movedim(channel_axis, -1)
        flat = moved.reshape(-1, self.num_channels)
        normed = F.batch_norm(
            flat,
            self.running_mean,
            self.running_var,
            self.norm_weight,
            self.norm_bias,
            training=self.training,
            momentum=self.momentum,
            eps=self.eps,
        )
        return normed.reshape(moved.shape).movedim(-1, channel_axis)

    def affine(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The evaluation-time normalization as ``(scale, shift)`` per channel."""
        scale = self.norm_weight / torch.sqrt(self.running_var + self.eps)
        shift = self.norm_bias - self.running_mean * scale
        return scale, shift

    @torch.no_grad()
    def fold_into(self, layer: nn.Module) -> None:
        """Fold the running-statistics normalization into ``layer`` (Linear or Conv) and disable it.

        ``layer``'s output channels must be this neuron's channels. A layer
        without a bias gets one, because the shift needs somewhere to live.
        """
        if self.folded:
            raise RuntimeError("normalization is already folded")
        weight = layer.weight
        if weight.shape[0] != self.num_channels:
            raise ValueError(
                f"cannot fold a {self.num_channels}-channel normalization into a layer "
                f"with {weight.shape[0]} output channels"
            )
        scale, shift = self.affine()
        weight.mul_(scale.view(-1, *([1] * (weight.dim() - 1))))
        if layer.bias is None:
            layer.bias = nn.Parameter(torch.zeros_like(scale))
        layer.bias.mul_(scale).add_(shift)
        self.folded = True
