"""QANN forward values and straight-through gradients on inputs worked by hand."""

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor
from asnbench.models import SpikingNetwork, Synapse, to_spike_inference
from asnbench.neurons import NEURONS, QANN, neuron_factory


def qann(levels=4, step=0.5):
    return QANN(1, levels=levels, step=step)


def test_forward_values_by_hand():
    # s = 0.5, D = 4: x / s = -2, 0.2, 0.5, 0.74, 1.5, 3.8, 10 -> round half up, clamp to [0, 4].
    x = torch.tensor([[[-1.0], [0.1], [0.25], [0.37], [0.75], [1.9], [5.0]]])
    y = qann()(x)
    expected = torch.tensor([0.0, 0.0, 0.5, 0.5, 1.0, 2.0, 2.0]).view(1, 7, 1)
    assert torch.equal(y, expected)


def test_output_has_levels_plus_one_values():
    x = torch.linspace(-3, 6, 1000).view(1, -1, 1)
    values = torch.unique(qann(levels=3, step=1.0)(x))
    assert values.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_input_gradient_is_straight_through():
    # Window: x / s in [-0.5, D + 0.5] = x in [-0.25, 2.25] for s = 0.5, D = 4.
    x = torch.tensor([[[-1.0], [-0.25], [0.3], [2.25], [2.5]]], requires_grad=True)
    qann()(x).sum().backward()
    assert x.grad.flatten().tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


def test_step_gradient_is_lsq():
    # dy/ds = q - x/s inside the window, q outside: x = 0.3 -> z = 0.6, q = 1: 0.4;
    # x = 0.6 -> z = 1.2, q = 1: -0.2; x = 5 -> clamped at q = 4: 4; x = -1 -> q = 0: 0.
    neuron = qann()
    for value, expected in ((0.3, 0.4), (0.6, -0.2), (5.0, 4.0), (-1.0, 0.0)):
        neuron.zero_grad()
        neuron(torch.tensor([[[value]]])).sum().backward()
        assert neuron.step.grad.item() == pytest.approx(expected, abs=1e-6)


def test_step_init_from_first_training_batch():
    neuron = QANN(3, levels=4)
    x = torch.tensor([[[1.0, -2.0, 3.0], [0.0, 2.0, 4.0]]])
    neuron.train()
    neuron(x)
    # LSQ: 2 * mean(|x|) / sqrt(D) = 2 * 2 / 2 = 2.
    assert neuron.step.item() == pytest.approx(2.0)
    assert bool(neuron.initialized)
    neuron(10 * x)
    assert neuron.step.item() == pytest.approx(2.0)


def test_explicit_step_skips_data_init():
    neuron = qann(step=0.5)
    neuron.train()
    neuron(torch.full((1, 2, 1), 100.0))
    assert neuron.step.item() == 0.5


def test_rejects_invalid_levels_and_step():
    with pytest.raises(ValueError, match="levels"):
        QANN(1, levels=0)
    with pytest.raises(ValueError, match="step"):
        QANN(1, step=0.0)


def test_registered_and_factory_passes_levels():
    assert NEURONS["qann"] is QANN
    neuron = neuron_factory("qann", levels=3, surrogate="arctan")(8)
    assert neuron.levels == 3
    assert neuron.is_spiking is False


def test_never_expands_in_spike_inference():
    neuron = qann(levels=4, step=1.0)
    neuron.set_spike_inference(True)
    x = torch.tensor([[[3.2]], [[1.0]]])
    assert neuron.substeps == 1
    assert neuron(x).shape == x.shape


def test_next_layer_counts_macs_not_synops():
    torch.manual_seed(0)
    layers = [Synapse(nn.Linear(5, 4), spiking_input=False), QANN(4, levels=4, step=0.25)]
    layers.append(Synapse(nn.Linear(4, 3), spiking_input=layers[1].is_spiking))
    deployed = to_spike_inference(SpikingNetwork(layers))
    monitor = ActivityMonitor(deployed)
    with torch.no_grad(), monitor:
        deployed(torch.randn(2, 5))
    report = monitor.report("45nm")
    assert report.synops_per_sample == 0
    assert report.macs_per_sample == 5 * 4 + 4 * 3
    assert report.spike_slots is None
