"""Snapshots: the plain numbers that the 1-D and 2-D figures are drawn from, the seam between
training and drawing. No tensors, no framework objects: a plot function needs nothing else.
`measure1d` and `measure2d` make them from a trainer."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Snapshot1D:
    """What one frame of the 1-D figure (Goodfellow et al. 2014, Fig. 1) is drawn from, with its measurements."""

    iteration: int
    # the x grid and the curves of Goodfellow et al. (2014), Fig. 1, on it
    x: np.ndarray
    p_data: np.ndarray  # exact density of the data (black, dotted)
    p_g: np.ndarray  # kernel density estimate of G(z) from fixed noise (green, solid)
    d: np.ndarray  # discriminator output D(x) (blue, dashed)
    d_star: np.ndarray  # optimal discriminator p_data / (p_data + p_g); NaN off both supports
    # the mapping x = G(z) drawn as arrows from the z line to the x line
    z_arrows: np.ndarray
    x_arrows: np.ndarray
    z_range: tuple[float, float]
    noise: str
    support: tuple[float, float]
    # measurements
    js: float  # JSD(p_data || p_g), nats
    value: float  # V(D, G), eq. 1; -log 4 at the optimum
    d_deviation: float  # mean |D(x) - 1/2| over the data's support
    mass_outside: float  # generator mass off the plotted x range
    # the last training step
    d_loss: float = float("nan")
    g_loss: float = float("nan")
    d_real: float = float("nan")  # mean D(x) on the last real batch
    d_fake: float = float("nan")  # mean D(G(z)) on the last fake batch
    phase: str = ""  # what just happened, e.g. "after 3 D steps"
    label: str = ""  # e.g. "(b) after the inner D loop" for the paper's panels

    def with_label(self, label: str) -> "Snapshot1D":
        """A copy of the snapshot with `label`."""
        return replace(self, label=label)

    def curves(self) -> dict[str, np.ndarray]:
        """The arrays written to curves.npz by the CLI."""
        return {"x": self.x, "p_data": self.p_data, "p_g": self.p_g, "d": self.d, "d_star": self.d_star}

    def measurements(self) -> dict[str, float]:
        """The snapshot's scalar measurements by name (the keys of RunHistory.traces)."""
        return {
            "iteration": self.iteration,
            "js_divergence": self.js,
            "value_function": self.value,
            "d_deviation": self.d_deviation,
            "mass_outside": self.mass_outside,
            "d_loss": self.d_loss,
            "g_loss": self.g_loss,
            "d_real": self.d_real,
            "d_fake": self.d_fake,
        }


@dataclass(frozen=True)
class Snapshot2D:
    """What one frame of the 2-D figure is drawn from: samples, D's heatmap, the warped z grid,
    the push arrows, and the measurements (with the mode metrics when the data has modes)."""

    iteration: int
    plot_range: tuple[tuple[float, float], tuple[float, float]]
    real: np.ndarray  # (n, 2) fixed real samples to draw
    fake: np.ndarray  # (n, 2) G on fixed noise
    heat_x: np.ndarray  # (h,) heatmap grid
    heat_y: np.ndarray  # (h,)
    heat: np.ndarray  # (h, h) D on the grid, heat[i, j] at (heat_x[j], heat_y[i])
    heat_is_probability: bool  # D(x) in [0, 1], or a raw score (least squares, hinge, WGAN)
    heat_iteration: int  # the iteration D's heatmap and the arrows were measured at (<= iteration)
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
    # True when D judges batches and the heatmap placed each grid point among real samples
    heat_among_real: bool = False

    @property
    def has_modes(self) -> bool:
        """True when the data is a mixture of Gaussians, measured with the mode metrics."""
        return self.mode_centres is not None

    def measurements(self) -> dict[str, float]:
        """The snapshot's scalar measurements by name, the mode metrics included when there are modes."""
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
