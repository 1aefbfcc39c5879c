"""A run on MNIST (DCGAN, conditional GAN or InfoGAN): the trainer, its quality meter and what
it has measured so far.

Shared by the CLI (`gan-explorer mnist`), the app's MNIST tab and the benchmarks. It holds no
UI: its history is plain lists of numbers, its pictures plain uint8 arrays.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..core.run import train_for
from .checkpoint import save_checkpoint
from .config import DcganConfig
from .data import Digits, load_digits
from .images import tile, write_png
from .quality import QualityMeter, to_uint8
from .trainer import DcganTrainer, images_per_second

# the seed of the noise for the final 10,000 samples: apart from training and live evaluation
FINAL_SAMPLES_SEED = 20_161_205


# the sample grid, once asked for (MnistRun.keep_grids), is recorded as training goes (the frames
# of the run's animation for slides); beyond twice this many, every other one is dropped and the
# interval doubled, so a short run and a long one both keep between GRID_FRAMES and twice as many
GRID_FRAMES = 120

# samples generated and classified at a time while a measurement is spread over calls
# (about 50 ms on 2 CPU cores: a DCGAN iteration's time)
SCORING_PART = 100


@dataclass
class _Scoring:
    """A measurement under way: G frozen at `iteration`, and the classifier's outputs so far."""

    sampler: torch.nn.Module
    iteration: int
    epoch: float
    cursor: int = 0
    probs: list[np.ndarray] = field(default_factory=list)
    features: list[np.ndarray] = field(default_factory=list)


@dataclass
class MnistHistory:
    """Per-iteration losses and D outputs, and the quality curve (one point per evaluation)."""

    iteration: list[int] = field(default_factory=list)
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)
    quality: list[dict] = field(default_factory=list)
    # InfoGAN's lower bound L_I on the mutual information (nats), or the conditional model's
    # log-likelihood of the asked digits under D's classifier; empty for the DCGAN
    code_likelihood: list[float] = field(default_factory=list)


