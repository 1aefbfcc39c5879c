"""Training a GAN on MNIST: one trainer for the app, the CLI, the benchmarks and torchrun, and
for the three models (codes.py): the DCGAN, the conditional GAN and InfoGAN.

`DcganTrainer.step()` does one iteration of Algorithm 1 of Goodfellow et al. (2014) with
k = k_d_steps (1 by default, as in the DCGAN reference code): k D updates, each on a real batch
and a fake batch (each through D on its own, so that batch normalisation sees one kind of image
at a time), then a G update.
It returns plain numbers; the trainer knows nothing of Gradio or plots.

The models share that loop; each adds its inputs and its loss terms:
- conditional, auxiliary (AC-GAN, Odena et al. 2017, eq. 2-3): D's classifier head learns the
  labels of real digits and of G's digits (D adds lambda * the cross-entropy of both); G adds
  lambda * the cross-entropy of its digits, so it draws the digit it is asked for;
- conditional, projection (Miyato and Koyama 2018): D's score takes the label; no extra term;
- InfoGAN (Chen et al. 2016, eq. 5): D's update trains Q on G's images (- lambda L_I on
  detached fakes), G's update maximises L_I through the frozen Q, so G's codes stay readable.

Device: CUDA when present (``device='auto'``), with autocast there; the CPU otherwise;
channels-last tensors on both. Under torchrun (``WORLD_SIZE`` > 1) both nets are wrapped in
DistributedDataParallel: every process draws its own batches from its own shard of each
epoch's permutation, gradients are averaged across processes, and rank 0's BatchNorm running
statistics are broadcast after each step, so the replicas stay equal.
"""

from __future__ import annotations

import copy
import time

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from ..core.devices import resolve_device
from ..core.errors import ConfigError, check_loss
from ..core.objectives import lazy_r1_weight, objective, r1_penalty
from ..core.run import StepStats
from ..core.schedules import linear_decay, set_learning_rates
from .augment import translate
from .codes import code_entropy, code_log_likelihoods
from .config import DcganConfig
from .data import Digits
from .networks import build_dcgan_discriminator, build_dcgan_generator, dcgan_init


