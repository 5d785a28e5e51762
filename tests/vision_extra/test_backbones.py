"""SEW ResNet and spiking ViT: every neuron trains, and integer and binary inference agree."""

import pytest
import torch

from asnbench.metrics import ActivityMonitor, fanout_map
from asnbench.models import to_spike_inference
from asnbench.models.resnet import build_resnet
from asnbench.models.vit import build_vit
from asnbench.neurons import NEURONS, neuron_factory

BUILDERS = {
    "resnet": lambda make: build_resnet((3, 16, 16), 5, make, widths=(16, 32), blocks=(1, 1)),
    "vit": lambda make: build_vit((3, 16, 16), 5, make, patch_size=4, dim=16, depth=1, heads=2),
}


@pytest.mark.parametrize("model", BUILDERS)
@pytest.mark.parametrize("neuron", NEURONS)
def test_forward_backward_every_neuron(model, neuron):
    torch.manual_seed(0)
    network = BUILDERS[model](neuron_factory(neuron))
    network.timesteps = 2 if neuron in ("lif", "plif") else 1
    logits = network(torch.randn(3, 3, 16, 16))
    assert logits.shape == (3, 5)
    logits.sum().backward()
    # Adaptation parameters of a one-step ASN get no gradient, so check the synapses.
    grads = [synapse.layer.weight.grad for synapse in network.synapses()]
    assert all(g is not None for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize("model", BUILDERS)
@pytest.mark.slow
@pytest.mark.parametrize("neuron", ["asn", "nasn"])
def test_integer_binary_equivalence(model, neuron):
    torch.manual_seed(1)
    network = BUILDERS[model](neuron_factory(neuron, levels=3))
    x = torch.randn(6, 3, 16, 16) * 2
    network.train()
    for _ in range(3):
        network(x)  # fills NASN running statistics
    network.eval()
    deployed = to_spike_inference(network)
    with ActivityMonitor(deployed) as monitor, torch.no_grad():
        binary = deployed(x)
    report = monitor.report()
    assert report.spikes_per_sample > 0
    torch.testing.assert_close(binary, network(x).detach(), atol=1e-4, rtol=1e-4)
    for layer in report.layers:
        if layer.kind == "synapse" and layer.spiking_input:
            assert layer.nb_effective_macs_per_sample is not None


def test_event_input_first_layer_counts_accumulates():
    network = build_resnet((2, 8, 8), 3, neuron_factory("asn"), widths=(4,), blocks=(1,))
    network.temporal_input = True
    network.timesteps = 2
    first = network.synapses()[0]
    first.spiking_input = True
    events = torch.randint(0, 4, (2, 5, 2, 8, 8)).float()  # [T, batch, polarity, H, W] event counts
    with ActivityMonitor(network) as monitor, torch.no_grad():
        network(events)
    layer = monitor.report().layers[0]
    expected = (events * fanout_map(first.layer, (2, 8, 8))).sum().item() / 5
    assert layer.macs_per_sample == 0
    assert layer.synops_per_sample == pytest.approx(expected)
