"""The toy GAN trainer (1-D and 2-D): Algorithm 1 of Goodfellow et al. (2014), one step at a time.

The trainer owns its networks, optimisers, data source and random generators. It exposes
`step_d()` (one discriminator update), `step_g()` (one generator update) and `step()` (k
discriminator updates, then one generator update: one iteration of Algorithm 1), each returning
plain numbers, and `snapshot()`, which measures the current state on fixed noise and a fixed
grid. It knows nothing of the app, the CLI or plotting.

One loop serves every objective (objectives.OBJECTIVES) and every remedy for mode collapse:
packing, minibatch standard deviation and minibatch discrimination live in the discriminator
(networks.Discriminator); unrolling (Metz et al. 2017) lives in `step_g`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from . import metrics
from .config import ToyConfig
from .data1d import get_dataset
from .data2d import get_dataset_2d
from .networks import Discriminator, Generator
from .objectives import gradient_penalty, objective, r1_penalty
from .snapshot import Snapshot1D

# z range drawn on the z line: the whole of U[-1, 1]; for N(0, 1), its central 98.8 %
Z_DRAW_RANGE = {"uniform": (-1.0, 1.0), "gaussian": (-2.5, 2.5)}


def linear_decay(iteration: int, total: int, final_fraction: float) -> float:
    """The learning-rate factor: 1 at the start, falling linearly to `final_fraction` at
    iteration `total`, then constant (1 throughout when final_fraction is 1)."""
    if final_fraction >= 1.0 or total <= 0:
        return 1.0
    return 1.0 - (1.0 - final_fraction) * min(iteration / total, 1.0)

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


def build_discriminator(config: ToyConfig, data_dim: int) -> Discriminator:
    """D as the config asks, remedies included (initialised from the current torch seed)."""
    return Discriminator(
        data_dim, config.d_layers, config.d_width, config.d_activation,
        pack=config.pack,
        minibatch_stddev=config.minibatch_stddev,
        minibatch_kernels=config.minibatch_kernels if config.minibatch_discrimination else 0,
        minibatch_kernel_dim=config.minibatch_kernel_dim,
        minibatch_group=config.minibatch_group,
    )


class ToyTrainer:
    """Trains a 1-D or 2-D GAN step by step; see the module docstring."""

    def __init__(self, config: ToyConfig):
        self.config = config
        self.data_dim = config.data_dim
        # toy networks are tiny: the CPU beats a GPU's launch overhead, so 'auto' means CPU here
        self.device = torch.device("cpu") if config.device == "auto" else resolve_device(config.device)
        if self.data_dim == 1:
            self.dataset = get_dataset(config.dataset)
        else:
            self.dataset = get_dataset_2d(config.dataset, config.data_path)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.generator = Generator(
                config.noise_dim, self.data_dim, config.g_layers, config.g_width, config.g_activation
            ).to(self.device)
            self.discriminator = build_discriminator(config, self.data_dim).to(self.device)
        self.g_optimizer = _make_optimizer(config.g_optimizer, self.generator.parameters(), config.g_lr,
                                           self._betas())
        self._set_objective(config)
        self.data_rng = torch.Generator().manual_seed(config.seed * 4 + 1)
        self.noise_rng = torch.Generator().manual_seed(config.seed * 4 + 2)
        eval_rng = torch.Generator().manual_seed(config.seed * 4 + 3)
        # separate streams for what only some runs draw (unrolling, the WGAN-GP lines), so that
        # twins that differ in a switch still see the same data and noise batches
        self.extra_rng = torch.Generator().manual_seed(config.seed * 4 + 4)
        # fixed evaluation noise and grids, apart from the training batches
        self.eval_noise = self.sample_noise(config.eval_samples, eval_rng)
        self.iteration = 0  # generator updates so far (iterations of Algorithm 1)
        self.d_updates = 0
        self.last = StepStats(0)
        if self.data_dim == 2:
            from .snapshot2d import Drawing2D

            self.drawing = Drawing2D(self, eval_rng)
            return
        self.grid = metrics.uniform_grid(*self.dataset.plot_range, config.grid_points)
        self.p_data = self.dataset.pdf(self.grid)
        self.support = self.dataset.support()
        z_low, z_high = Z_DRAW_RANGE[config.noise]
        self.z_arrows = np.linspace(z_low, z_high, config.arrows)
        arrow_noise = torch.zeros(config.arrows, config.noise_dim)
        arrow_noise[:, 0] = torch.from_numpy(self.z_arrows).float()  # other noise coordinates at 0
        self.arrow_noise = arrow_noise

    def _betas(self) -> tuple[float, float]:
        return (self.config.adam_beta1, self.config.adam_beta2)

    def _set_objective(self, config: ToyConfig) -> None:
        self.objective = objective(config.loss)
        self.d_optimizer = _make_optimizer(config.d_optimizer, self.discriminator.parameters(), config.d_lr,
                                           self._betas())
        # with batch statistics in D, real and fake batches must go through D separately
        self._batch_aware = config.minibatch_discrimination or config.minibatch_stddev

    def switch_remedies(self, config: ToyConfig) -> None:
        """Change the objective and the remedies mid-run ("toggled live"): the generator and its
        optimiser carry on; a discriminator of the new shape starts afresh (seeded), since a
        packed or minibatch-aware D has different inputs and weights. Other fields of `config`
        (learning rates, k, ...) take effect too; the data and the networks' sizes must not change."""
        keep = ("dataset", "data_path", "noise", "noise_dim", "g_layers", "g_width", "g_activation", "seed")
        changed = [name for name in keep if getattr(config, name) != getattr(self.config, name)]
        if changed:
            raise ValueError(f"cannot switch {', '.join(changed)} mid-run; reset the run instead")
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.config.seed * 7919 + self.iteration)
            self.discriminator = build_discriminator(config, self.data_dim).to(self.device)
        self.config = config
        self._set_objective(config)

    @property
    def score_is_probability(self) -> bool:
        """True when sigmoid(D's output) is the probability that x is real."""
        return self.objective.probability

    def _summary(self, outputs: torch.Tensor) -> float:
        """Mean D(x) (a probability) or mean score over a batch, for the curves."""
        return (torch.sigmoid(outputs) if self.objective.probability else outputs).mean().item()

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

    def _real_batch(self, rng: torch.Generator | None = None) -> torch.Tensor:
        # a packed D (PacGAN) judges batch_size packs of `pack` samples each
        n = self.config.batch_size * self.config.pack
        return self.dataset.sample(n, rng or self.data_rng).to(self.device)

    def _noise_batch(self, rng: torch.Generator | None = None) -> torch.Tensor:
        n = self.config.batch_size * self.config.pack
        return self.sample_noise(n, rng or self.noise_rng, self.config.noise_sampling == "stratified").to(self.device)

    # ------------------------------------------------------------------ learning rates
    def _lr_factor(self) -> float:
        return linear_decay(self.iteration, self.config.steps, self.config.lr_final_fraction)

    def _apply_lr(self) -> None:
        factor = self._lr_factor()
        for group in self.g_optimizer.param_groups:
            group["lr"] = self.config.g_lr * factor
        for group in self.d_optimizer.param_groups:
            group["lr"] = self.config.d_lr * factor

    # ------------------------------------------------------------------ updates
    def _second_order(self, needed: bool) -> None:
        """Tell D's minibatch layer whether this update differentiates D's own gradient (R1,
        WGAN-GP, unrolling): only then must it take its slower twice-differentiable form, so a
        lazy R1 every 4th D update costs the slow form on those updates only."""
        if self.discriminator.minibatch is not None:
            self.discriminator.minibatch.twice_differentiable = needed

    def _d_outputs(self, real: torch.Tensor, fake: torch.Tensor):
        """D's outputs on a real and a fake batch: (N,), (N,)."""
        discriminator = self.discriminator
        if self._batch_aware:  # batch statistics: each batch is compared with itself only
            return discriminator(real), discriminator(fake)
        # one forward pass over real and fake together: (2 * batch, dim) -> (2 * batch,)
        outputs = discriminator(torch.cat([real, fake]))
        half = len(outputs) // 2
        return outputs[:half], outputs[half:]

    def step_d(self) -> StepStats:
        """One discriminator update: ascend V(D, G) on a minibatch (Algorithm 1, inner loop), or
        descend the chosen objective's D loss."""
        self._apply_lr()
        real = self._real_batch()
        with torch.no_grad():
            fake = self.generator(self._noise_batch())
        every = self.config.r1_every
        gamma = self.config.r1_gamma * every if self.d_updates % every == 0 else 0.0
        if gamma > 0:
            real.requires_grad_(True)
        self._second_order(gamma > 0 or self.objective.gradient_penalty)
        real_out, fake_out = self._d_outputs(real, fake)
        loss = self.objective.d_loss(real_out, fake_out)
        d_loss = self._finite("discriminator loss", loss.item())  # without the penalties
        if gamma > 0:
            loss = loss + gamma / 2 * r1_penalty(real_out, real)
        if self.objective.gradient_penalty and self.config.gp_weight > 0:
            loss = loss + self.config.gp_weight * gradient_penalty(
                self.discriminator, real.detach(), fake, self.extra_rng, self.config.pack)
        _descend(self.d_optimizer, loss)
        self.d_updates += 1
        self.last = StepStats(
            self.iteration,
            d_loss=d_loss,
            g_loss=self.last.g_loss,
            d_real=self._summary(real_out),
            d_fake=self._summary(fake_out),
        )
        return self.last

    def step_g(self) -> StepStats:
        """One generator update on the chosen loss (Algorithm 1, outer loop). With unrolling,
        G's loss is taken against D after `unroll_steps` more updates (see `_unrolled_outputs`)."""
        self._apply_lr()
        fake = self.generator(self._noise_batch())
        self._second_order(self.config.unroll_steps > 0)
        if self.config.unroll_steps > 0:
            fake_out = self._unrolled_outputs(fake)
        else:
            fake_out = self.discriminator(fake)
        loss = self.objective.g_loss(fake_out)
        g_loss = self._finite("generator loss", loss.item())
        _descend(self.g_optimizer, loss)
        self.discriminator.zero_grad(set_to_none=True)
        self.iteration += 1
        self.last = StepStats(
            self.iteration,
            d_loss=self.last.d_loss,
            g_loss=g_loss,
            d_real=self.last.d_real,
            d_fake=self._summary(fake_out),
        )
        return self.last

    def _unrolled_outputs(self, fake: torch.Tensor) -> torch.Tensor:
        """Metz, Poole, Pfau and Sohl-Dickstein (2017), "Unrolled GANs", eq. 6-7: D's outputs on
        `fake` after k = unroll_steps further updates of D, each differentiable, so that G's
        gradient accounts for how D would react to its move (the second-order term of eq. 7).
        The updates mirror D's optimiser: SGD, or Adam from its current moments (the square root
        is taken of v + eps^2 rather than adding eps after it, so that it stays differentiable
        where v = 0). The unrolled D is thrown away; only G is updated."""
        from torch.func import functional_call

        d = self.discriminator
        params = dict(d.named_parameters())
        adam = isinstance(self.d_optimizer, torch.optim.Adam)
        group = self.d_optimizer.param_groups[0]
        lr = group["lr"]
        moments = {}
        for name, p in params.items():
            state = self.d_optimizer.state.get(p, {})
            moments[name] = (state.get("exp_avg", torch.zeros_like(p)), state.get("exp_avg_sq", torch.zeros_like(p)),
                             float(state.get("step", 0)))

        def outputs(weights, batch):
            return functional_call(d, weights, (batch,))

        for _ in range(self.config.unroll_steps):
            real = self._real_batch(self.extra_rng)
            noise = self._noise_batch(self.extra_rng)
            real_out = outputs(params, real)
            fake_out = outputs(params, self.generator(noise))
            loss = self.objective.d_loss(real_out, fake_out)
            grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
            updated = {}
            for (name, p), g in zip(params.items(), grads):
                if adam:
                    b1, b2 = group["betas"]
                    m, v, t = moments[name]
                    m, v, t = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g, t + 1
                    moments[name] = (m, v, t)
                    step = (m / (1 - b1**t)) / torch.sqrt(v / (1 - b2**t) + group["eps"] ** 2)
                    updated[name] = p - lr * step
                else:
                    updated[name] = p - lr * g
            params = updated
        return outputs(params, fake)

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

    def snapshot(self, phase: str = ""):
        """A Snapshot1D or, for 2-D data, a Snapshot2D of the current state on fixed noise."""
        if self.data_dim == 2:
            return self.drawing.snapshot(phase)
        return self._snapshot_1d(phase)

    def _snapshot_1d(self, phase: str) -> Snapshot1D:
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
