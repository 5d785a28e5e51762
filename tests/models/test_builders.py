"""Model builders: output shapes, timesteps and synapse input kinds for every neuron."""

import pytest
import torch
from torch import nn

from asnbench.errors import UnknownNameError
from asnbench.models import MODELS, Synapse, build_mlp, build_model, build_vgg
from asnbench.neurons import NEURONS, neuron_factory

BATCH = 3


def build(model, neuron, timesteps=1):
    make_neuron = neuron_factory(neuron, levels=2)
    if model == "mlp":
        return build_mlp((1, 6, 6), 5, make_neuron, hidden=(16, 12), timesteps=timesteps), (1, 6, 6), 5
    network = build_vgg(
        (3, 8, 8), 4, make_neuron, channels=(4, "M", 6, "M"), hidden=(10,), timesteps=timesteps
    )
    return network, (3, 8, 8), 4


@pytest.fixture(params=["mlp", "vgg"])
def model(request):
    return request.param


@pytest.fixture(params=sorted(NEURONS))
def neuron(request):
    return request.param


@pytest.mark.parametrize("timesteps", [1, 3])
def test_output_shape(model, neuron, timesteps):
    network, input_shape, classes = build(model, neuron, timesteps)
    x = torch.randn(BATCH, *input_shape)

    out = network(x)

    assert out.shape == (BATCH, classes)


def test_spike_inference_output_shape(model, neuron):
    network, input_shape, classes = build(model, neuron, timesteps=2)
    network.eval()
    network.set_spike_inference(True)

    out = network(torch.randn(BATCH, *input_shape))

    assert out.shape == (BATCH, classes)


def test_layer_structure(model, neuron):
    network, _, _ = build(model, neuron)

    synapses = network.synapses()
    neurons = network.neurons()

    # The mlp has two hidden Linear layers. The vgg has two convolutions and one hidden Linear layer.
    assert len(neurons) == (2 if model == "mlp" else 3)
    assert len(synapses) == len(neurons) + 1
    assert all(type(n) is NEURONS[neuron] for n in neurons)
    assert isinstance(synapses[-1].layer, nn.Linear)
    if model == "vgg":
        assert [type(s.layer) for s in synapses] == [nn.Conv2d, nn.Conv2d, nn.Linear, nn.Linear]


def test_timesteps_reach_every_synapse(model, neuron):
    network, _, _ = build(model, neuron, timesteps=3)

    assert network.timesteps == 3
    assert [s.timesteps for s in network.synapses()] == [3] * len(network.synapses())

    network.timesteps = 5

    assert [s.timesteps for s in network.synapses()] == [5] * len(network.synapses())


def test_timesteps_must_be_positive(model):
    network, _, _ = build(model, "asn")

    with pytest.raises(ValueError, match="timesteps"):
        network.timesteps = 0


def test_synapse_input_kinds(model, neuron):
    network, _, _ = build(model, neuron)

    flags = [s.spiking_input for s in network.synapses()]

    spiking = NEURONS[neuron].is_spiking
    assert flags[0] is False
    assert flags[1:] == [spiking] * (len(flags) - 1)


def test_synapse_rejects_other_layers():
    with pytest.raises(TypeError, match="BatchNorm1d"):
        Synapse(nn.BatchNorm1d(4), spiking_input=False)


def test_build_model_by_name(model):
    network = build_model(model, input_shape=(3, 8, 8), num_classes=4, make_neuron=neuron_factory("lif"))

    assert {"mlp", "vgg"} <= set(MODELS)
    assert network(torch.randn(BATCH, 3, 8, 8)).shape == (BATCH, 4)


def test_build_model_unknown_name():
    with pytest.raises(UnknownNameError, match="Did you mean 'mlp'"):
        build_model("mpl", input_shape=(1, 4, 4), num_classes=2, make_neuron=neuron_factory("lif"))
