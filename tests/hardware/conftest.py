import os
from pathlib import Path

import pytest
import torch

from asnbench.models import build_mlp, build_vgg, to_spike_inference
from asnbench.neurons import neuron_factory

ROOT = Path(__file__).resolve().parents[2]


def lava_python() -> Path | None:
    configured = os.environ.get("ASNBENCH_LAVA_PYTHON")
    candidate = Path(configured) if configured else ROOT / ".venv-lava" / "bin" / "python"
    return candidate if candidate.exists() else None


@pytest.fixture
def lava() -> Path:
    path = lava_python()
    if path is None:
        pytest.skip("no Lava environment: run `make setup-loihi` to build .venv-lava")
    return path


def tiny_network(neuron: str, timesteps: int = 1, conv: bool = False, seed: int = 0, **options):
    """A spike-inference network with random weights, scaled up so that every layer spikes, and its input shape."""
    torch.manual_seed(seed)
    make = neuron_factory(neuron, levels=3, **options)
    if conv:
        model = build_vgg((1, 6, 6), 3, make, channels=(3, "M", 4), hidden=(7,), timesteps=timesteps)
        shape = (1, 6, 6)
    else:
        model = build_mlp((1, 4, 4), 3, make, hidden=(12, 8), timesteps=timesteps)
        shape = (1, 4, 4)
    with torch.no_grad():
        for synapse in model.synapses():
            synapse.layer.weight.mul_(4.0)
    return to_spike_inference(model), shape


def random_inputs(shape: tuple[int, ...], count: int = 12, seed: int = 0):
    import numpy as np

    return np.random.default_rng(seed).normal(0.5, 0.5, size=(count, *shape))
