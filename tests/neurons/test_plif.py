"""PLIF: a LIF with a learned leak that starts equal to the fixed-tau LIF."""

import pytest
import torch

from asnbench.neurons.lif import LIF
from asnbench.neurons.plif import PLIF


@pytest.fixture
def float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


@pytest.mark.parametrize("tau", [1.5, 2.0, 4.0])
@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_matches_lif_at_init(float64, tau, reset):
    torch.manual_seed(0)
    x = 1.2 * torch.rand(8, 4, 6)

    plif = PLIF(6, tau=tau, reset=reset)
    lif = LIF(6, tau=tau, reset=reset)

    assert plif.beta().item() == pytest.approx(1 - 1 / tau, abs=1e-12)
    plif_out = plif(x)
    assert plif_out.sum() > 0
    assert torch.equal(plif_out, lif(x))


def test_hand_computed_spikes_at_init():
    # Same sequence as the LIF with tau 2: H = 0.6, 0.9, 1.05, 1.525 with soft reset.
    x = torch.tensor([0.6, 0.6, 0.6, 1.5]).view(4, 1, 1)

    out = PLIF(1, tau=2.0)(x)

    assert out.flatten().tolist() == [0.0, 0.0, 1.0, 1.0]


def test_beta_is_a_trained_parameter():
    plif = PLIF(6, tau=2.0)

    names = [name for name, _ in plif.named_parameters()]

    assert names == ["w_beta"]


def test_beta_changes_after_optimizer_step():
    torch.manual_seed(0)
    plif = PLIF(6, tau=2.0)
    optimizer = torch.optim.SGD(plif.parameters(), lr=0.5)
    x = 1.2 * torch.rand(8, 4, 6)
    before = plif.beta().item()

    plif(x).sum().backward()
    optimizer.step()

    assert plif.w_beta.grad is not None
    assert plif.w_beta.grad.item() != 0
    assert plif.beta().item() != pytest.approx(before, abs=1e-6)
