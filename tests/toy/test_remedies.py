"""The remedies for mode collapse and the extra objectives, checked against their formulas."""


import pytest
import torch

from explorer.core.errors import ConfigError
from explorer.toy.config import ToyConfig
from explorer.toy.measure2d import Measurement2D
from explorer.toy.networks import ToyDiscriminator
from explorer.toy.presets import preset_config
from explorer.toy.remedies import apply_remedies, parse_remedies, without_remedies
from explorer.toy.trainer import ToyTrainer


def test_a_packed_discriminator_judges_m_samples_at_once():
    d = ToyDiscriminator(2, 2, 8, "relu", pack=3)
    assert d.body[0].in_features == 6
    assert d(torch.randn(30, 2)).shape == (10,)
    # drawing D(x) at points: each packed with the first two reference samples
    reference = torch.randn(12, 2)
    points = torch.randn(5, 2)
    expected = d(torch.cat([points[:, None], reference[:2][None].expand(5, 2, 2)], dim=1).reshape(-1, 2))
    assert torch.allclose(d.forward_against(points, reference), expected)


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
    assert torch.equal(left.real_batch(), right.real_batch())
    assert torch.equal(left.noise_batch(), right.noise_batch())
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
