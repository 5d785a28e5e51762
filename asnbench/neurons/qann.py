"""Quantized ReLU with ``D + 1`` levels and a learned step size: the quantized-ANN baseline."""

from __future__ import annotations

import torch
from torch import nn

from asnbench.neurons.asn import RoundClamp
from asnbench.neurons.base import Neuron

STEP_FLOOR = 1e-4


class QANN(Neuron):
    """Quantized ReLU ``y = s * clamp(round_half_up(x / s), 0, D)`` with a learned step ``s``.

    The output takes the ``D + 1`` values ``0, s, ..., D * s``, the same
    number of levels as an ASN with ``levels = D`` at ``T = 1``. Unlike the
    ASN, the output is sent as a multi-bit value and never expanded into
    binary sub-steps, so the next synaptic layer counts multiply-accumulates
    (``is_spiking`` is False) in training and in spike inference.

    Training uses a straight-through estimator (:class:`RoundClamp`), so with
    ``z = x / s`` and ``q`` the rounded, clamped ``z``:

    * ``dy/dx = 1`` for ``z`` in ``[-0.5, D + 0.5]`` and 0 outside;
    * ``dy/ds = q - z`` inside that window and ``q`` (0 or ``D``) outside,

    which is the step-size gradient of LSQ (Esser et al., "Learned Step Size
    Quantization", ICLR 2020) without its gradient scale factor.

    Step-size initialization: with ``step=None`` (the default) ``s`` is set
    from the first training batch to LSQ's ``2 * mean(|x|) / sqrt(D)``; a
    float sets it directly. ``s`` is one scalar per layer, as in LSQ's
    activation quantizer. It is clamped below at ``1e-4`` in the forward pass.

    Args:
        num_channels: channels or features (unused by the scalar step size,
            kept for the shared interface).
        channel_dim: dimension of ``[batch, ...]`` that contains the channels.
        levels: the largest quantization level ``D``.
        step: initial step size ``s``, or ``None`` for the data-driven init.
    """

    name = "qann"
    is_spiking = False

    def __init__(self, num_channels: int, channel_dim: int = 1, levels: int = 4, step: float | None = None):
        super().__init__(num_channels, channel_dim)
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
            raise ValueError(f"levels must be a positive integer, got {levels!r}")
        if step is not None and not step > STEP_FLOOR:
            raise ValueError(f"step must be greater than {STEP_FLOOR}, got {step!r}")
        self._levels = levels
        self.step = nn.Parameter(torch.tensor(1.0 if step is None else float(step)))
        # Saved with the state dict, so a resumed or evaluated model keeps its learned step.
        self.register_buffer("initialized", torch.tensor(step is not None))

    @property
    def levels(self) -> int:
        return self._levels

    @property
    def substeps(self) -> int:
        """Always 1: the quantized value is sent as one multi-bit number, also in spike inference."""
        return 1

    @torch.no_grad()
    def _initialize_step(self, x: torch.Tensor) -> None:
        scale = 2.0 * x.abs().mean() / self._levels**0.5
        self.step.fill_(max(float(scale), STEP_FLOOR * 10))
        self.initialized.fill_(True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and not bool(self.initialized):
            self._initialize_step(x)
        step = torch.clamp(self.step, min=STEP_FLOOR)
        return step * RoundClamp.apply(x / step, self._levels)

    def extra_repr(self) -> str:
        return f"levels={self._levels}, step={float(self.step):.4g}"
