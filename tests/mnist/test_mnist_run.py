"""The DCGAN run as the app's worker drives it: a measurement spread over short calls scores
exactly what one whole measurement would, and no call trains while it is under way."""

import numpy as np
import pytest
import torch

from explorer.mnist.config import DcganConfig
from explorer.mnist.run import SCORING_PART, MnistRun

TINY = DcganConfig(g_width=8, d_width=8, noise_dim=16, batch_size=32, epochs=2, live_eval_samples=450,
                   eval_samples=500, grid_samples=16, g_ema_decay=0.9)


def test_a_measurement_spread_over_calls_scores_g_as_it_was_when_it_began():
    torch.manual_seed(0)
    run = MnistRun(TINY)
    run.measure_every_seconds = 0.0  # score again as soon as the last is done
    assert run.advance_for(0.0) == 1 and run.scoring  # the first call trains, then begins to score
    began = run.iteration
    whole = run.meter.measure(run.trainer.generate(run.trainer.eval_noise))
    calls = 0
    while run.scoring:
        assert run.advance_for(0.0) == 0  # scoring, not training
        calls += 1
    assert calls == -(-TINY.live_eval_samples // SCORING_PART)  # a part per call, the last one short
    point = run.history.quality[-1]
    assert run.iteration == began and point["iteration"] == began
    for key in ("inception_score", "frechet_distance", "class_kl"):
        assert point[key] == pytest.approx(whole[key], rel=1e-6, abs=1e-9, nan_ok=True)  # KL: NaN, no digit yet
    assert point["class_histogram"] == whole["class_histogram"] and point["samples"] == TINY.live_eval_samples
    # training meanwhile does not change what is scored: begin again, train, then finish
    run.advance_for(0.0)
    assert run.scoring
    frozen_iteration = run.iteration
    expected = run.meter.measure(run.trainer.generate(run.trainer.eval_noise))
    run.advance_for(0.0)  # one part scored
    run.train(3)  # the live G moves on (the worker never does this mid-measurement; the copy holds)
    while run.scoring:
        run.advance_for(0.0)
    assert run.history.quality[-1]["iteration"] == frozen_iteration
    assert run.history.quality[-1]["frechet_distance"] == pytest.approx(expected["frechet_distance"], rel=1e-6)
    assert not np.isclose(run.meter.measure(run.trainer.generate(run.trainer.eval_noise))["frechet_distance"],
                          expected["frechet_distance"], rtol=1e-6)


def test_the_last_measurement_at_the_budget_is_made_whole():
    run = MnistRun(TINY.replace(epochs=1))
    run.measure_every_seconds = 1e9
    run.train(run.budget - 1)
    run.measure()
    assert run.advance_for(10.0) == 1 and run.finished and not run.scoring
    assert run.history.quality[-1]["iteration"] == run.budget


def test_the_sample_grid_is_kept_as_training_goes_thinned_evenly(monkeypatch):
    from explorer.mnist import run as run_module

    monkeypatch.setattr(run_module, "GRID_FRAMES", 3)
    run = MnistRun(TINY, measure=False)
    run.train(2)
    assert run.grids == []   # nothing recorded until asked for
    run.keep_grids()
    every = run.grid_every   # 8 for a run this long
    run.train(60)
    iterations = [it for it, _, _ in run.grids]
    # at most twice GRID_FRAMES kept, evenly spaced at the interval that doubled as they came
    assert 3 <= len(iterations) <= 6 and run.grid_every == 2 * every
    assert all(it % run.grid_every == 0 for it in iterations[1:]) and iterations == sorted(set(iterations))
    assert run.grids[-1][2].dtype == np.uint8 and run.grids[-1][2].ndim == 2
