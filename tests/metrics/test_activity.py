"""ActivityMonitor on hand-built networks with hand-worked spike and operation counts."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor, ActivityReport
from asnbench.metrics.energy import get_energy_model
from asnbench.models import SpikingNetwork, Synapse, Temporal, build_mlp, build_vgg, to_spike_inference
from asnbench.neurons import ASN, neuron_factory
from asnbench.neurons.base import Neuron
from asnbench.neurons.expansion import expand_levels


class PassThroughNeuron(Neuron):
    """Emits its input as integer spike counts, so tests control the spikes exactly."""

    name = "pass-through"

    def __init__(self, num_channels: int, channel_dim: int = 1, levels: int = 3):
        super().__init__(num_channels, channel_dim)
        self._levels = levels

    @property
    def levels(self) -> int:
        return self._levels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return expand_levels(x, self._levels) if self.spike_inference else x


def spiking_linear_network() -> SpikingNetwork:
    synapse = Synapse(nn.Linear(3, 2), spiking_input=True)
    return SpikingNetwork([synapse], timesteps=2, temporal_input=True)


def run_monitored(network: SpikingNetwork, *inputs: torch.Tensor, energy_model="45nm") -> ActivityReport:
    monitor = ActivityMonitor(network)
    with torch.no_grad(), monitor:
        for x in inputs:
            network(x)
    return monitor.report(energy_model=energy_model)


def layer(report: ActivityReport, name: str):
    matches = [entry for entry in report.layers if entry.name == name]
    assert len(matches) == 1, f"expected one layer named {name!r}, got {[e.name for e in report.layers]}"
    return matches[0]


def make_dyadic(network: nn.Module) -> None:
    """Round every parameter of the synapses to a multiple of 1/8 so that sums are exact in float32."""
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, Synapse):
                for parameter in module.layer.parameters():
                    parameter.copy_(torch.round(parameter * 8) / 8)


def test_integer_spikes_cost_value_times_fanout():
    network = spiking_linear_network()
    x = torch.tensor([[[1.0, 0.0, 3.0]], [[3.0, 1.0, 0.0]]])  # [2 steps, 1 sample, 3]

    report = run_monitored(network, x)

    # Input values sum to 8 and every input reaches 2 outputs.
    assert report.samples == 1
    assert report.synops_per_sample == 16
    assert report.macs_per_sample == 0
    assert report.energy_pj_per_sample == pytest.approx(16 * 0.9)


def test_integer_input_counts_neurobench_macs():
    network = spiking_linear_network()
    x = torch.tensor([[[1.0, 0.0, 3.0]], [[3.0, 1.0, 0.0]]])

    report = run_monitored(network, x)

    # 4 nonzero inputs x fan-out 2, as MACs because 3 is not binary.
    assert report.nb_effective_macs_per_sample == 8
    assert report.nb_effective_acs_per_sample == 0
    assert report.nb_dense_per_sample == 2 * 3 * 2


def test_binary_input_counts_neurobench_acs():
    network = spiking_linear_network()
    x = torch.tensor([[[1.0, 0.0, 1.0]], [[0.0, 0.0, 1.0]]])

    report = run_monitored(network, x)

    assert report.synops_per_sample == 6
    assert report.nb_effective_acs_per_sample == 6
    assert report.nb_effective_macs_per_sample == 0


def test_binary_decision_is_per_call():
    network = spiking_linear_network()
    binary = torch.tensor([[[1.0, 0.0, 1.0]], [[0.0, 0.0, 1.0]]])
    integer = torch.tensor([[[2.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]]])

    report = run_monitored(network, binary, integer)

    assert report.samples == 2
    assert report.nb_effective_acs_per_sample == 6 / 2
    assert report.nb_effective_macs_per_sample == 2 / 2
    assert report.synops_per_sample == (6 + 4) / 2


def test_samples_from_temporal_batch_dimension():
    network = spiking_linear_network()
    x = torch.ones(2, 5, 3)  # 2 steps, 5 samples

    report = run_monitored(network, x)

    assert report.samples == 5
    assert report.synops_per_sample == 2 * 3 * 2


def test_first_layer_linear_counts_dense_macs():
    make = neuron_factory("asn", levels=2)
    network = build_mlp((6,), num_classes=3, make_neuron=make, hidden=(4,), timesteps=3)
    x = torch.randn(5, 6)

    report = run_monitored(network, x)

    first = report.layers[0]
    assert first.kind == "synapse"
    assert first.spiking_input is False
    # The static input is repeated over 3 steps and multiplied once.
    assert first.macs_per_sample == 6 * 4
    assert first.synops_per_sample == 0
    # The readout receives spikes, and each spike reaches the 3 outputs.
    neuron = report.layers[1]
    readout = report.layers[2]
    assert neuron.kind == "neuron"
    assert readout.synops_per_sample == pytest.approx(neuron.spikes_per_sample * 3)
    assert readout.macs_per_sample == 0


def test_first_layer_conv_counts_border_exact_macs():
    network = SpikingNetwork([Synapse(nn.Conv2d(2, 3, 3, padding=1), spiking_input=False)], timesteps=2)
    x = torch.rand(4, 2, 4, 4) + 0.5
    x[:, :, 0, 0] = 0  # corners reach 4 positions x 3 output channels

    report = run_monitored(network, x)

    # Per input channel, rows and columns cover 2 + 3 + 3 + 2 = 10: 3 x 2 x 10 x 10 per step.
    # The static input repeated over 2 steps is multiplied once; NeuroBench counts every step.
    assert report.macs_per_sample == 600
    assert report.nb_dense_per_sample == 2 * 600
    assert report.nb_effective_macs_per_sample == 2 * (600 - 2 * 4 * 3)
    assert report.synops_per_sample == 0
    assert report.energy_pj_per_sample == pytest.approx(600 * 4.6)


def test_spiking_conv_counts_value_times_fanout():
    conv = nn.Conv2d(1, 2, 3, padding=1)
    network = SpikingNetwork([Synapse(conv, spiking_input=True)], timesteps=1, temporal_input=True)
    x = torch.zeros(1, 1, 1, 3, 3)
    x[0, 0, 0, 0, 0] = 2  # corner of a 3x3 map: reaches 4 positions
    x[0, 0, 0, 1, 1] = 1  # center: reaches 9 positions

    report = run_monitored(network, x)

    assert report.synops_per_sample == (2 * 4 + 1 * 9) * 2
    assert report.nb_effective_macs_per_sample == (4 + 9) * 2


@pytest.mark.parametrize("builder", ["mlp", "vgg"])
def test_integer_and_spike_inference_agree(builder):
    torch.manual_seed(0)
    make = neuron_factory("asn", levels=4, threshold=0.5)
    if builder == "mlp":
        network = build_mlp((8,), num_classes=3, make_neuron=make, hidden=(16, 12), timesteps=2)
        x = torch.round(torch.rand(6, 8) * 16) / 4
    else:
        network = build_vgg(
            (1, 8, 8), num_classes=3, make_neuron=make, channels=(4, "M", 6), hidden=(10,), timesteps=2
        )
        x = torch.round(torch.rand(3, 1, 8, 8) * 16) / 4
    network.eval()
    make_dyadic(network)
    deployed = to_spike_inference(network)

    with torch.no_grad():
        assert torch.equal(network(x), deployed(x))
    integer = run_monitored(network, x)
    spike_inference = run_monitored(deployed, x)

    assert integer.spikes_per_sample > 0
    assert integer.spikes_per_sample == spike_inference.spikes_per_sample
    assert integer.synops_per_sample == spike_inference.synops_per_sample
    assert integer.macs_per_sample == spike_inference.macs_per_sample
    assert integer.spikes_per_neuron_step == pytest.approx(spike_inference.spikes_per_neuron_step)
    assert integer.firing_rate == pytest.approx(4 * spike_inference.firing_rate)
    for a, b in zip(integer.layers, spike_inference.layers):
        assert a.name == b.name
        assert a.synops_per_sample == b.synops_per_sample
        assert a.spikes_per_sample == b.spikes_per_sample
    # Integer spikes above 1 make the value-aware count exceed NeuroBench's nonzero count.
    assert integer.nb_effective_macs_per_sample > integer.macs_per_sample
    assert integer.synops_per_sample > integer.nb_effective_acs_per_sample
    # In spike inference every spiking layer receives binary sub-steps, counted as ACs.
    assert spike_inference.nb_effective_acs_per_sample == spike_inference.synops_per_sample
    assert spike_inference.nb_effective_macs_per_sample <= spike_inference.nb_dense_per_sample


def test_monitor_keeps_outputs_bitwise_equal():
    torch.manual_seed(1)
    make = neuron_factory("asn", levels=3)
    network = build_vgg((2, 8, 8), num_classes=4, make_neuron=make, channels=(4, "M"), hidden=(8,), timesteps=2)
    x = torch.randn(3, 2, 8, 8)

    with torch.no_grad():
        plain = network(x)
    with torch.no_grad(), ActivityMonitor(network):
        monitored = network(x)
    assert torch.equal(plain, monitored)

    reference = network(x)
    with ActivityMonitor(network):
        tracked = network(x)
    assert torch.equal(reference, tracked)
    tracked.sum().backward()
    assert network.layers[0].layer.weight.grad is not None


def test_monitor_works_under_inference_mode():
    network = spiking_linear_network()

    monitor = ActivityMonitor(network)
    with torch.inference_mode(), monitor:
        network(torch.ones(2, 1, 3))

    assert monitor.report().synops_per_sample == 12


def test_firing_rate_over_output_steps():
    neuron = PassThroughNeuron(2, levels=3)
    network = SpikingNetwork([neuron], timesteps=2, temporal_input=True)
    x = torch.tensor([[[3.0, 0.0]], [[1.0, 2.0]]])  # 6 spikes, 2 neurons, 2 steps, 1 sample

    integer = run_monitored(network, x)
    network.set_spike_inference(True)
    expanded = run_monitored(network, x)

    assert integer.spikes_per_sample == 6
    assert integer.firing_rate == pytest.approx(6 / (2 * 2))
    assert integer.spikes_per_neuron_step == pytest.approx(6 / (2 * 2))
    assert expanded.spikes_per_sample == 6
    assert expanded.firing_rate == pytest.approx(6 / (2 * 2 * 3))  # 3 binary sub-steps per step
    assert expanded.spikes_per_neuron_step == pytest.approx(6 / (2 * 2))
    neuron_layer = layer(expanded, "layers.0")
    assert neuron_layer.neurons == 2
    assert neuron_layer.firing_rate == pytest.approx(0.5)


def test_ann_reports_macs_and_no_spikes():
    make = neuron_factory("ann")
    network = build_mlp((5,), num_classes=2, make_neuron=make, hidden=(4,), timesteps=1)

    report = run_monitored(network, torch.randn(3, 5))

    assert report.spikes_per_sample == 0
    assert report.firing_rate is None
    assert report.spikes_per_neuron_step is None
    assert report.synops_per_sample == 0
    assert report.macs_per_sample == 5 * 4 + 4 * 2
    assert [entry.kind for entry in report.layers] == ["synapse", "synapse"]


def test_energy_per_layer_and_share():
    make = neuron_factory("asn", levels=2)
    network = build_mlp((6,), num_classes=3, make_neuron=make, hidden=(4,), timesteps=2)
    x = torch.randn(4, 6) * 3

    report = run_monitored(network, x, energy_model=get_energy_model("45nm-int8"))

    assert report.energy_model == "45nm-int8"
    synapses = [entry for entry in report.layers if entry.kind == "synapse"]
    for entry in synapses:
        expected = 0.23 * entry.macs_per_sample + 0.03 * entry.synops_per_sample
        assert entry.energy_pj_per_sample == pytest.approx(expected)
    total = sum(entry.energy_pj_per_sample for entry in synapses)
    assert report.energy_pj_per_sample == pytest.approx(total)
    assert sum(entry.energy_share for entry in synapses) == pytest.approx(1.0)


def test_report_to_dict_is_json_serializable():
    network = spiking_linear_network()

    report = run_monitored(network, torch.ones(2, 1, 3))
    data = json.loads(json.dumps(report.to_dict()))

    assert data["samples"] == 1
    assert data["energy_model"] == "45nm"
    assert data["policies"]["bias"] == "not counted"
    assert data["layers"][0]["name"] == "layers.0"
    assert data["layers"][0]["module"] == "Linear"


def test_hooks_removed_after_exit():
    network = spiking_linear_network()
    monitor = ActivityMonitor(network)
    with monitor:
        network(torch.ones(2, 1, 3))

    network(torch.ones(2, 1, 3))

    assert not monitor.active
    assert not network._forward_pre_hooks
    assert not network.layers[0]._forward_pre_hooks
    assert monitor.report().samples == 1


def test_reset_then_report_raises():
    network = spiking_linear_network()
    monitor = ActivityMonitor(network)
    with monitor:
        network(torch.ones(2, 1, 3))
    monitor.reset()

    with pytest.raises(ValueError, match="No samples"):
        monitor.report()


def test_counts_accumulate_over_with_blocks():
    network = spiking_linear_network()
    monitor = ActivityMonitor(network)
    with monitor:
        network(torch.ones(2, 1, 3))
    with monitor:
        network(torch.zeros(2, 1, 3))

    report = monitor.report()

    assert report.samples == 2
    assert report.synops_per_sample == 12 / 2


def test_nested_enter_raises():
    monitor = ActivityMonitor(spiking_linear_network())
    with monitor:
        with pytest.raises(RuntimeError, match="already active"):
            monitor.__enter__()


def test_monitor_rejects_plain_module():
    with pytest.raises(TypeError, match="SpikingNetwork"):
        ActivityMonitor(nn.Sequential(Temporal(nn.Flatten()), ASN(4)))


def test_temporal_analog_input_counts_every_step():
    network = SpikingNetwork(
        [Synapse(nn.Linear(3, 2), spiking_input=False)], timesteps=4, temporal_input=True
    )
    x = torch.randn(4, 5, 3)  # distinct values at each of 4 steps

    report = run_monitored(network, x)

    assert report.macs_per_sample == 4 * 3 * 2
