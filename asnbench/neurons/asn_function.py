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
        adaptations = []  # A[t-1] for t >= 1, because A[-1] is zero
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
        needed = dict(zip(("beta", "theta0", "rho", "alpha"), ctx.needs_input_grad[1:5]))
        shapes = {"beta": beta.shape, "theta0": theta0.shape, "rho": rho.shape, "alpha": alpha.shape}
        # Per-channel sums are reduced at every step, so no full-size accumulator is kept.
        grads = {name: None for name in shapes}

        def accumulate(name: str, value: torch.Tensor) -> None:
            if needed[name]:
                reduced = value.sum_to_size(shapes[name])
                grads[name] = reduced if grads[name] is None else grads[name] + reduced

        def theta_at(t: int) -> torch.Tensor:
            # theta0 + 0 equals theta0, so the first step needs no full-size tensor.
            return theta0 + previous[t - 1] if t > 0 else theta0

        grad_x = torch.empty_like(potentials)
        grad_membrane: torch.Tensor | float = 0.0
        grad_adaptation: torch.Tensor | float = 0.0
        for t in reversed(range(potentials.shape[0])):
            potential = potentials[t]
            theta = theta_at(t)
            ratio = potential / theta
            spike = torch.clamp(torch.floor(ratio + 0.5), 0, levels)
            # A[t] = rho * A[t-1] + alpha * S[t] and U[t] = H[t] - S[t] * theta[t].
            grad_spike = grad_counts[t] + grad_adaptation * alpha
            if not detach_reset:
                grad_spike = grad_spike - grad_membrane * theta
            grad_ratio = grad_spike.mul_((ratio >= -0.5) & (ratio <= levels + 0.5))
            grad_potential = grad_ratio / theta + grad_membrane
            grad_theta = (grad_ratio * ratio).div_(theta).neg_() - grad_membrane * spike
            accumulate("alpha", grad_adaptation * spike)
            accumulate("theta0", grad_theta)
            if t > 0:
                accumulate("rho", grad_adaptation * previous[t - 1])
                membrane = potentials[t - 1] - torch.clamp(
                    torch.floor(potentials[t - 1] / theta_at(t - 1) + 0.5), 0, levels
                ) * theta_at(t - 1)
                accumulate("beta", grad_potential * membrane)
            grad_x[t] = grad_potential
            # H[t] = beta * U[t-1] + X[t] and theta[t] = theta0 + A[t-1].
            grad_membrane = grad_potential * beta
            grad_adaptation = grad_theta + grad_adaptation * rho

        for name, shape in shapes.items():
            if needed[name] and grads[name] is None:
                grads[name] = potentials.new_zeros(shape)
        return grad_x, grads["beta"], grads["theta0"], grads["rho"], grads["alpha"], None, None


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
