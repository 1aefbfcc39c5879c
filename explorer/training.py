"""The toy GAN trainer: Algorithm 1 of Goodfellow et al. (2014), one step at a time.

The trainer owns its networks, optimisers, data source and random generators. It exposes
`step_d()` (one discriminator update), `step_g()` (one generator update) and `step()` (k
discriminator updates, then one generator update: one iteration of Algorithm 1), each returning
plain numbers, and `snapshot()`, which measures the current state on fixed noise and a fixed
grid. It knows nothing of the app, the CLI or plotting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from . import metrics
from .config import ToyConfig
from .data1d import get_dataset
from .networks import Discriminator, Generator
from .objectives import discriminator_loss, generator_loss, r1_penalty
from .snapshot import Snapshot1D

# z range drawn on the z line: the whole of U[-1, 1]; for N(0, 1), its central 98.8 %
Z_DRAW_RANGE = {"uniform": (-1.0, 1.0), "gaussian": (-2.5, 2.5)}


class TrainingDiverged(RuntimeError):
    """A loss or a parameter became NaN or infinite; the run must be reset."""


@dataclass(frozen=True)
class StepStats:
    iteration: int
    d_loss: float = float("nan")
    g_loss: float = float("nan")
    d_real: float = float("nan")
    d_fake: float = float("nan")


def resolve_device(name: str) -> torch.device:
    """'auto' is CUDA when present, otherwise the CPU; 'cuda' without a GPU is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' was asked for but no CUDA GPU is available")
    return torch.device(name)


def _make_optimizer(name: str, params, lr: float, betas: tuple[float, float]):
    # fused kernels: one call updates every parameter (the toy nets are overhead-bound)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    return torch.optim.SGD(params, lr=lr, fused=True)


