"""The remedies for mode collapse and the extra objectives, checked against their formulas."""

import math

import pytest
import torch

from explorer.core.errors import ConfigError
from explorer.core.minibatch import MinibatchDiscrimination, minibatch_stddev
from explorer.core.objectives import OBJECTIVES, gradient_penalty, objective
from explorer.toy.config import ToyConfig
from explorer.toy.measure2d import Measurement2D
from explorer.toy.networks import ToyDiscriminator
from explorer.toy.presets import preset_config
from explorer.toy.remedies import apply_remedies, parse_remedies, without_remedies
from explorer.toy.trainer import ToyTrainer


def _direct_minibatch_features(layer: MinibatchDiscrimination, features: torch.Tensor) -> torch.Tensor:
    """Salimans et al. (2016), sec. 3.2, written out directly over the whole batch."""
    m = (features @ layer.T).view(len(features), layer.kernels, layer.kernel_dim)  # (N, B, C)
    distances = (m[:, None] - m[None]).abs().sum(-1)  # (N, N, B)
    c = torch.exp(-distances)
    o = c.sum(1) - torch.diagonal(c, dim1=0, dim2=1).T  # exclude j = i
    return torch.cat([features, o], dim=1)


@pytest.mark.parametrize("twice", [False, True])
def test_fast_minibatch_discrimination_equals_the_direct_formula(twice):
    torch.manual_seed(0)
    layer = MinibatchDiscrimination(6, kernels=5, kernel_dim=3, group_size=0)
    layer.twice_differentiable = twice
    features = torch.randn(20, 6, requires_grad=True)
    fast = layer(features)
    direct = _direct_minibatch_features(layer, features)
    assert torch.allclose(fast, direct, atol=1e-5)
    weights = torch.randn_like(direct)
    g_fast = torch.autograd.grad((fast * weights).sum(), [features, layer.T])
    g_direct = torch.autograd.grad((direct * weights).sum(), [features, layer.T])
    for a, b in zip(g_fast, g_direct):
        assert torch.allclose(a, b, atol=1e-4)


def test_minibatch_discrimination_compares_within_groups():
    torch.manual_seed(1)
    layer = MinibatchDiscrimination(4, kernels=3, kernel_dim=2, group_size=5)
    features = torch.randn(10, 4)
    out = layer(features)
    first = _direct_minibatch_features(layer, features[:5])
    second = _direct_minibatch_features(layer, features[5:])
    assert torch.allclose(out, torch.cat([first, second]), atol=1e-5)


def test_a_collapsed_batch_lights_up_minibatch_features():
    torch.manual_seed(2)
    layer = MinibatchDiscrimination(4, kernels=3, kernel_dim=2, group_size=0)
    collapsed = layer(torch.ones(8, 4))[:, 4:]
    assert torch.allclose(collapsed, torch.full_like(collapsed, 7.0))  # 7 identical neighbours, exp(0) each
    spread = layer(torch.randn(8, 4) * 10)[:, 4:]
    assert spread.max() < 0.6 * collapsed.min()  # far-apart samples: far smaller


def test_minibatch_stddev_appends_the_batch_spread():
    features = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    out = minibatch_stddev(features)
    assert out.shape == (2, 3) and torch.allclose(out[:, 2], torch.tensor([1.0, 1.0]))


def test_a_packed_discriminator_judges_m_samples_at_once():
    d = ToyDiscriminator(2, 2, 8, "relu", pack=3)
    assert d.body[0].in_features == 6
    assert d(torch.randn(30, 2)).shape == (10,)
    # drawing D(x) at points: each packed with the first two reference samples
    reference = torch.randn(12, 2)
    points = torch.randn(5, 2)
    expected = d(torch.cat([points[:, None], reference[:2][None].expand(5, 2, 2)], dim=1).reshape(-1, 2))
    assert torch.allclose(d.forward_against(points, reference), expected)


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


@pytest.mark.parametrize(
    "changes",
    [
        {"minibatch_discrimination": True},
        {"minibatch_stddev": True},
        {"pack": 3},
        {"unroll_steps": 2},
        {"loss": "wgan-gp", "minibatch_discrimination": True},
        {"loss": "hinge", "pack": 2, "r1_gamma": 1.0, "minibatch_discrimination": True},
        {"loss": "least-squares", "unroll_steps": 1, "minibatch_stddev": True},
    ],
)
def test_every_remedy_trains_and_measures(changes):
    config = preset_config("ring-collapse").replace(batch_size=64, heatmap_points=12, **changes)
    trainer = ToyTrainer(config)
    trainer.train(3)
    snapshot = Measurement2D(trainer).snapshot(trainer)
    assert snapshot.iteration == 3 and snapshot.heat.shape == (12, 12)
    assert snapshot.arrow_push.shape == snapshot.arrow_from.shape
    assert 0 <= snapshot.modes_covered <= 8


def test_the_unrolled_look_ahead_leaves_d_untouched():
    trainer = ToyTrainer(preset_config("ring-collapse").replace(batch_size=32, unroll_steps=3))
    trainer.train(2)
    before = [p.detach().clone() for p in trainer.discriminator.parameters()]
    g_before = [p.detach().clone() for p in trainer.generator.parameters()]
    trainer.step_g()
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.discriminator.parameters()))
    assert not all(torch.equal(a, b) for a, b in zip(g_before, trainer.generator.parameters()))


def test_switching_a_remedy_mid_run_keeps_g_and_reshapes_d():
    config = preset_config("ring-collapse").replace(batch_size=32)
    trainer = ToyTrainer(config)
    trainer.train(2)
    g_state = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    trainer.switch_remedies(config.replace(minibatch_discrimination=True, pack=2))
    assert trainer.discriminator.minibatch is not None and trainer.discriminator.pack == 2
    assert all(torch.equal(g_state[k], v) for k, v in trainer.generator.state_dict().items())
    trainer.train(2)
    assert trainer.iteration == 4
    with pytest.raises(ValueError, match="dataset"):
        trainer.switch_remedies(config.replace(dataset="grid25"))


def test_twins_share_their_start():
    from explorer.toy.run import TwinRun

    config = preset_config("ring-collapse").replace(batch_size=32)
    twin = TwinRun(config, config.replace(minibatch_discrimination=True))
    left, right = twin.left.trainer, twin.right.trainer
    assert all(torch.equal(a, b) for a, b in zip(left.generator.parameters(), right.generator.parameters()))
    assert torch.equal(left._real_batch(), right._real_batch())
    assert torch.equal(left._noise_batch(), right._noise_batch())
    twin.advance(3)
    assert twin.iteration == 3 and twin.left.iteration == twin.right.iteration == 3


def test_remedy_names_parse_and_combine():
    chosen = parse_remedies(["minibatch-discrimination,pack4", "hinge"])
    config = apply_remedies(preset_config("ring-collapse"), chosen)
    assert config.minibatch_discrimination and config.pack == 4 and config.loss == "hinge"
    assert config.remedies() == ("minibatch-discrimination", "pack4")
    plain = without_remedies(config)
    assert plain.remedies() == () and plain.loss == "non-saturating"
    with pytest.raises(ConfigError, match="unknown remedy"):
        parse_remedies(["dropout"])
    with pytest.raises(ConfigError, match="one objective"):
        parse_remedies(["hinge", "wgan-gp"])
    with pytest.raises(ConfigError, match="2-D datasets"):
        ToyConfig(minibatch_stddev=True)
    with pytest.raises(ConfigError, match="1-D figure"):
        ToyConfig(loss="hinge")
