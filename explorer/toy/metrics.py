"""Measurements of a 1-D GAN on a fixed grid: densities, D*, the JS divergence and V(D, G).

Goodfellow et al. (2014), Proposition 1: for a fixed G the optimal discriminator is
D*(x) = p_data(x) / (p_data(x) + p_g(x)); Theorem 1: at D*, the value of the game is
C(G) = -log 4 + 2 JSD(p_data || p_g), minimal (-log 4) exactly when p_g = p_data.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import gaussian_filter1d

from .snapshots import Snapshot1D

LOG4 = math.log(4.0)


def uniform_grid(low: float, high: float, points: int) -> np.ndarray:
    """`points` evenly spaced values from `low` to `high`, both included."""
    return np.linspace(low, high, points)


def kde_bandwidth(samples: np.ndarray) -> float:
    """Silverman's rule of thumb, 0.9 min(std, IQR / 1.34) n^(-1/5) (Silverman 1986, eq. 3.31)."""
    samples = np.asarray(samples, dtype=np.float64).ravel()
    n = samples.size
    std = samples.std()
    q75, q25 = np.percentile(samples, [75, 25])
    spread = min(std, (q75 - q25) / 1.34) if q75 > q25 else std
    return float(0.9 * spread * n ** (-0.2))


def density_on_grid(samples: np.ndarray, grid: np.ndarray, bandwidth: float | None = None) -> tuple[np.ndarray, float]:
    """A smooth density estimate of 1-D samples on a uniform grid, and the mass off the grid.

    Gaussian kernel density estimation by linear binning and a discrete Gaussian convolution
    (Wand & Jones 1995, Appendix D): O(n + grid) instead of O(n * grid), exact to within the
    binning error, which is far below the grid spacing. The bandwidth defaults to Silverman's
    rule, never narrower than two grid cells, so that a collapsed generator still draws as a
    visible spike.

    Returns (density, mass_outside): density integrates to 1 - mass_outside over the grid.
    """
    samples = np.asarray(samples, dtype=np.float64).ravel()
    samples = samples[np.isfinite(samples)]
    n_total = samples.size
    dx = float(grid[1] - grid[0])
    if n_total == 0:
        return np.zeros_like(grid), 1.0
    if bandwidth is None:
        bandwidth = kde_bandwidth(samples)
    bandwidth = max(bandwidth, 2.0 * dx)
    # linear binning onto the grid nodes
    position = (samples - grid[0]) / dx
    inside = (position >= 0) & (position <= grid.size - 1)
    position = position[inside]
    left = np.minimum(np.floor(position).astype(np.int64), grid.size - 2)
    frac = position - left
    counts = np.bincount(left, weights=1.0 - frac, minlength=grid.size)
    counts += np.bincount(left + 1, weights=frac, minlength=grid.size)
    density = _gaussian_smooth(counts, bandwidth / dx) / (n_total * dx)
    mass_outside = max(0.0, 1.0 - float(density.sum() * dx))
    return density, mass_outside


def _gaussian_smooth(counts: np.ndarray, sigma: float) -> np.ndarray:
    """`counts` convolved with a Gaussian of standard deviation `sigma` cells, zero beyond the
    ends. The kernel is cut at 5 sigma, and also at the length of `counts`: counts on the grid
    cannot reach further than that on the grid, so the cut changes nothing, and the cost stays
    bounded however wide the samples spread (a diverging generator's bandwidth can be millions
    of cells). Unlike a kernel normalised over the cut window, each count keeps its true weight."""
    if sigma < 1.0:  # a kernel narrower than a cell: scipy's discrete Gaussian, normalised
        return gaussian_filter1d(counts, sigma=sigma, mode="constant", truncate=5.0)
    radius = int(min(math.ceil(5.0 * sigma), len(counts)))
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))
    return np.convolve(counts, kernel, mode="same") if radius < len(counts) else (
        np.convolve(counts, kernel, mode="full")[radius:radius + len(counts)])


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g) (Proposition 1); NaN where both densities vanish."""
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        d_star = np.where(total > floor, p_data / np.maximum(total, floor), np.nan)
    return d_star


def _kl_terms(p: np.ndarray, m: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(p > 0, p * np.log(p / m), 0.0)


def js_divergence(
    p: np.ndarray, q: np.ndarray, dx: float, p_outside: float = 0.0, q_outside: float = 0.0
) -> float:
    """Jensen-Shannon divergence in nats between two densities on a uniform grid.

    JSD(p || q) = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2; between 0 and log 2. Mass off
    the grid is treated as one extra cell for each density, so a generator that throws samples
    off the plotted range is not rewarded for it.
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, None)
    q = np.clip(np.asarray(q, dtype=np.float64), 0.0, None)
    m = 0.5 * (p + q)
    inside = 0.5 * float((_kl_terms(p, m) + _kl_terms(q, m)).sum() * dx)
    p_out, q_out = max(p_outside, 0.0), max(q_outside, 0.0)
    m_out = 0.5 * (p_out + q_out)
    outside = 0.0
    if p_out > 0:
        outside += 0.5 * p_out * math.log(p_out / m_out)
    if q_out > 0:
        outside += 0.5 * q_out * math.log(q_out / m_out)
    return float(min(max(inside + outside, 0.0), math.log(2.0)))


def value_function(
    p_data: np.ndarray, d_on_grid: np.ndarray, dx: float, d_on_fakes: np.ndarray
) -> float:
    """V(D, G) of eq. 1: the data term integrated exactly on the grid against p_data, the
    generator term averaged over the fixed evaluation samples G(z)."""
    eps = 1e-12
    data_term = float((p_data * np.log(np.clip(d_on_grid, eps, 1.0))).sum() * dx)
    data_term /= max(float(p_data.sum() * dx), eps)  # p_data's mass on the grid is ~1
    fake_term = float(np.mean(np.log(np.clip(1.0 - d_on_fakes, eps, 1.0))))
    return data_term + fake_term


def discriminator_deviation(grid: np.ndarray, d: np.ndarray, support: tuple[float, float]) -> float:
    """Mean of |D(x) - 1/2| over the grid points in the data's support (its central 99 %):
    0 at the equilibrium of Theorem 1, where D cannot tell data from fakes."""
    inside = (grid >= support[0]) & (grid <= support[1])
    return float(np.mean(np.abs(d[inside] - 0.5)))


def optimal_discriminator_gap(grid: np.ndarray, d: np.ndarray, d_star: np.ndarray,
                              support: tuple[float, float]) -> float:
    """Mean of |D(x) - D*(x)| over the grid points in the data's support: how far D is from the
    optimal discriminator for the current G (Goodfellow et al. 2014, Proposition 1)."""
    inside = (grid >= support[0]) & (grid <= support[1]) & np.isfinite(d_star)
    return float(np.mean(np.abs(d[inside] - d_star[inside])))


# The equilibrium criterion of the 1-D explorer (Theorem 1 reached, to measurement precision).
EQUILIBRIUM_JS = 0.01  # nats
EQUILIBRIUM_D_DEVIATION = 0.05


def is_equilibrium(snapshot: Snapshot1D) -> bool:
    """JSD(p_data || p_g) < 0.01 nats and mean |D(x) - 1/2| < 0.05 over the data's support."""
    return snapshot.js < EQUILIBRIUM_JS and snapshot.d_deviation < EQUILIBRIUM_D_DEVIATION
