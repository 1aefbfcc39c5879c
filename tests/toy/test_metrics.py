import math

import numpy as np
import pytest
import torch
from scipy import stats

from explorer.toy import metrics
from explorer.toy.data1d import DATASETS

GRID = np.linspace(-6, 6, 1201)
DX = GRID[1] - GRID[0]


def test_kde_integrates_to_one_and_recovers_a_gaussian():
    samples = np.random.default_rng(0).normal(0.5, 0.8, 20000)
    density, outside = metrics.density_on_grid(samples, GRID)
    assert outside < 1e-3
    assert density.sum() * DX == pytest.approx(1.0, abs=1e-3)
    truth = stats.norm.pdf(GRID, 0.5, 0.8)
    assert metrics.js_divergence(truth, density, DX) < 2e-3


def test_kde_counts_mass_off_the_grid():
    samples = np.concatenate([np.zeros(500), np.full(500, 100.0)])
    density, outside = metrics.density_on_grid(samples, GRID, bandwidth=0.1)
    assert outside == pytest.approx(0.5, abs=1e-3)


def test_js_divergence_bounds():
    p = stats.norm.pdf(GRID, -3, 0.3)
    q = stats.norm.pdf(GRID, 3, 0.3)
    assert metrics.js_divergence(p, p, DX) == pytest.approx(0.0, abs=1e-12)
    assert metrics.js_divergence(p, q, DX) == pytest.approx(math.log(2), abs=1e-6)
    # all of q's mass off the grid: as disjoint as it gets
    assert metrics.js_divergence(p, np.zeros_like(p), DX, 0.0, 1.0) == pytest.approx(math.log(2), abs=1e-6)


def test_js_divergence_matches_scipy_for_overlapping_gaussians():
    p = stats.norm.pdf(GRID, 0, 1)
    q = stats.norm.pdf(GRID, 0.7, 1.3)
    from scipy.spatial.distance import jensenshannon

    expected = jensenshannon(p, q) ** 2  # scipy returns the distance, in nats by default
    assert metrics.js_divergence(p, q, DX) == pytest.approx(expected, rel=1e-3)


def test_optimal_discriminator_and_value_at_equilibrium():
    p = stats.norm.pdf(GRID, 0, 1)
    d_star = metrics.optimal_discriminator(p, p)
    inside = p > 1e-4
    assert np.allclose(d_star[inside], 0.5)
    # at p_g = p_data and D = 1/2 the game's value is -log 4 (Theorem 1)
    fakes_d = np.full(1000, 0.5)
    assert metrics.value_function(p, np.full_like(p, 0.5), DX, fakes_d) == pytest.approx(-math.log(4), abs=1e-6)
    assert np.isnan(metrics.optimal_discriminator(np.zeros(3), np.zeros(3))).all()


def test_discriminator_deviation_uses_the_support_only():
    d = np.where(np.abs(GRID) < 1, 0.5, 1.0)
    assert metrics.discriminator_deviation(GRID, d, (-0.9, 0.9)) == 0.0
    assert metrics.discriminator_deviation(GRID, d, (-2, 2)) > 0.2


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_datasets_sample_their_own_density(name):
    dataset = DATASETS[name]
    samples = dataset.sample(40000, torch.Generator().manual_seed(0)).numpy()[:, 0]
    grid = np.linspace(*dataset.plot_range, 801)
    density, outside = metrics.density_on_grid(samples, grid)
    assert outside < 0.01
    assert metrics.js_divergence(dataset.pdf(grid), density, grid[1] - grid[0]) < 0.01
    lo, hi = dataset.support()
    assert np.mean((samples >= lo) & (samples <= hi)) == pytest.approx(0.99, abs=0.005)


