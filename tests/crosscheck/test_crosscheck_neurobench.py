"""ActivityMonitor counts against NeuroBench's SynapticOperations on the same networks and inputs.

NeuroBench hooks ``nn.Linear`` and ``nn.Conv2d`` modules that are called once
per timestep, as in an snnTorch network. asnbench's Synapse applies its
layer's weights to all steps at once without calling the module, so each
network is run in NeuroBench through a per-step twin:

* for LIF with hard reset, an snnTorch network with the same layer objects
  and ``snn.Leaky`` neurons (independent dynamics, so the spike trains
  themselves are checked too);
* for ASN and soft-reset LIF, a replica that computes asnbench's values and
  also calls every synaptic layer on each step (or binary sub-step) of its
  input, so that NeuroBench's hooks see exactly the inputs an snnTorch-style
  loop would feed. snnTorch 1.0's subtract reset departs from asnbench's
  once a membrane stays above threshold after a reset (see
  ``test_crosscheck_lif.py``), which these strongly driven networks reach.

The networks run in float64 so that no membrane potential lands on the
threshold by rounding, where snnTorch (``>``) and asnbench (``>=``) differ.

asnbench counts the first layer's MACs once per sample, because the
repeated analog input of direct encoding is multiplied once, while
NeuroBench sees the layer called at every step, so its ``Effective_MACs``
are ``timesteps`` times asnbench's ``macs`` on input without zeros.
asnbench's ``nb_effective_macs`` follow NeuroBench's rule and match it.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor, ActivityReport
from asnbench.models import SpikingNetwork, Synapse, Temporal, to_spike_inference
from asnbench.neurons import ASN, LIF

snn = pytest.importorskip("snntorch", reason="snntorch is not installed (pip install '.[dev]')")
neurobench = pytest.importorskip("neurobench", reason="neurobench is not installed (pip install '.[dev]')")

from neurobench.benchmarks import Benchmark  # noqa: E402
from neurobench.metrics.workload import SynapticOperations  # noqa: E402
from neurobench.models import SNNTorchModel  # noqa: E402

TIMESTEPS = 3
BATCH = 4


def conv_network(make_neuron, timesteps: int = TIMESTEPS) -> SpikingNetwork:
    """Conv2d with stride and padding, a grouped Conv2d, max pooling, then two Linear layers."""
    layers = [
        Synapse(nn.Conv2d(2, 4, 3, stride=2, padding=1), spiking_input=False),
        make_neuron(4),
        Synapse(nn.Conv2d(4, 6, 3, padding=1, groups=2), spiking_input=True),
        make_neuron(6),
        Temporal(nn.MaxPool2d(2)),
        Temporal(nn.Flatten()),
        Synapse(nn.Linear(6 * 3 * 3, 8), spiking_input=True),
        make_neuron(8),
        Synapse(nn.Linear(8, 5), spiking_input=True),
    ]
    return SpikingNetwork(layers, timesteps=timesteps).double().eval()


def mlp_network(make_neuron, timesteps: int = TIMESTEPS) -> SpikingNetwork:
    layers = [
        Temporal(nn.Flatten()),
        Synapse(nn.Linear(2 * 12 * 12, 16), spiking_input=False),
        make_neuron(16),
        Synapse(nn.Linear(16, 5), spiking_input=True),
    ]
    return SpikingNetwork(layers, timesteps=timesteps).double().eval()


def scale_weights(network: SpikingNetwork, gain: float) -> None:
    """Scale every synaptic weight so that every layer fires at a moderate rate."""
    with torch.no_grad():
        for synapse in network.synapses():
            synapse.layer.weight.mul_(gain)


class SnnTorchTwin(nn.Module):
    """The same layer objects as a LIF SpikingNetwork, run step by step with ``snn.Leaky`` neurons."""

    def __init__(self, network: SpikingNetwork):
        super().__init__()
        self.timesteps = network.timesteps
        stages: list[nn.Module] = []
        for module in network.layers:
            if isinstance(module, Synapse):
                stages.append(module.layer)
            elif isinstance(module, Temporal):
                stages.append(module.module)
            elif isinstance(module, LIF):
                mechanism = "subtract" if module.reset == "soft" else "zero"
                stages.append(
                    snn.Leaky(
                        beta=module.beta(),
                        threshold=module.threshold,
                        reset_mechanism=mechanism,
                        reset_delay=False,
                    )
                )
            else:
                raise TypeError(f"no snnTorch twin for {type(module).__name__}")
        self.stages = nn.ModuleList(stages)
        self.spikes: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        membranes: dict[int, torch.Tensor] = {}
        outputs, self.spikes = [], []
        for _ in range(self.timesteps):
            h = x
            for index, stage in enumerate(self.stages):
                if isinstance(stage, snn.Leaky):
                    membrane = membranes.get(index, torch.zeros_like(h))
                    spikes, membranes[index] = stage(h, membrane)
                    # snnTorch 1.0's surrogate functions return float32 spikes whatever the input dtype.
                    h = spikes.to(membrane.dtype)
                    self.spikes.append(h)
                else:
                    h = stage(h)
            outputs.append(h)
        return torch.stack(outputs)


class StepwiseReplica(nn.Module):
    """Run a SpikingNetwork and call each synaptic layer on every step of its input for NeuroBench's hooks."""

    def __init__(self, network: SpikingNetwork):
        super().__init__()
        self.network = network

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.network.encode(x)
        for module in self.network.layers:
            if isinstance(module, Synapse):
                for step in h:
                    module.layer(step)
            h = module(h)
        return h


