"""Spike functions: Heaviside forward, surrogate derivative backward, lookup by name."""

import math

import pytest
import torch

from asnbench.errors import UnknownNameError
from asnbench.neurons.surrogate import SURROGATES, get_surrogate

NAMES = sorted(SURROGATES)

# Smooth stand-ins for the step whose derivative each surrogate documents.
# The triangle has no smooth antiderivative in its docstring, so it is checked
# against hand-computed points only.
SMOOTH_STEPS = {
    "arctan": lambda x, alpha: torch.atan(math.pi / 2 * alpha * x) / math.pi + 0.5,
    "sigmoid": lambda x, alpha: torch.sigmoid(alpha * x),
    "fast_sigmoid": lambda x, alpha: x / (1 + alpha * x.abs()),
}

# (name, alpha, x, derivative at x), computed by hand from the docstring formulas.
HAND_POINTS = [
    ("arctan", None, 0.0, 1.0),  # alpha / 2 with the default alpha 2
    ("arctan", None, 1 / math.pi, 0.5),  # pi/2 * 2 * x = 1, so 1 / (1 + 1)
    ("arctan", 4.0, 0.0, 2.0),
    ("sigmoid", None, 0.0, 1.0),  # 4 * 0.5 * 0.5 with the default alpha 4
    ("sigmoid", 2.0, 0.0, 0.5),
    ("triangle", None, 0.0, 1.0),
    ("triangle", None, 0.5, 0.5),
    ("triangle", None, -0.25, 0.75),
    ("triangle", None, 1.0, 0.0),
    ("triangle", 2.0, 0.25, 1.0),  # 2 * (1 - 2 * 0.25)
    ("triangle", 2.0, 0.5, 0.0),
    ("fast_sigmoid", None, 0.0, 1.0),
    ("fast_sigmoid", None, 0.04, 0.25),  # 1 / (1 + 25 * 0.04)^2
    ("fast_sigmoid", None, -0.12, 0.0625),  # 1 / (1 + 25 * 0.12)^2
]


def surrogate_gradient(name, x, alpha=None, upstream=None):
    """Backpropagate ``upstream`` (ones by default) through spike function ``name`` at ``x``."""
    x = x.detach().clone().requires_grad_(True)
    out = get_surrogate(name, alpha)(x)
    out.backward(torch.ones_like(x) if upstream is None else upstream)
    return x.grad


@pytest.mark.parametrize("name", NAMES)
def test_forward_is_heaviside_step(name):
    x = torch.tensor([-2.0, -1e-6, 0.0, 1e-6, 3.0], dtype=torch.float64)

    out = get_surrogate(name)(x)

    assert out.dtype == torch.float64
    assert out.tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("name", NAMES)
def test_gradient_nonzero_near_threshold(name):
    x = torch.tensor([-0.01, 0.0, 0.01], dtype=torch.float64)

    grad = surrogate_gradient(name, x)

    assert (grad > 0).all(), grad


@pytest.mark.parametrize(("name", "alpha", "x", "expected"), HAND_POINTS)
def test_gradient_matches_hand_value(name, alpha, x, expected):
    grad = surrogate_gradient(name, torch.tensor([x], dtype=torch.float64), alpha)

    assert grad.item() == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("name", sorted(SMOOTH_STEPS))
@pytest.mark.parametrize("alpha", [None, 0.5, 3.0])
def test_gradient_matches_smooth_function(name, alpha):
    x = torch.linspace(-3, 3, 61, dtype=torch.float64, requires_grad=True)
    width = SURROGATES[name][1] if alpha is None else alpha
    (expected,) = torch.autograd.grad(SMOOTH_STEPS[name](x, width).sum(), x)

    grad = surrogate_gradient(name, x, alpha)

    torch.testing.assert_close(grad, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_scales_upstream_gradient(name):
    x = torch.tensor([-0.2, 0.0, 0.3], dtype=torch.float64)
    upstream = torch.tensor([2.0, -3.0, 0.5], dtype=torch.float64)

    grad = surrogate_gradient(name, x, upstream=upstream)

    torch.testing.assert_close(grad, upstream * surrogate_gradient(name, x))


@pytest.mark.parametrize("name", NAMES)
def test_gradient_decays_away_from_threshold(name):
    distances = torch.tensor([0.0, 0.1, 0.5, 2.0, 10.0], dtype=torch.float64)

    right = surrogate_gradient(name, distances)
    left = surrogate_gradient(name, -distances)

    torch.testing.assert_close(left, right)
    assert (right[1:] <= right[:-1]).all(), f"not decreasing with |x|: {right.tolist()}"
    assert right[0] > right[2], f"no decay between 0 and 0.5: {right.tolist()}"
    assert right[-1] < 0.01 * right[0], f"still large at |x| = 10: {right.tolist()}"


def test_unknown_surrogate_raises_with_suggestion():
    with pytest.raises(UnknownNameError) as info:
        get_surrogate("arctann")

    message = str(info.value)
    assert "Did you mean 'arctan'" in message
    for name in NAMES:
        assert name in message
    assert isinstance(info.value, KeyError)
