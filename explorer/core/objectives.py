"""GAN objectives: each is a small class with the discriminator's and the generator's losses.

The two objectives of Goodfellow et al. (2014) are written on discriminator logits l, with
D = sigmoid(l).

Goodfellow et al. (2014), eq. 1: the value function

    V(D, G) = E_{x ~ p_data}[log D(x)] + E_{z ~ p_z}[log(1 - D(G(z)))],

which D maximises and G minimises. With log D = -softplus(-l) and log(1 - D) = -softplus(l),
every loss below is a sum of softplus terms and stays finite for any logit.
"""

from __future__ import annotations

from collections.abc import Callable

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
    return grad.pow(2).flatten(1).sum(dim=1).mean()


def lazy_r1_weight(update: int, gamma: float, every: int) -> float:
    """The weight on `r1_penalty` for D update number `update` under lazy regularisation
    (Karras et al. 2020, StyleGAN2, sec. 3.1): gamma / 2 * every on every `every`-th update and
    0 on the others, so that the expected penalty is that of gamma / 2 on every update
    (Mescheder et al. 2018, eq. 9) for a fraction of the compute. 0 when gamma is 0."""
    if gamma <= 0 or update % every != 0:
        return 0.0
    return 0.5 * gamma * every


# (loss, its gradient with respect to each batch of D's outputs)
Gradients3 = tuple[torch.Tensor, torch.Tensor, torch.Tensor]
Gradients2 = tuple[torch.Tensor, torch.Tensor]


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
        """The loss as a function of D(G(z)), for the explanatory plot."""
        return -torch.log(d)


class Objective:
    """A GAN objective: `d_loss` (what D minimises) and `g_loss` (what G minimises), both on
    the discriminator's raw outputs. `probability` says whether sigmoid(output) is D(x), the
    probability that x is real (otherwise the output is a score, drawn as it is).
    `gradient_penalty` asks the trainer for the WGAN-GP penalty (weight config.gp_weight)."""

    name = ""
    title = ""
    probability = True
    gradient_penalty = False

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """What D minimises, from its raw outputs on a real batch and a fake batch."""
        raise NotImplementedError

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """What G minimises, from D's raw outputs on a fake batch."""
        raise NotImplementedError

    # The gradients of the losses with respect to D's outputs, for trainers that backpropagate
    # by hand (toy.backprop). By autograd on the loss alone here; the objectives below write
    # them in closed form (two or three elementwise operations instead of a small graph), and
    # tests/core/test_objectives.py checks each against autograd.
    def d_loss_gradients(self, real: torch.Tensor, fake: torch.Tensor) -> Gradients3:
        """(d_loss, d d_loss / d real, d d_loss / d fake), without autograd's graph."""
        loss, (grad_real, grad_fake) = _loss_and_gradients(self.d_loss, real, fake)
        return loss, grad_real, grad_fake

    def g_loss_gradient(self, fake: torch.Tensor) -> Gradients2:
        """(g_loss, d g_loss / d fake), without autograd's graph."""
        loss, (grad,) = _loss_and_gradients(self.g_loss, fake)
        return loss, grad


def _loss_and_gradients(loss_of: Callable[..., torch.Tensor], *outputs: torch.Tensor):
    with torch.enable_grad():
        leaves = [output.detach().requires_grad_(True) for output in outputs]
        loss = loss_of(*leaves)
        grads = torch.autograd.grad(loss, leaves)
    return loss.detach(), grads


class NonSaturatingObjective(Objective):
    """Goodfellow et al. (2014): D minimises -V(D, G) (eq. 1); G maximises log D(G(z))."""

    name = "non-saturating"
    title = "non-saturating (Goodfellow et al. 2014, sec. 3)"
    g_loss = staticmethod(NonSaturatingGeneratorLoss())

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """-V(D, G) on the minibatch (eq. 1)."""
        return discriminator_loss(real, fake)

    def d_loss_gradients(self, real: torch.Tensor, fake: torch.Tensor) -> Gradients3:
        """d softplus(-l)/dl = -sigmoid(-l) = sigmoid(l) - 1; d softplus(l)/dl = sigmoid(l)."""
        return (discriminator_loss(real, fake), (torch.sigmoid(real) - 1) / len(real),
                torch.sigmoid(fake) / len(fake))

    def g_loss_gradient(self, fake: torch.Tensor) -> Gradients2:
        """d softplus(-l)/dl = sigmoid(l) - 1 (the non-saturating loss)."""
        return self.g_loss(fake), (torch.sigmoid(fake) - 1) / len(fake)