def neurobench_counts(net: nn.Module, x: torch.Tensor) -> dict[str, float]:
    """Return NeuroBench's per-sample ``Effective_MACs``, ``Effective_ACs`` and ``Dense``."""
    dataset = torch.utils.data.TensorDataset(x, torch.zeros(x.shape[0], dtype=torch.long))
    loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH)
    model = SNNTorchModel(net, custom_forward=True)
    benchmark = Benchmark(model, loader, [], [], [[], [SynapticOperations]])
    with torch.no_grad():
        results = benchmark.run(quiet=True)
    return results["SynapticOperations"]


def asnbench_counts(network: SpikingNetwork, x: torch.Tensor) -> ActivityReport:
    monitor = ActivityMonitor(network)
    with torch.no_grad(), monitor:
        for batch in x.split(BATCH):
            network(batch)
    return monitor.report()


def assert_every_layer_fires(report: ActivityReport) -> None:
    for entry in report.layers:
        if entry.kind == "neuron":
            assert 0 < entry.firing_rate < 1, f"{entry.name} fires at rate {entry.firing_rate}"


def analog_input(seed: int, samples: int = 2 * BATCH) -> torch.Tensor:
    """Analog images with no zero pixel, so every connection of the first layer is effective."""
    generator = torch.Generator().manual_seed(seed)
    return 0.1 + torch.rand(samples, 2, 12, 12, generator=generator, dtype=torch.float64)


def assert_counts_match(report: ActivityReport, counts: dict[str, float], timesteps: int) -> None:
    assert report.synops_per_sample > 0
    assert report.synops_per_sample == counts["Effective_ACs"]
    assert report.nb_effective_acs_per_sample == counts["Effective_ACs"]
    assert report.nb_effective_macs_per_sample == counts["Effective_MACs"]
    assert report.macs_per_sample * timesteps == counts["Effective_MACs"]
    assert report.nb_dense_per_sample == counts["Dense"]


@pytest.mark.slow
@pytest.mark.parametrize("build", [conv_network, mlp_network], ids=["conv", "mlp"])
def test_lif_counts_equal_neurobench_on_snntorch(build):
    torch.manual_seed(0)
    network = build(lambda c: LIF(c, tau=2.0, threshold=1.0, reset="hard"))
    scale_weights(network, 3.0)
    twin = SnnTorchTwin(network).double().eval()
    x = analog_input(1)

    report = asnbench_counts(network, x)
    counts = neurobench_counts(twin, x)

    assert_every_layer_fires(report)
    assert_counts_match(report, counts, TIMESTEPS)


