"""The DCGAN of Radford, Metz and Chintala (2016), "Unsupervised Representation Learning with
Deep Convolutional Generative Adversarial Networks", sized for 28x28 digits.

Their architecture guidelines (section 3): strided convolutions in D and fractionally-strided
(transposed) convolutions in G instead of pooling; batch normalisation in both nets (not on G's
output layer nor on D's input layer); no fully connected hidden layers; ReLU in G with tanh at
the output; LeakyReLU (slope 0.2) in D. Initialisation (section 4): weights from N(0, 0.02);
BatchNorm scales from N(1, 0.02), as the reference code does.

With widths g_width = ngf and d_width = ndf, and the default depth 3 of both nets:

    G: z (noise_dim x 1 x 1) -> convT 3x3      -> (4 ngf) x 3 x 3,  BN, ReLU
                             -> convT 3x3 /2   -> (2 ngf) x 7 x 7,  BN, ReLU
                             -> convT 4x4 /2   -> ngf x 14 x 14,    BN, ReLU
                             -> convT 4x4 /2   -> 1 x 28 x 28,      tanh
    D: x (1 x 28 x 28)       -> conv 4x4 /2    -> ndf x 14 x 14,    LeakyReLU
                             -> conv 4x4 /2    -> (2 ndf) x 7 x 7,  BN, LeakyReLU
                             -> conv 3x3 /2    -> (4 ndf) x 4 x 4,  BN, LeakyReLU
                             -> flatten (4 ndf * 16) [-> minibatch discrimination] -> linear -> logit

Depth 2 drops the 3x3 layers: G maps z straight to the 7x7 maps with one 7x7 transposed
convolution, and D's linear head reads the 7x7 maps. Each unit of a depth-2 D sees a 10x10 patch,
so D judges strokes and can only add up its local verdicts linearly; the third convolution lets it
judge a digit's whole shape. On the 5,000 embedded digits that took the Inception Score after 20
epochs from 7.3 to 8.1 at the same cost per image (widths 48 instead of 64; README, tuning).

D's last layer, a linear map of the last feature maps, is the final convolution of the reference
code written as a matrix product, so that minibatch discrimination (Salimans et al. 2016,
section 3.2) can join its features before it.

The conditional GAN and InfoGAN (codes.py) feed G a longer input vector (z and the codes), and
give D a second head on the same features that reads the codes back: InfoGAN's Q (Chen et al.
2016, appendix C.1: a hidden layer of 128 with batch normalisation and LeakyReLU, then the
codes' outputs) or, with the same layers, AC-GAN's auxiliary classifier (Odena et al. 2017).
The conditional model can instead take the label inside D's score, by projection (Miyato and
Koyama 2018): logit = head(f) + embed(y) . f.
"""

from __future__ import annotations

import contextlib

import torch
from torch import nn

from ..core.minibatch import MinibatchDiscrimination
from .codes import CLASSES, code_head_outputs
from .config import DcganConfig


class DcganGenerator(nn.Module):
    """G of the DCGAN: z of `noise_dim` components to a 1 x 28 x 28 image in [-1, 1], through
    transposed convolutions of `width` (ngf) channel multiples; `depth` 3 or 2 (module docstring)."""

    def __init__(self, noise_dim: int, width: int, depth: int = 3, z_width: int | None = None,
                 noise_scale: float = 1.0) -> None:
        super().__init__()
        self.noise_dim = noise_dim   # the whole input vector's width (z and any codes)
        # G multiplies z (the first z_width components) by noise_scale before its first layer, so
        # that with a scale under 1 the codes that follow dominate its input (codes.py)
        self.z_width, self.noise_scale = (z_width if z_width is not None else noise_dim), noise_scale
        stem = [nn.ConvTranspose2d(noise_dim, 2 * width, 7, 1, 0, bias=False)]
        if depth == 3:
            stem = [nn.ConvTranspose2d(noise_dim, 4 * width, 3, 1, 0, bias=False),
                    nn.BatchNorm2d(4 * width), nn.ReLU(True),              # (4 ngf) x 3 x 3
                    nn.ConvTranspose2d(4 * width, 2 * width, 3, 2, 0, bias=False)]
        self.net = nn.Sequential(
            *stem,
            nn.BatchNorm2d(2 * width), nn.ReLU(True),                      # (2 ngf) x 7 x 7
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),
            nn.BatchNorm2d(width), nn.ReLU(True),                          # ngf x 14 x 14
            nn.ConvTranspose2d(width, 1, 4, 2, 1, bias=False),
            nn.Tanh(),                                                     # 1 x 28 x 28
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """G(z) for a batch of noise."""
        # z: (N, noise_dim) -> images: (N, 1, 28, 28) in [-1, 1]
        if self.noise_scale != 1.0:
            z = torch.cat([z[:, :self.z_width] * self.noise_scale, z[:, self.z_width:]], dim=1)
        return self.net(z[:, :, None, None])


