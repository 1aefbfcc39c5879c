"""Walking the latent space of a trained generator: interpolation and nearest real digits.

- Linear interpolation z(t) = (1 - t) z0 + t z1 passes near the origin, where Gaussian noise
  of many dimensions almost never lies (its norm concentrates near sqrt(d)): midpoints look
  washed out. Spherical interpolation (slerp, Shoemake 1985, recommended for GANs by White
  2016, "Sampling Generative Networks") follows the great circle between the two vectors and
  keeps the norm typical of p_z.
- The nearest training digit (Euclidean distance in pixel space) beside a sample shows
  whether G draws new digits or copies the ones it saw.
"""

from __future__ import annotations

import numpy as np
import torch


def seeded_noise(n: int, dim: int, seed: int) -> torch.Tensor:
    """n latent vectors z ~ N(0, I) of `dim` components from their own stream, fixed by `seed`
    (the same seed gives the same z in the sliders, the interpolation and the trainer)."""
    return torch.randn(n, dim, generator=torch.Generator().manual_seed(int(seed)))


def lerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """(T,) times -> (T, d) points on the segment from z0 to z1."""
    t = t[:, None]
    return (1 - t) * z0[None] + t * z1[None]


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """(T,) times -> (T, d) points on the great circle from z0 to z1 (White 2016, eq. 1):
    sin((1-t) omega)/sin(omega) z0 + sin(t omega)/sin(omega) z1, omega the angle between them;
    the linear path when they are (nearly) parallel."""
    cos = torch.dot(z0, z1) / (z0.norm() * z1.norm())
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    if omega.abs() < 1e-4:
        return lerp(z0, z1, t)
    t = t[:, None]
    return (torch.sin((1 - t) * omega) * z0[None] + torch.sin(t * omega) * z1[None]) / torch.sin(omega)


def interpolate(z0: torch.Tensor, z1: torch.Tensor, steps: int, mode: str) -> torch.Tensor:
    """`steps` points from z0 to z1, (steps, d): on the segment ('linear') or the great circle ('spherical')."""
    t = torch.linspace(0.0, 1.0, steps, dtype=z0.dtype)
    if mode == "linear":
        return lerp(z0, z1, t)
    if mode == "spherical":
        return slerp(z0, z1, t)
    raise ValueError(f"interpolation is 'linear' or 'spherical'; got {mode!r}")


def nearest_real(image: np.ndarray, real_images: np.ndarray) -> tuple[int, float]:
    """Index of the training digit closest to `image` (uint8 28 x 28) and the distance, as the
    root-mean-square pixel difference on a 0-1 scale (0 = identical)."""
    sample = image.astype(np.float32).reshape(1, -1) / 255.0
    real = real_images.reshape(len(real_images), -1).astype(np.float32) / 255.0
    # |a - b|^2 = |a|^2 - 2 a.b + |b|^2, one matrix product for all training digits
    squared = (real * real).sum(1) - 2 * real @ sample[0] + (sample * sample).sum()
    index = int(np.argmin(squared))
    return index, float(np.sqrt(max(0.0, squared[index]) / sample.size))
