"""Training step time and memory (forward + backward) of one MLP and one CNN per implementation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.models import build_mlp, build_vgg
from asnbench.neurons import neuron_factory
from benchmarks import peers
from benchmarks.memory import measure_in_subprocess
from benchmarks.timing import time_interleaved

TIMESTEPS = 4
LEVELS = 4
ARCHITECTURES = {
    # name: (batch size, description)
    "mlp": (128, "MLP 784-512-10"),
    "cnn": (64, "CNN conv3x3(32)-pool-conv3x3(64)-pool-256-10 on 28x28"),
}


@dataclass
class StepResult:
    architecture: str
    variant: str
    batch: int
    median_ms: float
    quartiles_ms: tuple[float, float]
    peak_mib: float
    saved_mib: float


def _asnbench(architecture: str, neuron: str, timesteps: int) -> nn.Module:
    make_neuron = neuron_factory(neuron, levels=LEVELS)
    if architecture == "mlp":
        return build_mlp((1, 28, 28), 10, make_neuron, hidden=(512,), timesteps=timesteps)
    return build_vgg((1, 28, 28), 10, make_neuron, channels=(32, "M", 64, "M"), hidden=(256,), timesteps=timesteps)


class _RepeatedInput(nn.Module):
    """Feed a network the input repeated into a new tensor, so no layer can tell the steps are equal."""

    def __init__(self, network: nn.Module, timesteps: int):
        super().__init__()
        self.network = network
        self.network.temporal_input = True
        self.timesteps = timesteps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x.unsqueeze(0).repeat(self.timesteps, *([1] * x.dim())))


def build_variants(architecture: str, only: str | None = None) -> dict[str, nn.Module]:
    """Return the networks compared for ``architecture``, keyed by the row label (just ``only`` if given)."""
    snntorch_build = peers.snntorch_mlp if architecture == "mlp" else peers.snntorch_cnn
    spikingjelly_build = peers.spikingjelly_mlp if architecture == "mlp" else peers.spikingjelly_cnn
    builders = {
        "ANN (ReLU)": lambda: _asnbench(architecture, "ann", 1),
        f"asnbench LIF T={TIMESTEPS}": lambda: _asnbench(architecture, "lif", TIMESTEPS),
        f"asnbench LIF T={TIMESTEPS}, first layer per step": lambda: _RepeatedInput(
            _asnbench(architecture, "lif", TIMESTEPS), TIMESTEPS
        ),
        f"asnbench ASN integer D={LEVELS}": lambda: _asnbench(architecture, "asn", 1),
        f"snnTorch Leaky T={TIMESTEPS}": lambda: snntorch_build(TIMESTEPS),
        f"snnTorch Leaky T={TIMESTEPS}, first layer once": lambda: snntorch_build(TIMESTEPS, first_layer_once=True),
        f"SpikingJelly LIFNode T={TIMESTEPS}": lambda: spikingjelly_build(TIMESTEPS),
    }
    if only is not None:
        builders = {only: builders[only]}
    return {name: build() for name, build in builders.items()}


def training_step(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> Callable[[], None]:
    model.train()

    def step() -> None:
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(images), labels).backward()

    return step


def run(architectures: list[str], repeats: int, warmup: int, threads: int | None = None) -> list[StepResult]:
    """Time every variant in this process, then measure each one's memory in a fresh process."""
    results: list[StepResult] = []
    for architecture in architectures:
        batch, _ = ARCHITECTURES[architecture]
        torch.manual_seed(0)
        images = torch.rand(batch, 1, 28, 28)
        labels = torch.randint(0, 10, (batch,))
        models = build_variants(architecture)
        steps = {name: training_step(model, images, labels) for name, model in models.items()}
        timings = time_interleaved(steps, repeats=repeats, warmup=warmup)
        for name in steps:
            memory = measure_in_subprocess(architecture, name, threads)
            results.append(
                StepResult(
                    architecture=architecture,
                    variant=name,
                    batch=batch,
                    median_ms=timings.median_ms(name),
                    quartiles_ms=timings.spread_ms(name),
                    peak_mib=memory["peak_mib"],
                    saved_mib=memory["saved_mib"],
                )
            )
    return results