class DcganDiscriminator(nn.Module):
    """D of the DCGAN: a 1 x 28 x 28 image to one logit, through strided convolutions of `width`
    (ndf) channel multiples, `depth` 3 or 2, with minibatch discrimination (Salimans et al. 2016)
    before the linear head when `minibatch_kernels` > 0 (module docstring)."""

    def __init__(self, width: int, minibatch_kernels: int = 0, minibatch_kernel_dim: int = 8,
                 minibatch_group: int = 0, depth: int = 3, code_outputs: int = 0,
                 projection_classes: int = 0) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, True),                                       # ndf x 14 x 14
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),
            nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2, True),            # (2 ndf) x 7 x 7
        )
        features = 2 * width * 49
        if depth == 3:
            self.body.extend([
                nn.Conv2d(2 * width, 4 * width, 3, 2, 1, bias=False),
                nn.BatchNorm2d(4 * width), nn.LeakyReLU(0.2, True),        # (4 ndf) x 4 x 4
            ])
            features = 4 * width * 16
        self.body.append(nn.Flatten())
        self.minibatch = (MinibatchDiscrimination(features, minibatch_kernels, minibatch_kernel_dim,
                                                  minibatch_group) if minibatch_kernels else None)
        self.head = nn.Linear(features + minibatch_kernels, 1)
        # the head that reads the codes back (InfoGAN's Q, AC-GAN's classifier), on D's body
        self.code_head = nn.Sequential(
            nn.Linear(features, 128, bias=False), nn.BatchNorm1d(128), nn.LeakyReLU(0.2, True),
            nn.Linear(128, code_outputs),
        ) if code_outputs else None
        self.projection = nn.Embedding(projection_classes, features) if projection_classes else None

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None,
                codes: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """D's logit for each image of a batch, (N,) (told each image's label, for a projection D);
        with `codes`, the pair (logits, the code head's outputs (N, code_outputs))."""
        # images: (N, 1, 28, 28)
        body = self.body(images)
        features = body
        if self.minibatch is not None:
            # the similarity features are computed in float32 even under autocast (exp(-L1));
            # the meta device (core.cost's estimates) has no autocast to turn off
            device = features.device.type
            with torch.autocast(device, enabled=False) if device != "meta" else contextlib.nullcontext():
                features = self.minibatch(features.float())
        logits = self.head(features)[:, 0]
        if self.projection is not None:
            if labels is None:
                raise ValueError("a projection discriminator needs each image's label")
            logits = logits + (self.projection(labels) * body).sum(dim=1)
        if not codes:
            return logits
        if self.code_head is None:
            raise ValueError("this discriminator has no code head")
        return logits, self.code_head(body)


def dcgan_init(module: nn.Module) -> None:
    """Radford et al. (2016), section 4: weights from N(0, 0.02); BatchNorm scale N(1, 0.02), shift 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def build_dcgan_generator(config: DcganConfig) -> DcganGenerator:
    """G as a DcganConfig describes it (untrained, uninitialised)."""
    layout = config.latent_layout()
    return DcganGenerator(layout.width, config.g_width, config.g_depth, layout.noise_dim, config.noise_scale)


def build_dcgan_discriminator(config: DcganConfig) -> DcganDiscriminator:
    """D as a DcganConfig describes it (untrained, uninitialised)."""
    projection = config.model == "conditional" and config.conditioning == "projection"
    return DcganDiscriminator(config.d_width, config.minibatch_kernels if config.minibatch_discrimination else 0,
                              config.minibatch_kernel_dim, config.minibatch_group, config.d_depth,
                              code_outputs=0 if projection else code_head_outputs(config.latent_layout()),
                              projection_classes=CLASSES if projection else 0)
