"""Evaluation time of a trained network with and without operation counting, asnbench and NeuroBench."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.metrics.activity import ActivityMonitor
from asnbench.models import SpikingNetwork, Synapse, build_mlp, to_spike_inference
from asnbench.neurons import neuron_factory
from benchmarks.data import mnist_tensors
from benchmarks.timing import time_interleaved

BATCH = 128


@dataclass
class EvalResult:
    variant: str
    median_ms: float
    quartiles_ms: tuple[float, float]
    baseline: str


class StepwiseNetwork(nn.Module):
    """A SpikingNetwork run the way NeuroBench expects: each synaptic layer called once per (sub-)step.

    NeuroBench hooks ``nn.Linear``/``nn.Conv2d`` calls, while asnbench's
    Synapse applies the weights to all steps at once. Biases are added once
    per logical step, as the Synapse does, so the outputs are the same.
    """

    def __init__(self, network: SpikingNetwork):
        super().__init__()
        self.network = network

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.network.encode(x)
        for module in self.network.layers:
            if isinstance(module, Synapse):
                layer = module.layer
                per_step = torch.stack([layer(step) for step in h])
                substeps = h.shape[0] // module.timesteps
                if layer.bias is not None and substeps > 1:
                    bias = layer.bias.view(-1, *([1] * (per_step.dim() - 3)))
                    per_step = per_step - bias
                    h = per_step.unflatten(0, (module.timesteps, substeps)).sum(1) + bias
                else:
                    h = per_step
            else:
                h = module(h)
        return h


def train_asn(images: torch.Tensor, labels: torch.Tensor, steps: int) -> SpikingNetwork:
    """Train the integer ASN MLP 784-512-10 for ``steps`` Adam steps of batch 128."""
    torch.manual_seed(0)
    network = build_mlp((1, 28, 28), 10, neuron_factory("asn", levels=4), hidden=(512,))
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3)
    network.train()
    for step in range(steps):
        index = torch.randint(0, images.shape[0], (BATCH,))
        loss = F.cross_entropy(network(images[index]), labels[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return network.eval()


def accuracy(network: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    with torch.no_grad():
        correct = sum((network(x).argmax(-1) == y).sum().item() for x, y in zip(images.split(BATCH), labels.split(BATCH)))
    return correct / labels.shape[0]


def run(root: Path, samples: int, train_steps: int, repeats: int, warmup: int) -> tuple[list[EvalResult], dict[str, float]]:
    from neurobench.benchmarks import Benchmark
    from neurobench.metrics.workload import ClassificationAccuracy, SynapticOperations
    from neurobench.models import SNNTorchModel

    train_images, train_labels = mnist_tensors(root, "train")
    images, labels = mnist_tensors(root, "test", samples)
    deployed = to_spike_inference(train_asn(train_images, train_labels, train_steps))
    stepwise = StepwiseNetwork(deployed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=BATCH)

    def plain() -> None:
        with torch.no_grad():
            for x, _ in loader:
                deployed(x)

    monitor = ActivityMonitor(deployed)

    def counted() -> None:
        monitor.reset()
        with torch.no_grad(), monitor:
            for x, _ in loader:
                deployed(x)
        monitor.report()

    def neurobench(metrics: list) -> callable:
        def run_benchmark() -> None:
            model = SNNTorchModel(stepwise, custom_forward=True)
            benchmark = Benchmark(model, loader, [], [lambda preds: preds.mean(1).argmax(-1)], [[], metrics])
            with torch.no_grad():
                benchmark.run(quiet=True)
            model.cleanup_hooks()

        return run_benchmark

    variants = {
        "asnbench, no counting": plain,
        "asnbench ActivityMonitor": counted,
        "NeuroBench harness, accuracy only": neurobench([ClassificationAccuracy]),
        "NeuroBench harness + SynapticOperations": neurobench([ClassificationAccuracy, SynapticOperations]),
    }
    timings = time_interleaved(variants, repeats=repeats, warmup=warmup)
    baselines = {
        "asnbench, no counting": "asnbench, no counting",
        "asnbench ActivityMonitor": "asnbench, no counting",
        "NeuroBench harness, accuracy only": "NeuroBench harness, accuracy only",
        "NeuroBench harness + SynapticOperations": "NeuroBench harness, accuracy only",
    }
    results = [
        EvalResult(name, timings.median_ms(name), timings.spread_ms(name), baselines[name]) for name in variants
    ]
    facts = {
        "samples": float(labels.shape[0]),
        "train_steps": float(train_steps),
        "accuracy": accuracy(deployed, images, labels),
        "stepwise_accuracy": accuracy(stepwise, images, labels),
    }
    return results, facts
