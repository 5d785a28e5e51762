"""The memory-access term on a one-layer network, and spike slots per neuron in activity reports."""

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor
from asnbench.metrics.energy import EnergyModel, MemoryAccessModel
from asnbench.models import SpikingNetwork, Synapse, to_spike_inference
from asnbench.neurons import ANN, ASN, LIF

SRAM = EnergyModel(
    name="test-sram",
    e_mac_pj=4.6,
    e_ac_pj=0.9,
    description="fp32 with a memory term",
    source="test",
    memory=MemoryAccessModel(e_access_pj=10.0),
)


def one_layer_report(x, spiking_input, model):
    layer = nn.Linear(3, 2, bias=False)
    network = SpikingNetwork([Synapse(layer, spiking_input=spiking_input)], timesteps=x.shape[0], temporal_input=True)
    monitor = ActivityMonitor(network)
    with torch.no_grad(), monitor:
        network(x)
    return monitor.report(model)


def test_memory_term_on_spiking_layer():
    # Spikes [1, 0, 1] into a 3 -> 2 layer: 2 active inputs x fan-out 2 = 4 ACs.
    # 3 accesses per AC (weight read, state read, state write) at 10 pJ = 120 pJ.
    report = one_layer_report(torch.tensor([[[1.0, 0.0, 1.0]]]), True, SRAM)
    assert report.synops_per_sample == 4
    assert report.energy_pj_per_sample == pytest.approx(4 * 0.9)
    assert report.memory_accesses_per_sample == 12
    assert report.memory_energy_pj_per_sample == pytest.approx(120)
    assert "3 accesses per MAC or AC" in report.policies["memory_access"]


def test_memory_term_on_analog_layer():
    # Analog input: every one of the 3 x 2 connections is a MAC, 3 accesses each.
    report = one_layer_report(torch.tensor([[[0.5, 0.0, -1.0]]]), False, SRAM)
    assert report.macs_per_sample == 6
    assert report.energy_pj_per_sample == pytest.approx(6 * 4.6)
    assert report.memory_accesses_per_sample == 18
    assert report.memory_energy_pj_per_sample == pytest.approx(180)


def test_no_memory_term_is_none():
    report = one_layer_report(torch.tensor([[[1.0, 0.0, 1.0]]]), True, "45nm")
    assert report.memory_accesses_per_sample is None
    assert report.memory_energy_pj_per_sample is None
    assert report.policies["memory_access"] == "not counted"


def network_with(neuron, timesteps):
    layers = [Synapse(nn.Linear(4, 6), spiking_input=False), neuron]
    layers.append(Synapse(nn.Linear(6, 2), spiking_input=neuron.is_spiking))
    return SpikingNetwork(layers, timesteps=timesteps)


def slots(network, spike_inference):
    if spike_inference:
        network = to_spike_inference(network)
    monitor = ActivityMonitor(network)
    with torch.no_grad(), monitor:
        network(torch.randn(3, 4))
    return monitor.report().spike_slots


@pytest.mark.parametrize(
    "neuron, timesteps, spike_inference, expected",
    [
        (lambda: ASN(6, levels=4), 1, True, 4),
        (lambda: ASN(6, levels=3), 2, True, 6),
        (lambda: ASN(6, levels=4), 1, False, 1),
        (lambda: LIF(6), 4, True, 4),
        (lambda: LIF(6), 16, True, 16),
    ],
)
def test_spike_slots_per_neuron(neuron, timesteps, spike_inference, expected):
    torch.manual_seed(0)
    assert slots(network_with(neuron(), timesteps), spike_inference) == expected


def test_ann_has_no_spike_slots():
    assert slots(network_with(ANN(6), 1), True) is None
