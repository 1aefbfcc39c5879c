"""The objectives of every family: each loss against its equation, and the lazy R1 schedule."""

import math

import pytest
import torch

from explorer.core.objectives import (
    OBJECTIVES,
    MinimaxGeneratorLoss,
    NonSaturatingGeneratorLoss,
    discriminator_loss,
    gradient_penalty,
    lazy_r1_weight,
    objective,
    r1_penalty,
)


def test_losses_match_their_equations():
    real = torch.tensor([2.0, -1.0])
    fake = torch.tensor([0.5, -3.0])
    d_real, d_fake = torch.sigmoid(real), torch.sigmoid(fake)
    expected_d = -(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())
    assert discriminator_loss(real, fake).item() == pytest.approx(expected_d.item(), rel=1e-6)
    assert MinimaxGeneratorLoss()(fake).item() == pytest.approx(torch.log(1 - d_fake).mean().item(), rel=1e-6)
    assert NonSaturatingGeneratorLoss()(fake).item() == pytest.approx(-torch.log(d_fake).mean().item(), rel=1e-6)


def test_minimax_saturates_where_non_saturating_does_not():
    """When D rejects a fake (D(G(z)) ~ 0.001), the minimax loss gives almost no gradient."""
    logit = torch.tensor([math.log(0.001 / 0.999)], requires_grad=True)
    MinimaxGeneratorLoss()(logit).backward()
    minimax_grad = logit.grad.abs().item()
    logit.grad = None
    NonSaturatingGeneratorLoss()(logit).backward()
    non_saturating_grad = logit.grad.abs().item()
    assert minimax_grad == pytest.approx(0.001, rel=1e-3)
    assert non_saturating_grad == pytest.approx(0.999, rel=1e-3)


def test_objectives_match_their_formulas():
    real = torch.tensor([2.0, -0.5])
    fake = torch.tensor([0.5, -2.0])
    ls = objective("least-squares")
    assert ls.d_loss(real, fake).item() == pytest.approx(0.5 * (1 + 2.25) / 2 + 0.5 * (0.25 + 4) / 2)
    assert ls.g_loss(fake).item() == pytest.approx(0.5 * (0.25 + 9) / 2)
    hinge = objective("hinge")
    assert hinge.d_loss(real, fake).item() == pytest.approx((0 + 1.5) / 2 + (1.5 + 0) / 2)
    assert hinge.g_loss(fake).item() == pytest.approx(0.75)
    wgan = objective("wgan-gp")
    assert wgan.d_loss(real, fake).item() == pytest.approx(-0.75 - 0.75)
    assert wgan.gradient_penalty and not wgan.probability
    ns = objective("non-saturating")
    expected = -(math.log(torch.sigmoid(real[0]).item()) + math.log(torch.sigmoid(real[1]).item())) / 2 - (
        math.log(1 - torch.sigmoid(fake[0]).item()) + math.log(1 - torch.sigmoid(fake[1]).item())) / 2
    assert ns.d_loss(real, fake).item() == pytest.approx(expected, rel=1e-6)
    assert set(OBJECTIVES) == {"non-saturating", "minimax", "least-squares", "hinge", "wgan-gp"}


def test_the_gradient_penalty_vanishes_for_a_unit_slope_critic():
    def critic(x):  # a linear critic with gradient (0.6, 0.8): norm 1
        return x @ torch.tensor([0.6, 0.8])

    real, fake = torch.randn(16, 2), torch.randn(16, 2)
    assert gradient_penalty(critic, real, fake, torch.Generator().manual_seed(0)).item() == pytest.approx(0, abs=1e-10)

    def steep(x):
        return x @ torch.tensor([3.0, 0.0])

    assert gradient_penalty(steep, real, fake, torch.Generator().manual_seed(0)).item() == pytest.approx(4.0)


def test_lazy_r1_weighs_every_nth_update_by_n_so_the_expected_penalty_is_unchanged():
    weights = [lazy_r1_weight(update, gamma=0.1, every=4) for update in range(12)]
    assert weights == [pytest.approx(0.2), 0, 0, 0] * 3
    assert sum(weights) / len(weights) == pytest.approx(0.1 / 2)  # gamma / 2 on average (eq. 9)
    assert all(lazy_r1_weight(update, 0.0, 4) == 0 for update in range(8))
    assert [lazy_r1_weight(u, 1.0, 1) for u in range(3)] == [0.5, 0.5, 0.5]


def test_r1_is_the_mean_squared_input_gradient_at_the_data():
    x = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], requires_grad=True)
    logits = (x ** 2).sum(dim=1)  # gradient 2x
    assert r1_penalty(logits, x).item() == pytest.approx(((2 * x) ** 2).sum(1).mean().item())


@pytest.mark.parametrize("name", list(OBJECTIVES))
def test_closed_form_gradients_equal_autograds(name):
    """Each objective's d_loss_gradients / g_loss_gradient (used by the toy trainer's
    hand-written backpropagation) give its losses and autograd's gradients of them, including
    saturated logits and the hinge's corners."""
    chosen = OBJECTIVES[name]()
    torch.manual_seed(0)
    real = torch.cat([torch.randn(50) * 3, torch.tensor([40.0, -40.0, 0.5, 1.5])]).requires_grad_(True)
    fake = torch.cat([torch.randn(40) * 3, torch.tensor([40.0, -40.0, -0.5, -1.5])]).requires_grad_(True)
    d_loss = chosen.d_loss(real, fake)
    expected_real, expected_fake = torch.autograd.grad(d_loss, [real, fake])
    loss, grad_real, grad_fake = chosen.d_loss_gradients(real.detach(), fake.detach())
    torch.testing.assert_close(loss, d_loss.detach())
    torch.testing.assert_close(grad_real, expected_real, rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(grad_fake, expected_fake, rtol=1e-5, atol=1e-7)
    g_loss = chosen.g_loss(fake)
    (expected,) = torch.autograd.grad(g_loss, [fake])
    loss, grad = chosen.g_loss_gradient(fake.detach())
    torch.testing.assert_close(loss, g_loss.detach())
    torch.testing.assert_close(grad, expected, rtol=1e-5, atol=1e-7)
