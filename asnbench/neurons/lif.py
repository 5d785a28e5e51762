"""Leaky integrate-and-fire neuron with a fixed time constant."""

from __future__ import annotations

from typing import NamedTuple

import torch

from asnbench.neurons.base import Neuron
from asnbench.neurons.lif_function import lif_multistep
from asnbench.neurons.surrogate import SURROGATES, get_surrogate

RESET_MODES = ("soft", "hard")


class LIFState(NamedTuple):
    membrane: torch.Tensor


def lif_step(
    x: torch.Tensor,
    state: LIFState,
    beta: torch.Tensor | float,
    threshold: float,
    spike_fn,
    reset: str = "soft",
    detach_reset: bool = False,
) -> tuple[torch.Tensor, LIFState]:
    """Advance one step: ``H = beta * U + X``, ``S = spike(H - threshold)``, then reset.

    Soft reset subtracts the threshold (``U = H - S * threshold``); hard reset
    sets the membrane to zero (``U = H * (1 - S)``).
    """
    h = beta * state.membrane + x
    s = spike_fn(h - threshold)
    r = s.detach() if detach_reset else s
    u = h - r * threshold if reset == "soft" else h * (1 - r)
    return s, LIFState(u)


class LIF(Neuron):
    """Leaky integrate-and-fire, trained with a surrogate gradient through time.

    Update per step ``t`` (``beta = 1 - 1/tau``)::

        H[t] = beta * U[t-1] + X[t]
        S[t] = Heaviside(H[t] - threshold)
        U[t] = H[t] - S[t] * threshold      (soft reset)
        U[t] = H[t] * (1 - S[t])             (hard reset)

    This is SpikingJelly 2.0's ``LIFNode(decay_input=False)`` with
    ``tau`` (``v_reset=None`` for soft, ``0.0`` for hard reset), and snnTorch
    1.0's ``Leaky(beta, reset_delay=False)``, as checked in
    ``tests/crosscheck``. Two exceptions: snnTorch's soft reset subtracts the
    threshold again at the next step while the membrane stays above it
    (which needs ``H >= 2 * threshold``), and snnTorch fires on
    ``H > threshold``, not ``>=``.

    Args:
        num_channels: channels or features (unused by LIF's scalar parameters,
            kept for the shared interface).
        tau: membrane time constant in steps, ``> 1``.
        threshold: firing threshold.
        reset: ``"soft"`` (subtract) or ``"hard"`` (to zero).
        surrogate: surrogate gradient name, see :data:`SURROGATES`.
        alpha: surrogate sharpness, ``None`` for the surrogate's default.
        detach_reset: stop the gradient through the reset term.
    """

    name = "lif"

    def __init__(
        self,
        num_channels: int,
        channel_dim: int = 1,
        tau: float = 2.0,
        threshold: float = 1.0,
        reset: str = "soft",
        surrogate: str = "arctan",
        alpha: float | None = None,
        detach_reset: bool = False,
    ):
        super().__init__(num_channels, channel_dim)
        if tau <= 1:
            raise ValueError(f"tau must be greater than 1 step, got {tau}")
        if reset not in RESET_MODES:
            raise ValueError(f"reset must be one of {RESET_MODES}, got {reset!r}")
        if threshold <= 0:
            raise ValueError(f"threshold must be positive, got {threshold}")
        self.tau = float(tau)
        self.threshold = float(threshold)
        self.reset = reset
        self.detach_reset = detach_reset
        self.surrogate = surrogate
        self.spike_fn = get_surrogate(surrogate, alpha)
        self.alpha = SURROGATES[surrogate][1] if alpha is None else float(alpha)

    def beta(self) -> torch.Tensor | float:
        return 1.0 - 1.0 / self.tau

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # lif_multistep runs the lif_step loop as one autograd node with the same spikes.
        return lif_multistep(
            x, self.beta(), self.threshold, self.surrogate, self.alpha, self.reset, self.detach_reset
        )

    def extra_repr(self) -> str:
        return f"tau={self.tau}, threshold={self.threshold}, reset={self.reset}, surrogate={self.surrogate}"
