"""Integer inference and binary spike inference of whole networks give the same output."""

import math

import pytest
import torch
from torch import nn

from asnbench.models import (
    SpikingNetwork,
    Synapse,
    Temporal,
    build_mlp,
    build_vgg,
    fold_normalizations,
    to_spike_inference,
)
from asnbench.neurons import ASN, NASN, neuron_factory
from asnbench.neurons.expansion import expand_levels

# name -> (neuron name, levels)
NEURONS = {
    "asn1": ("asn", 1),
    "asn2": ("asn", 2),
    "asn4": ("asn", 4),
    "nasn": ("nasn", 4),
    "lif": ("lif", None),
}

# Weights and biases on a 2**-10 grid and inputs on a 2**-6 grid keep every
# sum in these small networks exact in float64, so summation order cannot
# change the result.
WEIGHT_BITS = 10
INPUT_BITS = 6

# A power of two, so that running_var = 4**k - eps is exact and
# sqrt(running_var + eps) = 2**k keeps the folded weights on a binary grid.
NASN_EPS = 2.0**-20


@pytest.fixture
def float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def quantize(values, bits):
    return torch.round(values * 2**bits) / 2**bits


def build_network(model, neuron, timesteps):
    neuron_name, levels = NEURONS[neuron]
    make_neuron = neuron_factory(neuron_name, levels=levels)
    if model == "mlp":
        network = build_mlp((1, 6, 6), 5, make_neuron, hidden=(16, 12), timesteps=timesteps)
        input_shape = (4, 1, 6, 6)
    else:
        network = build_vgg(
            (2, 8, 8), 3, make_neuron, channels=(4, "M", 6, "M"), hidden=(10,), timesteps=timesteps
        )
        input_shape = (4, 2, 8, 8)
    return network, input_shape


@torch.no_grad()
def randomize(network, input_shape, rounded, seed=1):
    """Draw weights, biases, neuron parameters and an input, and return the input.

    The weight scale is larger than PyTorch's default initialization so that
    every neuron layer fires and integer counts reach the top level.
    """
    generator = torch.Generator().manual_seed(seed)

    def draw(*shape):
        return torch.randn(*shape, generator=generator)

    for synapse in network.synapses():
        weight = synapse.layer.weight
        weight.copy_(draw(weight.shape) * 2 / math.sqrt(weight[0].numel()))
        synapse.layer.bias.copy_(draw(synapse.layer.bias.shape) * 0.3)
        if rounded:
            weight.copy_(quantize(weight, WEIGHT_BITS))
            synapse.layer.bias.copy_(quantize(synapse.layer.bias, WEIGHT_BITS))

    for neuron in network.neurons():
        if isinstance(neuron, ASN):
            for parameter in (neuron.w_beta, neuron.w_theta, neuron.w_rho, neuron.w_alpha):
                parameter.add_(0.2 * draw(parameter.shape))
        if isinstance(neuron, NASN):
            channels = neuron.num_channels
            exponents = torch.randint(-1, 2, (channels,), generator=generator).to(torch.float64)
            neuron.eps = NASN_EPS
            neuron.running_var.copy_(4.0**exponents - NASN_EPS)
            neuron.running_mean.copy_(quantize(0.5 * draw(channels), 4))
            neuron.norm_weight.copy_(quantize(1 + 0.5 * torch.rand(channels, generator=generator), 4))
            neuron.norm_bias.copy_(quantize(0.5 * draw(channels), 6))

    x = draw(input_shape)
    return quantize(x, INPUT_BITS) if rounded else x


def run_with_neuron_outputs(network, x):
    """Run ``network`` on ``x`` and return its output and every neuron's output."""
    outputs = []
    handles = [
        neuron.register_forward_hook(lambda module, args, out: outputs.append(out))
        for neuron in network.neurons()
    ]
    try:
        with torch.no_grad():
            result = network(x)
    finally:
        for handle in handles:
            handle.remove()
    return result, outputs


@pytest.fixture(params=["mlp", "vgg"])
def model(request):
    return request.param


@pytest.fixture(params=sorted(NEURONS))
def neuron(request):
    return request.param


@pytest.fixture(params=[1, 3])
def timesteps(request):
    return request.param


