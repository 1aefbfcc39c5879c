"""The minibatch layers that let a discriminator see a whole batch, for every family: minibatch
discrimination (Salimans et al. 2016) and the minibatch standard deviation (Karras et al. 2018).
Both take D's features of shape (N, A) and append batch-level features to them."""

from __future__ import annotations

import torch
from torch import nn

from .l1_similarity import GroupedL1Similarity


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
    backward pass, three times per iteration (real and fake in a D step, fake in a G step).
    Instead (bench/bench_minibatch.py times a training iteration of each form in one run):

    1. The batch is compared in groups of `group_size` samples (a minibatch of N is split into
       N / group_size minibatches for this layer, as the paper's "minibatch" is whatever set D
       compares). The work is O(N * group_size * B * C) instead of O(N^2 B C). group_size = 0
       compares the whole batch. Each sample still sees group_size - 1 others from its own
       batch, plenty to tell a batch piled on one mode from a spread-out one.
    2. On the CPU the similarities and their gradient come from compiled loops
       (l1_similarity.GroupedL1Similarity), which never materialise the differences; elsewhere
       from `torch.cdist(p=1)`, one fused kernel that does not either.

    Neither has a second derivative, so updates that differentiate D's gradient (R1, WGAN-GP,
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
        """The rows M_{i,b} = f(x_i) T of every sample (Salimans et al. 2016, sec. 3.2)."""
        # features: (N, A) -> M: (N, B, C)
        return (features @ self.T).view(-1, self.kernels, self.kernel_dim)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """f(x_i) with o(x_i) appended, each sample compared with the others of its group."""
        # features: (N, A) -> (N, A + B)
        n = len(features)
        group = self.group_size if 0 < self.group_size < n else n
        if not self.twice_differentiable and features.device.type == "cpu" and features.dtype == torch.float32:
            # the rows laid out (B * C, N), for the compiled loops (l1_similarity.py)
            rows = torch.mm(self.T.t(), features.t())
            return torch.cat([features, GroupedL1Similarity.apply(rows, self.kernels, group)], dim=1)
        rows = self.kernel_rows(features)
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
