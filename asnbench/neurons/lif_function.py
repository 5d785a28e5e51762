"""The whole LIF time loop as one autograd function, with a hand-written backward pass.

Running :func:`asnbench.neurons.lif.lif_step` once per step makes autograd
record about eight operations and their saved tensors per step. This
function runs the same loop without recording and keeps only the membrane
potentials ``H[t]``. Its backward pass walks the steps in reverse and applies
the surrogate derivative, so the gradients are those of the per-step loop
up to floating-point rounding. The forward pass uses the same operations in
the same order as :func:`lif_step`, so spikes and membranes are bit-identical.
"""

from __future__ import annotations

import torch

from asnbench.neurons.surrogate import SURROGATES


def _fired(potential: torch.Tensor, threshold: float) -> torch.Tensor:
    # For finite floats, H - threshold >= 0 exactly when H >= threshold, because a rounded
    # difference keeps its sign, so this is lif_step's spike test in one pass.
    return potential >= threshold


def _after_reset(potential: torch.Tensor, spikes: torch.Tensor, threshold: float, reset: str) -> torch.Tensor:
    if reset == "soft":
        return potential - spikes * threshold
    return potential * (1 - spikes)


class LIFMultiStep(torch.autograd.Function):
    """Spikes of a LIF over ``[T, batch, ...]`` input; ``beta`` is a float or a 0-dim tensor."""

    @staticmethod
    def forward(ctx, x, beta, threshold, surrogate, alpha, reset, detach_reset):
        membrane = torch.zeros_like(x[0])
        potentials = torch.empty_like(x)
        spikes = torch.empty_like(x)
        for t in range(x.shape[0]):
            # Results are written into the output buffers to save a copy per step.
            potential = torch.add(beta * membrane, x[t], out=potentials[t])
            spike = spikes[t].copy_(_fired(potential, threshold))
            membrane = _after_reset(potential, spike, threshold, reset)
        beta_is_tensor = isinstance(beta, torch.Tensor)
        ctx.save_for_backward(potentials, beta if beta_is_tensor else None)
        ctx.beta = None if beta_is_tensor else beta
        ctx.settings = (threshold, SURROGATES[surrogate][0].derivative, alpha, reset, detach_reset)
        return spikes

    @staticmethod
    def backward(ctx, grad_spikes):
        potentials, beta_tensor = ctx.saved_tensors
        threshold, derivative, alpha, reset, detach_reset = ctx.settings
        beta = beta_tensor.detach() if beta_tensor is not None else ctx.beta
        want_beta = beta_tensor is not None and ctx.needs_input_grad[1]

        grad_x = torch.empty_like(potentials)
        grad_membrane = torch.zeros_like(potentials[0])
        grad_beta = torch.zeros((), dtype=potentials.dtype, device=potentials.device) if want_beta else None
        for t in reversed(range(potentials.shape[0])):
            potential = potentials[t]
            # U = H - S * threshold (soft) or U = H * (1 - S) (hard).
            if reset == "soft":
                grad_potential = grad_membrane
                grad_spike = grad_spikes[t] if detach_reset else grad_spikes[t] - grad_membrane * threshold
            else:
                grad_potential = grad_membrane * (1 - _fired(potential, threshold).to(potential.dtype))
                grad_spike = grad_spikes[t] if detach_reset else grad_spikes[t] - grad_membrane * potential
            grad_potential = torch.add(
                grad_potential, grad_spike * derivative(potential - threshold, alpha), out=grad_x[t]
            )
            # H[t] = beta * U[t-1] + X[t]
            if want_beta and t > 0:
                previous = potentials[t - 1]
                fired = _fired(previous, threshold).to(previous.dtype)
                grad_beta += (grad_potential * _after_reset(previous, fired, threshold, reset)).sum()
            grad_membrane = grad_potential * beta
        if want_beta:
            grad_beta = grad_beta.to(beta_tensor.dtype).reshape(beta_tensor.shape)
        return grad_x, grad_beta, None, None, None, None, None


def lif_multistep(
    x: torch.Tensor,
    beta: torch.Tensor | float,
    threshold: float,
    surrogate: str,
    alpha: float,
    reset: str = "soft",
    detach_reset: bool = False,
) -> torch.Tensor:
    """Return the spikes of a LIF over ``x`` shaped ``[T, batch, ...]``, starting from rest.

    Equal to looping :func:`asnbench.neurons.lif.lif_step` with the surrogate
    ``surrogate`` of sharpness ``alpha``, in fewer autograd nodes and less memory.
    """
    return LIFMultiStep.apply(x, beta, threshold, surrogate, alpha, reset, detach_reset)
