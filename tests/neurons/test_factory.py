"""neuron_factory: building any neuron by name from one set of options."""

import pytest
import torch

from asnbench.errors import UnknownNameError
from asnbench.neurons import ANN, ASN, LIF, NASN, NEURONS, PLIF, QANN, neuron_factory

CLASSES = {"ann": ANN, "asn": ASN, "lif": LIF, "nasn": NASN, "plif": PLIF, "qann": QANN}

# (input shape [T, batch, ...], channel count) for a Linear and a Conv layer output
LAYOUTS = {"linear": ((3, 4, 6), 6), "conv": ((3, 4, 6, 5, 5), 6)}


@pytest.fixture(params=sorted(NEURONS))
def name(request):
    return request.param


def test_registry_lists_every_neuron():
    assert NEURONS == CLASSES


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_builds_neuron_for_layer(name, layout):
    shape, channels = LAYOUTS[layout]
    torch.manual_seed(0)
    x = 2 * torch.randn(shape)

    neuron = neuron_factory(name)(channels, channel_dim=1)
    out = neuron(x)

    assert type(neuron) is CLASSES[name]
    assert neuron.num_channels == channels
    assert neuron.channel_dim == 1
    assert out.shape == x.shape
    for parameter_name, parameter in neuron.named_parameters():
        assert parameter.shape in ((), (channels,)), parameter_name


def test_drops_options_a_neuron_does_not_use(name):
    options = {"levels": 2, "surrogate": "sigmoid", "reset": "hard", "tau": 3.0, "threshold": 0.5}

    neuron = neuron_factory(name, **options)(4)

    if name in ("asn", "nasn"):
        assert neuron.levels == 2
        assert neuron.dynamics()["theta0"][0].item() == pytest.approx(0.5)
    if name in ("lif", "plif"):
        assert neuron.levels == 1
        assert neuron.surrogate == "sigmoid"
        assert neuron.reset == "hard"
        assert neuron.threshold == 0.5
        assert neuron.tau == 3.0


def test_lif_ignores_levels():
    neuron = neuron_factory("lif", levels=4)(8)

    assert isinstance(neuron, LIF)
    assert neuron.levels == 1


def test_none_options_keep_defaults():
    neuron = neuron_factory("asn", levels=None, tau=None)(8)

    assert neuron.levels == 4
    assert neuron.dynamics()["beta"][0].item() == pytest.approx(0.5)


def test_passes_neuron_specific_options():
    neuron = neuron_factory("nasn", momentum=0.3, adaptation=0.2)(8)

    assert neuron.momentum == 0.3
    assert neuron.dynamics()["alpha"][0].item() == pytest.approx(0.2)


def test_records_neuron_name(name):
    assert neuron_factory(name).neuron_name == name


@pytest.mark.parametrize(("typo", "suggestion"), [("lfi", "lif"), ("nasm", "nasn"), ("pliff", "plif")])
def test_unknown_name_suggests_close_match(typo, suggestion):
    with pytest.raises(UnknownNameError) as info:
        neuron_factory(typo)

    message = str(info.value)
    assert f"Did you mean '{suggestion}'" in message
    for valid in sorted(NEURONS):
        assert valid in message


def test_unknown_name_without_close_match():
    with pytest.raises(UnknownNameError) as info:
        neuron_factory("transformer")

    assert "Did you mean" not in str(info.value)
    assert info.value.valid == sorted(NEURONS)