class MnistRun:
    """A DCGAN run: `DcganTrainer`, the quality meter (on the main process, when `measure`) and
    the history; it follows the run protocol of `core.run`, its budget the configured epochs."""

    def __init__(self, config: DcganConfig, digits: Digits | None = None, rank: int = 0,
                 world_size: int = 1, device: torch.device | None = None, measure: bool = True) -> None:
        self.config = config
        self.digits = digits if digits is not None else load_digits(config.data)
        self.trainer = DcganTrainer(config, self.digits, rank, world_size, device)
        self.meter = QualityMeter(self.digits.images) if measure else None
        self.history = MnistHistory()
        self.started = time.perf_counter()
        self.eval_seconds = 0.0
        # the app scores G every this many seconds while it trains (None: only when asked)
        self.measure_every_seconds: float | None = None
        self._last_measure = time.perf_counter()
        self._scoring: _Scoring | None = None  # a measurement spread over `advance_for` calls
        # G's sample grid on the fixed grid noise as training went: (iteration, epoch, uint8 grid)
        self.grids: list[tuple[int, float, np.ndarray]] = []
        self.grid_every: int | None = None   # None: no grids recorded (keep_grids)

    @property
    def iteration(self) -> int:
        """Iterations trained so far."""
        return self.trainer.iteration

    @property
    def budget(self) -> int:
        """Iterations in the configured epochs."""
        return self.trainer.total_iterations

    @property
    def finished(self) -> bool:
        """True once the configured epochs are done."""
        return self.trainer.done

    def train_iteration(self) -> None:
        """One iteration (none once the epochs are done), recorded in the history."""
        self.train(1)

    def advance_for(self, seconds: float, until: int | None = None, stop: threading.Event | None = None) -> int:
        """Train for about `seconds` (at least one iteration, none once the epochs are done), for
        the app's worker; returns the iterations done.

        With `measure_every_seconds` set, G is scored that often, the measurement spread over
        calls: while one is under way a call scores about `seconds` of its samples instead of
        training (none then), so that no call takes much longer than an iteration and the app
        answers Pause at once. The samples come from a frozen copy of G, so the point is G's at
        the iteration the measurement began, exactly as `measure` would score it then. At the
        budget the last measurement is made whole."""
        if self._scoring is not None:
            self._score_part(seconds)
            return 0
        until = self.budget if until is None else min(until, self.budget)
        done = train_for(self, seconds, until, stop) if self.iteration < until else 0
        if self.meter is not None and self.measure_every_seconds is not None:
            measured = bool(self.history.quality) and self.history.quality[-1]["iteration"] == self.iteration
            if self.finished and not measured:
                self.measure()
            elif not measured and (not self.history.quality
                                   or time.perf_counter() - self._last_measure >= self.measure_every_seconds):
                self._scoring = _Scoring(self.trainer.frozen_sampler(), self.trainer.iteration,
                                         round(self.trainer.epoch, 3))
        return done

    @property
    def scoring(self) -> bool:
        """True while a measurement spread over `advance_for` calls is under way."""
        return self._scoring is not None

    def _score_part(self, seconds: float) -> None:
        scoring, noise = self._scoring, self.trainer.eval_noise
        start = time.perf_counter()
        while scoring.cursor < len(noise):
            part = noise[scoring.cursor:scoring.cursor + SCORING_PART]
            probs, features = self.meter.classify(self.trainer.generate(part, sampler=scoring.sampler))
            scoring.probs.append(probs)
            scoring.features.append(features)
            scoring.cursor += len(part)
            if time.perf_counter() - start >= seconds:
                break
        if scoring.cursor >= len(noise):
            metrics = self._metrics(np.concatenate(scoring.probs), np.concatenate(scoring.features), noise)
            self._scoring = None
            self._record(metrics, scoring.iteration, scoring.epoch)
        self.eval_seconds += time.perf_counter() - start

    def train(self, iterations: int, should_stop: Callable[[], bool] | None = None) -> int:
        """Up to `iterations` steps (fewer when the configured epochs end or `should_stop()`
        says so); returns how many were done."""
        done = 0
        if self.grid_every and not self.grids and iterations > 0 and not self.trainer.done:
            self.record_grid()   # where training starts: the first frame of the animation
        while done < iterations and not self.trainer.done:
            if should_stop is not None and should_stop():
                break
            result = self.trainer.step()
            if self.grid_every and (self.trainer.iteration % self.grid_every == 0 or self.trainer.done):
                self.record_grid()
            h = self.history
            h.iteration.append(self.trainer.iteration)
            h.d_loss.append(result.d_loss)
            h.g_loss.append(result.g_loss)
            h.d_real.append(result.d_real)
            h.d_fake.append(result.d_fake)
            if self.trainer.code_head:
                h.code_likelihood.append(self.trainer.code_likelihood)
            done += 1
        return done

    def keep_grids(self) -> None:
        """Record G's sample grid as training goes from now on (`grids`): at every iteration of a
        short run, every 8th of a long one (a grid costs about a fifth of a DCGAN iteration on the
        CPU: 2.5 % of the training time), then thinned as GRID_FRAMES says."""
        self.grid_every = max(1, min(8, self.budget // (2 * GRID_FRAMES)))

    @torch.no_grad()
    def grid(self, code: int | None = None, continuous: list[float] | None = None) -> np.ndarray:
        """G's sample grid now, on the fixed grid noise, as one uint8 image of the digits tiled
        (rows of 10, one per code or digit, for the models with codes); `code` and `continuous`
        as DcganTrainer.grid_images takes them."""
        images = to_uint8(self.trainer.grid_images(code, continuous))
        return tile(images, columns=self.trainer.grid_columns)

    def record_grid(self) -> None:
        """Keep G's sample grid now (for `grids`): at most 2 * GRID_FRAMES are kept, evenly spaced."""
        grid = self.grid()
        if self.grids and self.grids[-1][0] == self.trainer.iteration:
            self.grids.pop()
        self.grids.append((self.trainer.iteration, round(self.trainer.epoch, 3), grid))
        if len(self.grids) > 2 * GRID_FRAMES:
            self.grid_every *= 2
            self.grids = [g for g in self.grids if g[0] % self.grid_every == 0] or self.grids[::2]

    def measure(self) -> dict:
        """Score G on the fixed live-evaluation noise, now and whole; appends a point to the
        quality curve (a measurement under way in `advance_for` is dropped: this one is newer)."""
        self._scoring = None
        start = time.perf_counter()
        metrics = self._score(self.trainer.eval_noise)
        self.eval_seconds += time.perf_counter() - start
        return self._record(metrics, self.trainer.iteration, round(self.trainer.epoch, 3))

    def _score(self, latent: torch.Tensor) -> dict:
        """Every metric of G's images from `latent`, the model's own (class accuracy, code agreement) included."""
        probs, features = self.meter.classify(self.trainer.generate(latent))
        return self._metrics(probs, features, latent)

    def _metrics(self, probs: np.ndarray, features: np.ndarray, latent: torch.Tensor) -> dict:
        codes = self.trainer.layout.codes(latent).numpy()
        model = self.config.model
        return self.meter.metrics(probs, features, asked=codes if model == "conditional" else None,
                                  codes=codes if model == "infogan" else None)

    def _record(self, metrics: dict, iteration: int, epoch: float) -> dict:
        self._last_measure = time.perf_counter()
        metrics.update(iteration=iteration, epoch=epoch, seconds=round(time.perf_counter() - self.started, 2))
        self.history.quality.append(metrics)
        return metrics

    def progress(self) -> dict:
        """Epochs done, images per second (all processes), and the training time left."""
        t = self.trainer
        rate = images_per_second(t) * t.world_size
        left = (t.total_iterations - t.iteration) * t.images_per_iteration * t.world_size
        return {
            "epoch": t.epoch, "epochs": t.config.epochs, "iteration": t.iteration,
            "iterations": t.total_iterations, "images_per_second": rate,
            "seconds_left": left / rate if rate and math.isfinite(rate) else float("nan"),
        }

    def final_latent(self, n: int | None = None) -> torch.Tensor:
        """G's input vectors for the final samples: noise of its own seed, and codes (or digits)
        in turn 0..9, so that each is drawn n/10 times."""
        return self.trainer.noise(n or self.config.eval_samples, FINAL_SAMPLES_SEED)

    def final_samples(self, n: int | None = None) -> np.ndarray:
        """uint8 N x 28 x 28 from the final G, on `final_latent`."""
        return to_uint8(self.trainer.generate(self.final_latent(n)))

    def score_final(self, latent: torch.Tensor | None = None) -> tuple[np.ndarray, dict]:
        """(the final samples as uint8, every metric of them), on `final_latent` by default."""
        latent = self.final_latent() if latent is None else latent
        samples = to_uint8(self.trainer.generate(latent))
        start = time.perf_counter()
        probs, features = self.meter.classify(samples)
        self.eval_seconds += time.perf_counter() - start
        return samples, self._metrics(probs, features, latent)

    def write(self, out: Path) -> dict:
        """The run directory: config.json, metrics.json, checkpoint.pt, samples.png, samples.npy,
        and the digit asked for each sample (labels.npy, conditional) or its categorical code
        (codes.npy, InfoGAN)."""
        out.mkdir(parents=True, exist_ok=True)
        latent = self.final_latent()
        samples, final = self.score_final(latent)
        progress = self.progress()
        metrics = {
            **final,
            "iterations": self.trainer.iteration,
            "epochs": round(self.trainer.epoch, 3),
            "images_per_second": round(progress["images_per_second"], 1),
            "train_seconds": round(self.trainer.train_seconds, 2),
            "eval_seconds": round(self.eval_seconds, 2),
            "wall_seconds": round(time.perf_counter() - self.started, 2),
            "device": str(self.trainer.device),
            "processes": self.trainer.world_size,
            "data": self.digits.source,
            "model": self.config.model,
            "remedies": list(self.config.remedies()),
            "quality_curve": [{k: v for k, v in q.items() if k != "samples"} for q in self.history.quality],
        }
        (out / "config.json").write_text(self.config.to_json() + "\n")
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        save_checkpoint(out / "checkpoint.pt", self.config, self.trainer.state())
        np.save(out / "samples.npy", samples)
        codes = self.trainer.layout.codes(latent).numpy().astype(np.int64)
        if self.config.model == "conditional":
            np.save(out / "labels.npy", codes)
        elif self.config.model == "infogan":
            np.save(out / "codes.npy", codes)
        write_png(out / "samples.png", tile(samples[:100], columns=10))
        return metrics
