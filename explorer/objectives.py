"""GAN objectives, written on discriminator logits l, with D = sigmoid(l).

Goodfellow et al. (2014), eq. 1: the value function

    V(D, G) = E_{x ~ p_data}[log D(x)] + E_{z ~ p_z}[log(1 - D(G(z)))],

which D maximises and G minimises. With log D = -softplus(-l) and log(1 - D) = -softplus(l),
every loss below is a sum of softplus terms and stays finite for any logit.
"""

from __future__ import annotations

import torch
from torch.nn.functional import softplus


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """-V(D, G) on a minibatch: D ascends eq. 1 (Algorithm 1, the discriminator update)."""
    return softplus(-real_logits).mean() + softplus(fake_logits).mean()


def r1_penalty(real_logits: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """E_{x ~ p_data} ||grad_x l(x)||^2, the R1 regulariser of Mescheder, Geiger and Nowozin
    (2018), "Which Training Methods for GANs do actually Converge?", eq. 9; the discriminator
    adds gamma / 2 times it to its loss. It penalises D for changing where the data lie, which
    damps the circling around the equilibrium that unregularised training shows (their sec. 3)
    and lets D settle at a constant: D(x) = 1/2 once p_g = p_data. `real` must require grad.
    """
    (grad,) = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
    return grad.pow(2).sum(dim=1).mean()


class MinimaxGeneratorLoss:
    """The saturating loss of eq. 1: G minimises E[log(1 - D(G(z)))] = E[-softplus(l)].

    Its gradient with respect to the logit is -sigmoid(l) = -D(G(z)): when D confidently rejects
    the fakes (D(G(z)) near 0, as early in training) the gradient vanishes and G learns slowly.
    """

    name = "minimax"

    def __call__(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return -softplus(fake_logits).mean()

    @staticmethod
    def of_d(d: torch.Tensor) -> torch.Tensor:
        """The loss as a function of D(G(z)), for the explanatory plot."""
        return torch.log1p(-d)


class NonSaturatingGeneratorLoss:
    """Goodfellow et al. (2014), section 3: G maximises log D(G(z)), i.e. minimises
    E[-log D(G(z))] = E[softplus(-l)].

    Same fixed point as the minimax game (p_g = p_data, D = 1/2), but its gradient with respect to
    the logit is -(1 - D(G(z))): strongest exactly when D rejects the fakes.
    """

    name = "non-saturating"

    def __call__(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return softplus(-fake_logits).mean()

    @staticmethod
    def of_d(d: torch.Tensor) -> torch.Tensor:
        return -torch.log(d)


GENERATOR_LOSSES = {
    cls.name: cls for cls in (NonSaturatingGeneratorLoss, MinimaxGeneratorLoss)
}


def generator_loss(name: str):
    return GENERATOR_LOSSES[name]()
