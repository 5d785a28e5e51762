"""Synapse and Temporal on direct-encoded input that repeats one tensor at every step."""

import torch
from torch import nn

from asnbench.models import Synapse, Temporal, build_vgg
from asnbench.models.synapse import is_repeated
from asnbench.neurons import neuron_factory


def test_repeated_input_detected():
    x = torch.rand(2, 3)

    assert is_repeated(x.unsqueeze(0).expand(4, 2, 3))
    assert not is_repeated(x.unsqueeze(0).expand(4, 2, 3).contiguous())
    assert not is_repeated(x.unsqueeze(0))


def test_synapse_applies_weights_once_with_same_result():
    torch.manual_seed(0)
    synapse = Synapse(nn.Conv2d(2, 3, 3, stride=2, padding=1), spiking_input=False).double()
    synapse.timesteps = 4
    x = torch.rand(5, 2, 9, 9, dtype=torch.float64)
    repeated = x.unsqueeze(0).expand(4, *x.shape)

    fast = synapse(repeated)
    full = synapse(repeated.contiguous())

    torch.testing.assert_close(fast, full, rtol=1e-12, atol=1e-12)


def test_repeated_gradient_equals_full_input_gradient():
    torch.manual_seed(0)
    layers = [Temporal(nn.Flatten()), Synapse(nn.Linear(12, 5), spiking_input=False)]
    for layer in layers[1:]:
        layer.timesteps = 3
        layer.double()
    x = torch.rand(4, 3, 2, 2, dtype=torch.float64)
    weights = torch.randn(3, 4, 5, dtype=torch.float64)
    grads = []
    for repeated in (x.unsqueeze(0).expand(3, *x.shape), x.unsqueeze(0).repeat(3, 1, 1, 1, 1)):
        layers[1].layer.weight.grad = None
        out = layers[1](layers[0](repeated))
        (out * weights).sum().backward()
        grads.append(layers[1].layer.weight.grad.clone())

    torch.testing.assert_close(grads[0], grads[1], rtol=1e-12, atol=1e-12)


def test_lif_network_output_unchanged_by_repeat():
    torch.manual_seed(0)
    network = build_vgg((1, 8, 8), 3, neuron_factory("lif"), channels=(4, "M"), hidden=(6,), timesteps=3).double()
    x = torch.rand(2, 1, 8, 8, dtype=torch.float64)

    out = network(x)
    network.temporal_input = True
    materialized = network(x.unsqueeze(0).repeat(3, 1, 1, 1, 1))

    torch.testing.assert_close(out, materialized, rtol=1e-12, atol=1e-12)


def test_temporal_batch_norm_sees_every_step():
    norm = Temporal(nn.BatchNorm1d(3))
    x = torch.rand(4, 3).unsqueeze(0).expand(2, 4, 3)

    norm(x)

    assert norm.module.num_batches_tracked.item() == 1
    # Statistics over 8 rows: the unbiased variance uses 8 - 1, as without the shortcut.
    expected = 0.9 + 0.1 * x.reshape(8, 3).var(0, unbiased=True)
    torch.testing.assert_close(norm.module.running_var, expected)
