"""Multilayer perceptrons for the toy generator and discriminator.

Goodfellow et al. (2014), section 3: G(z; theta_g) and D(x; theta_d) are both multilayer
perceptrons. Every size is an explicit argument; nothing is read from globals.
"""

from __future__ import annotations

import torch
from torch import nn

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
        # inputs: (batch, in_dim) -> (batch, out_dim)
        return self.net(inputs)


class Generator(MLP):
    """x = G(z): maps noise of shape (batch, noise_dim) to samples of shape (batch, data_dim)."""

    def __init__(self, noise_dim: int, data_dim: int, hidden_layers: int, width: int, activation: str):
        super().__init__(noise_dim, data_dim, hidden_layers, width, activation)


class MinibatchDiscrimination(nn.Module):
    """Salimans et al. (2016), "Improved Techniques for Training GANs", section 3.2.

    The features f(x_i) in R^A of each sample are multiplied by a learned tensor T in
    R^{A x B x C}, giving B rows M_{i,b} in R^C. For every pair of samples in the same minibatch,
    c_b(x_i, x_j) = exp(-||M_{i,b} - M_{j,b}||_1), and o(x_i)_b = sum_{j != i} c_b(x_i, x_j).
    The B values o(x_i) are concatenated to f(x_i): D sees how close each sample is to the
    others in its batch, so a generator that puts many samples in one place is easy to tell
    from the data. Real and fake batches are passed separately, so each is compared with itself.

    How it is made fast. Done directly, the pairwise differences form an N x N x B x C tensor:
    with N = 256, B = 16, C = 8 that is 8.4 million entries, written, read and kept for the
    backward pass, three times per iteration (real and fake in a D step, fake in a G step). Two
    changes (bench/bench_minibatch.py times a training iteration of each form in one run:
    direct ~520 ms, cdist ~97 ms, both ~32 ms, plain D ~9 ms):

    1. The L1 distances are computed by `torch.cdist(p=1)` on a (B, N, C) view, one fused kernel
       that never materialises the N x N x B x C differences, forward or backward.
    2. The batch is compared in groups of `group_size` samples (a minibatch of N is split into
       N / group_size minibatches for this layer, as the paper's "minibatch" is whatever set D
       compares). The work is O(N * group_size * B * C) instead of O(N^2 B C). group_size = 0
       compares the whole batch. Each sample still sees group_size - 1 others from its own
       batch, plenty to tell a batch piled on one mode from a spread-out one.

    cdist has no second derivative, so updates that differentiate D's gradient (R1, WGAN-GP,
    unrolling) switch the layer to the direct form (`twice_differentiable`), within groups.
    """

    def __init__(self, in_features: int, kernels: int, kernel_dim: int, group_size: int = 64):
        super().__init__()
        self.kernels, self.kernel_dim, self.group_size = kernels, kernel_dim, group_size
        # set by the trainer when it differentiates D's gradients (see _similarity)
        self.twice_differentiable = False
        # T of A x B x C, stored as A x (B * C) for one matrix product; Salimans et al.'s code
        # draws it from N(0, 0.05^2)
        self.T = nn.Parameter(torch.randn(in_features, kernels * kernel_dim) * 0.05)

    def kernel_rows(self, features: torch.Tensor) -> torch.Tensor:
        # features: (N, A) -> M: (N, B, C)
        return (features @ self.T).view(-1, self.kernels, self.kernel_dim)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        # features: (N, A) -> (N, A + B)
        rows = self.kernel_rows(features)
        n = len(rows)
        group = self.group_size if 0 < self.group_size < n else n
        parts = []
        for start in range(0, n, group):
            parts.append(self._similarity(rows[start:start + group], rows[start:start + group], self_pairs=True))
        return torch.cat([features, torch.cat(parts)], dim=1)

    def forward_against(self, features: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        """o(x) for samples `features` (P, A) that each join the batch `reference` (R, A), for
        drawing D(x) at any x: (P, A + B)."""
        return torch.cat([features, self._similarity(self.kernel_rows(features),
                                                     self.kernel_rows(reference), self_pairs=False)], dim=1)

    def _similarity(self, rows: torch.Tensor, others: torch.Tensor, self_pairs: bool) -> torch.Tensor:
        # rows: (P, B, C), others: (R, B, C) -> o: (P, B)
        if self.twice_differentiable:
            # cdist has no second derivative: penalties on D's input gradient (R1, WGAN-GP) and
            # unrolling differentiate D's gradient, so they take the direct (slower) form
            distances = (rows.transpose(0, 1)[:, :, None] - others.transpose(0, 1)[:, None]).abs().sum(-1)
        else:
            distances = torch.cdist(rows.transpose(0, 1), others.transpose(0, 1), p=1)  # (B, P, R)
        o = torch.exp(-distances).sum(dim=2).transpose(0, 1)  # (P, B)
        # c_b(x_i, x_i) = exp(0) = 1: the self-distance is excluded by taking it off again
        return o - 1.0 if self_pairs else o


def minibatch_stddev(features: torch.Tensor, reference: torch.Tensor | None = None) -> torch.Tensor:
    """Karras et al. (2018), "Progressive Growing of GANs", section 3: the standard deviation of
    each feature over the minibatch, averaged over features into one number, appended to every
    sample's features. A collapsed generator's batch has a small spread that D can see.
    features: (N, A) -> (N, A + 1); the statistic comes from `reference` when given."""
    source = features if reference is None else reference
    spread = source.std(dim=0, unbiased=False).mean()
    return torch.cat([features, spread.expand(len(features), 1)], dim=1)


class Discriminator(nn.Module):
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
        # inputs: (N * pack, data_dim) -> (N, pack * data_dim): consecutive samples form a pack
        return inputs.reshape(-1, self.pack * self.data_dim)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        # inputs: (N * pack, data_dim) -> outputs (N,)
        features = self.body(self.packed(inputs))  # (N, width)
        if self.use_stddev:
            features = minibatch_stddev(features)  # (N, width + 1)
        if self.minibatch is not None:
            features = self.minibatch(features)  # (N, width [+ 1] + B)
        return self.head(features).squeeze(-1)

    def forward_against(self, points: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        """D's output at each of `points` (P, data_dim) as if it were a fake sample in the batch
        `reference` (R * pack, data_dim) of generated samples: each point is packed with the
        first pack - 1 reference samples, and the batch statistics come from the reference.
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
