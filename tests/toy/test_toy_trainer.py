"""Real training runs on small budgets, seeded, with measured outcomes."""

import numpy as np
import pytest
import torch

from explorer.core.errors import TrainingDiverged
from explorer.toy.config import ToyConfig
from explorer.toy.measure1d import Measurement1D
from explorer.toy.metrics import optimal_discriminator_gap
from explorer.toy.presets import preset_config
from explorer.toy.run import ToyRun
from explorer.toy.trainer import ToyTrainer

# a seeded configuration that blows up within a few iterations (SGD at learning rate 5)
WILD = ToyConfig(d_optimizer="sgd", g_optimizer="sgd", d_lr=5.0, g_lr=5.0, d_activation="relu", g_activation="relu",
                 r1_gamma=0.0, k_d_steps=1, noise_sampling="iid", lr_final_fraction=1.0, seed=0)


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def _same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_same_seed_same_run_and_other_seed_other_run():
    a, b, c = ToyTrainer(ToyConfig(seed=3)), ToyTrainer(ToyConfig(seed=3)), ToyTrainer(ToyConfig(seed=4))
    for t in (a, b, c):
        t.train(30)
    assert np.array_equal(a.final_samples(), b.final_samples())
    assert not np.array_equal(a.final_samples(), c.final_samples())


def test_d_step_moves_only_d_and_g_step_moves_only_g():
    trainer = ToyTrainer(ToyConfig())
    g_before, d_before = _params(trainer.generator), _params(trainer.discriminator)
    trainer.step_d()
    assert _same(g_before, _params(trainer.generator))
    assert not _same(d_before, _params(trainer.discriminator))
    assert trainer.iteration == 0 and trainer.d_updates == 1
    d_before = _params(trainer.discriminator)
    trainer.step_g()
    assert _same(d_before, _params(trainer.discriminator))
    assert not _same(g_before, _params(trainer.generator))
    assert trainer.iteration == 1


def test_k_discriminator_steps_per_iteration():
    trainer = ToyTrainer(ToyConfig(k_d_steps=4))
    trainer.train(5)
    assert trainer.iteration == 5 and trainer.d_updates == 20


def test_a_discriminator_trained_alone_approaches_the_optimal_one():
    """Proposition 1: with G fixed, D converges to D* = p_data / (p_data + p_g)."""
    trainer = ToyTrainer(ToyConfig(d_lr=3e-3, batch_size=512, r1_gamma=0.0, lr_final_fraction=1.0))
    trainer.generator.net[-1].bias.data.fill_(1.0)  # fakes overlap the data in part
    measurement = Measurement1D(trainer)
    start = measurement.snapshot(trainer)
    for _ in range(600):
        trainer.step_d()
    end = measurement.snapshot(trainer)
    def gap(s):
        inside = np.isfinite(s.d_star) & (s.p_data + s.p_g > 0.05)
        return np.mean(np.abs(s.d[inside] - s.d_star[inside]))
    assert gap(end) < 0.08 < gap(start)


def test_the_saturating_loss_stalls_where_the_non_saturating_one_learns():
    """Early on the minimax loss gives G almost no gradient (Goodfellow et al. 2014, sec. 3):
    on the 'saturating' preset G stalls for 300 iterations (JS above 0.5), and the same seed
    with the non-saturating loss reaches the data (JS below 0.1)."""
    js = {}
    for loss in ("minimax", "non-saturating"):
        run = ToyRun(preset_config("saturating").replace(loss=loss, seed=7, snapshot_every=1000))
        run.advance(300)
        js[loss] = run.current().js
    assert js["minimax"] > 0.5
    assert js["non-saturating"] < 0.1


def test_a_wild_learning_rate_raises_a_clear_error():
    trainer = ToyTrainer(WILD)
    with pytest.raises(TrainingDiverged, match="training diverged"):
        trainer.train(200)


def test_history_is_bounded_and_spans_the_run():
    run = ToyRun(ToyConfig(snapshot_every=1), max_snapshots=20)
    run.advance(100)
    assert len(run.history) <= 20
    assert run.history[0].iteration == 0 and run.history[-1].iteration == 100
    assert len(run.history.traces["iteration"]) == 101  # every measurement kept


def test_fork_is_independent():
    trainer = ToyTrainer(ToyConfig())
    trainer.train(10)
    fork = trainer.fork()
    before = _params(trainer.generator)
    assert _same(before, _params(fork.generator))
    fork.train(5)
    assert _same(before, _params(trainer.generator))
    assert trainer.iteration == 10 and fork.iteration == 15


@pytest.mark.parametrize("seed", [0, 1])
def test_the_figure_1_preset_converges_on_a_short_budget(seed):
    """The "Goodfellow Figure 1" preset, cut to 800 iterations (its learning-rate decay cut with
    it): from JS ~0.69 nats (disjoint) to near equilibrium, D(x) flat at 1/2, and the paper's
    panels (a)-(c) captured on the way. (bench/converge_fig1.py checks the full 3,000-iteration
    preset against JS < 0.01 and mean|D - 1/2| < 0.05 on five seeds.)"""
    run = ToyRun(preset_config("goodfellow-fig1").replace(seed=seed, steps=800))
    assert run.current().js > 0.6
    run.advance(800)
    final = run.current()
    assert final.js < 0.02
    assert final.d_deviation < 0.05
    assert abs(final.value - (-np.log(4))) < 0.01
    assert {"a", "b", "c"} <= set(run.panels.panels)  # (d) needs JS < 0.01: the full budget


@pytest.mark.parametrize("seed", [0, 3])
def test_panels_b_and_c_show_d_reaching_d_star_then_g_moving(seed):
    """Goodfellow et al. (2014), Figure 1 (b) and (c): the inner loop trains D to (near) D*
    against a fixed G, then one G update moves p_g; each panel says what changed. (Whether that
    one update brings JS down depends on the seed: a fixed, sharp D can send G past the data, as
    panels.py says; the phase reports the JS before and after.)"""
    run = ToyRun(preset_config("goodfellow-fig1").replace(seed=seed, snapshot_every=5))
    while "c" not in run.panels.panels:
        run.advance(5)
    panels = run.panels.panels
    support = run.measurement.support
    gap = {k: optimal_discriminator_gap(s.x, s.d, s.d_star, support) for k, s in panels.items()}
    assert gap["b"] < 0.05 < gap["a"], gap
    assert panels["b"].js == pytest.approx(panels["a"].js, abs=1e-9)   # D alone: p_g unchanged
    assert abs(panels["c"].js - panels["b"].js) > 1e-3                 # G moved
    assert f"JS {panels['b'].js:.3f} → {panels['c'].js:.3f} nats" in panels["c"].phase
    assert panels["a"].js > 0.1  # taken while p_g is visibly off p_data
    assert "mean|D−D*|" in panels["b"].phase and "JS" in panels["c"].phase
