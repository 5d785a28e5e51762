"""Export a spike-inference network to NIR (Neuromorphic Intermediate Representation, ``nir`` package).

Discrete-time mapping with ``dt = 1`` (one logical step): asnbench's LIF
``H = beta * U + X`` equals NIR's Euler-discretized ``LIF`` with
``tau = dt / (1 - beta)``, ``r = tau`` (so the input gain ``dt * r / tau`` is 1),
``v_leak = 0`` and ``v_threshold = threshold``; ``beta = 1`` maps to ``IF``
with ``r = 1``. NIR's LIF and IF reset the membrane to ``v_reset`` (hard
reset), so a soft-reset LIF is refused unless an approximation is requested.

NIR has no node for the ASN's adaptive threshold, soft reset or integer
spike counts, and none for max pooling. Those are refused with a message
naming the feature. With ``approximate=True`` an ASN or soft-reset LIF is
written as a hard-reset ``LIF`` with the ASN's ``beta`` and base threshold
``theta0``, binary spikes and no adaptation. The graph's metadata lists every
approximation made, and the result is not equivalent to the trained network.
"""

from __future__ import annotations

import os

import numpy as np
import torch
from torch import nn

from asnbench.errors import AsnbenchError
from asnbench.models.network import SpikingNetwork
from asnbench.models.synapse import Synapse, Temporal
from asnbench.neurons import ASN, LIF, Neuron


class NIRUnsupportedError(AsnbenchError):
    """A network feature that NIR cannot express."""


def _array(value: torch.Tensor | float, size: int) -> np.ndarray:
    array = torch.as_tensor(value, dtype=torch.float64).detach().reshape(-1).numpy().astype(np.float32)
    return np.broadcast_to(array, (size,)).copy() if array.size == 1 else array.copy()


def _lif_node(beta: np.ndarray, threshold: np.ndarray):
    """NIR LIF (or IF when ``beta == 1``) with every parameter shaped like ``beta``."""
    import nir

    zeros = np.zeros_like(beta, dtype=np.float32)
    if np.all(beta == 1.0):
        return nir.IF(r=np.ones_like(zeros), v_threshold=threshold, v_reset=zeros)
    tau = (1.0 / (1.0 - beta.astype(np.float64))).astype(np.float32)
    return nir.LIF(tau=tau, r=tau.copy(), v_leak=zeros, v_threshold=threshold, v_reset=zeros.copy())


def _neuron_node(neuron: Neuron, shape: tuple[int, ...], approximate: bool, notes: list[str], name: str):
    size = int(np.prod(shape))
    channels = shape[0]
    positions = size // channels

    def per_element(value) -> np.ndarray:
        return np.repeat(_array(value, channels), positions).reshape(shape)

    if isinstance(neuron, ASN):
        features = ["adaptive threshold (theta0 + A)", "soft reset (U = H - S * theta)"]
        if neuron.levels > 1:
            features.append(f"integer spikes (levels D = {neuron.levels})")
        if not approximate:
            raise NIRUnsupportedError(
                f"layer {name}: NIR cannot express the ASN's {', '.join(features)}; "
                "pass --approximate to write a hard-reset LIF with binary spikes instead (not equivalent)"
            )
        dynamics = neuron.dynamics()
        notes.append(f"{name}: ASN written as hard-reset LIF(beta, theta0); dropped {', '.join(features)}")
        return _lif_node(per_element(dynamics["beta"]), per_element(dynamics["theta0"]))
    if isinstance(neuron, LIF):
        if neuron.reset == "soft":
            if not approximate:
                raise NIRUnsupportedError(
                    f"layer {name}: NIR's LIF resets to v_reset and cannot express soft reset "
                    "(U = H - S * threshold); pass --approximate to write a hard reset instead (not equivalent)"
                )
            notes.append(f"{name}: soft-reset LIF written with hard reset to 0")
        return _lif_node(per_element(neuron.beta()), per_element(neuron.threshold))
    raise NIRUnsupportedError(f"layer {name}: neuron {neuron.name!r} has no NIR equivalent")


def to_nir(network: SpikingNetwork, input_shape: tuple[int, ...], approximate: bool = False):
    """Return a ``nir.NIRGraph`` of ``network`` (a spike-inference copy with folded normalizations).

    Raises :class:`NIRUnsupportedError` naming the first feature NIR cannot
    express, unless ``approximate`` allows the approximation described in
    this module's docstring.
    """
    import nir

    nodes: dict[str, nir.NIRNode] = {"input": nir.Input(input_type={"input": np.array(input_shape)})}
    order = ["input"]
    notes: list[str] = []
    shape = tuple(input_shape)
    with torch.no_grad():
        for index, module in enumerate(network.layers):
            name = f"layer{index}"
            inner = module.layer if isinstance(module, Synapse) else getattr(module, "module", module)
            if isinstance(module, Temporal) and isinstance(inner, nn.Flatten):
                node = nir.Flatten(input_type={"input": np.array(shape)}, start_dim=0, end_dim=-1)
                shape = (int(np.prod(shape)),)
            elif isinstance(module, Temporal) and isinstance(inner, nn.MaxPool2d):
                raise NIRUnsupportedError(f"layer {name}: NIR has no max-pooling node (only sum and average pooling)")
            elif isinstance(module, Synapse) and isinstance(inner, nn.Linear):
                weight = inner.weight.detach().numpy().astype(np.float32)
                if inner.bias is None:
                    node = nir.Linear(weight=weight)
                else:
                    node = nir.Affine(weight=weight, bias=inner.bias.detach().numpy().astype(np.float32))
                shape = (inner.out_features,)
            elif isinstance(module, Synapse) and isinstance(inner, nn.Conv2d):
                bias = inner.bias if inner.bias is not None else torch.zeros(inner.out_channels)
                node = nir.Conv2d(
                    input_shape=tuple(shape[1:]), weight=inner.weight.detach().numpy().astype(np.float32),
                    stride=inner.stride, padding=inner.padding, dilation=inner.dilation, groups=inner.groups,
                    bias=bias.detach().numpy().astype(np.float32),
                )
                with torch.no_grad():
                    shape = tuple(inner(torch.zeros(1, *shape)).shape[1:])
            elif isinstance(module, Neuron):
                node = _neuron_node(module, shape, approximate, notes, name)
            else:
                raise NIRUnsupportedError(f"layer {name}: {type(inner).__name__} has no NIR equivalent")
            nodes[name] = node
            order.append(name)
    nodes["output"] = nir.Output(output_type={"output": np.array(shape)})
    order.append("output")
    edges = list(zip(order[:-1], order[1:]))
    metadata = {
        "source": "asnbench",
        "dt": 1.0,
        "timesteps": network.timesteps,
        "encoding": "direct: the analog input is presented at every timestep",
        "readout": "mean of the output over timesteps",
        "approximations": notes,
    }
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata, type_check=False)


def write_nir(network: SpikingNetwork, input_shape: tuple[int, ...], path: str | os.PathLike, approximate: bool = False):
    """Write :func:`to_nir` of ``network`` to ``path`` (HDF5) and return the graph."""
    import nir

    graph = to_nir(network, input_shape, approximate=approximate)
    nir.write(str(path), graph)
    return graph
