"""ActivityMonitor energy on layers worked by hand with the published per-layer convention.

The convention (common in spiking-detector papers) prices a k x k convolution
with C_in inputs and C_out outputs over an H x W map at firing rate r as
``k*k * C_in * C_out * H * W * r`` accumulates of 0.9 pJ each (45 nm, fp32).
It ignores borders. With circular padding every input position has the full
fan-out ``k*k * C_out``, so asnbench's exact count equals the convention.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor
from asnbench.metrics.energy import estimate_energy
from asnbench.models import SpikingNetwork, Synapse


def spikes_at_rate(shape: tuple[int, ...], rate: float, seed: int) -> torch.Tensor:
    """Binary tensor with exactly ``rate`` of its elements set, at random positions."""
    count = round(rate * torch.Size(shape).numel())
    generator = torch.Generator().manual_seed(seed)
    flat = torch.zeros(torch.Size(shape).numel())
    flat[torch.randperm(flat.numel(), generator=generator)[:count]] = 1.0
    return flat.view(shape)


def monitored_conv(in_channels, out_channels, spiking_input, x, padding_mode="circular"):
    conv = nn.Conv2d(in_channels, out_channels, 3, padding=1, padding_mode=padding_mode, bias=False)
    network = SpikingNetwork([Synapse(conv, spiking_input=spiking_input)], timesteps=x.shape[0], temporal_input=True)
    monitor = ActivityMonitor(network)
    with torch.no_grad(), monitor:
        network(x)
    return monitor.report("45nm")


def test_published_example_scaled_to_20x20():
    # 3x3 conv, 128 -> 64 channels, rate 0.12: the published 320x320 case costs
    # 3*3*128*64*320*320*0.12*0.9 pJ = 815,372,697.6 pJ; at 20x20 it is 256 times less.
    x = spikes_at_rate((1, 1, 128, 20, 20), 0.12, seed=0)

    report = monitored_conv(128, 64, True, x)

    expected_acs = 3 * 3 * 128 * 64 * 20 * 20 * 0.12
    assert report.synops_per_sample == pytest.approx(expected_acs, rel=1e-12)
    assert report.macs_per_sample == 0
    assert report.energy_pj_per_sample == pytest.approx(expected_acs * 0.9, rel=1e-12)
    assert report.energy_pj_per_sample * (320 / 20) ** 2 == pytest.approx(815_372_697.6, rel=1e-12)


def test_published_example_formula_at_320():
    assert estimate_energy(0, 3 * 3 * 128 * 64 * 320 * 320 * 0.12, "45nm") == pytest.approx(815_372_697.6)


def test_zero_padding_costs_less_than_convention():
    # With zero padding a border input reaches fewer outputs: per input channel and output
    # channel the (output, tap) pairs are (3H - 2) * (3W - 2) instead of 9 * H * W.
    x = torch.ones(1, 1, 4, 6, 6)

    report = monitored_conv(4, 2, True, x, padding_mode="zeros")

    assert report.synops_per_sample == 4 * 2 * (3 * 6 - 2) ** 2
    assert report.synops_per_sample < 3 * 3 * 4 * 2 * 6 * 6


def test_analog_first_layer_costs_macs():
    # A 3x3 conv on an analog 3 x 32 x 32 image: 3*3*3*16*32*32 MACs of 4.6 pJ per step.
    x = torch.rand(2, 1, 3, 32, 32)

    report = monitored_conv(3, 16, False, x)

    assert report.macs_per_sample == 2 * 3 * 3 * 3 * 16 * 32 * 32
    assert report.synops_per_sample == 0
    assert report.energy_pj_per_sample == pytest.approx(2 * 3 * 3 * 3 * 16 * 32 * 32 * 4.6, rel=1e-12)


def test_integer_spikes_cost_their_value():
    # Rate 0.12 of inputs carrying a count of 3 cost three accumulates each.
    x = 3 * spikes_at_rate((1, 1, 8, 10, 10), 0.12, seed=1)

    report = monitored_conv(8, 4, True, x)

    assert report.synops_per_sample == pytest.approx(3 * 3 * 3 * 8 * 4 * 10 * 10 * 0.12, rel=1e-12)
    assert report.energy_pj_per_sample == pytest.approx(report.synops_per_sample * 0.9, rel=1e-12)
