"""The generator's input for each MNIST model, and the terms each model adds to the losses.

Every model's G takes one vector, the latent vector, laid out as

    [ z (noise_dim, N(0, I)) | one-hot code (10, or none) | continuous codes (2, or none) ]

- DCGAN (Radford et al. 2016): z alone.
- Conditional GAN (Mirza and Osindero 2014): z and the one-hot digit label y. D is told the
  label by projection (Miyato and Koyama 2018: D's score adds embed(y) . features(x), so it
  judges "is this a real y"), or through an auxiliary classifier on its features (AC-GAN, Odena
  et al. 2017: D learns to name the digit of real images, and G is rewarded when its image of
  digit y is named y). The config's `conditioning` chooses; projection is the default.
- InfoGAN (Chen et al. 2016): z, a categorical code c1 ~ Cat(K = 10, p = 0.1) and two
  continuous codes c2, c3 ~ U(-1, 1). Nothing tells the network what they mean: a head Q on
  D's features guesses the codes back from the image, and both G and Q maximise the
  variational lower bound on the mutual information (Chen et al. 2016, eq. 4-5)

      L_I(G, Q) = E_{c ~ P(c), x ~ G(z, c)} [log Q(c | x)] + H(c)  <=  I(c; G(z, c)),

  weighted by lambda. Q(c1 | x) is a softmax over the 10 codes; Q(c2, c3 | x) a factored
  Gaussian of unit variance around Q's mean (the fixed standard deviation of the authors'
  code), so log Q is -(c - mu)^2 / 2 - log(2 pi) / 2 per code. H(c) is log 10 for c1 and
  log 2 for each U(-1, 1) code.

The one-hot and continuous parts of the latent vector are where the app's digit buttons and
code sliders act.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch.nn import functional as F

MODELS = ("dcgan", "conditional", "infogan")
MODEL_NAMES = {"dcgan": "DCGAN", "conditional": "conditional GAN", "infogan": "InfoGAN"}
CLASSES = 10


@dataclass(frozen=True)
class LatentLayout:
    """Where z, the one-hot code and the continuous codes sit in G's input vector."""

    noise_dim: int
    categories: int = 0     # the one-hot code's width: 10 (a digit or InfoGAN's c1) or 0
    continuous: int = 0     # InfoGAN's continuous codes, U(-1, 1) each

    @property
    def width(self) -> int:
        """Components of G's input vector."""
        return self.noise_dim + self.categories + self.continuous

    def split(self, latent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(z, one-hot, continuous) views of latent vectors (N, width)."""
        z = latent[:, :self.noise_dim]
        onehot = latent[:, self.noise_dim:self.noise_dim + self.categories]
        return z, onehot, latent[:, self.noise_dim + self.categories:]

    def codes(self, latent: torch.Tensor) -> torch.Tensor:
        """The categorical code (or label) of each latent vector, int64 (N,); zeros without one."""
        _, onehot, _ = self.split(latent)
        if not self.categories:
            return torch.zeros(len(latent), dtype=torch.long, device=latent.device)
        return onehot.argmax(dim=1)

    def compose(self, z: torch.Tensor, codes: torch.Tensor | None = None,
                continuous: torch.Tensor | None = None) -> torch.Tensor:
        """Latent vectors from z (N, noise_dim), categorical codes (N,) and continuous codes
        (N, continuous); parts this layout has must be given, parts it lacks are ignored."""
        parts = [z]
        if self.categories:
            if codes is None:
                raise ValueError("this model's latent vector needs a categorical code for every sample")
            parts.append(F.one_hot(codes.long(), self.categories).to(z.dtype))
        if self.continuous:
            if continuous is None:
                raise ValueError("this model's latent vector needs its continuous codes")
            parts.append(continuous.to(z.dtype))
        return torch.cat(parts, dim=1)

    def sample(self, n: int, generator: torch.Generator, balanced: bool = False) -> torch.Tensor:
        """n latent vectors: z ~ N(0, I), codes ~ Cat(K, 1/K) (or in turn 0, 1, ..., K - 1 when
        `balanced`: exactly n/K of each), continuous codes ~ U(-1, 1)."""
        z = torch.randn(n, self.noise_dim, generator=generator)
        codes = continuous = None
        if self.categories:
            codes = (torch.arange(n) % self.categories if balanced
                     else torch.randint(self.categories, (n,), generator=generator))
        if self.continuous:
            continuous = torch.rand(n, self.continuous, generator=generator) * 2 - 1
        return self.compose(z, codes, continuous)


def latent_layout(model: str, noise_dim: int) -> LatentLayout:
    """The layout of G's input for `model` ('dcgan', 'conditional' or 'infogan')."""
    if model == "dcgan":
        return LatentLayout(noise_dim)
    if model == "conditional":
        return LatentLayout(noise_dim, CLASSES)
    if model == "infogan":
        return LatentLayout(noise_dim, CLASSES, 2)
    raise ValueError(f"model is one of {', '.join(MODELS)}; got {model!r}")


def code_head_outputs(layout: LatentLayout) -> int:
    """Outputs of the head on D's features that reads codes back: the categorical logits and
    one mean per continuous code (0: the model has no such head)."""
    return layout.categories + layout.continuous


def code_log_likelihoods(layout: LatentLayout, head: torch.Tensor,
                         latent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(categorical, continuous) parts of E[log Q(c | x)] over a batch, in nats: head (N,
    categories + continuous) are Q's outputs on the images G drew from `latent` (N, width). The
    categorical part is -cross-entropy; each continuous code a unit-variance Gaussian log density
    (module docstring). A part the layout lacks is 0."""
    _, _, continuous = layout.split(latent)
    categorical = gaussian = head.new_zeros(())
    if layout.categories:
        categorical = -F.cross_entropy(head[:, :layout.categories], layout.codes(latent))
    if layout.continuous:
        means = head[:, layout.categories:]
        gaussian = -(0.5 * (continuous - means) ** 2 + 0.5 * math.log(2 * math.pi)).sum(dim=1).mean()
    return categorical, gaussian


def code_log_likelihood(layout: LatentLayout, head: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """E[log Q(c | x)] over a batch, in nats: both parts of `code_log_likelihoods`."""
    categorical, gaussian = code_log_likelihoods(layout, head, latent)
    return categorical + gaussian


def code_entropy(layout: LatentLayout) -> float:
    """H(c) of the codes' prior, in nats: log K for the categorical code, log 2 for each U(-1, 1)."""
    return (math.log(layout.categories) if layout.categories else 0.0) + layout.continuous * math.log(2.0)


def mutual_information_bound(layout: LatentLayout, head: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
    """L_I(G, Q) = E[log Q(c | x)] + H(c), the lower bound on I(c; G(z, c)) of Chen et al. (2016,
    eq. 4-5), in nats, for one batch."""
    return code_log_likelihood(layout, head, latent) + code_entropy(layout)


def traversal(layout: LatentLayout, z: torch.Tensor, vary: int, values: list[float] | None = None,
              code: int | None = None, continuous: list[float] | None = None) -> torch.Tensor:
    """The latent vectors of a traversal grid as in Chen et al. (2016), Figure 2: rows are the
    values of one code, columns are samples (z[j], one per column). `vary` -1 varies the
    categorical code over its K values (one row each); 0, 1, ... vary that continuous code over
    `values` (default -2 to 2 in 9 steps, beyond the training range of -1 to 1). The codes not
    varied come from `code` (default: column j gets code j mod K) and `continuous` (default 0).
    Returns (rows * columns, width), row after row."""
    columns = len(z)
    base = (torch.arange(columns) % max(1, layout.categories) if code is None
            else torch.full((columns,), int(code)))
    rest = torch.tensor(continuous if continuous is not None else [0.0] * layout.continuous, dtype=z.dtype)
    rows = []
    if vary < 0:
        if not layout.categories:
            raise ValueError("this model has no categorical code to vary")
        for value in range(layout.categories):
            rows.append(layout.compose(z, torch.full((columns,), value), rest.expand(columns, -1)))
    else:
        if vary >= layout.continuous:
            raise ValueError(f"this model has {layout.continuous} continuous codes; cannot vary code {vary}")
        for value in (values if values is not None else torch.linspace(-2, 2, 9).tolist()):
            codes = rest.clone()
            codes[vary] = value
            rows.append(layout.compose(z, base, codes.expand(columns, -1)))
    return torch.cat(rows)
