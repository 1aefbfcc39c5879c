"""One-dimensional data distributions with an exact density, for the 1-D explorer.

Each distribution knows its density p_data(x) in closed form (the black dotted line of
Goodfellow et al. 2014, Fig. 1), samples from it with a seeded torch generator, and names the
interval drawn on the x axis and the interval that holds 99 % of its mass (its "support" for the
D(x) = 1/2 criterion).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from scipy import stats


@dataclass(frozen=True)
class Distribution1D:
    """A 1-D distribution with an exact density, seeded sampling and named intervals."""

    name: str
    title: str
    plot_range: tuple[float, float]

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """The exact density p_data(x) at each x (the black dotted line of Goodfellow et al. 2014, Fig. 1)."""
        raise NotImplementedError

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples as a float32 tensor of shape (n, 1)."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """The central interval that holds 99 % of the mass."""
        raise NotImplementedError


@dataclass(frozen=True)
class Gaussian(Distribution1D):
    """The normal distribution N(mean, std^2)."""

    mean: float = 0.0
    std: float = 1.0

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """The normal density at each x."""
        return stats.norm.pdf(x, self.mean, self.std)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples mean + std * e, e ~ N(0, 1), shape (n, 1)."""
        return self.mean + self.std * torch.randn(n, 1, generator=generator)

    def support(self) -> tuple[float, float]:
        """The 0.5 % and 99.5 % quantiles."""
        lo, hi = stats.norm.ppf([0.005, 0.995], self.mean, self.std)
        return float(lo), float(hi)


@dataclass(frozen=True)
class GaussianMixture(Distribution1D):
    """Equal-weight mixture of Gaussians with a common standard deviation."""

    means: tuple[float, ...] = (-1.0, 1.0)
    std: float = 0.5

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """The mixture density at each x: the mean of the component densities."""
        return np.mean([stats.norm.pdf(x, m, self.std) for m in self.means], axis=0)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples, shape (n, 1): a component drawn uniformly, then a Gaussian sample from it."""
        means = torch.tensor(self.means, dtype=torch.float32)
        which = torch.randint(len(self.means), (n,), generator=generator)
        return (means[which] + self.std * torch.randn(n, generator=generator)).unsqueeze(1)

    def support(self) -> tuple[float, float]:
        """The 0.5 % and 99.5 % quantiles of the mixture, found by root finding on its CDF."""
        cdf = lambda t: np.mean([stats.norm.cdf(t, m, self.std) for m in self.means])  # noqa: E731
        from scipy.optimize import brentq

        lo = min(self.means) - 10 * self.std
        hi = max(self.means) + 10 * self.std
        return (
            float(brentq(lambda t: cdf(t) - 0.005, lo, hi)),
            float(brentq(lambda t: cdf(t) - 0.995, lo, hi)),
        )


@dataclass(frozen=True)
class Uniform(Distribution1D):
    """The uniform distribution on [low, high]."""

    low: float = 0.0
    high: float = 1.0

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """1 / (high - low) on [low, high], 0 elsewhere."""
        return stats.uniform.pdf(x, self.low, self.high - self.low)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n uniform samples on [low, high), shape (n, 1)."""
        return self.low + (self.high - self.low) * torch.rand(n, 1, generator=generator)

    def support(self) -> tuple[float, float]:
        """[low, high] less 0.5 % of its width at each end."""
        width = self.high - self.low
        return self.low + 0.005 * width, self.high - 0.005 * width


@dataclass(frozen=True)
class ShiftedLogNormal(Distribution1D):
    """x = shift + exp(mu + sigma * e), e ~ N(0, 1): skewed, with a long right tail."""

    shift: float = 0.0
    mu: float = 0.0
    sigma: float = 0.5

    def _frozen(self):
        return stats.lognorm(s=self.sigma, loc=self.shift, scale=math.exp(self.mu))

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """The shifted log-normal density at each x."""
        return self._frozen().pdf(x)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples shift + exp(mu + sigma * e), e ~ N(0, 1), shape (n, 1)."""
        e = torch.randn(n, 1, generator=generator)
        return self.shift + torch.exp(self.mu + self.sigma * e)

    def support(self) -> tuple[float, float]:
        """The 0.5 % and 99.5 % quantiles."""
        lo, hi = self._frozen().ppf([0.005, 0.995])
        return float(lo), float(hi)


DATASETS: dict[str, Distribution1D] = {
    d.name: d
    for d in (
        Gaussian("gaussian", "Gaussian N(1.5, 0.5²)", (-2.5, 4.0), mean=1.5, std=0.5),
        # far from where a freshly initialised G puts its samples (near 0): early in training D
        # rejects them with high confidence, the situation of Goodfellow et al. (2014), sec. 3
        Gaussian("gaussian-far", "Gaussian N(4, 0.5²), far from G's start", (-1.5, 6.0), mean=4.0, std=0.5),
        GaussianMixture(
            "bimodal", "Mixture of N(-1.25, 0.35²) and N(1.75, 0.35²)", (-3.0, 4.0),
            means=(-1.25, 1.75), std=0.35,
        ),
        Uniform("uniform", "Uniform on [0, 2.5]", (-2.0, 4.0), low=0.0, high=2.5),
        ShiftedLogNormal(
            "skewed", "Log-normal: -0.5 + exp(N(0, 0.5²))", (-2.5, 5.0),
            shift=-0.5, mu=0.0, sigma=0.5,
        ),
    )
}


def get_dataset(name: str) -> Distribution1D:
    """The named 1-D dataset (a key of DATASETS)."""
    return DATASETS[name]
