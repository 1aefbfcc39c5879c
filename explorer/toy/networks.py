"""Multilayer perceptrons for the toy generator and discriminator.

Goodfellow et al. (2014), section 3: G(z; theta_g) and D(x; theta_d) are both multilayer
perceptrons. Every size is an explicit argument; nothing is read from globals.
"""

from __future__ import annotations

import torch
from torch import nn

from ..core.minibatch import MinibatchDiscrimination, minibatch_stddev
from .config import ToyConfig

ACTIVATION_LAYERS = {
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "relu": nn.ReLU,
    "leaky-relu": lambda: nn.LeakyReLU(0.2),
}


class MLP(nn.Module):
    """in_dim -> [width] * hidden_layers -> out_dim, with one activation between layers."""

    def __init__(self, in_dim: int, out_dim: int, hidden_layers: int, width: int, activation: str):
        super().__init__()
        layers: list[nn.Module] = []
        last = in_dim
        for _ in range(hidden_layers):
            layers += [nn.Linear(last, width), ACTIVATION_LAYERS[activation]()]
            last = width
        layers.append(nn.Linear(last, out_dim))
        self.net = nn.Sequential(*layers)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """The network's output for a batch of inputs."""
        # inputs: (batch, in_dim) -> (batch, out_dim)
        return self.net(inputs)


class ToyGenerator(MLP):
    """x = G(z): maps noise of shape (batch, noise_dim) to samples of shape (batch, data_dim)."""

    def __init__(self, noise_dim: int, data_dim: int, hidden_layers: int, width: int, activation: str):
        super().__init__(noise_dim, data_dim, hidden_layers, width, activation)


class ToyDiscriminator(nn.Module):
    """Returns the raw output l(x): a logit, D(x) = sigmoid(l(x)), for the objectives of
    Goodfellow et al. (2014); a score for least squares, hinge and WGAN-GP.

    Working with logits keeps the losses numerically stable (log D = -softplus(-l)). The three
    batch-aware remedies for mode collapse are options, all off by default:

    - pack = m > 1: PacGAN (Lin et al. 2018, section 3): D judges m samples at once,
      concatenated into one input of m * data_dim; an output per pack, not per sample;
    - minibatch_stddev: `minibatch_stddev` before the last layer;
    - minibatch_kernels > 0: `MinibatchDiscrimination` before the last layer.
    """

    def __init__(self, data_dim: int, hidden_layers: int, width: int, activation: str, *, pack: int = 1,
                 minibatch_stddev: bool = False, minibatch_kernels: int = 0, minibatch_kernel_dim: int = 8,
                 minibatch_group: int = 64):
        super().__init__()
        self.data_dim, self.pack, self.use_stddev = data_dim, pack, minibatch_stddev
        layers: list[nn.Module] = []
        last = data_dim * pack
        for _ in range(hidden_layers):
            layers += [nn.Linear(last, width), ACTIVATION_LAYERS[activation]()]
            last = width
        self.body = nn.Sequential(*layers)
        last += int(minibatch_stddev)
        self.minibatch = (MinibatchDiscrimination(last, minibatch_kernels, minibatch_kernel_dim, minibatch_group)
                          if minibatch_kernels > 0 else None)
        head_in = last + (minibatch_kernels if self.minibatch is not None else 0)
        self.head = nn.Linear(head_in, 1)

    def packed(self, inputs: torch.Tensor) -> torch.Tensor:
        """The inputs regrouped into packs of `pack` samples, one row each (PacGAN, Lin et al. 2018, section 3)."""
        # inputs: (N * pack, data_dim) -> (N, pack * data_dim): consecutive samples form a pack
        return inputs.reshape(-1, self.pack * self.data_dim)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """The raw output l(x) for each pack: a logit or a score, depending on the objective."""
        # inputs: (N * pack, data_dim) -> outputs (N,)
        features = self.body(self.packed(inputs))  # (N, width)
        if self.use_stddev:
            features = minibatch_stddev(features)  # (N, width + 1)
        if self.minibatch is not None:
            features = self.minibatch(features)  # (N, width [+ 1] + B)
        return self.head(features).squeeze(-1)

    @property
    def judges_batches(self) -> bool:
        """True when D's verdict on a sample depends on the others in its batch (packing,
        minibatch standard deviation, minibatch discrimination)."""
        return self.pack > 1 or self.use_stddev or self.minibatch is not None

    def forward_against(self, points: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        """D's output at each of `points` (P, data_dim) as if it were a sample in the batch
        `reference` (R * pack, data_dim): each point is packed with the first pack - 1 reference
        samples, and the batch statistics come from the reference.
        Without remedies this is simply forward(points). Returns (P,)."""
        if self.pack > 1:
            partners = reference[: self.pack - 1].reshape(1, -1).expand(len(points), -1)
            points = torch.cat([points, partners], dim=1)  # (P, pack * data_dim)
        features = self.body(points.reshape(-1, self.pack * self.data_dim))
        if self.use_stddev or self.minibatch is not None:
            ref = self.body(self.packed(reference))
            if self.use_stddev:
                features, ref = minibatch_stddev(features, ref), minibatch_stddev(ref)
            if self.minibatch is not None:
                group = self.minibatch.group_size or len(ref)
                features = self.minibatch.forward_against(features, ref[: max(group - 1, 1)])
        return self.head(features).squeeze(-1)


def build_toy_generator(config: ToyConfig) -> ToyGenerator:
    """G as the config asks (initialised from the current torch seed)."""
    return ToyGenerator(config.noise_dim, config.data_dim, config.g_layers, config.g_width, config.g_activation)


def build_toy_discriminator(config: ToyConfig) -> ToyDiscriminator:
    """D as the config asks, remedies included (initialised from the current torch seed)."""
    return ToyDiscriminator(
        config.data_dim, config.d_layers, config.d_width, config.d_activation,
        pack=config.pack,
        minibatch_stddev=config.minibatch_stddev,
        minibatch_kernels=config.minibatch_kernels if config.minibatch_discrimination else 0,
        minibatch_kernel_dim=config.minibatch_kernel_dim,
        minibatch_group=config.minibatch_group,
    )
