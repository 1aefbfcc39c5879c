"""The 2-D snapshot: the plain numbers the 2-D figure and the mode panels are drawn from.

`Drawing2D` holds what is fixed for the whole run (real samples to draw, the heatmap grid, the
z grid that G warps, the noise of the drawn fakes) so that frames differ only by what training
changed; `Drawing2D.snapshot` measures the trainer on them and returns a `Snapshot2D`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import modes

# points along each warped z-grid line
WARP_POINTS_PER_LINE = 41
# generated samples that carry a gradient arrow
ARROW_SAMPLES = 120
# z range of the warped grid, as on the 1-D z line
Z_GRID_RANGE = {"uniform": (-1.0, 1.0), "gaussian": (-2.5, 2.5)}


@dataclass(frozen=True)
class Snapshot2D:
    iteration: int
    plot_range: tuple[tuple[float, float], tuple[float, float]]
    real: np.ndarray  # (n, 2) fixed real samples to draw
    fake: np.ndarray  # (n, 2) G on fixed noise
    heat_x: np.ndarray  # (h,) heatmap grid
    heat_y: np.ndarray  # (h,)
    heat: np.ndarray  # (h, h) D on the grid, heat[i, j] at (heat_x[j], heat_y[i])
    heat_is_probability: bool  # D(x) in [0, 1], or a raw score (least squares, hinge, WGAN)
    warp: np.ndarray  # (2, lines, points, 2): the z grid's lines of constant z1 and z2 through G
    arrow_from: np.ndarray  # (a, 2) generated samples
    arrow_push: np.ndarray  # (a, 2) -dLoss_G/dx at them: where D pushes the fakes
    # measurements on 2,500 samples
    binned_js: float
    mode_centres: np.ndarray | None = None  # (k, 2)
    mode_counts: np.ndarray | None = None  # (k,) high-quality samples per mode
    mode_nearest_counts: np.ndarray | None = None  # (k,) samples nearest to each mode, any distance
    low_quality: int = 0
    modes_covered: int = 0
    high_quality: float = float("nan")
    mode_kl: float = float("nan")
    d_loss: float = float("nan")
    g_loss: float = float("nan")
    d_real: float = float("nan")
    d_fake: float = float("nan")
    phase: str = ""
    label: str = ""

    @property
    def has_modes(self) -> bool:
        return self.mode_centres is not None

    def measurements(self) -> dict[str, float]:
        out = {
            "iteration": self.iteration,
            "binned_js": self.binned_js,
            "d_loss": self.d_loss,
            "g_loss": self.g_loss,
            "d_real": self.d_real,
            "d_fake": self.d_fake,
        }
        if self.has_modes:
            out.update(modes_covered=self.modes_covered, total_modes=len(self.mode_centres),
                       high_quality=self.high_quality, mode_kl=self.mode_kl)
        return out

    def curves(self) -> dict[str, np.ndarray]:
        """The arrays written to curves.npz by the CLI."""
        out = {"heat_x": self.heat_x, "heat_y": self.heat_y, "d_heatmap": self.heat, "fake": self.fake,
               "warp": self.warp}
        if self.has_modes:
            out["mode_counts"] = self.mode_counts
        return out


class Drawing2D:
    """The fixed inputs of a 2-D run's drawings and measurements; see the module docstring."""

    def __init__(self, trainer, eval_rng: torch.Generator):
        config = trainer.config
        self.trainer = trainer
        dataset = trainer.dataset
        self.plot_range = dataset.plot_range
        self.real = dataset.sample(config.drawn_samples, eval_rng).numpy().astype(np.float64)
        self.real_for_metrics = dataset.sample(modes.METRIC_SAMPLES, eval_rng).numpy().astype(np.float64)
        (x_low, x_high), (y_low, y_high) = self.plot_range
        self.heat_x = np.linspace(x_low, x_high, config.heatmap_points)
        self.heat_y = np.linspace(y_low, y_high, config.heatmap_points)
        grid_x, grid_y = np.meshgrid(self.heat_x, self.heat_y)  # (h, h) each, rows along y
        self.heat_points = torch.from_numpy(np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)).float()
        self.metric_noise = trainer.eval_noise[: modes.METRIC_SAMPLES]
        # a fixed batch of fakes against which batch-aware D's (packing, minibatch features) are
        # evaluated on the heatmap, and whose gradients are drawn as arrows
        self.reference_noise = trainer.eval_noise[-config.batch_size * config.pack:]
        self.warp_noise = self._warp_noise(config)

    @staticmethod
    def _warp_noise(config) -> torch.Tensor:
        """(2 * lines * points, noise_dim): lines of constant z1 then of constant z2 over the
        first two noise coordinates (the others at 0); for 1-D noise, the z line alone."""
        low, high = Z_GRID_RANGE[config.noise]
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

    def snapshot(self, phase: str = "") -> Snapshot2D:
        from .training import TrainingDiverged

        trainer = self.trainer
        config = trainer.config
        fakes = trainer.generate(self.metric_noise).astype(np.float64)
        if not np.all(np.isfinite(fakes)):
            raise TrainingDiverged(
                f"the generator produced NaN or infinite samples at iteration {trainer.iteration}; "
                "reset the run and lower the learning rates"
            )
        with torch.no_grad():
            reference = trainer.generator(self.reference_noise.to(trainer.device))
            heat = trainer.discriminator.forward_against(self.heat_points.to(trainer.device), reference)
            if trainer.score_is_probability:
                heat = torch.sigmoid(heat)
        arrow_from, arrow_push = self._generator_push(reference)
        warp = trainer.generate(self.warp_noise).astype(np.float64)
        h = len(self.heat_x)
        dataset = trainer.dataset
        out = dict(
            iteration=trainer.iteration,
            plot_range=self.plot_range,
            real=self.real,
            fake=fakes[: config.drawn_samples],
            heat_x=self.heat_x,
            heat_y=self.heat_y,
            heat=heat.cpu().numpy().astype(np.float64).reshape(h, h),
            heat_is_probability=trainer.score_is_probability,
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

    def _generator_push(self, reference: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """-d(G's loss)/dx at the reference fakes, the batch D judges them in: the direction in
        which each generated sample would move if it could follow G's loss directly."""
        trainer = self.trainer
        fakes = reference.clone().requires_grad_(True)
        loss = trainer.objective.g_loss(trainer.discriminator(fakes)) * len(fakes)
        (grad,) = torch.autograd.grad(loss, fakes)
        trainer.discriminator.zero_grad(set_to_none=True)
        count = min(ARROW_SAMPLES, len(fakes))
        return (fakes[:count].detach().cpu().numpy().astype(np.float64),
                -grad[:count].cpu().numpy().astype(np.float64))
