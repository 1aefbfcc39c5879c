"""Two-dimensional toy data for the 2-D explorer.

The ring and the grid are the mixtures of Gaussians on which mode collapse is measured, defined
exactly as PacGAN (Lin, Khetan, Fanti and Oh, 2018, section 5.1) and VEEGAN (Srivastava et al.,
2017) define them:

- ring8: 8 Gaussians with equal weight, centres on the circle of radius 1 at angles 2 pi k / 8,
  standard deviation 0.01;
- grid25: 25 Gaussians with equal weight, centres {-4, -2, 0, 2, 4}^2, standard deviation 0.05.

Distributions without modes (two moons, a spiral, a checkerboard) and the user's own points
(drawn with the mouse or uploaded as CSV) are drawn and measured without the mode metrics.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
import torch

from ..core.errors import shown

# limits on a user's own data (an upload or a drawing)
MAX_UPLOAD_BYTES = 5_000_000
MAX_POINTS = 100_000
MIN_POINTS = 10


class DataError(ValueError):
    """The user's data cannot be used; the message says why, for the UI and the CLI."""


@dataclass(frozen=True)
class Distribution2D:
    """A 2-D distribution that samples with a seeded torch generator.

    `modes` (k x 2) and `mode_std` are set for mixtures of Gaussians: the mode metrics use them.
    `plot_range` is the square drawn: ((x_low, x_high), (y_low, y_high)).
    """

    name: str
    title: str
    plot_range: tuple[tuple[float, float], tuple[float, float]]
    modes: np.ndarray | None = None
    mode_std: float = 0.0

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples as a float32 tensor of shape (n, 2)."""
        raise NotImplementedError


@dataclass(frozen=True)
class GaussianMixture2D(Distribution2D):
    """Equal-weight isotropic Gaussians around `modes` with standard deviation `mode_std`."""

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples, shape (n, 2): a mode drawn uniformly, then isotropic Gaussian noise around it."""
        centres = torch.as_tensor(self.modes, dtype=torch.float32)
        which = torch.randint(len(centres), (n,), generator=generator)
        return centres[which] + self.mode_std * torch.randn(n, 2, generator=generator)


def ring_modes(count: int = 8, radius: float = 1.0) -> np.ndarray:
    """`count` centres on the circle of `radius` at angles 2 pi k / count, shape (count, 2); ring8 by default."""
    angles = 2 * np.pi * np.arange(count) / count
    return np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)


