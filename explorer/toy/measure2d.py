"""Measuring a 2-D run for its figure: D on a heatmap grid, G's warped z grid, the gradient
arrows, and the mode-collapse measurements (`modes`), as a `Snapshot2D`.

`Measurement2D` holds what is fixed for the whole run (real samples to draw, the heatmap grid,
the z grid that G warps, the noise of the drawn fakes) so that frames differ only by what
training changed; `Measurement2D.snapshot(trainer)` measures the trainer on them. The trainer
knows nothing of it.
"""

from __future__ import annotations

import numpy as np
import torch

from ..core.errors import TrainingDiverged
from . import modes
from .config import NOISE_DRAW_RANGE, ToyConfig
from .snapshots import Snapshot2D
from .trainer import ToyTrainer

# points along each warped z-grid line
WARP_POINTS_PER_LINE = 41
# generated samples that carry a gradient arrow
ARROW_SAMPLES = 120


class Measurement2D:
    """The fixed inputs of a 2-D run's drawings and measurements; see the module docstring."""

    def __init__(self, trainer: ToyTrainer) -> None:
        config = trainer.config
        dataset = trainer.dataset
        # the trainer's evaluation stream, after its fixed noise; copied, so that measuring
        # never moves it and two measurements of one trainer are the same
        eval_rng = torch.Generator()
        eval_rng.set_state(trainer.eval_rng.get_state())
        self.plot_range = dataset.plot_range
        self.real = dataset.sample(config.drawn_samples, eval_rng).numpy().astype(np.float64)
        self.real_for_metrics = dataset.sample(modes.METRIC_SAMPLES, eval_rng).numpy().astype(np.float64)
        (x_low, x_high), (y_low, y_high) = self.plot_range
        self.heat_x = np.linspace(x_low, x_high, config.heatmap_points)
        self.heat_y = np.linspace(y_low, y_high, config.heatmap_points)
        grid_x, grid_y = np.meshgrid(self.heat_x, self.heat_y)  # (h, h) each, rows along y
        self.heat_points = torch.from_numpy(np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)).float()
        self.metric_noise = trainer.eval_noise[: modes.METRIC_SAMPLES]
        # a fixed batch of real samples among which a batch-aware D is evaluated on the heatmap
        self.reference_real = dataset.sample(config.batch_size * config.pack, eval_rng).float()
        # a fixed batch of fakes, whose gradients (in their own batch, as G feels them) are drawn
        # as arrows
        self.reference_noise = trainer.eval_noise[-config.batch_size * config.pack:]
        self.warp_noise = self._warp_noise(config)

    @staticmethod
    def _warp_noise(config: ToyConfig) -> torch.Tensor:
        """(2 * lines * points, noise_dim): lines of constant z1 then of constant z2 over the
        first two noise coordinates (the others at 0); for 1-D noise, the z line alone."""
        low, high = NOISE_DRAW_RANGE[config.noise]
        levels = torch.linspace(low, high, config.warp_lines)
        along = torch.linspace(low, high, WARP_POINTS_PER_LINE)
        noise = torch.zeros(2, config.warp_lines, WARP_POINTS_PER_LINE, config.noise_dim)
        if config.noise_dim == 1:
            noise[:, :, :, 0] = along  # every "line" is the z line itself
            return noise.reshape(-1, config.noise_dim)
        noise[0, :, :, 0] = levels[:, None]
        noise[0, :, :, 1] = along[None, :]
        noise[1, :, :, 0] = along[None, :]
        noise[1, :, :, 1] = levels[:, None]
        return noise.reshape(-1, config.noise_dim)

    def snapshot(self, trainer: ToyTrainer, phase: str = "", discriminator: bool = True) -> Snapshot2D:
        """D, G and the mode measurements of `trainer` now, on the fixed inputs;
        TrainingDiverged when G's samples are not finite. With `discriminator` False, D's
        heatmap and G's gradient arrows (the costly part: D through the whole grid, and batch
        statistics when a remedy uses them) are those of the last snapshot that measured them,
        and `heat_iteration` says which; the samples, the warped grid and the metrics are new."""
        config = trainer.config
        previous = getattr(self, "_discriminator_view", None)
        if discriminator or previous is None:
            previous = self._discriminator_view = self._measure_discriminator(trainer)
        heat, heat_iteration, heat_among_real, arrow_from, arrow_push = previous
        fakes = trainer.generate(self.metric_noise).astype(np.float64)
        if not np.all(np.isfinite(fakes)):
            raise TrainingDiverged(
                f"training diverged: the generator produced NaN or infinite samples at iteration {trainer.iteration}; "
                "try smaller learning rates"
            )
        warp = trainer.generate(self.warp_noise).astype(np.float64)
        dataset = trainer.dataset
        out = dict(
            iteration=trainer.iteration,
            plot_range=self.plot_range,
            real=self.real,
            fake=fakes[: config.drawn_samples],
            heat_x=self.heat_x,
            heat_y=self.heat_y,
            heat=heat,
            heat_iteration=heat_iteration,
            heat_is_probability=trainer.score_is_probability,
            heat_among_real=heat_among_real,
            warp=warp.reshape(2, config.warp_lines, WARP_POINTS_PER_LINE, 2),
            arrow_from=arrow_from,
            arrow_push=arrow_push,
            binned_js=modes.binned_js(self.real_for_metrics, fakes, self.plot_range),
            d_loss=trainer.last.d_loss,
            g_loss=trainer.last.g_loss,
            d_real=trainer.last.d_real,
            d_fake=trainer.last.d_fake,
            phase=phase,
        )
        if dataset.modes is not None:
            measured = modes.mode_metrics(fakes, dataset.modes, dataset.mode_std)
            out.update(mode_centres=dataset.modes, mode_counts=measured.counts,
                       mode_nearest_counts=measured.nearest_counts, low_quality=measured.low_quality,
                       modes_covered=measured.modes_covered, high_quality=measured.high_quality,
                       mode_kl=measured.mode_kl)
        return Snapshot2D(**out)

    def _measure_discriminator(self, trainer: ToyTrainer) -> tuple[np.ndarray, int, bool, np.ndarray, np.ndarray]:
        """(D on the heatmap grid (h, h), the iteration, whether the grid's points were placed
        among real samples, arrow starts, G's push there). A D that judges batches (packing,
        minibatch features) says of a point what it says of the batch around it: placed among
        G's samples, a point on a real mode reads "fake" when those samples have collapsed, which
        a student reads as "D says the modes are fake". So the heatmap places each point among a
        fixed batch of real samples: where D would accept a sample, with the data around it.
        The arrows stay those of G's own batch, the push G feels."""
        discriminator = trainer.discriminator
        with torch.no_grad():
            reference = trainer.generator(self.reference_noise.to(trainer.device))
            context = self.reference_real.to(trainer.device) if discriminator.judges_batches else reference
            heat = discriminator.forward_against(self.heat_points.to(trainer.device), context)
            if trainer.score_is_probability:
                heat = torch.sigmoid(heat)
        arrow_from, arrow_push = self._generator_push(trainer, reference)
        h = len(self.heat_x)
        return (heat.cpu().numpy().astype(np.float64).reshape(h, h), trainer.iteration, discriminator.judges_batches,
                arrow_from, arrow_push)

    @staticmethod
    def _generator_push(trainer: ToyTrainer, reference: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """-d(G's loss)/dx at the reference fakes, the batch D judges them in: the direction in
        which each generated sample would move if it could follow G's loss directly."""
        fakes = reference.clone().requires_grad_(True)
        loss = trainer.objective.g_loss(trainer.discriminator(fakes)) * len(fakes)
        (grad,) = torch.autograd.grad(loss, fakes)
        trainer.discriminator.zero_grad(set_to_none=True)
        count = min(ARROW_SAMPLES, len(fakes))
        return (fakes[:count].detach().cpu().numpy().astype(np.float64),
                -grad[:count].cpu().numpy().astype(np.float64))