def test_exact_on_binary_grid(float64, model, neuron, timesteps):
    network, input_shape = build_network(model, neuron, timesteps)
    x = randomize(network, input_shape, rounded=True)
    network.eval()

    integer_out, counts = run_with_neuron_outputs(network, x)
    spike_out = to_spike_inference(network)(x)

    for layer, layer_counts in enumerate(counts):
        assert layer_counts.sum() > 0, f"neuron layer {layer} never fires"
    levels = NEURONS[neuron][1] or 1
    assert max(c.max().item() for c in counts) == levels
    assert torch.equal(spike_out, integer_out), (spike_out - integer_out).abs().max()


def test_close_with_unrounded_weights(float64, model, neuron, timesteps):
    network, input_shape = build_network(model, neuron, timesteps)
    x = randomize(network, input_shape, rounded=False)
    network.eval()

    with torch.no_grad():
        integer_out = network(x)
        spike_out = to_spike_inference(network)(x)

    torch.testing.assert_close(spike_out, integer_out, rtol=0, atol=1e-12)


def test_neuron_outputs_are_binary(float64, model, neuron, timesteps):
    network, input_shape = build_network(model, neuron, timesteps)
    x = randomize(network, input_shape, rounded=False)
    levels = NEURONS[neuron][1] or 1

    _, outputs = run_with_neuron_outputs(to_spike_inference(network), x)

    assert len(outputs) == len(network.neurons())
    for layer, out in enumerate(outputs):
        assert out.shape[0] == timesteps * levels, f"neuron layer {layer}"
        assert ((out == 0) | (out == 1)).all(), f"neuron layer {layer} emits non-binary values"
        assert out.sum() > 0, f"neuron layer {layer} never fires"


# (synaptic layer, count shape [T, batch, ...])
BIAS_LAYERS = {
    "linear": (lambda: nn.Linear(6, 3), (3, 2, 6)),
    "conv": (lambda: nn.Conv2d(6, 3, 3, padding=1), (3, 2, 6, 4, 4)),
}


@pytest.mark.parametrize("kind", sorted(BIAS_LAYERS))
def test_bias_added_once_per_logical_step(float64, kind):
    make_layer, shape = BIAS_LAYERS[kind]
    levels = 4
    torch.manual_seed(0)
    layer = make_layer()
    with torch.no_grad():
        layer.weight.copy_(quantize(layer.weight, WEIGHT_BITS))
        layer.bias.copy_(quantize(layer.bias + 0.5, WEIGHT_BITS))
    synapse = Synapse(layer, spiking_input=True)
    synapse.timesteps = shape[0]
    counts = torch.randint(0, levels + 1, shape).to(torch.float64)
    binary = expand_levels(counts, levels)

    with torch.no_grad():
        integer_out = layer(counts.flatten(0, 1)).unflatten(0, shape[:2])
        spike_out = synapse(binary)
        # A wrong implementation applies the layer with its bias to every sub-step.
        per_substep = layer(binary.flatten(0, 1)).unflatten(0, binary.shape[:2])
        wrong_out = per_substep.unflatten(0, (shape[0], levels)).sum(1)

    assert torch.equal(spike_out, integer_out)
    assert not torch.allclose(wrong_out, integer_out)
    bias_view = layer.bias.view(-1, *([1] * (integer_out.dim() - 3)))
    torch.testing.assert_close(wrong_out - integer_out, (levels - 1) * bias_view.expand_as(integer_out))


def test_deployment_returns_folded_copy(float64):
    network, input_shape = build_network("vgg", "nasn", 2)
    x = randomize(network, input_shape, rounded=False)
    network.train()

    deployed = to_spike_inference(network)

    assert not deployed.training
    assert all(n.folded for n in deployed.neurons())
    assert all(n.spike_inference for n in deployed.neurons())
    assert network.training
    assert not any(n.folded for n in network.neurons())
    assert not any(n.spike_inference for n in network.neurons())
    for original, copy in zip(network.synapses(), deployed.synapses()):
        assert original.layer.weight is not copy.layer.weight
    assert deployed(x).shape == (input_shape[0], 3)


def test_fold_normalizations_counts_each_neuron_once(float64):
    network, _ = build_network("vgg", "nasn", 1)
    network.eval()

    assert fold_normalizations(network) == 3
    assert fold_normalizations(network) == 0


def test_fold_normalizations_needs_preceding_synapse():
    network = SpikingNetwork(
        [Synapse(nn.Linear(4, 3), spiking_input=False), Temporal(nn.Identity()), NASN(3)]
    )

    with pytest.raises(ValueError, match="directly follow a Synapse"):
        fold_normalizations(network)
