"""Unrolled GANs (Metz, Poole, Pfau and Sohl-Dickstein 2017): the generator's loss taken against
the discriminator as it would be after k more updates of its own."""

from __future__ import annotations

from typing import Any

import torch
from torch.func import functional_call


def unrolled_outputs(trainer: Any, fake: torch.Tensor) -> torch.Tensor:
    """Metz, Poole, Pfau and Sohl-Dickstein (2017), "Unrolled GANs", eq. 6-7: D's outputs on
    `fake` after k = unroll_steps further updates of D, each differentiable, so that G's
    gradient accounts for how D would react to its move (the second-order term of eq. 7).
    The updates mirror D's optimiser: SGD, or Adam from its current moments (the square root
    is taken of v + eps^2 rather than adding eps after it, so that it stays differentiable
    where v = 0). The unrolled D is thrown away; only G is updated. `trainer`: the ToyTrainer
    (its D, D's optimiser, objective, G and extra random stream; typed loosely, as the trainer
    imports this module)."""
    d = trainer.discriminator
    params = dict(d.named_parameters())
    adam = isinstance(trainer.d_optimizer, torch.optim.Adam)
    group = trainer.d_optimizer.param_groups[0]
    lr = group["lr"]
    moments = {}
    for name, p in params.items():
        state = trainer.d_optimizer.state.get(p, {})
        moments[name] = (state.get("exp_avg", torch.zeros_like(p)), state.get("exp_avg_sq", torch.zeros_like(p)),
                         float(state.get("step", 0)))

    def outputs(weights, batch):
        return functional_call(d, weights, (batch,))

    for _ in range(trainer.config.unroll_steps):
        real = trainer.real_batch(trainer.extra_rng)
        noise = trainer.noise_batch(trainer.extra_rng)
        real_out = outputs(params, real)
        fake_out = outputs(params, trainer.generator(noise))
        loss = trainer.objective.d_loss(real_out, fake_out)
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
        updated = {}
        for (name, p), g in zip(params.items(), grads):
            if adam:
                b1, b2 = group["betas"]
                m, v, t = moments[name]
                m, v, t = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g, t + 1
                moments[name] = (m, v, t)
                step = (m / (1 - b1**t)) / torch.sqrt(v / (1 - b2**t) + group["eps"] ** 2)
                updated[name] = p - lr * step
            else:
                updated[name] = p - lr * g
        params = updated
    return outputs(params, fake)
