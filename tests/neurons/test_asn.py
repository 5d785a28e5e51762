"""ASN dynamics against hand-computed sequences, rounding, gradients and state handling."""

import math

import pytest
import torch

from asnbench.neurons.asn import ASN, ASNState, RoundClamp, asn_step
from asnbench.neurons.expansion import expand_levels

# Every case uses beta = 0.5, theta0 = 1, rho = 0.5 and alpha = 0.5, so all
# values below are exact in binary floating point.
#   H[t] = 0.5 * U[t-1] + X[t]     theta[t] = 1 + A[t-1]
#   S[t] = clamp(floor(H / theta + 1/2), 0, D)
#   U[t] = H[t] - S[t] * theta[t]  A[t] = 0.5 * A[t-1] + 0.5 * S[t]
# Rows are (X, H, theta, S, U, A).
HAND_CASES = {
    "levels4": (
        4,
        [
            (0.5, 0.5, 1.0, 1, -0.5, 0.5),  # z = 0.5 rounds up to 1
            (4.0, 3.75, 1.5, 3, -0.75, 1.75),  # z = 2.5 rounds up to 3, not to even 2
            (20.0, 19.625, 2.75, 4, 8.625, 2.875),  # z = 7.14 clamps at D = 4
            (-6.0, -1.6875, 3.875, 0, -1.6875, 1.4375),  # z < 0 clamps at 0
        ],
    ),
    "levels1": (
        1,
        [
            (0.5, 0.5, 1.0, 1, -0.5, 0.5),  # z = 0.5 rounds up to 1
            (0.25, 0.0, 1.5, 0, 0.0, 0.25),
            (3.0, 3.0, 1.25, 1, 1.75, 0.625),  # z = 2.4 clamps at D = 1
            (-1.0, -0.125, 1.625, 0, -0.125, 0.3125),
        ],
    ),
}


@pytest.fixture
def float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def make_round_asn(levels):
    """Build a one-channel ASN with beta = 0.5, theta0 = 1, rho = 0.5 and alpha = 0.5."""
    asn = ASN(1, levels=levels)
    with torch.no_grad():
        asn.w_beta.fill_(0.0)
        asn.w_rho.fill_(0.0)
        asn.w_theta.fill_(math.log(math.expm1(1.0 - 1e-3)))
        asn.w_alpha.fill_(math.log(math.expm1(0.5)))
    return asn


def test_round_parameters_are_exact(float64):
    dynamics = make_round_asn(4).dynamics()

    assert dynamics["beta"].item() == 0.5
    assert dynamics["theta0"].item() == 1.0
    assert dynamics["rho"].item() == 0.5
    assert dynamics["alpha"].item() == 0.5


@pytest.mark.parametrize("case", sorted(HAND_CASES))
def test_step_matches_hand_sequence(float64, case):
    levels, rows = HAND_CASES[case]
    asn = make_round_asn(levels)
    dynamics = asn.dynamics()
    zero = torch.zeros(1)
    state = ASNState(zero, zero)

    for step, (x, h, theta, s, u, a) in enumerate(rows, start=1):
        assert dynamics["theta0"].item() + state.adaptation.item() == theta, f"theta at step {step}"
        spikes, state = asn_step(torch.tensor([x]), state, levels=levels, **dynamics)
        assert spikes.item() == s, f"S at step {step}"
        assert state.membrane.item() == u, f"U at step {step}"
        assert state.adaptation.item() == a, f"A at step {step}"
        # The soft reset must leave U = H - S * theta.
        assert state.membrane.item() + spikes.item() * theta == h, f"H at step {step}"


@pytest.mark.parametrize("case", sorted(HAND_CASES))
def test_module_matches_hand_sequence(float64, case):
    levels, rows = HAND_CASES[case]
    x = torch.tensor([row[0] for row in rows]).view(-1, 1, 1)

    out = make_round_asn(levels)(x)

    assert out.flatten().tolist() == [float(row[3]) for row in rows]


def test_round_clamp_rounds_half_up():
    z = torch.tensor([-0.5, 0.49, 0.5, 1.5, 2.5, 3.5, 4.5, 10.0], dtype=torch.float64)

    out = RoundClamp.apply(z, 4)

    assert out.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0]


