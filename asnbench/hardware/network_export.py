"""Convert a spike-inference :class:`SpikingNetwork` into an :class:`ExportedNetwork`."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from asnbench.errors import AsnbenchError
from asnbench.hardware.export_format import FORMAT_NAME, FORMAT_VERSION, ExportedNetwork, validate
from asnbench.hardware.quantization import quantize_neuron, quantize_synapse
from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import ASN, LIF, Neuron


class UnsupportedNetworkError(AsnbenchError):
    """A network part that the Lava export cannot represent."""


def _linear(layer: nn.Linear) -> tuple[dict, dict[str, np.ndarray]]:
    weight = layer.weight.detach().double().numpy()
    info = {"module": "Linear", "storage": "dense", "in_features": layer.in_features, "out_features": layer.out_features}
    return info, {"weight": weight}


def _conv_output_shape(layer: nn.Conv2d, in_shape: tuple[int, int, int]) -> tuple[int, int, int]:
    _, height, width = in_shape
    sizes = []
    for size, k, s, p, d in zip((height, width), layer.kernel_size, layer.stride, layer.padding, layer.dilation):
        sizes.append((size + 2 * p - d * (k - 1) - 1) // s + 1)
    return (layer.out_channels, *sizes)


def _conv(layer: nn.Conv2d, in_shape: tuple[int, int, int]) -> tuple[dict, dict[str, np.ndarray]]:
    """Unroll a convolution into COO triplets over C, H, W-ordered input and output elements."""
    if layer.groups != 1 or isinstance(layer.padding, str) or layer.padding_mode != "zeros":
        raise UnsupportedNetworkError(
            f"Conv2d with groups={layer.groups}, padding={layer.padding!r}, padding_mode={layer.padding_mode!r} "
            "cannot be exported; only groups=1 with numeric zero padding is supported"
        )
    out_shape = _conv_output_shape(layer, in_shape)
    # Element i of the input image contains i + 1, so 0 marks zero padding after unfolding.
    index_image = torch.arange(1, math.prod(in_shape) + 1, dtype=torch.float64).view(1, *in_shape)
    taps = F.unfold(index_image, layer.kernel_size, layer.dilation, layer.padding, layer.stride)[0].long()
    positions = taps.shape[1]  # [C * kh * kw, L]
    weight = layer.weight.detach().double().reshape(layer.out_channels, -1)  # [O, C * kh * kw]
    rows = torch.arange(layer.out_channels).view(-1, 1, 1) * positions + torch.arange(positions).view(1, 1, -1)
    rows = rows.expand(-1, taps.shape[0], -1)
    cols = (taps - 1).unsqueeze(0).expand(layer.out_channels, -1, -1)
    values = weight.unsqueeze(-1).expand(-1, -1, positions)
    keep = cols >= 0
    info = {
        "module": "Conv2d",
        "storage": "coo",
        "in_features": math.prod(in_shape),
        "out_features": math.prod(out_shape),
    }
    arrays = {
        "weight": values[keep].numpy().copy(),
        "rows": rows[keep].numpy().astype(np.int64),
        "cols": cols[keep].numpy().astype(np.int64),
    }
    return info, arrays


def _maxpool_groups(pool: nn.MaxPool2d, in_shape: tuple[int, int, int]) -> tuple[np.ndarray, tuple[int, ...]]:
    if pool.padding not in (0, (0, 0)) or pool.dilation not in (1, (1, 1)) or pool.ceil_mode:
        raise UnsupportedNetworkError("only MaxPool2d without padding, dilation or ceil_mode can be exported")
    channels, height, width = in_shape
    index_image = torch.arange(math.prod(in_shape), dtype=torch.float64).view(channels, 1, height, width)
    stride = pool.stride if pool.stride is not None else pool.kernel_size
    windows = F.unfold(index_image, pool.kernel_size, stride=stride)  # [C, k*k, L]
    groups = windows.permute(0, 2, 1).reshape(-1, windows.shape[1]).long().numpy()
    kernel = (pool.kernel_size,) * 2 if isinstance(pool.kernel_size, int) else tuple(pool.kernel_size)
    strides = (stride,) * 2 if isinstance(stride, int) else tuple(stride)
    out_shape = (channels, (height - kernel[0]) // strides[0] + 1, (width - kernel[1]) // strides[1] + 1)
    return groups, out_shape


def _per_element(value: torch.Tensor | float, channels: int, shape: tuple[int, ...]) -> np.ndarray:
    """Expand a scalar or per-channel parameter to one value per neuron in C, H, W order."""
    array = torch.as_tensor(value, dtype=torch.float64).detach().reshape(-1)
    if array.numel() == 1:
        array = array.expand(channels)
    positions = math.prod(shape) // channels
    return array.repeat_interleave(positions).numpy().copy()


def _neuron(neuron: Neuron, shape: tuple[int, ...]) -> tuple[dict, dict[str, np.ndarray]]:
    channels = shape[0]
    if isinstance(neuron, ASN):
        dynamics = {k: v.double() for k, v in neuron.dynamics().items()}
        info = {"kind": "asn", "levels": neuron.levels, "reset": "soft"}
        arrays = {name: _per_element(dynamics[name], channels, shape) for name in ("beta", "theta0", "rho", "alpha")}
    elif isinstance(neuron, LIF):
        info = {"kind": "lif", "levels": 1, "reset": neuron.reset}
        arrays = {
            "beta": _per_element(neuron.beta(), channels, shape),
            "threshold": _per_element(neuron.threshold, channels, shape),
        }
    else:
        raise UnsupportedNetworkError(
            f"neuron {neuron.name!r} cannot run on Loihi: it is not spiking or has no Lava model; "
            "train with --neuron asn, nasn, lif or plif"
        )
    info.update({"type": "neuron", "name": neuron.name, "size": math.prod(shape)})
    return info, arrays


def export_network(network: SpikingNetwork, input_shape: tuple[int, ...], num_classes: int) -> ExportedNetwork:
    """Describe ``network`` (a :func:`to_spike_inference` copy) layer by layer, with fixed-point mantissas.

    Raises :class:`UnsupportedNetworkError` for temporal input, modules
    other than Synapse, Flatten, MaxPool2d and the ASN and LIF families, and
    for networks that do not end in a synaptic readout.
    """
    if network.temporal_input:
        raise UnsupportedNetworkError("networks with temporal input cannot be exported; only direct encoding is supported")
    layers: list[dict] = []
    arrays: dict[str, np.ndarray] = {}
    shape = tuple(input_shape)
    pending_bias: np.ndarray | None = None
    previous_levels = 0
    neuron_name = None
    with torch.no_grad():
        for module in network.layers:
            index = len(layers)
            if isinstance(module, Temporal) and isinstance(module.module, nn.Flatten):
                shape = (math.prod(shape),)
                continue
            if isinstance(module, Temporal) and isinstance(module.module, nn.MaxPool2d):
                if not layers or layers[-1]["type"] != "neuron":
                    raise UnsupportedNetworkError("MaxPool2d must directly follow a neuron layer to be exported")
                groups, out_shape = _maxpool_groups(module.module, shape)
                layers.append({"type": "maxpool", "in_shape": list(shape), "out_shape": list(out_shape)})
                arrays[f"layer{index}.groups"] = groups
                shape = out_shape
                continue
            if isinstance(module, Synapse):
                layer = module.layer
                if isinstance(layer, nn.Linear):
                    if len(shape) != 1:
                        shape = (math.prod(shape),)
                    info, synapse_arrays = _linear(layer)
                    out_shape: tuple[int, ...] = (layer.out_features,)
                elif isinstance(layer, nn.Conv2d):
                    info, synapse_arrays = _conv(layer, shape)
                    out_shape = _conv_output_shape(layer, shape)
                else:
                    raise UnsupportedNetworkError(f"{type(layer).__name__} synapses cannot be exported")
                bias = torch.zeros(layer.weight.shape[0], dtype=torch.float64) if layer.bias is None else layer.bias.double()
                pending_bias = _per_element(bias, out_shape[0], out_shape)
                info.update(
                    {
                        "type": "synapse",
                        "in_shape": list(shape),
                        "out_shape": list(out_shape),
                        "spiking_input": module.spiking_input,
                        "message_bits": 0 if previous_levels <= 1 else int(previous_levels).bit_length(),
                    }
                )
                info.update(quantize_synapse(synapse_arrays["weight"]))
                synapse_arrays["weight_mantissa"] = info.pop("weight_mantissa")
                synapse_arrays["bias"] = pending_bias
                layers.append(info)
                arrays.update({f"layer{index}.{k}": v for k, v in synapse_arrays.items()})
                shape = out_shape
                continue
            if isinstance(module, Neuron):
                if not layers or layers[-1]["type"] != "synapse":
                    raise UnsupportedNetworkError("every neuron layer must directly follow a synapse to be exported")
                info, neuron_arrays = _neuron(module, shape)
                neuron_arrays["bias"] = pending_bias
                neuron_arrays.update(quantize_neuron(info, neuron_arrays, layers[-1]["scale"]))
                layers.append(info)
                arrays.update({f"layer{index}.{k}": v for k, v in neuron_arrays.items()})
                previous_levels = info["levels"]
                neuron_name = module.name
                continue
            raise UnsupportedNetworkError(f"module {module!r} cannot be exported to Lava")

    meta = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "timesteps": network.timesteps,
        "input_shape": list(input_shape),
        "num_classes": num_classes,
        "neuron": neuron_name,
        "layers": layers,
    }
    exported = ExportedNetwork(meta, arrays)
    validate(exported)
    if layers[-1]["out_features"] != num_classes:
        raise UnsupportedNetworkError(
            f"the readout has {layers[-1]['out_features']} outputs, expected {num_classes} classes"
        )
    return exported
