"""The fused LIF time loop against the per-step lif_step loop it replaces."""

import pytest
import torch

from asnbench.neurons.lif import LIFState, lif_step
from asnbench.neurons.lif_function import lif_multistep
from asnbench.neurons.surrogate import SURROGATES, get_surrogate


def reference_spikes(x, beta, threshold, surrogate, reset, detach_reset):
    """Spikes of the per-step loop with autograd recording every operation."""
    spike_fn = get_surrogate(surrogate)
    state = LIFState(torch.zeros_like(x[0]))
    spikes = []
    for x_t in x:
        s, state = lif_step(x_t, state, beta, threshold, spike_fn, reset, detach_reset)
        spikes.append(s)
    return torch.stack(spikes)


@pytest.mark.parametrize("reset", ["soft", "hard"])
@pytest.mark.parametrize("detach_reset", [False, True])
@pytest.mark.parametrize("surrogate", sorted(SURROGATES))
def test_fused_matches_per_step_loop(reset, detach_reset, surrogate):
    torch.manual_seed(0)
    x = 1.6 * torch.rand(6, 5, 7, dtype=torch.float64)
    weights = torch.randn(6, 5, 7, dtype=torch.float64)
    alpha = SURROGATES[surrogate][1]
    results = {}
    for name, run in {
        "fused": lambda leaf: lif_multistep(leaf, 0.75, 1.0, surrogate, alpha, reset, detach_reset),
        "loop": lambda leaf: reference_spikes(leaf, 0.75, 1.0, surrogate, reset, detach_reset),
    }.items():
        leaf = x.clone().requires_grad_(True)
        spikes = run(leaf)
        (spikes * weights).sum().backward()
        results[name] = (spikes.detach(), leaf.grad)

    assert results["fused"][0].sum() > 0
    assert torch.equal(results["fused"][0], results["loop"][0])
    torch.testing.assert_close(results["fused"][1], results["loop"][1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_fused_beta_gradient_matches_loop(reset):
    torch.manual_seed(1)
    x = 1.4 * torch.rand(5, 3, 4, dtype=torch.float64)
    weights = torch.randn(5, 3, 4, dtype=torch.float64)
    grads = {}
    for name in ("fused", "loop"):
        w = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
        beta = torch.sigmoid(w)
        if name == "fused":
            spikes = lif_multistep(x, beta, 1.0, "arctan", 2.0, reset)
        else:
            spikes = reference_spikes(x, beta, 1.0, "arctan", reset, False)
        (spikes * weights).sum().backward()
        grads[name] = w.grad

    assert grads["fused"].item() != 0
    torch.testing.assert_close(grads["fused"], grads["loop"], rtol=1e-12, atol=1e-12)


def test_fused_float32_spikes_bit_identical():
    torch.manual_seed(2)
    x = 1.5 * torch.rand(8, 16, 32)

    fused = lif_multistep(x, 1 - 1 / 3, 1.0, "arctan", 2.0)
    loop = reference_spikes(x, 1 - 1 / 3, 1.0, "arctan", "soft", False)

    assert torch.equal(fused, loop)


def test_fused_runs_under_inference_mode():
    x = torch.full((3, 1, 2), 0.6)

    with torch.inference_mode():
        spikes = lif_multistep(x, 0.5, 1.0, "arctan", 2.0)

    # H = 0.6, 0.9, 1.05: only the third step fires.
    assert spikes[:, 0, 0].tolist() == [0.0, 0.0, 1.0]
