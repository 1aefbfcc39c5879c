"""Differentiable augmentation for the discriminator (Zhao et al. 2020, "Differentiable
Augmentation for Data-Efficient GAN Training").

With few training images D memorises them: its output on the training digits drifts away from
its output on unseen real digits, and its gradients stop telling G anything general. DiffAugment
applies the same kind of random transformation to every image D sees, real and fake, in D's
update and in G's, so D cannot tell the two apart by the augmentation, and gradients flow
through the transformation back to G. Here: random translation by up to `shift` pixels in each
direction, the vacated border filled with the background (-1), as in their `translation`
policy (they shift by up to 1/8 of the image size).
"""

from __future__ import annotations

import torch


def translate(images: torch.Tensor, shift: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Shift each image of (N, C, H, W) by its own random (dy, dx) in [-shift, shift]^2; the
    result is differentiable in `images` (a gather from a padded copy)."""
    if shift <= 0:
        return images
    n, _, h, w = images.shape
    offsets = torch.randint(-shift, shift + 1, (n, 2), generator=generator).to(images.device)
    padded = torch.nn.functional.pad(images, (shift, shift, shift, shift), value=-1.0)
    rows = (torch.arange(h, device=images.device)[None, :] + shift - offsets[:, :1])   # (N, H)
    cols = (torch.arange(w, device=images.device)[None, :] + shift - offsets[:, 1:])   # (N, W)
    batch = torch.arange(n, device=images.device)[:, None, None]
    # (N, H, W, C) -> (N, C, H, W)
    return padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
