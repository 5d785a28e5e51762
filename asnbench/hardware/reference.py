"""PyTorch spike inference in float64 with per-sample, per-layer spike counts: the parity reference."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import torch

from asnbench.models.network import SpikingNetwork
from asnbench.neurons import Neuron
from asnbench.neurons.expansion import collapse_substeps


@dataclass
class ReferenceResult:
    """Logits ``[N, classes]``, spike counts ``[layers, N]`` and, if requested, spike trains per layer.

    A spike train is ``[neurons, N * T]`` of spike counts per logical step
    (sums of the binary sub-steps), in the worker's layout.
    """

    logits: np.ndarray
    spike_counts: np.ndarray
    spike_trains: list[np.ndarray] = field(default_factory=list)
    seconds: float = 0.0


def run_reference(
    deployed: SpikingNetwork, inputs: np.ndarray, batch_size: int = 256, record: bool = False
) -> ReferenceResult:
    """Run ``deployed`` (a spike-inference copy) on ``inputs`` in float64.

    Float64 keeps accumulation-order differences between PyTorch and numpy
    far below any threshold distance, so float Lava runs can be compared
    spike for spike.
    """
    import time

    network = copy.deepcopy(deployed).double().eval()
    neurons = [m for m in network.modules() if isinstance(m, Neuron) and m.is_spiking]
    per_layer: list[list[torch.Tensor]] = [[] for _ in neurons]
    trains: list[list[torch.Tensor]] = [[] for _ in neurons]

    def hook_for(index: int, neuron: Neuron):
        def hook(module, args, output):
            logical = collapse_substeps(output, neuron.substeps)  # [T, B, ...]
            flat = logical.flatten(2)
            per_layer[index].append(flat.sum(dim=(0, 2)))
            if record:
                trains[index].append(flat.permute(2, 1, 0).reshape(flat.shape[2], -1))

        return hook

    handles = [n.register_forward_hook(hook_for(i, n)) for i, n in enumerate(neurons)]
    logits = []
    started = time.perf_counter()
    try:
        with torch.no_grad():
            for start in range(0, len(inputs), batch_size):
                batch = torch.as_tensor(inputs[start : start + batch_size], dtype=torch.float64)
                logits.append(network(batch))
    finally:
        for handle in handles:
            handle.remove()
    seconds = time.perf_counter() - started
    counts = np.stack([torch.cat(layer).numpy() for layer in per_layer]) if neurons else np.zeros((0, len(inputs)))
    return ReferenceResult(
        logits=torch.cat(logits).numpy(),
        spike_counts=counts,
        spike_trains=[torch.cat(t, dim=1).numpy() for t in trains] if record else [],
        seconds=seconds,
    )
