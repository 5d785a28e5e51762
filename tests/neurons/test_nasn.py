"""NASN: per-channel input normalization, running statistics and folding into a synapse."""

import pytest
import torch
from torch import nn

from asnbench.neurons.nasn import NASN


@pytest.fixture
def float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def channel_input(shape, channel_axis):
    """Draw random input whose channels have different means and spreads."""
    torch.manual_seed(0)
    channels = shape[channel_axis]
    view = [1] * len(shape)
    view[channel_axis] = channels
    offsets = torch.linspace(-3.0, 5.0, channels).view(view)
    spreads = torch.linspace(0.5, 4.0, channels).view(view)
    return offsets + spreads * torch.randn(shape)


def per_channel_stats(x, channel_axis):
    flat = x.movedim(channel_axis, -1).reshape(-1, x.shape[channel_axis])
    return flat.mean(0), flat.var(0, unbiased=False), flat.var(0, unbiased=True)


def make_trained_nasn(channels, shape, channel_axis):
    """Build an evaluation-mode NASN whose running statistics and affine map are not the identity."""
    nasn = NASN(channels)
    nasn.train()
    nasn.momentum = 1.0
    nasn(channel_input(shape, channel_axis))
    with torch.no_grad():
        nasn.norm_weight.copy_(torch.linspace(0.5, 2.0, channels))
        nasn.norm_bias.copy_(torch.linspace(-1.0, 1.0, channels))
    return nasn.eval()


# (input shape [T, batch, ...], channel axis of that shape)
LAYOUTS = {"linear": ((3, 16, 5), 2), "conv": ((2, 4, 5, 6, 6), 2)}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_train_mode_normalizes_per_channel(float64, layout):
    shape, axis = LAYOUTS[layout]
    nasn = NASN(5).train()

    normed = nasn.normalize_input(channel_input(shape, axis))

    mean, var, _ = per_channel_stats(normed, axis)
    torch.testing.assert_close(mean, torch.zeros(5), rtol=0, atol=1e-9)
    torch.testing.assert_close(var, torch.ones(5), rtol=0, atol=1e-3)


def test_train_mode_applies_affine_after_normalization(float64):
    shape, axis = LAYOUTS["conv"]
    nasn = NASN(5).train()
    with torch.no_grad():
        nasn.norm_weight.copy_(torch.tensor([0.5, 1.0, 2.0, 3.0, 4.0]))
        nasn.norm_bias.copy_(torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]))

    normed = nasn.normalize_input(channel_input(shape, axis))

    mean, var, _ = per_channel_stats(normed, axis)
    torch.testing.assert_close(mean, nasn.norm_bias.detach(), rtol=0, atol=1e-9)
    torch.testing.assert_close(var.sqrt(), nasn.norm_weight.detach(), rtol=1e-3, atol=0)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_running_stats_update(float64, layout):
    shape, axis = LAYOUTS[layout]
    x = channel_input(shape, axis)
    nasn = NASN(5, momentum=0.1).train()

    nasn(x)

    mean, _, unbiased_var = per_channel_stats(x, axis)
    torch.testing.assert_close(nasn.running_mean, 0.1 * mean, rtol=0, atol=1e-12)
    torch.testing.assert_close(nasn.running_var, 0.9 + 0.1 * unbiased_var, rtol=0, atol=1e-12)


def test_eval_mode_uses_running_stats(float64):
    shape, axis = LAYOUTS["linear"]
    nasn = make_trained_nasn(5, shape, axis)
    x = torch.randn(shape)

    normed = nasn.normalize_input(x)

    scale = nasn.norm_weight / torch.sqrt(nasn.running_var + nasn.eps)
    expected = (x - nasn.running_mean) * scale + nasn.norm_bias
    torch.testing.assert_close(normed, expected.detach(), rtol=0, atol=1e-12)


# (synaptic layer factory, input shape [T, batch, ...] for that layer)
FOLD_LAYERS = {
    "linear": (lambda bias: nn.Linear(7, 5, bias=bias), (3, 16, 7)),
    "conv": (lambda bias: nn.Conv2d(3, 5, 3, padding=1, bias=bias), (2, 4, 3, 6, 6)),
}


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("kind", sorted(FOLD_LAYERS))
def test_fold_into_keeps_eval_output(float64, kind, bias):
    make_layer, shape = FOLD_LAYERS[kind]
    torch.manual_seed(1)
    layer = make_layer(bias)
    x = 2 * torch.randn(shape)

    def apply(module):
        return module(x.flatten(0, 1)).unflatten(0, shape[:2])

    with torch.no_grad():
        nasn = make_trained_nasn(5, apply(layer).shape, 2)
        membrane_before = nasn.normalize_input(apply(layer))
        spikes_before = nasn(apply(layer))

        nasn.fold_into(layer)
        membrane_after = nasn.normalize_input(apply(layer))
        spikes_after = nasn(apply(layer))

    assert nasn.folded
    assert layer.bias is not None
    torch.testing.assert_close(membrane_after, membrane_before, rtol=0, atol=1e-12)
    assert spikes_before.sum() > 0
    assert torch.equal(spikes_after, spikes_before)


def test_folded_neuron_skips_normalization(float64):
    nasn = make_trained_nasn(5, (3, 16, 5), 2)
    nasn.fold_into(nn.Linear(7, 5))
    x = torch.randn(3, 16, 5)

    assert torch.equal(nasn.normalize_input(x), x)


def test_fold_twice_raises():
    nasn = NASN(5).eval()
    layer = nn.Linear(7, 5)
    nasn.fold_into(layer)

    with pytest.raises(RuntimeError, match="already folded"):
        nasn.fold_into(layer)


@pytest.mark.parametrize(
    "layer",
    [nn.Linear(7, 4), nn.Conv2d(3, 6, 3)],
    ids=["linear", "conv"],
)
def test_fold_into_channel_mismatch_raises(layer):
    nasn = NASN(5)
    weight_before = layer.weight.detach().clone()

    with pytest.raises(ValueError, match="5-channel"):
        nasn.fold_into(layer)

    assert not nasn.folded
    assert torch.equal(layer.weight, weight_before)