class DcganTrainer:
    """Owns G, D, their optimisers, the digits, and the random streams; `step()` trains."""

    def __init__(self, config: DcganConfig, digits: Digits, rank: int = 0, world_size: int = 1,
                 device: torch.device | None = None) -> None:
        self.config, self.rank, self.world_size = config, rank, world_size
        self.device = device or resolve_device(config.device)
        if len(digits) < self.images_per_iteration * world_size:
            raise ConfigError(f"batch_size {config.batch_size} x k_d_steps {config.k_d_steps} x {world_size} "
                              f"process(es) is more than the {len(digits):,} digits to train on")
        self.digits = digits
        cuda = self.device.type == "cuda"
        if cuda:
            torch.backends.cudnn.benchmark = True   # fixed shapes: let cuDNN pick its fastest kernels
        self.memory_format = torch.channels_last if config.channels_last else torch.contiguous_format
        self.autocast_dtype = None
        if cuda and config.mixed_precision:
            self.autocast_dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.autocast_dtype == torch.float16)

        # the real digits live on the device, in G's range [-1, 1], with their labels (read by
        # the conditional model only)
        self.real = torch.from_numpy(digits.as_tensor_range()).to(self.device).contiguous(
            memory_format=self.memory_format)
        self.real_labels = torch.from_numpy(digits.labels.astype("int64")).to(self.device)
        self.layout = config.latent_layout()
        # D's code head: AC-GAN's classifier for the conditional model, Q for InfoGAN
        self.code_head = config.model == "infogan" or (config.model == "conditional"
                                                      and config.conditioning == "auxiliary")
        self.projection = config.model == "conditional" and config.conditioning == "projection"

        torch.manual_seed(config.seed)   # identical initial weights in every process
        self.generator = build_dcgan_generator(config)
        self.discriminator = build_dcgan_discriminator(config)
        self.generator.apply(dcgan_init)
        self.discriminator.apply(dcgan_init)
        self.generator.to(self.device, memory_format=self.memory_format)
        self.discriminator.to(self.device, memory_format=self.memory_format)
        # the generator that draws samples: an exponential moving average of G's weights
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False) if config.g_ema_decay else None
        self.g_train: nn.Module = self.generator
        self.d_train: nn.Module = self.discriminator
        if world_size > 1:
            ids = [self.device.index] if cuda else None
            # buffers (BatchNorm's running statistics) are broadcast by _sync_buffers after each
            # step instead, so that the replicas are equal between steps, not only before forwards
            self.g_train = DistributedDataParallel(self.generator, device_ids=ids, broadcast_buffers=False)
            self.d_train = DistributedDataParallel(self.discriminator, device_ids=ids, broadcast_buffers=False)
        betas = (config.adam_beta1, config.adam_beta2)
        # fused: one kernel updates every parameter
        self.g_optimizer = torch.optim.Adam(self.generator.parameters(), lr=config.g_lr, betas=betas, fused=True)
        self.d_optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=config.d_lr, betas=betas, fused=True)
        self.objective = objective(config.loss)

        # training randomness: per process (its batches and noise); evaluation noise: shared
        self.rng = torch.Generator().manual_seed(config.seed * 1000 + 1 + rank)
        eval_rng = torch.Generator().manual_seed(config.seed * 1000 + 999_983)
        # G's input vectors (z and any codes; codes in turn 0..9, so every digit or code is
        # drawn equally often) for the sample grid and the live measurements
        # (with codes, whole rows of 10: column j is code j)
        grid = config.grid_samples
        if self.layout.categories:
            grid = -(-grid // self.layout.categories) * self.layout.categories
        self.grid_noise = self.layout.sample(grid, eval_rng, balanced=True)
        self.eval_noise = self.layout.sample(config.live_eval_samples, eval_rng, balanced=True)
        # the latest G update's InfoGAN bound L_I (nats), or AC-GAN's log-likelihood of the asked digits
        self.code_likelihood = float("nan")

        self.iteration = 0
        self.images_seen = 0        # real images D has seen, in this process
        self.train_seconds = 0.0
        self._order = torch.empty(0, dtype=torch.long)
        self._cursor = 0
        self._epoch_index = -1

    # ------------------------------------------------------------------ bookkeeping
    @property
    def images_per_iteration(self) -> int:
        """Real images one iteration takes in each process: a batch for each of its k D updates."""
        return self.config.batch_size * self.config.k_d_steps

    @property
    def iterations_per_epoch(self) -> int:
        """Whole iterations in one epoch: one pass over the digits by all the processes together."""
        return len(self.digits) // (self.images_per_iteration * self.world_size)

    @property
    def total_iterations(self) -> int:
        """The iterations the run takes: config.epochs epochs."""
        return self.config.epochs * self.iterations_per_epoch

    @property
    def epoch(self) -> float:
        """Epochs trained so far, fractional."""
        return self.iteration / max(1, self.iterations_per_epoch)

    @property
    def done(self) -> bool:
        """True once the run has trained all its iterations."""
        return self.iteration >= self.total_iterations

    def _next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """This process's next batch of digits and their labels: a shard of the epoch's
        permutation (the same permutation in every process, from the seed and the epoch),
        without replacement within an epoch."""
        per_rank = self.iterations_per_epoch * self.images_per_iteration
        if self._cursor + self.config.batch_size > len(self._order) or self._epoch_index < 0:
            self._epoch_index += 1
            perm = torch.randperm(len(self.digits),
                                  generator=torch.Generator().manual_seed(self.config.seed * 7919 + self._epoch_index))
            self._order = perm[self.rank * per_rank:(self.rank + 1) * per_rank].to(self.device)
            self._cursor = 0
        idx = self._order[self._cursor:self._cursor + self.config.batch_size]
        self._cursor += self.config.batch_size
        return self.real[idx], self.real_labels[idx]

    def _latent(self, n: int) -> torch.Tensor:
        """n of G's input vectors from the training stream (z ~ N(0, I) and the model's codes)."""
        return self.layout.sample(n, self.rng).to(self.device)

    def _judge(self, images: torch.Tensor, latent_or_labels: torch.Tensor | None, labels_given: bool = False):
        """D's logits on `images` and its code head's outputs (None without a head); the labels
        come from `latent_or_labels`: the labels themselves when `labels_given`, else G's input."""
        labels = None
        if self.projection:
            labels = latent_or_labels if labels_given else self.layout.codes(latent_or_labels)
        if self.code_head:
            return self.d_train(images, labels, codes=True)
        return self.d_train(images, labels), None

    def _code_likelihood(self, head: torch.Tensor, latent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(E[log Q(c | x)] of the codes in `latent` under D's head: InfoGAN's L_I less the
        constant H(c), or AC-GAN's minus cross-entropy of the digits; the same with InfoGAN's
        continuous codes weighted by info_continuous_weight, what the losses maximise)."""
        categorical, continuous = code_log_likelihoods(self.layout, head.float(), latent)
        return categorical + continuous, categorical + self.config.info_continuous_weight * continuous

    def _autocast(self):
        return torch.autocast(self.device.type, dtype=self.autocast_dtype or torch.float32,
                              enabled=self.autocast_dtype is not None)

    # ------------------------------------------------------------------ training
    def step(self) -> StepStats:
        """k D updates (each on a real batch, then a fake batch) and one G update on the last
        D update's fakes."""
        start = time.perf_counter()
        self.generator.train()
        self.discriminator.train()
        self._set_learning_rates()
        k = self.config.k_d_steps
        for index in range(k):
            fake, latent, d_loss, real_logits, fake_logits = self._discriminator_update(
                self.iteration * k + index, keep_graph=index == k - 1)

        # G: the objective's G loss on D's judgement of the same fakes, after D's update
        self.g_optimizer.zero_grad(set_to_none=True)
        # D's weights need no gradient here; freezing them skips their share of the backward
        # pass (~1/3 of D's). Under DDP every parameter must take part, so D stays as it is.
        frozen = self.world_size == 1
        if frozen:
            self.discriminator.requires_grad_(False)
        with self._autocast():
            g_logits, g_head = self._judge(self._augment(fake), latent)
            g_loss = self.objective.g_loss(g_logits.float())
        total = g_loss
        if g_head is not None:
            # G keeps its codes readable (InfoGAN) or draws the digit asked for (AC-GAN)
            likelihood, weighted = self._code_likelihood(g_head, latent)
            total = g_loss - self.config.info_lambda * weighted
            self.code_likelihood = likelihood.item() + (code_entropy(self.layout) if self.config.model == "infogan" else 0.0)
        self.scaler.scale(total).backward()
        if frozen:
            self.discriminator.requires_grad_(True)
        self.scaler.step(self.g_optimizer)
        self.scaler.update()

        self._sync_buffers()
        self._update_ema()
        self.iteration += 1
        result = StepStats(
            self.iteration, d_loss=d_loss.item(), g_loss=g_loss.item(),
            d_real=torch.sigmoid(real_logits.detach().float()).mean().item(),
            d_fake=torch.sigmoid(fake_logits.detach().float()).mean().item(),
        )
        self.train_seconds += time.perf_counter() - start
        advice = f"try smaller learning rates than g_lr={self.config.g_lr}, d_lr={self.config.d_lr}"
        check_loss("discriminator loss", result.d_loss, self.iteration, advice)
        check_loss("generator loss", result.g_loss, self.iteration, advice)
        return result

    def _discriminator_update(self, update: int, keep_graph: bool):
        """D update number `update`: maximise log D(x) + log(1 - D(G(z))) (or the chosen
        objective's D loss) on the next real batch and a fresh fake batch, with the lazy R1
        penalty on every r1_every-th update. Returns the fakes (attached to G's graph when
        `keep_graph`, for G's update), D's loss and its logits."""
        batch = self.config.batch_size
        real, real_labels = self._next_batch()
        self.d_optimizer.zero_grad(set_to_none=True)
        r1_weight = lazy_r1_weight(update, self.config.r1_gamma, self.config.r1_every)
        regularise = r1_weight > 0
        if self.discriminator.minibatch is not None:
            # cdist has no second derivative: the R1 update uses the broadcast form (networks.py)
            self.discriminator.minibatch.twice_differentiable = regularise
        with self._autocast():
            latent = self._latent(batch)
            with torch.set_grad_enabled(keep_graph):
                fake = self.g_train(latent).contiguous(memory_format=self.memory_format)
            real_seen = self._augment(real).requires_grad_(regularise)
            real_logits, real_head = self._judge(real_seen, real_labels, labels_given=True)
            fake_logits, fake_head = self._judge(self._augment(fake.detach()), latent)
            d_loss = self.objective.d_loss(real_logits.float(), fake_logits.float())
        total = d_loss
        if fake_head is not None:
            # Q (InfoGAN) or the classifier (AC-GAN) learns G's codes; AC-GAN's also real labels
            _, weighted = self._code_likelihood(fake_head, latent)
            if self.config.model == "conditional":
                real_codes = self.layout.compose(latent[:, :self.layout.noise_dim], real_labels)
                weighted = weighted + self._code_likelihood(real_head, real_codes)[1]
            total = total - self.config.info_lambda * weighted
        if regularise:
            penalty = r1_penalty(real_logits.float(), real_seen)
            total = d_loss + r1_weight * penalty
        self.scaler.scale(total).backward()
        self.scaler.step(self.d_optimizer)
        self.images_seen += batch
        return fake, latent, d_loss, real_logits, fake_logits

    def _augment(self, images: torch.Tensor) -> torch.Tensor:
        return translate(images, self.config.augment_shift, self.rng) if self.config.augment_shift else images

    def _set_learning_rates(self) -> None:
        """Linear decay from lr to lr_final_fraction * lr over the configured iterations."""
        set_learning_rates([(self.g_optimizer, self.config.g_lr), (self.d_optimizer, self.config.d_lr)],
                           linear_decay(self.iteration, self.total_iterations, self.config.lr_final_fraction))

    @torch.no_grad()
    def _update_ema(self) -> None:
        """theta_ema <- d theta_ema + (1 - d) theta, with d = min(decay, (1 + t) / (10 + t)) so
        that early samples follow G closely (the ramp of TensorFlow's ExponentialMovingAverage);
        BatchNorm's running statistics are copied from G."""
        if self.generator_ema is None:
            return
        t = self.iteration
        decay = min(self.config.g_ema_decay, (1 + t) / (10 + t))
        for ema, live in zip(self.generator_ema.parameters(), self.generator.parameters()):
            ema.lerp_(live, 1 - decay)
        for ema, live in zip(self.generator_ema.buffers(), self.generator.buffers()):
            ema.copy_(live)

    @property
    def sampler(self) -> nn.Module:
        """The generator that draws every sample shown or scored (the average, when on)."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def _sync_buffers(self) -> None:
        """Rank 0's BatchNorm running statistics to every process (their local updates differ,
        as each process normalised its own batches)."""
        if self.world_size > 1:
            for module in (self.generator, self.discriminator):
                for buffer in module.buffers():
                    torch.distributed.broadcast(buffer, 0)

    # ------------------------------------------------------------------ sampling
    @torch.no_grad()
    def generate(self, noise: torch.Tensor, batch: int = 1000, sampler: nn.Module | None = None) -> torch.Tensor:
        """G(z) in eval mode (BatchNorm running statistics), as float32 on the CPU, N x 1 x 28 x 28;
        from the moving average of G's weights when it is on, or from `sampler` (a `frozen_sampler`)."""
        network = sampler if sampler is not None else self.sampler
        network.eval()
        out = []
        for start in range(0, len(noise), batch):
            with self._autocast():
                out.append(network(noise[start:start + batch].to(self.device)).float().cpu())
        if sampler is None:
            network.train()
        return torch.cat(out) if out else torch.empty(0, 1, 28, 28)

    def frozen_sampler(self) -> nn.Module:
        """A copy of the sampling G as it is now, in eval mode, that training leaves alone: a
        measurement spread over many calls scores one G, whatever training does meanwhile."""
        return copy.deepcopy(self.sampler).eval()

    def noise(self, n: int, seed: int) -> torch.Tensor:
        """n of G's input vectors from their own seeded stream (not the training stream): z as
        `latent.seeded_noise` draws it, and codes in turn 0..9 (continuous codes uniform)."""
        return self.layout.sample(n, torch.Generator().manual_seed(int(seed)), balanced=True)

    @property
    def grid_columns(self) -> int:
        """Columns of the sample grid: one per code or digit (10) for the models with codes, else 8."""
        return self.layout.categories or 8

    def grid_images(self, code: int | None = None, continuous: list[float] | None = None) -> torch.Tensor:
        """G's images on the fixed grid noise, as `generate` returns them; with `code`, every
        sample's digit (or InfoGAN's categorical code) set to it, with `continuous`, InfoGAN's
        continuous codes set to those values."""
        return self.generate(self.with_codes(self.grid_noise, code, continuous))

    def with_codes(self, latent: torch.Tensor, code: int | None = None,
                   continuous: list[float] | None = None) -> torch.Tensor:
        """`latent` with the categorical code of every vector set to `code` and the continuous
        codes to `continuous` (each left as it is when None or when the model has none)."""
        z, _, rest = self.layout.split(latent)
        codes = self.layout.codes(latent) if code is None else torch.full((len(latent),), int(code))
        if continuous is not None and self.layout.continuous:
            rest = torch.tensor([float(v) for v in continuous], dtype=latent.dtype).expand(len(latent), -1)
        return self.layout.compose(z, codes if self.layout.categories else None,
                                   rest if self.layout.continuous else None)

    # ------------------------------------------------------------------ checkpoints
    def state(self) -> dict:
        """Everything training changes, as tensors and plain numbers (so that the file loads
        with weights_only=True): both networks and G's average, both optimisers, the loss
        scaler, the counters, the epoch's order of digits and the training random stream.
        `load_state` on a fresh trainer of the same config resumes the run exactly."""
        return {
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            **({"generator_ema": self.generator_ema.state_dict()} if self.generator_ema is not None else {}),
            "g_optimizer": self.g_optimizer.state_dict(),
            "d_optimizer": self.d_optimizer.state_dict(),
            "scaler": self.scaler.state_dict(),
            "iteration": self.iteration,
            "images_seen": self.images_seen,
            "train_seconds": self.train_seconds,
            "order": self._order.cpu(),
            "cursor": self._cursor,
            "epoch_index": self._epoch_index,
            "rng": self.rng.get_state(),
        }

    def load_state(self, state: dict) -> None:
        """Restore what `state()` returned. A weights-only state (a version 1 checkpoint) sets
        the networks and the iteration; the optimisers then start afresh."""
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        if self.generator_ema is not None:
            self.generator_ema.load_state_dict(state.get("generator_ema", state["generator"]))
        self.iteration = int(state.get("iteration", 0))
        if "g_optimizer" not in state:
            return
        self.g_optimizer.load_state_dict(copy.deepcopy(state["g_optimizer"]))
        self.d_optimizer.load_state_dict(copy.deepcopy(state["d_optimizer"]))
        if state.get("scaler"):
            self.scaler.load_state_dict(state["scaler"])
        self.images_seen = int(state["images_seen"])
        self.train_seconds = float(state["train_seconds"])
        self._order = state["order"].to(self.device)
        self._cursor, self._epoch_index = int(state["cursor"]), int(state["epoch_index"])
        self.rng.set_state(state["rng"])


def images_per_second(trainer: DcganTrainer) -> float:
    """Real images D has seen per second of training, in this process (NaN before any)."""
    return trainer.images_seen / trainer.train_seconds if trainer.train_seconds > 0 else float("nan")
