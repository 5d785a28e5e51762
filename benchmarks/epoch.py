"""Training time per epoch of vision/mnist for each neuron, from a fixed number of timed steps."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch

from asnbench.config import RunConfig
from asnbench.tasks import get_task
from benchmarks.timing import time_interleaved


@dataclass
class EpochResult:
    neuron: str
    timesteps: int
    median_step_ms: float
    quartiles_ms: tuple[float, float]
    steps_per_epoch: int
    epoch_seconds: float


NEURONS = ("ann", "asn", "nasn", "lif", "plif")


def run(root: Path, profile: str, repeats: int, warmup: int) -> list[EpochResult]:
    """Time ``repeats`` runner-style training steps (forward, backward, Adam) per neuron, interleaved.

    The epoch time is the median step time times the batches of one epoch
    over the 60,000 training images. Data loading is excluded, because the
    MNIST loader keeps the whole set in memory.
    """
    configs = {name: RunConfig(dataset="vision/mnist", neuron=name, profile=profile).resolved() for name in NEURONS}
    task = get_task(configs["asn"].spec().task)
    train_set, _ = task.build_datasets(configs["asn"].spec(), configs["asn"], root, download=False)
    batch_size = configs["asn"].batch_size
    batches = iter(task.loader(train_set, batch_size, shuffle=True, seed=0))
    fixed_batches = [next(batches) for _ in range(4)]

    steps = {}
    for name, config in configs.items():
        torch.manual_seed(0)
        model = task.build_model(config.spec(), config)
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        state = {"index": 0}

        def step(model=model, optimizer=optimizer, state=state) -> None:
            model.train()
            batch = fixed_batches[state["index"] % len(fixed_batches)]
            state["index"] += 1
            loss = task.loss(model, batch, torch.device("cpu"))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss.item()

        steps[name] = step

    timings = time_interleaved(steps, repeats=repeats, warmup=warmup)
    steps_per_epoch = math.ceil(len(train_set) / batch_size)
    return [
        EpochResult(
            neuron=name,
            timesteps=configs[name].timesteps,
            median_step_ms=timings.median_ms(name),
            quartiles_ms=timings.spread_ms(name),
            steps_per_epoch=steps_per_epoch,
            epoch_seconds=timings.median_ms(name) * steps_per_epoch / 1000,
        )
        for name in NEURONS
    ]
