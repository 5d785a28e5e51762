"""Spike functions: a Heaviside step forward, a smooth surrogate derivative backward.

Each surrogate is a ``torch.autograd.Function`` whose forward returns
``(x >= 0)`` as a float and whose backward multiplies the incoming gradient by
the derivative of a smooth stand-in for the step. ``x`` is the membrane
potential minus the threshold, so the surrogate peaks at the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from asnbench.errors import UnknownNameError


class _SpikeFunction(torch.autograd.Function):
    """Heaviside forward; subclasses define ``derivative(x, alpha)``."""

    @staticmethod
    def derivative(x: torch.Tensor, alpha: float) -> torch.Tensor:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x: torch.Tensor, alpha: float) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return (x >= 0).to(x.dtype)

    @classmethod
    def backward(cls, ctx, grad_output: torch.Tensor):
        (x,) = ctx.saved_tensors
        return grad_output * cls.derivative(x, ctx.alpha), None


class ArctanSpike(_SpikeFunction):
    """Derivative of ``atan(pi/2 * alpha * x) / pi + 1/2``: ``alpha / 2 / (1 + (pi/2 * alpha * x)^2)``."""

    @staticmethod
    def derivative(x, alpha):
        return alpha / 2 / (1 + (math.pi / 2 * alpha * x).pow(2))


class SigmoidSpike(_SpikeFunction):
    """Derivative of ``sigmoid(alpha * x)``: ``alpha * s * (1 - s)``."""

    @staticmethod
    def derivative(x, alpha):
        s = torch.sigmoid(alpha * x)
        return alpha * s * (1 - s)


class TriangleSpike(_SpikeFunction):
    """Triangle of half-width ``1 / alpha`` and height ``alpha``: ``alpha * max(0, 1 - alpha * |x|)``."""

    @staticmethod
    def derivative(x, alpha):
        return alpha * torch.clamp(1 - alpha * x.abs(), min=0)


class FastSigmoidSpike(_SpikeFunction):
    """Derivative of the fast sigmoid ``x / (1 + alpha * |x|)``: ``1 / (1 + alpha * |x|)^2``."""

    @staticmethod
    def derivative(x, alpha):
        return 1 / (1 + alpha * x.abs()).pow(2)


# name -> (function, default alpha)
SURROGATES: dict[str, tuple[type[_SpikeFunction], float]] = {
    "arctan": (ArctanSpike, 2.0),
    "sigmoid": (SigmoidSpike, 4.0),
    "triangle": (TriangleSpike, 1.0),
    "fast_sigmoid": (FastSigmoidSpike, 25.0),
}


def get_surrogate(name: str, alpha: float | None = None) -> Callable[[torch.Tensor], torch.Tensor]:
    """Return ``f(x)`` that spikes where ``x >= 0`` and backpropagates through surrogate ``name``."""
    if name not in SURROGATES:
        raise UnknownNameError("surrogate", name, SURROGATES)
    function, default_alpha = SURROGATES[name]
    width = default_alpha if alpha is None else float(alpha)
    if not width > 0:
        raise ValueError(f"surrogate alpha must be positive, got {alpha}")

    def spike(x: torch.Tensor) -> torch.Tensor:
        return function.apply(x, width)

    spike.surrogate_name = name  # type: ignore[attr-defined]
    return spike
