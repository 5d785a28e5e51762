"""The benchmark networks written with snnTorch and SpikingJelly, as their documentation writes them."""

from __future__ import annotations

import torch
from torch import nn

BETA = 0.5  # tau = 2 steps, asnbench's LIF default
THRESHOLD = 1.0


def _snntorch_leaky():
    import snntorch as snn

    # reset_delay=False fires and resets in the same step, as asnbench's LIF does;
    # the default spike_grad is snnTorch's arctan surrogate with alpha 2, as in asnbench.
    return snn.Leaky(beta=BETA, threshold=THRESHOLD, reset_mechanism="subtract", reset_delay=False)


class SnnTorchNetwork(nn.Module):
    """Synaptic layers and ``snn.Leaky`` neurons run by a Python loop over ``timesteps``.

    ``stages`` alternate stateless modules and Leaky neurons. With
    ``first_layer_once`` the first stage, which sees the same analog input at
    every step, runs once before the loop.
    """

    def __init__(self, stages: list[nn.Module], timesteps: int, first_layer_once: bool = False):
        super().__init__()
        self.stages = nn.ModuleList(stages)
        self.timesteps = timesteps
        self.first_layer_once = first_layer_once

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        import snntorch as snn

        membranes: dict[int, torch.Tensor | None] = {i: None for i in range(len(self.stages))}
        first = self.stages[0](x) if self.first_layer_once else None
        outputs = []
        for _ in range(self.timesteps):
            h = first if self.first_layer_once else self.stages[0](x)
            for index, stage in enumerate(self.stages[1:], start=1):
                if isinstance(stage, snn.Leaky):
                    if membranes[index] is None:
                        membranes[index] = torch.zeros_like(h)
                    h, membranes[index] = stage(h, membranes[index])
                else:
                    h = stage(h)
            outputs.append(h)
        return torch.stack(outputs).mean(0)


def snntorch_mlp(timesteps: int, first_layer_once: bool = False) -> SnnTorchNetwork:
    stages = [nn.Sequential(nn.Flatten(), nn.Linear(784, 512)), _snntorch_leaky(), nn.Linear(512, 10)]
    return SnnTorchNetwork(stages, timesteps, first_layer_once)


def snntorch_cnn(timesteps: int, first_layer_once: bool = False) -> SnnTorchNetwork:
    stages = [
        nn.Conv2d(1, 32, 3, padding=1),
        _snntorch_leaky(),
        nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1)),
        _snntorch_leaky(),
        nn.Sequential(nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 7 * 7, 256)),
        _snntorch_leaky(),
        nn.Linear(256, 10),
    ]
    return SnnTorchNetwork(stages, timesteps, first_layer_once)


class SpikingJellyNetwork(nn.Module):
    """A multi-step (``step_mode='m'``) SpikingJelly stack fed the input repeated ``timesteps`` times."""

    def __init__(self, layers: list[nn.Module], timesteps: int):
        super().__init__()
        self.layers = nn.Sequential(*layers)
        self.timesteps = timesteps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        from spikingjelly.activation_based import functional

        functional.reset_net(self.layers)
        x_seq = x.unsqueeze(0).repeat(self.timesteps, *([1] * x.dim()))
        return self.layers(x_seq).mean(0)


def _spikingjelly_lif():
    from spikingjelly.activation_based import neuron, surrogate

    # decay_input=False and v_reset=None give H = (1 - 1/tau) * V + X with a soft reset.
    return neuron.LIFNode(
        tau=1 / (1 - BETA),
        decay_input=False,
        v_threshold=THRESHOLD,
        v_reset=None,
        surrogate_function=surrogate.ATan(alpha=2.0),
        step_mode="m",
    )


def spikingjelly_mlp(timesteps: int) -> SpikingJellyNetwork:
    from spikingjelly.activation_based import layer

    return SpikingJellyNetwork(
        [
            layer.Flatten(step_mode="m"),
            layer.Linear(784, 512, step_mode="m"),
            _spikingjelly_lif(),
            layer.Linear(512, 10, step_mode="m"),
        ],
        timesteps,
    )


def spikingjelly_cnn(timesteps: int) -> SpikingJellyNetwork:
    from spikingjelly.activation_based import layer

    return SpikingJellyNetwork(
        [
            layer.Conv2d(1, 32, 3, padding=1, step_mode="m"),
            _spikingjelly_lif(),
            layer.MaxPool2d(2, step_mode="m"),
            layer.Conv2d(32, 64, 3, padding=1, step_mode="m"),
            _spikingjelly_lif(),
            layer.MaxPool2d(2, step_mode="m"),
            layer.Flatten(step_mode="m"),
            layer.Linear(64 * 7 * 7, 256, step_mode="m"),
            _spikingjelly_lif(),
            layer.Linear(256, 10, step_mode="m"),
        ],
        timesteps,
    )
