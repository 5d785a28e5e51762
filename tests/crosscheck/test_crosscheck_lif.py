"""asnbench's LIF against snnTorch ``Leaky`` and SpikingJelly ``LIFNode`` on random input.

Parameter mapping, for ``H[t] = beta * U[t-1] + X[t]`` with ``beta = 1 - 1/tau``:

* snnTorch 1.0 ``Leaky(beta, threshold, reset_mechanism="subtract"|"zero",
  reset_delay=False)``; its spike is ``U > threshold`` where asnbench's is
  ``>=``, which only matters for a potential exactly on the threshold.
* SpikingJelly 2.0 ``LIFNode(tau, decay_input=False, v_threshold,
  v_reset=None | 0.0)``; it computes ``V - V / tau + X``, which rounds
  differently from ``beta * V + X`` unless ``1 / tau`` is a power of two.
"""

from __future__ import annotations

import pytest
import torch

from asnbench.neurons import LIF
from asnbench.neurons.lif import LIFState, lif_step

snn = pytest.importorskip("snntorch", reason="snntorch is not installed (pip install '.[dev]')")
sj_neuron = pytest.importorskip(
    "spikingjelly.activation_based.neuron", reason="spikingjelly is not installed (pip install '.[dev]')"
)
from spikingjelly.activation_based import surrogate as sj_surrogate  # noqa: E402

STEPS, BATCH, FEATURES = 16, 8, 32
MECHANISM = {"soft": "subtract", "hard": "zero"}


def asnbench_trace(x: torch.Tensor, tau: float, reset: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (spikes, membranes after reset) of asnbench's LIF step by step."""
    lif = LIF(FEATURES, tau=tau, threshold=1.0, reset=reset)
    state = LIFState(torch.zeros_like(x[0]))
    spikes, membranes = [], []
    for x_t in x:
        s, state = lif_step(x_t, state, lif.beta(), lif.threshold, lif.spike_fn, reset)
        spikes.append(s)
        membranes.append(state.membrane)
    return torch.stack(spikes), torch.stack(membranes)


def snntorch_trace(x: torch.Tensor, tau: float, reset: str) -> tuple[torch.Tensor, torch.Tensor]:
    leaky = snn.Leaky(beta=1 - 1 / tau, threshold=1.0, reset_mechanism=MECHANISM[reset], reset_delay=False)
    membrane = torch.zeros_like(x[0])
    spikes, membranes = [], []
    for x_t in x:
        s, membrane = leaky(x_t, membrane)
        spikes.append(s)
        membranes.append(membrane)
    return torch.stack(spikes), torch.stack(membranes)


def spikingjelly_trace(x: torch.Tensor, tau: float, reset: str) -> tuple[torch.Tensor, torch.Tensor]:
    node = sj_neuron.LIFNode(
        tau=tau,
        decay_input=False,
        v_threshold=1.0,
        v_reset=None if reset == "soft" else 0.0,
        surrogate_function=sj_surrogate.ATan(alpha=2.0),
        step_mode="m",
        store_v_seq=True,
    )
    spikes = node(x)
    return spikes, node.v_seq


def random_input(seed: int, high: float) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return high * torch.rand(STEPS, BATCH, FEATURES, generator=generator)


@pytest.mark.parametrize("tau", [2.0, 3.0, 5.0])
@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_lif_equals_snntorch_leaky(tau, reset):
    # Input below threshold * (1 + 1/tau) keeps a soft-reset membrane below threshold after each
    # spike, the regime where snnTorch's subtract reset is the same rule (see the next test).
    x = random_input(0, 1.0 + 1.0 / tau)

    spikes, membranes = asnbench_trace(x, tau, reset)
    their_spikes, their_membranes = snntorch_trace(x, tau, reset)
    module_spikes = LIF(FEATURES, tau=tau, reset=reset)(x)

    assert 0 < spikes.mean() < 1
    assert torch.equal(spikes, their_spikes)
    assert torch.equal(membranes, their_membranes)
    assert torch.equal(module_spikes, spikes)


def test_snntorch_soft_reset_departs_above_twice_threshold():
    # H = 2.5 leaves U = 1.5 above threshold. snnTorch then subtracts the threshold again
    # before its next spike test: at step 2 it sees 0.75 + 0.5 - 1 = 0.25 and stays silent,
    # where asnbench sees H = 1.25 and fires.
    x = torch.tensor([2.5, 0.5, 0.0]).view(3, 1, 1)

    spikes = LIF(1, tau=2.0, reset="soft")(x).flatten().tolist()
    their_spikes, _ = snntorch_trace(x.expand(3, 1, FEATURES), 2.0, "soft")

    assert spikes == [1.0, 1.0, 0.0]
    assert their_spikes[:, 0, 0].tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_lif_gradient_equals_snntorch(reset):
    x = random_input(1, 1.5)
    weights = torch.randn(STEPS, BATCH, FEATURES, generator=torch.Generator().manual_seed(2))
    grads = []
    for run in (lambda leaf: LIF(FEATURES, tau=2.0, reset=reset)(leaf), lambda leaf: snntorch_trace(leaf, 2.0, reset)[0]):
        leaf = x.clone().requires_grad_(True)
        (run(leaf) * weights).sum().backward()
        grads.append(leaf.grad)

    assert grads[0].abs().sum() > 0
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_lif_equals_spikingjelly_exactly_at_tau_two(reset):
    x = random_input(3, 2.5)

    spikes, membranes = asnbench_trace(x, 2.0, reset)
    their_spikes, their_membranes = spikingjelly_trace(x, 2.0, reset)
    module_spikes = LIF(FEATURES, tau=2.0, reset=reset)(x)

    assert 0 < spikes.mean() < 1
    assert torch.equal(spikes, their_spikes)
    assert torch.equal(membranes, their_membranes)
    assert torch.equal(module_spikes, their_spikes)


@pytest.mark.parametrize("tau", [3.0, 5.0])
@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_lif_equals_spikingjelly_up_to_rounding(tau, reset):
    x = random_input(4, 2.0).double()

    spikes, membranes = asnbench_trace(x, tau, reset)
    their_spikes, their_membranes = spikingjelly_trace(x, tau, reset)

    assert 0 < spikes.mean() < 1
    assert torch.equal(spikes, their_spikes)
    torch.testing.assert_close(membranes, their_membranes, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reset", ["soft", "hard"])
def test_lif_gradient_equals_spikingjelly(reset):
    x = random_input(5, 2.0).double()
    weights = torch.randn(STEPS, BATCH, FEATURES, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    grads = []
    for run in (lambda leaf: LIF(FEATURES, tau=2.0, reset=reset)(leaf), lambda leaf: spikingjelly_trace(leaf, 2.0, reset)[0]):
        leaf = x.clone().requires_grad_(True)
        (run(leaf) * weights).sum().backward()
        grads.append(leaf.grad)

    assert grads[0].abs().sum() > 0
    torch.testing.assert_close(grads[0], grads[1], rtol=1e-10, atol=1e-12)
