"""The whole ASN time loop as one autograd function, with a hand-written backward pass.

The forward pass repeats :func:`asnbench.neurons.asn.asn_step` operation by
operation, so spike counts are bit-identical. It keeps only the membrane
potentials ``H[t]`` and the adaptations ``A[t-1]`` for backward, where the
per-step loop keeps about eight tensors per step. The backward pass walks
the steps in reverse with the straight-through rounding gradient of
:class:`asnbench.neurons.asn.RoundClamp`, so gradients equal the per-step
loop's up to floating-point rounding.
"""

from __future__ import annotations

import torch


def _counts(potential: torch.Tensor, theta: torch.Tensor, levels: int) -> torch.Tensor:
    return torch.clamp(torch.floor(potential / theta + 0.5), 0, levels)


class ASNMultiStep(torch.autograd.Function):
    """Integer spike counts of an ASN over ``[T, batch, ...]`` input, parameters broadcast per channel."""

    @staticmethod
    def forward(ctx, x, beta, theta0, rho, alpha, levels, detach_reset):
        membrane = torch.zeros_like(x[0])
        adaptation = membrane
        potentials = torch.empty_like(x)
        counts = torch.empty_like(x)
        adaptations = []  # A[t-1] for t >= 1; A[-1] is zero
        for t in range(x.shape[0]):
            if t > 0:
                adaptations.append(adaptation)
            potential = beta * membrane + x[t]
            theta = theta0 + adaptation
            spike = _counts(potential, theta, levels)
            membrane = potential - spike * theta
            adaptation = rho * adaptation + alpha * spike
            potentials[t] = potential
            counts[t] = spike
        previous = torch.stack(adaptations) if adaptations else potentials[:0]
        ctx.save_for_backward(potentials, previous, beta, theta0, rho, alpha)
        ctx.levels = levels
        ctx.detach_reset = detach_reset
        return counts

    @staticmethod
    def backward(ctx, grad_counts):
        potentials, previous, beta, theta0, rho, alpha = ctx.saved_tensors
        levels, detach_reset = ctx.levels, ctx.detach_reset
        steps = potentials.shape[0]

        def adaptation_before(t: int) -> torch.Tensor:
            return previous[t - 1] if t > 0 else torch.zeros_like(potentials[0])

        def membrane_after(t: int) -> torch.Tensor:
            theta = theta0 + adaptation_before(t)
            return potentials[t] - _counts(potentials[t], theta, levels) * theta

        grad_x = torch.empty_like(potentials)
        grad_membrane = torch.zeros_like(potentials[0])
        grad_adaptation = torch.zeros_like(potentials[0])
        grads = {name: torch.zeros_like(potentials[0]) for name in ("beta", "theta0", "rho", "alpha")}
        for t in reversed(range(steps)):
            potential = potentials[t]
            adaptation = adaptation_before(t)
            theta = theta0 + adaptation
            ratio = potential / theta
            spike = torch.clamp(torch.floor(ratio + 0.5), 0, levels)
            # A[t] = rho * A[t-1] + alpha * S[t] and U[t] = H[t] - S[t] * theta[t].
            grad_spike = grad_counts[t] + grad_adaptation * alpha
            if not detach_reset:
                grad_spike = grad_spike - grad_membrane * theta
            window = ((ratio >= -0.5) & (ratio <= levels + 0.5)).to(grad_spike.dtype)
            grad_ratio = grad_spike * window
            grad_potential = grad_membrane + grad_ratio / theta
            grad_theta = -grad_ratio * potential / (theta * theta) - grad_membrane * spike
            grads["alpha"] += grad_adaptation * spike
            if t > 0:
                grads["rho"] += grad_adaptation * adaptation
                grads["beta"] += grad_potential * membrane_after(t - 1)
            grads["theta0"] += grad_theta
            grad_x[t] = grad_potential
            # H[t] = beta * U[t-1] + X[t] and theta[t] = theta0 + A[t-1].
            grad_membrane = grad_potential * beta
            grad_adaptation = grad_theta + grad_adaptation * rho

        def reduce(name: str, parameter: torch.Tensor):
            return grads[name].sum_to_size(parameter.shape) if ctx.needs_input_grad[index[name]] else None

        index = {"beta": 1, "theta0": 2, "rho": 3, "alpha": 4}
        return (
            grad_x,
            reduce("beta", beta),
            reduce("theta0", theta0),
            reduce("rho", rho),
            reduce("alpha", alpha),
            None,
            None,
        )


def asn_multistep(
    x: torch.Tensor,
    beta: torch.Tensor,
    theta0: torch.Tensor,
    rho: torch.Tensor,
    alpha: torch.Tensor,
    levels: int,
    detach_reset: bool = True,
) -> torch.Tensor:
    """Return the integer counts of an ASN over ``x`` shaped ``[T, batch, ...]``, starting from rest.

    The parameters broadcast against one step ``x[t]``. Equal to looping
    :func:`asnbench.neurons.asn.asn_step`, in one autograd node and less memory.
    """
    return ASNMultiStep.apply(x, beta, theta0, rho, alpha, levels, detach_reset)