def _descend(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


class ToyTrainer:
    """Trains a 1-D GAN step by step; see the module docstring."""

    data_dim = 1

    def __init__(self, config: ToyConfig):
        self.config = config
        # toy networks are tiny: the CPU beats a GPU's launch overhead, so 'auto' means CPU here
        self.device = torch.device("cpu") if config.device == "auto" else resolve_device(config.device)
        self.dataset = get_dataset(config.dataset)
        self.loss_fn = generator_loss(config.loss)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.generator = Generator(
                config.noise_dim, self.data_dim, config.g_layers, config.g_width, config.g_activation
            ).to(self.device)
            self.discriminator = Discriminator(
                self.data_dim, config.d_layers, config.d_width, config.d_activation
            ).to(self.device)
        betas = (config.adam_beta1, config.adam_beta2)
        self.g_optimizer = _make_optimizer(config.g_optimizer, self.generator.parameters(), config.g_lr, betas)
        self.d_optimizer = _make_optimizer(config.d_optimizer, self.discriminator.parameters(), config.d_lr, betas)
        self.data_rng = torch.Generator().manual_seed(config.seed * 4 + 1)
        self.noise_rng = torch.Generator().manual_seed(config.seed * 4 + 2)
        eval_rng = torch.Generator().manual_seed(config.seed * 4 + 3)
        # fixed evaluation noise and grids, apart from the training batches
        self.eval_noise = self.sample_noise(config.eval_samples, eval_rng)
        self.grid = metrics.uniform_grid(*self.dataset.plot_range, config.grid_points)
        self.p_data = self.dataset.pdf(self.grid)
        self.support = self.dataset.support()
        z_low, z_high = Z_DRAW_RANGE[config.noise]
        self.z_arrows = np.linspace(z_low, z_high, config.arrows)
        arrow_noise = torch.zeros(config.arrows, config.noise_dim)
        arrow_noise[:, 0] = torch.from_numpy(self.z_arrows).float()  # other noise coordinates at 0
        self.arrow_noise = arrow_noise
        self.iteration = 0  # generator updates so far (iterations of Algorithm 1)
        self.d_updates = 0
        self.last = StepStats(0)

    # ------------------------------------------------------------------ sampling
    def sample_noise(self, n: int, rng: torch.Generator, stratified: bool = False) -> torch.Tensor:
        """n noise vectors z ~ p_z, shape (n, noise_dim).

        stratified: Latin hypercube sampling (McKay, Beckman & Conover 1979): in each dimension
        the n draws fall one in each of n equal-probability strata, in random order. Every z is
        still distributed exactly as p_z, but a minibatch covers p_z evenly, tails included, so
        the generator's batch density is far less noisy than with independent draws.
        """
        shape = (n, self.config.noise_dim)
        u = torch.rand(shape, generator=rng)
        if stratified:
            order = torch.argsort(torch.rand(shape, generator=rng), dim=0)
            u = (order + u) / n
        if self.config.noise == "uniform":
            return u * 2.0 - 1.0
        return torch.special.ndtri(u.clamp(1e-7, 1 - 1e-7))

    def _real_batch(self) -> torch.Tensor:
        return self.dataset.sample(self.config.batch_size, self.data_rng).to(self.device)

    def _noise_batch(self) -> torch.Tensor:
        return self.sample_noise(
            self.config.batch_size, self.noise_rng, self.config.noise_sampling == "stratified"
        ).to(self.device)

    # ------------------------------------------------------------------ learning rates
    def _lr_factor(self) -> float:
        """Linear decay from 1 to lr_final_fraction over config.steps, then constant."""
        final = self.config.lr_final_fraction
        if final >= 1.0 or self.config.steps == 0:
            return 1.0
        progress = min(self.iteration / self.config.steps, 1.0)
        return 1.0 - (1.0 - final) * progress

    def _apply_lr(self) -> None:
        factor = self._lr_factor()
        for group in self.g_optimizer.param_groups:
            group["lr"] = self.config.g_lr * factor
        for group in self.d_optimizer.param_groups:
            group["lr"] = self.config.d_lr * factor

    # ------------------------------------------------------------------ updates
    def step_d(self) -> StepStats:
        """One discriminator update: ascend V(D, G) on a minibatch (Algorithm 1, inner loop)."""
        self._apply_lr()
        real = self._real_batch()
        with torch.no_grad():
            fake = self.generator(self._noise_batch())
        every = self.config.r1_every
        gamma = self.config.r1_gamma * every if self.d_updates % every == 0 else 0.0
        if gamma > 0:
            real.requires_grad_(True)
        # one forward pass over real and fake together: (2 * batch, dim) -> (2 * batch,)
        logits = self.discriminator(torch.cat([real, fake]))
        real_logits, fake_logits = logits[: len(real)], logits[len(real) :]
        loss = discriminator_loss(real_logits, fake_logits)
        d_loss = self._finite("discriminator loss", loss.item())  # -V(D, G), without the penalty
        if gamma > 0:
            loss = loss + gamma / 2 * r1_penalty(real_logits, real)
        _descend(self.d_optimizer, loss)
        self.d_updates += 1
        self.last = StepStats(
            self.iteration,
            d_loss=d_loss,
            g_loss=self.last.g_loss,
            d_real=torch.sigmoid(real_logits).mean().item(),
            d_fake=torch.sigmoid(fake_logits).mean().item(),
        )
        return self.last

    def step_g(self) -> StepStats:
        """One generator update on the chosen loss (Algorithm 1, outer loop)."""
        self._apply_lr()
        fake_logits = self.discriminator(self.generator(self._noise_batch()))
        loss = self.loss_fn(fake_logits)
        g_loss = self._finite("generator loss", loss.item())
        _descend(self.g_optimizer, loss)
        self.iteration += 1
        self.last = StepStats(
            self.iteration,
            d_loss=self.last.d_loss,
            g_loss=g_loss,
            d_real=self.last.d_real,
            d_fake=torch.sigmoid(fake_logits).mean().item(),
        )
        return self.last

    def step(self) -> StepStats:
        """One iteration of Algorithm 1: k discriminator updates, then one generator update."""
        for _ in range(self.config.k_d_steps):
            self.step_d()
        return self.step_g()

    def train(self, iterations: int) -> StepStats:
        for _ in range(iterations):
            self.step()
        return self.last

    def _finite(self, what: str, value: float) -> float:
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"the {what} became {value} at iteration {self.iteration}: training diverged "
                f"(try smaller learning rates than g_lr={self.config.g_lr}, d_lr={self.config.d_lr}); "
                "reset the run to start again"
            )
        return value

    # ------------------------------------------------------------------ measuring
    @torch.no_grad()
    def generate(self, noise: torch.Tensor) -> np.ndarray:
        return self.generator(noise.to(self.device)).cpu().numpy()

    @torch.no_grad()
    def discriminate(self, x: np.ndarray) -> np.ndarray:
        inputs = torch.as_tensor(x, dtype=torch.float32, device=self.device).reshape(-1, self.data_dim)
        return torch.sigmoid(self.discriminator(inputs)).cpu().numpy().astype(np.float64)

    def final_samples(self, n: int = 2500) -> np.ndarray:
        """n samples (float32, n x dim) from the current generator on fixed noise."""
        noise = self.eval_noise[:n] if n <= len(self.eval_noise) else self.sample_noise(
            n, torch.Generator().manual_seed(self.config.seed * 4 + 3)
        )
        return self.generate(noise).astype(np.float32)

    def snapshot(self, phase: str = "") -> Snapshot1D:
        fakes = self.generate(self.eval_noise)[:, 0].astype(np.float64)
        if not np.all(np.isfinite(fakes)):
            raise TrainingDiverged(
                f"the generator produced NaN or infinite samples at iteration {self.iteration}; "
                "reset the run and lower the learning rates"
            )
        dx = float(self.grid[1] - self.grid[0])
        p_g, mass_outside = metrics.density_on_grid(fakes, self.grid)
        d = self.discriminate(self.grid)
        d_on_fakes = self.discriminate(fakes)
        return Snapshot1D(
            iteration=self.iteration,
            x=self.grid,
            p_data=self.p_data,
            p_g=p_g,
            d=d,
            d_star=metrics.optimal_discriminator(self.p_data, p_g),
            z_arrows=self.z_arrows,
            x_arrows=self.generate(self.arrow_noise)[:, 0].astype(np.float64),
            z_range=Z_DRAW_RANGE[self.config.noise],
            noise=self.config.noise,
            support=self.support,
            js=metrics.js_divergence(self.p_data, p_g, dx, 0.0, mass_outside),
            value=metrics.value_function(self.p_data, d, dx, d_on_fakes),
            d_deviation=metrics.discriminator_deviation(self.grid, d, self.support),
            mass_outside=mass_outside,
            d_loss=self.last.d_loss,
            g_loss=self.last.g_loss,
            d_real=self.last.d_real,
            d_fake=self.last.d_fake,
            phase=phase,
        )

    # ------------------------------------------------------------------ forking
    def fork(self, seed_offset: int = 1000) -> "ToyTrainer":
        """An independent copy of the current state (networks and optimisers) with its own
        random streams, for experiments that must not disturb this run."""
        twin = ToyTrainer(self.config)
        twin.generator.load_state_dict(self.generator.state_dict())
        twin.discriminator.load_state_dict(self.discriminator.state_dict())
        twin.g_optimizer.load_state_dict(self.g_optimizer.state_dict())
        twin.d_optimizer.load_state_dict(self.d_optimizer.state_dict())
        twin.iteration, twin.d_updates, twin.last = self.iteration, self.d_updates, self.last
        twin.data_rng.manual_seed(self.config.seed * 4 + 1 + seed_offset + self.iteration)
        twin.noise_rng.manual_seed(self.config.seed * 4 + 2 + seed_offset + self.iteration)
        return twin
