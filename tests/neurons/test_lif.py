"""LIF dynamics against hand-computed sequences, gradients and argument checks."""

import pytest
import torch

from asnbench.errors import UnknownNameError
from asnbench.neurons.lif import LIF, LIFState, lif_step
from asnbench.neurons.surrogate import SURROGATES, get_surrogate

INPUTS = [0.6, 0.6, 0.6, 1.5]

# With tau = 2 (beta = 1 - 1/2 = 0.5) and threshold 1, H[t] = 0.5 * U[t-1] + X[t]:
#
#   t  X     soft: H   S  U = H - S        hard: H  S  U = H * (1 - S)
#   1  0.6         0.6    0  0.6                0.6   0  0.6
#   2  0.6         0.9    0  0.9                0.9   0  0.9
#   3  0.6         1.05   1  0.05               1.05  1  0
#   4  1.5         1.525  1  0.525              1.5   1  0
EXPECTED = {
    "soft": {"H": [0.6, 0.9, 1.05, 1.525], "S": [0.0, 0.0, 1.0, 1.0], "U": [0.6, 0.9, 0.05, 0.525]},
    "hard": {"H": [0.6, 0.9, 1.05, 1.5], "S": [0.0, 0.0, 1.0, 1.0], "U": [0.6, 0.9, 0.0, 0.0]},
}


@pytest.fixture(params=["soft", "hard"])
def reset(request):
    return request.param


@pytest.fixture(params=sorted(SURROGATES))
def surrogate(request):
    return request.param


def run_lif_steps(inputs, reset):
    """Run ``lif_step`` with tau 2 and threshold 1 and record H, S and U per step."""
    spike = get_surrogate("arctan")
    threshold = 1.0
    potentials = []

    def recording_spike(x):
        potentials.append((x + threshold).item())
        return spike(x)

    state = LIFState(torch.zeros(1, dtype=torch.float64))
    spikes, membranes = [], []
    for value in inputs:
        x = torch.tensor([value], dtype=torch.float64)
        s, state = lif_step(x, state, 0.5, threshold, recording_spike, reset)
        spikes.append(s.item())
        membranes.append(state.membrane.item())
    return {"H": potentials, "S": spikes, "U": membranes}


def test_hand_computed_sequence(reset):
    trace = run_lif_steps(INPUTS, reset)

    expected = EXPECTED[reset]
    assert trace["H"] == pytest.approx(expected["H"], abs=1e-12)
    assert trace["S"] == expected["S"]
    assert trace["U"] == pytest.approx(expected["U"], abs=1e-12)


def test_module_emits_hand_computed_spikes(reset):
    lif = LIF(1, tau=2.0, threshold=1.0, reset=reset)
    x = torch.tensor(INPUTS, dtype=torch.float64).view(4, 1, 1)

    out = lif(x)

    assert out.shape == x.shape
    assert out.flatten().tolist() == EXPECTED[reset]["S"]


def test_reset_mode_changes_later_spikes():
    # After step 4 the soft-reset membrane keeps 0.525 and the hard-reset one is 0.
    # Step 5: soft H = 0.2625 + 0.8 = 1.0625 fires, hard H = 0.8 does not.
    x = torch.tensor(INPUTS + [0.8], dtype=torch.float64).view(5, 1, 1)

    soft = LIF(1, reset="soft")(x).flatten().tolist()
    hard = LIF(1, reset="hard")(x).flatten().tolist()

    assert soft == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert hard == [0.0, 0.0, 1.0, 1.0, 0.0]


def test_output_is_binary_and_state_reset(reset):
    torch.manual_seed(0)
    lif = LIF(8, reset=reset)
    x = 2 * torch.rand(6, 3, 8)

    first = lif(x)
    second = lif(x)

    assert ((first == 0) | (first == 1)).all()
    assert first.sum() > 0
    assert torch.equal(first, second)


def test_input_receives_gradient(surrogate, reset):
    torch.manual_seed(0)
    lif = LIF(5, surrogate=surrogate, reset=reset)
    x = (1.5 * torch.rand(4, 3, 5, dtype=torch.float64)).requires_grad_(True)

    lif(x).sum().backward()

    assert x.grad is not None
    assert x.grad.abs().sum() > 0
    # The first step reaches the loss through later membranes as well as its own spike.
    assert x.grad[0].abs().sum() > 0


def test_single_step_gradient_is_surrogate_derivative(surrogate):
    x = torch.linspace(0.0, 2.0, 9, dtype=torch.float64).view(1, 1, 9).requires_grad_(True)
    function, alpha = SURROGATES[surrogate]

    LIF(9, threshold=1.0, surrogate=surrogate)(x).sum().backward()

    torch.testing.assert_close(x.grad, function.derivative(x.detach() - 1.0, alpha))


def test_detach_reset_changes_gradient():
    x = torch.tensor(INPUTS, dtype=torch.float64).view(4, 1, 1)
    grads = {}
    for detach in (False, True):
        leaf = x.clone().requires_grad_(True)
        LIF(1, detach_reset=detach)(leaf).sum().backward()
        grads[detach] = leaf.grad

    assert not torch.allclose(grads[False], grads[True])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tau": 1.0}, "tau"),
        ({"tau": 0.5}, "tau"),
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"reset": "zero"}, "reset"),
    ],
)
def test_invalid_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LIF(4, **kwargs)


def test_unknown_surrogate_raises():
    with pytest.raises(UnknownNameError, match="sigmoid"):
        LIF(4, surrogate="sigmoidd")