def grid_modes(side: int = 5, spacing: float = 2.0) -> np.ndarray:
    """side^2 centres on a square grid of `spacing` centred at the origin, shape (side^2, 2); by default
    grid25's {-4, -2, 0, 2, 4}^2."""
    coords = spacing * (np.arange(side) - (side - 1) / 2)
    xs, ys = np.meshgrid(coords, coords, indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


@dataclass(frozen=True)
class TwoMoons(Distribution2D):
    """Two interleaved half circles (as in scikit-learn's make_moons), with Gaussian noise."""

    noise: float = 0.05

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples, shape (n, 2): a point on either half circle, plus Gaussian noise."""
        t = math.pi * torch.rand(n, generator=generator)
        upper = torch.rand(n, generator=generator) < 0.5
        x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
        y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
        points = torch.stack([x - 0.5, y - 0.25], dim=1)
        return points + self.noise * torch.randn(n, 2, generator=generator)


@dataclass(frozen=True)
class Spiral(Distribution2D):
    """One arm of an Archimedean spiral, r proportional to the angle, with Gaussian noise."""

    turns: float = 1.75
    noise: float = 0.04

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples, shape (n, 2): points along the arm, plus Gaussian noise."""
        # uniform along the arc length (approximately): t ~ sqrt(U) for r proportional to t
        t = torch.sqrt(torch.rand(n, generator=generator)) * self.turns * 2 * math.pi
        r = t / (self.turns * 2 * math.pi) * 1.8
        points = torch.stack([r * torch.cos(t), r * torch.sin(t)], dim=1)
        return points + self.noise * torch.randn(n, 2, generator=generator)


@dataclass(frozen=True)
class Checkerboard(Distribution2D):
    """Uniform on the dark squares of a 4 x 4 checkerboard over [-2, 2]^2."""

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n samples, shape (n, 2): a dark square drawn uniformly, then a uniform point in it."""
        u = torch.rand(n, 2, generator=generator)
        cell = torch.randint(8, (n,), generator=generator)
        row = cell // 2
        col = 2 * (cell % 2) + (row % 2)  # dark squares: (row + col) even
        x = col.float() + u[:, 0] - 2.0
        y = row.float() + u[:, 1] - 2.0
        return torch.stack([x, y], dim=1)


@dataclass(frozen=True)
class PointCloud(Distribution2D):
    """The user's own points: training batches resample them with replacement."""

    points: np.ndarray | None = None

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n of the user's points drawn with replacement, shape (n, 2)."""
        data = torch.as_tensor(self.points, dtype=torch.float32)
        return data[torch.randint(len(data), (n,), generator=generator)]


DATASETS_2D: dict[str, Distribution2D] = {
    d.name: d
    for d in (
        GaussianMixture2D("ring8", "Ring of 8 Gaussians (std 0.01)", ((-1.5, 1.5), (-1.5, 1.5)),
                          modes=ring_modes(), mode_std=0.01),
        GaussianMixture2D("grid25", "Grid of 25 Gaussians (std 0.05)", ((-6.0, 6.0), (-6.0, 6.0)),
                          modes=grid_modes(), mode_std=0.05),
        TwoMoons("moons", "Two moons", ((-2.0, 2.0), (-2.0, 2.0))),
        Spiral("spiral", "Spiral", ((-2.2, 2.2), (-2.2, 2.2))),
        Checkerboard("checkerboard", "Checkerboard", ((-2.5, 2.5), (-2.5, 2.5))),
    )
}


def get_dataset_2d(name: str, data_path: str = "") -> Distribution2D:
    """The named 2-D dataset; 'custom' reads the user's points from the CSV at `data_path`."""
    if name == "custom":
        if not data_path:
            raise DataError("the 'custom' dataset needs points: upload a CSV or draw them")
        try:
            raw = open(data_path, "rb").read(MAX_UPLOAD_BYTES + 1)
        except OSError as err:
            raise DataError(f"cannot read the points file {data_path}: {err.strerror}") from None
        return custom_dataset(parse_points_csv(raw))
    return DATASETS_2D[name]


def custom_dataset(points: np.ndarray) -> PointCloud:
    """The user's points as a dataset, drawn over their bounding square with a margin."""
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    half = max(float((high - low).max()) / 2, 1e-3) * 1.25
    box = tuple((float(c - half), float(c + half)) for c in centre)
    return PointCloud("custom", "Your points", box, points=points)


def parse_points_csv(raw: bytes | str) -> np.ndarray:
    """Rows of x,y (a header row is allowed) as an (n, 2) float64 array, or a DataError that
    says what is wrong and where: not text, too big, a row without two numbers, too few points,
    NaN or infinite values, all points the same."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_UPLOAD_BYTES:
            raise DataError(f"the file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB; "
                            f"at most {MAX_POINTS:,} points are used")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("the file is not a text CSV (it is not UTF-8)") from None
    else:
        text = raw
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]  # a header such as "x,y"
    if len(rows) > MAX_POINTS:
        raise DataError(f"the file has {len(rows):,} rows; at most {MAX_POINTS:,} points are allowed")
    points = np.empty((len(rows), 2))
    for line, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row if cell.strip()]
        if len(cells) != 2 or not all(_is_number(cell) for cell in cells):
            raise DataError(f"row {line} should be two numbers x,y; got {shown(','.join(row))}")
        points[line - 1] = [float(cells[0]), float(cells[1])]
    if len(points) < MIN_POINTS:
        raise DataError(f"need at least {MIN_POINTS} points; got {len(points)}")
    if not np.all(np.isfinite(points)):
        raise DataError("the points must be finite numbers (no NaN or inf)")
    if np.ptp(points, axis=0).max() == 0:
        raise DataError("all the points are the same: there is nothing to learn")
    return points


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def points_to_csv(points: np.ndarray) -> str:
    """Points (n, 2) as CSV text with an x,y header row, as parse_points_csv reads it."""
    return "x,y\n" + "\n".join(f"{x:.6g},{y:.6g}" for x, y in points) + "\n"


# the drawing canvas spans this square of the plane
DRAWING_BOX = 2.0
MAX_DRAWN_POINTS = 4000


def points_from_drawing(image: np.ndarray | None, seed: int = 0) -> np.ndarray:
    """The points a user drew with the mouse: every painted pixel of the canvas (dark, and not
    transparent where there is an alpha channel; the canvas itself is white or transparent)
    becomes a point of the square [-DRAWING_BOX, DRAWING_BOX]^2, y upwards, jittered within its
    pixel; at most MAX_DRAWN_POINTS of them, drawn at random. A DataError when nothing was drawn."""
    if image is None or not hasattr(image, "ndim") or image.ndim < 2 or image.size == 0:
        raise DataError("nothing was drawn: draw some strokes on the canvas first")
    if image.ndim == 3:
        painted = image[:, :, :3].astype(float).mean(axis=2) < 200
        if image.shape[2] == 4:
            painted &= image[:, :, 3] > 0
    else:
        painted = image < 200
    rows, cols = np.nonzero(painted)
    if len(rows) < MIN_POINTS:
        raise DataError("nothing was drawn: pick the brush and draw some strokes on the canvas first")
    rng = np.random.default_rng(seed)
    if len(rows) > MAX_DRAWN_POINTS:
        keep = rng.choice(len(rows), MAX_DRAWN_POINTS, replace=False)
        rows, cols = rows[keep], cols[keep]
    height, width = painted.shape
    scale = 2 * DRAWING_BOX / max(height, width)
    x = (cols + rng.random(len(cols))) * scale - DRAWING_BOX
    y = DRAWING_BOX - (rows + rng.random(len(rows))) * scale
    return np.stack([x, y], axis=1)
