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


class Discriminator(MLP):
    """Returns the logit l(x); D(x) = sigmoid(l(x)) is the probability that x came from the data.

    Working with logits keeps the losses numerically stable (log D = -softplus(-l)).
    """

    def __init__(self, data_dim: int, hidden_layers: int, width: int, activation: str):
        super().__init__(data_dim, 1, hidden_layers, width, activation)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        # inputs: (batch, data_dim) -> logits (batch,)
        return self.net(inputs).squeeze(-1)
