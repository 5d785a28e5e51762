"""The fused ASN time loop against the per-step asn_step loop it replaces."""

import pytest
import torch

from asnbench.neurons.asn import ASN, ASNState, asn_step
from asnbench.neurons.asn_function import asn_multistep


def reference_counts(x, params, levels, detach_reset):
    zeros = torch.zeros_like(x[0])
    state = ASNState(zeros, zeros)
    counts = []
    for x_t in x:
        s, state = asn_step(x_t, state, levels=levels, detach_reset=detach_reset, **params)
        counts.append(s)
    return torch.stack(counts)


def run_both(neuron: ASN, x: torch.Tensor, weights: torch.Tensor):
    """Return {name: (counts, input grad, parameter grads)} for the fused and per-step loops."""
    results = {}
    for name in ("fused", "loop"):
        neuron.zero_grad(set_to_none=True)
        leaf = x.clone().requires_grad_(True)
        params = {k: neuron.per_channel(v, leaf[0]) for k, v in neuron.dynamics().items()}
        if name == "fused":
            counts = asn_multistep(leaf, levels=neuron.levels, detach_reset=neuron.detach_reset, **params)
        else:
            counts = reference_counts(leaf, params, neuron.levels, neuron.detach_reset)
        (counts * weights).sum().backward()
        # A parameter that never reaches the output has no gradient in the per-step loop.
        grads = {}
        for p in ("w_beta", "w_theta", "w_rho", "w_alpha"):
            grad = getattr(neuron, p).grad
            grads[p] = torch.zeros_like(getattr(neuron, p)) if grad is None else grad.clone()
        results[name] = (counts.detach(), leaf.grad, grads)
    return results


@pytest.mark.parametrize("steps", [1, 5])
@pytest.mark.parametrize("levels", [1, 4])
@pytest.mark.parametrize("detach_reset", [True, False])
def test_fused_matches_per_step_loop(steps, levels, detach_reset):
    torch.manual_seed(0)
    neuron = ASN(6, levels=levels, adaptation=0.2, detach_reset=detach_reset).double()
    with torch.no_grad():
        for parameter in neuron.parameters():
            parameter.add_(0.3 * torch.randn_like(parameter))
    x = 3 * torch.rand(steps, 4, 6, dtype=torch.float64)
    weights = torch.randn(steps, 4, 6, dtype=torch.float64)

    results = run_both(neuron, x, weights)

    fused, loop = results["fused"], results["loop"]
    assert fused[0].sum() > 0
    assert torch.equal(fused[0], loop[0])
    torch.testing.assert_close(fused[1], loop[1], rtol=1e-10, atol=1e-12)
    for name in fused[2]:
        if steps == 1 and name in ("w_beta", "w_rho"):
            # Leak and adaptation decay act only from the second step on.
            assert fused[2][name].abs().sum() == 0
        torch.testing.assert_close(fused[2][name], loop[2][name], rtol=1e-10, atol=1e-12, msg=name)


def test_fused_conv_channels_match_loop():
    torch.manual_seed(1)
    neuron = ASN(3, channel_dim=0, levels=4).double()
    x = 2 * torch.rand(3, 2, 3, 5, 5, dtype=torch.float64)
    weights = torch.randn(3, 2, 3, 5, 5, dtype=torch.float64)
    neuron.channel_dim = 1

    results = run_both(neuron, x, weights)

    assert torch.equal(results["fused"][0], results["loop"][0])
    for name in results["fused"][2]:
        torch.testing.assert_close(results["fused"][2][name], results["loop"][2][name], rtol=1e-10, atol=1e-12)


def test_fused_float32_counts_bit_identical():
    torch.manual_seed(2)
    neuron = ASN(32, levels=4)
    x = 4 * torch.rand(6, 16, 32)
    params = {k: neuron.per_channel(v, x[0]) for k, v in neuron.dynamics().items()}

    with torch.no_grad():
        fused = asn_multistep(x, levels=4, **params)
        loop = reference_counts(x, params, 4, True)

    assert torch.equal(fused, loop)
