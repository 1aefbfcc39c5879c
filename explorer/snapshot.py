"""A snapshot: the plain numbers that the 1-D figure is drawn from, the seam between training
and drawing. No tensors, no framework objects: a plot function needs nothing else."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Snapshot1D:
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
        return replace(self, label=label)

    def curves(self) -> dict[str, np.ndarray]:
        """The arrays written to curves.npz by the CLI."""
        return {"x": self.x, "p_data": self.p_data, "p_g": self.p_g, "d": self.d, "d_star": self.d_star}

    def measurements(self) -> dict[str, float]:
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