@pytest.mark.parametrize("levels", [1, 4])
def test_round_clamp_straight_through_window(levels):
    z = torch.tensor(
        [-3.0, -0.51, -0.5, 0.0, 0.7, levels + 0.5, levels + 0.51, levels + 5.0],
        dtype=torch.float64,
        requires_grad=True,
    )

    RoundClamp.apply(z, levels).sum().backward()

    assert z.grad.tolist() == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize("levels", [1, 2, 4])
@pytest.mark.parametrize("shape", [(5, 16, 6), (3, 4, 6, 5, 5)], ids=["linear", "conv"])
def test_output_is_integer_in_range(levels, shape):
    torch.manual_seed(0)
    x = 3 * torch.randn(shape)

    out = ASN(6, levels=levels)(x)

    assert out.shape == x.shape
    assert torch.equal(out, torch.round(out))
    assert out.min() == 0
    assert out.max() == levels


def test_state_reset_between_calls():
    torch.manual_seed(0)
    asn = ASN(6, levels=4)
    x = 3 * torch.randn(4, 5, 6)
    other = 3 * torch.randn(4, 5, 6)

    first = asn(x)
    asn(other)
    second = asn(x)

    assert first.sum() > 0
    assert torch.equal(first, second)


@pytest.mark.parametrize("levels", [1, 4])
def test_every_parameter_receives_gradient(levels):
    torch.manual_seed(0)
    asn = ASN(6, levels=levels)
    x = 2 * torch.randn(4, 8, 6)
    readout = torch.randn(4, 8, 6)

    (asn(x) * readout).sum().backward()

    for name in ("w_beta", "w_theta", "w_rho", "w_alpha"):
        grad = getattr(asn, name).grad
        assert grad is not None, name
        assert grad.abs().sum() > 0, name


@pytest.mark.parametrize(("steps", "rho_has_gradient"), [(2, False), (3, True)])
def test_rho_needs_three_steps(steps, rho_has_gradient):
    # A[1] = alpha * S[1] does not involve rho. A[2] = rho * A[1] + alpha * S[2]
    # is the first value that does, and it sets the threshold of step 3.
    torch.manual_seed(0)
    asn = ASN(6, levels=4)
    x = 2 * torch.randn(steps, 8, 6)
    readout = torch.randn(steps, 8, 6)

    (asn(x) * readout).sum().backward()

    grad = asn.w_rho.grad
    has_gradient = grad is not None and bool(grad.abs().sum() > 0)
    assert has_gradient == rho_has_gradient


def test_parameters_apply_per_channel():
    # Channel 1 gets a threshold far above any input, so only it stays silent.
    torch.manual_seed(0)
    asn = ASN(3, levels=4)
    with torch.no_grad():
        asn.w_theta[1] = 1000.0
    x = 2 + torch.rand(2, 4, 3, 5, 5)

    out = asn(x)

    assert out[:, :, 1].sum() == 0
    assert (out[:, :, 0] > 0).all()
    assert (out[:, :, 2] > 0).all()


@pytest.mark.parametrize("levels", [1, 2, 4])
def test_spike_inference_expands_counts(levels):
    torch.manual_seed(0)
    asn = ASN(6, levels=levels)
    x = 3 * torch.randn(3, 5, 6)
    counts = asn(x)

    asn.set_spike_inference(True)
    binary = asn(x)

    assert asn.substeps == levels
    assert binary.shape == (3 * levels, 5, 6)
    assert torch.equal(binary, expand_levels(counts, levels))


def test_dynamics_match_constructor_arguments(float64):
    asn = ASN(3, tau=4.0, threshold=0.75, tau_adaptation=8.0, adaptation=0.2)

    dynamics = asn.dynamics()

    expected = {"beta": 0.75, "theta0": 0.75, "rho": 0.875, "alpha": 0.2}
    for name, value in expected.items():
        assert dynamics[name].shape == (3,), name
        torch.testing.assert_close(dynamics[name], torch.full((3,), value), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"levels": 0},
        {"levels": 2.0},
        {"tau": 1.0},
        {"tau_adaptation": 0.5},
        {"threshold": 1e-3},
        {"adaptation": 0.0},
    ],
)
def test_invalid_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        ASN(4, **kwargs)
