"""Fan-out of the input elements of a synaptic layer, the unit of every operation count.

The fan-out of an input element is the number of output elements it reaches,
that is the number of weights it is multiplied by in one forward step:

* ``nn.Linear``: ``out_features`` for every input feature.
* ``nn.Conv1d`` / ``nn.Conv2d``: ``(out_channels / groups)`` times the number
  of (output position, kernel tap) pairs that read the input position. This
  is exact at the borders and with any stride, padding, dilation and groups.
  Zero padding adds no connections, so a corner of a 3x3 convolution with
  padding 1 reaches 4 output positions per output channel, not 9. With
  ``padding_mode`` ``reflect``, ``replicate`` or ``circular`` the padded
  values are copies of real inputs, so those reads count as connections of
  the copied element.

The fan-out depends only on the layer's geometry and the input shape, not on
the weights, so the spatial map is computed once per geometry and cached.
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch
from torch import nn

CONV_TYPES = (nn.Conv1d, nn.Conv2d)


def _spatial_shape(layer: nn.Module, input_shape: tuple[int, ...]) -> tuple[int, ...]:
    """Check a per-sample ``(C, *spatial)`` shape against a conv layer and return ``spatial``."""
    spatial_dims = 1 if isinstance(layer, nn.Conv1d) else 2
    if len(input_shape) != 1 + spatial_dims:
        raise ValueError(
            f"{type(layer).__name__} expects a per-sample input shape (channels, "
            f"{spatial_dims} spatial sizes), got {tuple(input_shape)}"
        )
    if input_shape[0] != layer.in_channels:
        raise ValueError(
            f"input has {input_shape[0]} channels but the {type(layer).__name__} "
            f"expects {layer.in_channels}"
        )
    return tuple(int(size) for size in input_shape[1:])


@lru_cache(maxsize=256)
def _coverage(
    conv_type: type[nn.Module],
    spatial: tuple[int, ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...] | str,
    dilation: tuple[int, ...],
    padding_mode: str,
) -> torch.Tensor:
    """Count, per input position, the (output position, kernel tap) pairs that read it.

    The count is the gradient of the summed output of a single-channel
    convolution with all-ones weights, so padding, stride and dilation are
    handled by PyTorch's own convolution. Returns a float64 CPU tensor of
    shape ``spatial`` that callers must not modify, because it is cached.
    """
    # The monitor's hooks may run under no_grad or inference_mode, so re-enable autograd here.
    with torch.inference_mode(False), torch.enable_grad():
        probe = conv_type(
            1,
            1,
            kernel_size,
            stride=stride,
            padding=padding,
            dilation=dilation,
            padding_mode=padding_mode,
            bias=False,
            dtype=torch.float64,
        )
        nn.init.ones_(probe.weight)
        x = torch.ones(1, 1, *spatial, dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(probe(x).sum(), x)
    return grad.reshape(spatial).detach()


def spatial_fanout(layer: nn.Module, input_shape: tuple[int, ...]) -> torch.Tensor:
    """Return the fan-out of one input channel's positions of a conv layer, shape ``spatial``.

    Every input channel has the same map, because each reaches the
    ``out_channels / groups`` output channels of its group. The returned
    float64 CPU tensor is cached and must not be modified in place.
    """
    if not isinstance(layer, CONV_TYPES):
        raise TypeError(f"spatial_fanout needs a Conv1d or Conv2d, got {type(layer).__name__}")
    spatial = _spatial_shape(layer, input_shape)
    coverage = _coverage(
        type(layer),
        spatial,
        tuple(layer.kernel_size),
        tuple(layer.stride),
        layer.padding if isinstance(layer.padding, str) else tuple(layer.padding),
        tuple(layer.dilation),
        layer.padding_mode,
    )
    return coverage * (layer.out_channels // layer.groups)


def fanout_map(layer: nn.Module, input_shape: tuple[int, ...]) -> torch.Tensor:
    """Return the fan-out of every element of one sample's input, a float64 tensor of ``input_shape``.

    ``input_shape`` excludes the step and batch dimensions: ``(in_features,)``
    or ``(..., in_features)`` for Linear, ``(C, L)`` for Conv1d and
    ``(C, H, W)`` for Conv2d. The result is an expanded view, so it costs
    the memory of one channel and must not be modified in place.
    """
    input_shape = tuple(int(size) for size in input_shape)
    if isinstance(layer, nn.Linear):
        if not input_shape or input_shape[-1] != layer.in_features:
            raise ValueError(
                f"Linear expects a per-sample input shape ending in {layer.in_features} "
                f"features, got {input_shape}"
            )
        return torch.tensor(float(layer.out_features), dtype=torch.float64).expand(input_shape)
    if isinstance(layer, CONV_TYPES):
        return spatial_fanout(layer, input_shape).expand(input_shape)
    raise TypeError(f"fan-out is defined for Linear, Conv1d and Conv2d, got {type(layer).__name__}")


def dense_connections(layer: nn.Module, input_shape: tuple[int, ...]) -> int:
    """Count the connections of one sample in one step: the sum of the fan-out over the input.

    This is the multiply-accumulate count of a dense (analog) step without
    the bias additions. For a convolution it equals ``out_channels * output
    positions * (in_channels / groups) * kernel taps``, minus the taps that
    fall on zero padding.
    """
    input_shape = tuple(int(size) for size in input_shape)
    if isinstance(layer, nn.Linear):
        fanout_map(layer, input_shape)  # validates the shape
        return layer.out_features * math.prod(input_shape)
    if isinstance(layer, CONV_TYPES):
        per_channel = spatial_fanout(layer, input_shape).sum().item()
        return round(per_channel) * layer.in_channels
    raise TypeError(f"fan-out is defined for Linear, Conv1d and Conv2d, got {type(layer).__name__}")