@pytest.mark.parametrize("build", [conv_network, mlp_network], ids=["conv", "mlp"])
def test_soft_reset_lif_counts_equal_neurobench(build):
    torch.manual_seed(0)
    network = build(lambda c: LIF(c, tau=2.0, threshold=1.0, reset="soft"))
    scale_weights(network, 3.0)
    x = analog_input(1)

    report = asnbench_counts(network, x)
    counts = neurobench_counts(StepwiseReplica(network), x)

    assert_every_layer_fires(report)
    assert_counts_match(report, counts, TIMESTEPS)


def test_hard_reset_spike_trains_equal_snntorch():
    torch.manual_seed(0)
    network = conv_network(lambda c: LIF(c, tau=2.0, threshold=1.0, reset="hard"))
    scale_weights(network, 3.0)
    twin = SnnTorchTwin(network).double().eval()
    x = analog_input(2)
    spikes = []
    hooks = [n.register_forward_hook(lambda m, a, out: spikes.append(out)) for n in network.neurons()]

    with torch.no_grad():
        logits = network(x)
        twin_logits = twin(x).mean(0)
    for hook in hooks:
        hook.remove()

    layers = len(spikes)
    for index, ours in enumerate(spikes):
        theirs = torch.stack(twin.spikes[index::layers])
        assert ours.sum() > 0
        assert torch.equal(ours, theirs), f"spikes of neuron layer {index} differ"
    torch.testing.assert_close(logits, twin_logits, rtol=1e-12, atol=1e-12)


def test_zero_pixels_count_in_macs_not_in_neurobench():
    # NeuroBench skips zero inputs; asnbench counts every connection of an analog layer.
    torch.manual_seed(0)
    network = mlp_network(lambda c: LIF(c, reset="hard"))
    scale_weights(network, 3.0)
    twin = SnnTorchTwin(network).double().eval()
    x = analog_input(3)
    x[:, :, :6] = 0.0

    report = asnbench_counts(network, x)
    counts = neurobench_counts(twin, x)

    first = report.layers[0]
    assert first.macs_per_sample == 2 * 12 * 12 * 16
    assert report.nb_effective_macs_per_sample == counts["Effective_MACs"]
    # Half of the pixels are zero, and NeuroBench counts the layer at every step.
    assert counts["Effective_MACs"] == TIMESTEPS * first.macs_per_sample / 2
    assert report.synops_per_sample == counts["Effective_ACs"]


@pytest.mark.parametrize("build", [conv_network, mlp_network], ids=["conv", "mlp"])
def test_binary_asn_counts_equal_neurobench(build):
    torch.manual_seed(0)
    network = build(lambda c: ASN(c, levels=1, threshold=0.5))
    scale_weights(network, 3.0)
    x = analog_input(4)

    report = asnbench_counts(network, x)
    counts = neurobench_counts(StepwiseReplica(network), x)

    assert_every_layer_fires(report)
    assert_counts_match(report, counts, TIMESTEPS)


@pytest.mark.parametrize("build", [conv_network, mlp_network], ids=["conv", "mlp"])
def test_integer_asn_counts_equal_neurobench_on_binary_expansion(build):
    torch.manual_seed(0)
    network = build(lambda c: ASN(c, levels=4, threshold=0.5), timesteps=2)
    scale_weights(network, 3.0)
    deployed = to_spike_inference(network)
    x = analog_input(5)

    integer = asnbench_counts(network, x)
    expanded = neurobench_counts(StepwiseReplica(deployed), x)
    value_agnostic = neurobench_counts(StepwiseReplica(network), x)

    spike_layers = [entry for entry in integer.layers if entry.kind == "neuron"]
    assert all(entry.spikes_per_neuron_step > 1 / 4 for entry in spike_layers)
    # NeuroBench sees the binary sub-steps as spikes and counts each as one accumulate.
    assert integer.synops_per_sample == expanded["Effective_ACs"]
    assert integer.macs_per_sample * network.timesteps == expanded["Effective_MACs"]
    # On integer spikes NeuroBench counts a nonzero value once, and as a MAC.
    assert integer.nb_effective_macs_per_sample == value_agnostic["Effective_MACs"]
    assert integer.nb_effective_acs_per_sample == value_agnostic["Effective_ACs"] == 0
    hidden_value_agnostic = value_agnostic["Effective_MACs"] - expanded["Effective_MACs"]
    assert hidden_value_agnostic < integer.synops_per_sample
