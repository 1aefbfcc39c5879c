"""Measuring a 1-D run for Goodfellow et al. (2014), Figure 1: p_g on a fixed x grid, D(x), D*,
the z line mapped to the x line, and the JS divergence and V(D, G), as a `Snapshot1D`.

`Measurement1D` holds what is fixed for the whole run (the x grid, p_data on it, the z values
whose arrows are drawn), so that frames differ only by what training changed; the trainer knows
nothing of it.
"""

from __future__ import annotations

import numpy as np
import torch

from ..core.errors import TrainingDiverged
from . import metrics
from .config import NOISE_DRAW_RANGE
from .snapshots import Snapshot1D
from .trainer import ToyTrainer

# V(D, G)'s generator term, E_z log(1 - D(G(z))), is averaged over the first this many of the
# fixed evaluation samples (its standard error is then about 1e-3, far below what a reader can
# see; D through all 20,000 took 40 % of a live frame); p_g is estimated from all of them
VALUE_SAMPLES = 5000


class Measurement1D:
    """The fixed grid and arrows of a 1-D run; `snapshot(trainer)` measures a trainer on them."""

    def __init__(self, trainer: ToyTrainer) -> None:
        config = trainer.config
        dataset = trainer.dataset
        self.grid = metrics.uniform_grid(*dataset.plot_range, config.grid_points)
        self.p_data = dataset.pdf(self.grid)
        self.support = dataset.support()
        z_low, z_high = NOISE_DRAW_RANGE[config.noise]
        self.z_arrows = np.linspace(z_low, z_high, config.arrows)
        arrow_noise = torch.zeros(config.arrows, config.noise_dim)
        arrow_noise[:, 0] = torch.from_numpy(self.z_arrows).float()  # other noise coordinates at 0
        self.arrow_noise = arrow_noise

    def snapshot(self, trainer: ToyTrainer, phase: str = "") -> Snapshot1D:
        """The curves and measurements of `trainer` now, on the fixed evaluation noise;
        TrainingDiverged when G's samples are not finite."""
        fakes = trainer.generate(trainer.eval_noise)[:, 0].astype(np.float64)
        if not np.all(np.isfinite(fakes)):
            raise TrainingDiverged(
                f"training diverged: the generator produced NaN or infinite samples at iteration {trainer.iteration}; "
                "try smaller learning rates"
            )
        grid = self.grid
        dx = float(grid[1] - grid[0])
        p_g, mass_outside = metrics.density_on_grid(fakes, grid)
        d = trainer.discriminate(grid)
        d_on_fakes = trainer.discriminate(fakes[:VALUE_SAMPLES])
        last = trainer.last
        return Snapshot1D(
            iteration=trainer.iteration,
            x=grid,
            p_data=self.p_data,
            p_g=p_g,
            d=d,
            d_star=metrics.optimal_discriminator(self.p_data, p_g),
            z_arrows=self.z_arrows,
            x_arrows=trainer.generate(self.arrow_noise)[:, 0].astype(np.float64),
            z_range=NOISE_DRAW_RANGE[trainer.config.noise],
            noise=trainer.config.noise,
            support=self.support,
            js=metrics.js_divergence(self.p_data, p_g, dx, 0.0, mass_outside),
            value=metrics.value_function(self.p_data, d, dx, d_on_fakes),
            d_deviation=metrics.discriminator_deviation(grid, d, self.support),
            mass_outside=mass_outside,
            d_loss=last.d_loss,
            g_loss=last.g_loss,
            d_real=last.d_real,
            d_fake=last.d_fake,
            phase=phase,
        )