class MinimaxObjective(NonSaturatingObjective):
    """Goodfellow et al. (2014), eq. 1 as it stands: G minimises log(1 - D(G(z))) (saturating)."""

    name = "minimax"
    title = "minimax, saturating (eq. 1)"
    g_loss = staticmethod(MinimaxGeneratorLoss())

    def g_loss_gradient(self, fake: torch.Tensor) -> Gradients2:
        """d(-softplus(l))/dl = -sigmoid(l) = -D(G(z)): it vanishes as D rejects the fakes."""
        return self.g_loss(fake), -torch.sigmoid(fake) / len(fake)


class LeastSquaresObjective(Objective):
    """Mao et al. (2017), "Least Squares GANs", eq. 2 with a = 0, b = c = 1:
    D minimises 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]; G minimises 1/2 E[(D(G(z)) - 1)^2].
    The quadratic keeps pulling fakes that D already classifies correctly but that lie far from
    the data, where the sigmoid loss would have saturated."""

    name = "least-squares"
    title = "least squares (Mao et al. 2017)"
    probability = False

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2] (Mao et al. 2017, eq. 2)."""
        return 0.5 * (real - 1).pow(2).mean() + 0.5 * fake.pow(2).mean()

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """1/2 E[(D(G(z)) - 1)^2] (Mao et al. 2017, eq. 2)."""
        return 0.5 * (fake - 1).pow(2).mean()

    def d_loss_gradients(self, real: torch.Tensor, fake: torch.Tensor) -> Gradients3:
        """(D(x) - 1) / N and D(G(z)) / N."""
        return self.d_loss(real, fake), (real - 1) / len(real), fake / len(fake)

    def g_loss_gradient(self, fake: torch.Tensor) -> Gradients2:
        """(D(G(z)) - 1) / N."""
        return self.g_loss(fake), (fake - 1) / len(fake)


class HingeObjective(Objective):
    """The hinge loss (Lim & Ye 2017; Miyato et al. 2018, eq. 16):
    D minimises E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]; G minimises -E[D(G(z))]."""

    name = "hinge"
    title = "hinge (Lim & Ye 2017; Miyato et al. 2018)"
    probability = False

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] (Miyato et al. 2018, eq. 16)."""
        return torch.relu(1 - real).mean() + torch.relu(1 + fake).mean()

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """-E[D(G(z))] (Miyato et al. 2018, eq. 16)."""
        return -fake.mean()

    def d_loss_gradients(self, real: torch.Tensor, fake: torch.Tensor) -> Gradients3:
        """-1/N where D(x) < 1, +1/N where D(G(z)) > -1, else 0 (the hinge's flat side)."""
        return (self.d_loss(real, fake), -(real < 1).to(real.dtype) / len(real),
                (fake > -1).to(fake.dtype) / len(fake))

    def g_loss_gradient(self, fake: torch.Tensor) -> Gradients2:
        """-1/N everywhere."""
        return self.g_loss(fake), torch.full_like(fake, -1.0 / len(fake))


class WassersteinGPObjective(Objective):
    """WGAN-GP (Gulrajani et al. 2017, Algorithm 1): the critic minimises
    E[D(G(z))] - E[D(x)] + lambda E[(||grad D(x_hat)||_2 - 1)^2] with x_hat on random lines
    between real and fake samples (the trainer adds the penalty, see `gradient_penalty`);
    G minimises -E[D(G(z))]."""

    name = "wgan-gp"
    title = "Wasserstein with gradient penalty (Gulrajani et al. 2017)"
    probability = False
    gradient_penalty = True

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """E[D(G(z))] - E[D(x)], the critic's loss before the penalty (Gulrajani et al. 2017)."""
        return fake.mean() - real.mean()

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """-E[D(G(z))] (Gulrajani et al. 2017, Algorithm 1)."""
        return -fake.mean()


def gradient_penalty(critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator, pack: int = 1) -> torch.Tensor:
    """Gulrajani et al. (2017), eq. 3: E[(||grad_x D(x_hat)||_2 - 1)^2], x_hat = e x + (1 - e) x~,
    e ~ U[0, 1] per sample (per pack, for a packed D, whose input is the pack). `critic` maps a
    batch (n * pack, dim) to scores (n,)."""
    packs = len(real) // pack
    e = torch.rand(packs, 1, 1, generator=generator).to(real.device)
    x_hat = (e * real.view(packs, pack, -1) + (1 - e) * fake.view(packs, pack, -1)).view_as(real)
    x_hat.requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return (grad.reshape(packs, -1).norm(dim=1) - 1).pow(2).mean()


OBJECTIVES: dict[str, type[Objective]] = {
    cls.name: cls
    for cls in (NonSaturatingObjective, MinimaxObjective, LeastSquaresObjective, HingeObjective,
                WassersteinGPObjective)
}


def objective(name: str) -> Objective:
    """The objective of that name (OBJECTIVES: the config's `loss` vocabulary)."""
    return OBJECTIVES[name]()
