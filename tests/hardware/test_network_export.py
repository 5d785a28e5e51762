import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from asnbench.hardware.network_export import _conv, _maxpool_groups, export_network
from asnbench.hardware.quantization import quantize_synapse

from .conftest import tiny_network


def _dense_from_coo(arrays, info):
    matrix = np.zeros((info["out_features"], info["in_features"]))
    np.add.at(matrix, (arrays["rows"], arrays["cols"]), arrays["weight"])
    return matrix


def test_unrolled_conv_matches_torch():
    torch.manual_seed(1)
    conv = nn.Conv2d(2, 3, 3, stride=2, padding=1).double()
    x = torch.randn(2, 5, 7, dtype=torch.float64)
    info, arrays = _conv(conv, (2, 5, 7))
    unrolled = _dense_from_coo(arrays, info) @ x.reshape(-1).numpy()
    expected = F.conv2d(x.unsqueeze(0), conv.weight.detach(), None, conv.stride, conv.padding)[0]
    np.testing.assert_allclose(unrolled, expected.reshape(-1).numpy(), rtol=1e-12, atol=1e-12)


def test_maxpool_groups_match_torch():
    x = torch.randn(3, 6, 4, dtype=torch.float64)
    groups, out_shape = _maxpool_groups(nn.MaxPool2d(2), (3, 6, 4))
    pooled = x.reshape(-1).numpy()[groups].max(axis=1)
    expected = F.max_pool2d(x.unsqueeze(0), 2)[0]
    assert out_shape == tuple(expected.shape)
    np.testing.assert_array_equal(pooled, expected.reshape(-1).numpy())


def test_weight_mantissas_are_even_8_bit():
    weight = np.random.default_rng(0).normal(size=(20, 30))
    quantized = quantize_synapse(weight)
    mantissa = quantized["weight_mantissa"]
    assert mantissa.dtype == np.int32
    assert mantissa.min() >= -256
    assert mantissa.max() <= 254
    assert np.all(mantissa % 2 == 0)
    restored = mantissa * 2 ** quantized["weight_exp"] * quantized["scale"]
    assert np.abs(restored - weight).max() <= np.abs(weight).max() / 254 + 1e-12


def test_neuron_parameters_expand_per_channel():
    network, shape = tiny_network("asn", conv=True)
    exported = export_network(network, shape, 3)
    first = exported.layers[1]
    assert first["size"] == 3 * 6 * 6
    theta0 = exported.array(1, "theta0").reshape(3, 36)
    expected = network.neurons()[0].dynamics()["theta0"].detach().double().numpy()
    np.testing.assert_array_equal(theta0, np.repeat(expected[:, None], 36, axis=1))
    assert exported.array(1, "theta0_mantissa").min() >= 1


def test_nasn_normalization_is_folded_into_export():
    network, shape = tiny_network("nasn")
    exported = export_network(network, shape, 3)
    linear = network.layers[1].layer
    np.testing.assert_array_equal(exported.array(0, "weight"), linear.weight.detach().double().numpy())
    np.testing.assert_array_equal(exported.array(1, "bias"), linear.bias.detach().double().numpy())
    assert exported.layers[1]["kind"] == "asn"
