"""The toy GAN trainer (1-D and 2-D): Algorithm 1 of Goodfellow et al. (2014), one step at a time.

The trainer owns its networks, optimisers, data source and random generators. It exposes
`step_d()` (one discriminator update), `step_g()` (one generator update) and `step()` (k
discriminator updates, then one generator update: one iteration of Algorithm 1), each returning
plain numbers. It knows nothing of the app, the CLI, plotting or drawing: `measure1d` and
`measure2d` compute what the figures show from its networks.

One loop serves every objective (objectives.OBJECTIVES) and every remedy for mode collapse:
packing, minibatch standard deviation and minibatch discrimination live in the discriminator
(networks.ToyDiscriminator); unrolling (Metz et al. 2017) lives in `step_g`.

Updates that need only first derivatives (no gradient penalty, no unrolling; R1 only through a
plain, piecewise-linear D) backpropagate by hand (backprop.py), minibatch discrimination and
the minibatch standard deviation included (one of them at a time): the same gradients as autograd's, in a
half to two thirds of the time. The others use autograd.
`hand_backprop = False` makes every update use autograd (for tests and benchmarks).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch

from ..core.devices import resolve_device
from ..core.errors import check_loss
from ..core.objectives import gradient_penalty, lazy_r1_weight, objective, r1_penalty
from ..core.run import StepStats
from ..core.schedules import linear_decay, set_learning_rates
from .backprop import PlainPerceptron, discriminator_by_hand, optimizer_step
from .config import ToyConfig
from .data1d import get_dataset
from .data2d import get_dataset_2d
from .networks import build_toy_discriminator, build_toy_generator
from .unrolled import unrolled_outputs


def _make_optimizer(name: str, params, lr: float, betas: tuple[float, float]) -> torch.optim.Optimizer:
    # fused kernels: one call updates every parameter (the toy nets are overhead-bound)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    return torch.optim.SGD(params, lr=lr, fused=True)


def _descend(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


class ToyTrainer:
    """Trains a 1-D or 2-D GAN step by step; see the module docstring."""

    def __init__(self, config: ToyConfig) -> None:
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
            self.generator = build_toy_generator(config).to(self.device)
            self.discriminator = build_toy_discriminator(config).to(self.device)
        self.g_optimizer = _make_optimizer(config.g_optimizer, self.generator.parameters(), config.g_lr,
                                           self._betas())
        self.hand_backprop = True
        self._plain_g = PlainPerceptron(list(self.generator.net))
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
        # what stays fixed for the whole run's measurements draws from here (measure2d)
        self.eval_rng = eval_rng

    def _betas(self) -> tuple[float, float]:
        return (self.config.adam_beta1, self.config.adam_beta2)

    def _set_objective(self, config: ToyConfig) -> None:
        self.objective = objective(config.loss)
        self.d_optimizer = _make_optimizer(config.d_optimizer, self.discriminator.parameters(), config.d_lr,
                                           self._betas())
        # with batch statistics in D, real and fake batches must go through D separately
        self._batch_aware = config.minibatch_discrimination or config.minibatch_stddev
        self._plain_d = discriminator_by_hand(self.discriminator, self.device)

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
            self.discriminator = build_toy_discriminator(config).to(self.device)
        self.config = config
        self._set_objective(config)

    @property
    def score_is_probability(self) -> bool:
        """True when sigmoid(D's output) is the probability that x is real."""
        return self.objective.probability

    def _summaries(self, *batches: torch.Tensor) -> list[float]:
        """Mean D(x) (a probability) or mean score over each batch of outputs, for the curves."""
        with torch.no_grad():
            means = [(torch.sigmoid(b) if self.objective.probability else b).mean() for b in batches]
            return torch.stack(means).tolist()

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

    def real_batch(self, rng: torch.Generator | None = None) -> torch.Tensor:
        """A training batch of data, (batch_size * pack, dim), from `rng` (the data stream by default)."""
        # a packed D (PacGAN) judges batch_size packs of `pack` samples each
        n = self.config.batch_size * self.config.pack
        return self.dataset.sample(n, rng or self.data_rng).to(self.device)

    def noise_batch(self, rng: torch.Generator | None = None) -> torch.Tensor:
        """A training batch of noise, (batch_size * pack, noise_dim), from `rng` (the noise stream by default)."""
        n = self.config.batch_size * self.config.pack
        return self.sample_noise(n, rng or self.noise_rng, self.config.noise_sampling == "stratified").to(self.device)

    # ------------------------------------------------------------------ learning rates
    def _lr_factor(self) -> float:
        return linear_decay(self.iteration, self.config.steps, self.config.lr_final_fraction)

    def _apply_lr(self) -> None:
        set_learning_rates([(self.g_optimizer, self.config.g_lr), (self.d_optimizer, self.config.d_lr)],
                           self._lr_factor())

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
        real = self.real_batch()
        with torch.no_grad():
            fake = self.generator(self.noise_batch())
        return self._d_update(real, fake)

    def _d_update(self, real: torch.Tensor, fake: torch.Tensor) -> StepStats:
        r1_weight = lazy_r1_weight(self.d_updates, self.config.r1_gamma, self.config.r1_every)
        if self._by_hand_d(r1_weight):
            d_loss, real_out, fake_out = self._d_update_by_hand(real, fake, r1_weight)
        else:
            d_loss, real_out, fake_out = self._d_update_by_autograd(real, fake, r1_weight)
        self.d_updates += 1
        d_real, d_fake = self._summaries(real_out, fake_out)
        self.last = StepStats(self.iteration, d_loss=d_loss, g_loss=self.last.g_loss, d_real=d_real, d_fake=d_fake)
        return self.last

    def _by_hand_d(self, r1_weight: float) -> bool:
        """Whether this D update backpropagates by hand: a plain D, no gradient penalty, and R1
        only through a piecewise-linear D (PlainPerceptron.input_gradient_penalty)."""
        plain = self._plain_d
        return (self.hand_backprop and plain is not None and not self.objective.gradient_penalty
                and (r1_weight == 0 or plain.piecewise_linear))

    def _d_update_by_hand(self, real: torch.Tensor, fake: torch.Tensor, r1_weight: float):
        plain = self._plain_d
        with torch.no_grad():
            # one forward pass over real and fake together: (2 * batch, dim) -> (2 * batch,)
            packs = len(real) // self.config.pack   # real and fake each compared with itself only
            outputs, saved = plain.forward(self.discriminator.packed(torch.cat([real, fake])), (packs, packs))
            outputs = outputs.squeeze(-1)
            half = len(outputs) // 2
            real_out, fake_out = outputs[:half], outputs[half:]
            loss, grad_real, grad_fake = self.objective.d_loss_gradients(real_out, fake_out)
            d_loss = self._finite("discriminator loss", loss.item())  # without the penalty
            plain.backward(saved, torch.cat([grad_real, grad_fake]).unsqueeze(-1), weights=True, inputs=False)
            if r1_weight > 0:   # the loss's gradients plus r1_weight times R1's (eq. 9)
                _, r1_grads = plain.input_gradient_penalty(saved, half, len(real))
                for linear, grad in zip(plain.linears, r1_grads):
                    linear.weight.grad.add_(grad, alpha=r1_weight)
            optimizer_step(self.d_optimizer)
        return d_loss, real_out, fake_out

    def _d_update_by_autograd(self, real: torch.Tensor, fake: torch.Tensor, r1_weight: float):
        if r1_weight > 0:
            real.requires_grad_(True)
        self._second_order(r1_weight > 0 or self.objective.gradient_penalty)
        real_out, fake_out = self._d_outputs(real, fake)
        loss = self.objective.d_loss(real_out, fake_out)
        d_loss = self._finite("discriminator loss", loss.item())  # without the penalties
        if r1_weight > 0:
            loss = loss + r1_weight * r1_penalty(real_out, real)
        if self.objective.gradient_penalty and self.config.gp_weight > 0:
            loss = loss + self.config.gp_weight * gradient_penalty(
                self.discriminator, real.detach(), fake, self.extra_rng, self.config.pack)
        _descend(self.d_optimizer, loss)
        self._second_order(False)   # the drawing and the updates by hand take the fast form
        return d_loss, real_out.detach(), fake_out.detach()

    def step_g(self) -> StepStats:
        """One generator update on the chosen loss (Algorithm 1, outer loop). With unrolling,
        G's loss is taken against D after `unroll_steps` more updates (unrolled.py)."""
        self._apply_lr()
        noise = self.noise_batch()
        if self._by_hand_g():
            with torch.no_grad():
                fake, g_saved = self._plain_g.forward(noise)
            return self._g_update_by_hand(fake, g_saved)
        return self._g_update_done(*self._g_update_by_autograd(noise))

    def _by_hand_g(self) -> bool:
        return self.hand_backprop and self._plain_d is not None and self.config.unroll_steps == 0

    def _g_update_done(self, g_loss: float, fake_out: torch.Tensor) -> StepStats:
        self.iteration += 1
        (d_fake,) = self._summaries(fake_out)
        self.last = StepStats(self.iteration, d_loss=self.last.d_loss, g_loss=g_loss, d_real=self.last.d_real,
                              d_fake=d_fake)
        return self.last

    def _g_update_by_hand(self, fake: torch.Tensor, g_saved: list[torch.Tensor]) -> StepStats:
        with torch.no_grad():
            packed = self.discriminator.packed(fake)
            fake_out, d_saved = self._plain_d.forward(packed, (len(packed),))
            fake_out = fake_out.squeeze(-1)
            loss, grad = self.objective.g_loss_gradient(fake_out)
            g_loss = self._finite("generator loss", loss.item())
            # through D to its input only: D's weights are not G's to move
            grad_fake = self._plain_d.backward(d_saved, grad.unsqueeze(-1), weights=False, inputs=True)
            self._plain_g.backward(g_saved, grad_fake.reshape(fake.shape), weights=True, inputs=False)
            optimizer_step(self.g_optimizer)
        return self._g_update_done(g_loss, fake_out)

    def _g_update_by_autograd(self, noise: torch.Tensor) -> tuple[float, torch.Tensor]:
        fake = self.generator(noise)
        self._second_order(self.config.unroll_steps > 0)
        if self.config.unroll_steps > 0:
            fake_out = unrolled_outputs(self, fake)
        else:
            fake_out = self.discriminator(fake)
        loss = self.objective.g_loss(fake_out)
        g_loss = self._finite("generator loss", loss.item())
        _descend(self.g_optimizer, loss)
        self.discriminator.zero_grad(set_to_none=True)
        return g_loss, fake_out.detach()

    def step(self) -> StepStats:
        """One iteration of Algorithm 1: k discriminator updates, then one generator update.
        When every update backpropagates by hand, G's forward pass runs once for the k + 1
        noise batches (G does not change until the last update; the noise stream is read in
        the same order), and each update takes its rows."""
        k = self.config.k_d_steps
        r1 = (lazy_r1_weight(self.d_updates + i, self.config.r1_gamma, self.config.r1_every) for i in range(k))
        if not (self._by_hand_g() and all(self._by_hand_d(weight) for weight in r1)):
            for _ in range(k):
                self.step_d()
            return self.step_g()
        self._apply_lr()   # the factor depends on the iteration only: the same for all k + 1 updates
        n = self.config.batch_size * self.config.pack
        noise = torch.cat([self.noise_batch() for _ in range(k + 1)])
        with torch.no_grad():
            fakes, g_saved = self._plain_g.forward(noise)
        for i in range(k):
            self._d_update(self.real_batch(), fakes[i * n:(i + 1) * n])
        return self._g_update_by_hand(fakes[k * n:], [saved[k * n:] for saved in g_saved])

    def train(self, iterations: int) -> StepStats:
        """`iterations` iterations of Algorithm 1; returns the numbers of the last step."""
        for _ in range(iterations):
            self.step()
        return self.last

    def _finite(self, what: str, value: float) -> float:
        return check_loss(what, value, self.iteration,
                          f"try smaller learning rates than g_lr={self.config.g_lr}, d_lr={self.config.d_lr}")

    # ------------------------------------------------------------------ measuring
    @torch.no_grad()
    def generate(self, noise: torch.Tensor) -> np.ndarray:
        """G(z) for a batch of noise (batch, noise_dim), as an array (batch, data_dim)."""
        return self.generator(noise.to(self.device)).cpu().numpy()

    @torch.no_grad()
    def discriminate(self, x: np.ndarray) -> np.ndarray:
        """sigmoid(l(x)) at the points x, float64: D(x) for the objectives of Goodfellow et al. (2014)."""
        inputs = torch.as_tensor(x, dtype=torch.float32, device=self.device).reshape(-1, self.data_dim)
        return torch.sigmoid(self.discriminator(inputs)).cpu().numpy().astype(np.float64)

    def final_samples(self, n: int = 2500) -> np.ndarray:
        """n samples (float32, n x dim) from the current generator on fixed noise."""
        noise = self.eval_noise[:n] if n <= len(self.eval_noise) else self.sample_noise(
            n, torch.Generator().manual_seed(self.config.seed * 4 + 3)
        )
        return self.generate(noise).astype(np.float32)

    # ------------------------------------------------------------------ checkpoints and forks
    def state(self) -> dict:
        """Everything that training changes, as tensors and plain numbers (so that a file of it
        loads with torch.load(weights_only=True)): both networks, both optimisers' states, the
        counters, the last step's numbers and the training random streams. With the config,
        `load_state` on a fresh trainer resumes the run exactly."""
        return {
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "g_optimizer": self.g_optimizer.state_dict(),
            "d_optimizer": self.d_optimizer.state_dict(),
            "iteration": self.iteration,
            "d_updates": self.d_updates,
            "last": [self.last.iteration, self.last.d_loss, self.last.g_loss, self.last.d_real, self.last.d_fake],
            "rng": {name: getattr(self, name).get_state() for name in ("data_rng", "noise_rng", "extra_rng")},
        }

    def load_state(self, state: dict) -> None:
        """Restore what `state()` returned (from a trainer of the same config); the optimisers'
        moments are copied, never shared with the source."""
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.g_optimizer.load_state_dict(copy.deepcopy(state["g_optimizer"]))
        self.d_optimizer.load_state_dict(copy.deepcopy(state["d_optimizer"]))
        self.iteration, self.d_updates = int(state["iteration"]), int(state["d_updates"])
        iteration, *numbers = state["last"]
        self.last = StepStats(int(iteration), *(float(x) for x in numbers))
        for name, rng_state in state["rng"].items():
            getattr(self, name).set_state(rng_state)

    def fork(self, seed_offset: int = 1000, **changes: Any) -> "ToyTrainer":
        """An independent copy of the current state (networks and optimisers) with its own
        random streams, for experiments that must not disturb this run; `changes`: config
        fields that do not change the networks' shapes (e.g. r1_gamma)."""
        twin = ToyTrainer(self.config.replace(**changes) if changes else self.config)
        twin.load_state(self.state())
        twin.data_rng.manual_seed(self.config.seed * 4 + 1 + seed_offset + self.iteration)
        twin.noise_rng.manual_seed(self.config.seed * 4 + 2 + seed_offset + self.iteration)
        return twin
