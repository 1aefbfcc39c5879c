"""A toy run: the trainer with its history (and, in 1-D, the paper's panels); the one object that
the app, the CLI, the benchmarks and the tests drive. `TwinRun` trains two of them in lockstep."""

from __future__ import annotations

import time

from .config import ToyConfig
from .history import RunHistory
from .panels import PaperPanels
from .training import ToyTrainer


class ToyRun:
    """Trains with `ToyTrainer` and records a snapshot every `config.snapshot_every` iterations
    (and after every single manual step), feeding the timeline and the panel capture."""

    def __init__(self, config: ToyConfig, max_snapshots: int = 200):
        self.config = config
        self.trainer = ToyTrainer(config)
        self.history = RunHistory(max_snapshots=max_snapshots)
        self.panels = PaperPanels()
        self._current = None
        self.record("initial state")

    @property
    def is_2d(self) -> bool:
        return self.trainer.data_dim == 2

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def budget(self) -> int:
        return self.config.steps

    @property
    def finished(self) -> bool:
        """True once the run has spent its budget of config.steps iterations."""
        return self.trainer.iteration >= self.config.steps

    def record(self, phase: str = ""):
        snapshot = self.trainer.snapshot(phase)
        self.history.add(snapshot)
        if not self.is_2d:
            self.panels.observe(self.trainer, snapshot)
        self._current = snapshot
        return snapshot

    def current(self):
        """A snapshot of the state as it is now (recorded in the history or not)."""
        if self._current is None or self._current.iteration != self.trainer.iteration:
            self._current = self.trainer.snapshot()
        return self._current

    def _iterate(self) -> None:
        self.trainer.step()
        if self.trainer.iteration % self.config.snapshot_every == 0:
            self.record()

    def switch_remedies(self, config: ToyConfig) -> None:
        """Switch remedies or the objective mid-run (see ToyTrainer.switch_remedies)."""
        self.trainer.switch_remedies(config)
        self.config = config
        self.record("remedies switched: D restarts, G carries on")

    def advance(self, iterations: int):
        """Train `iterations` iterations of Algorithm 1 (k D updates, one G update each)."""
        for _ in range(iterations):
            self._iterate()
        return self.current()

    def advance_for(self, seconds: float, until: int | None = None, stop=None) -> int:
        return train_for(self, seconds, until, stop)

    # manual steps, each recorded with what it did
    def step_discriminator(self):
        for _ in range(self.config.k_d_steps):
            self.trainer.step_d()
        return self.record(f"after {self.config.k_d_steps} D update(s)")

    def step_generator(self):
        self.trainer.step_g()
        return self.record("after 1 G update")

    def step_both(self):
        self.trainer.step()
        return self.record(f"after {self.config.k_d_steps} D update(s) and 1 G update")


class TwinRun:
    """Two runs trained in lockstep, one iteration each in turn: the same seed, so the same
    initial generator and the same data and noise batches, differing only in the settings
    that tell `left` from `right` (e.g. a remedy switched on). This is the side-by-side view."""

    def __init__(self, left: ToyConfig, right: ToyConfig, max_snapshots: int = 200):
        self.left = ToyRun(left, max_snapshots)
        self.right = ToyRun(right, max_snapshots)

    @property
    def runs(self) -> tuple[ToyRun, ToyRun]:
        return self.left, self.right

    @property
    def config(self) -> ToyConfig:
        return self.right.config

    @property
    def iteration(self) -> int:
        return min(self.left.iteration, self.right.iteration)

    @property
    def budget(self) -> int:
        return self.left.config.steps

    @property
    def finished(self) -> bool:
        return self.left.finished and self.right.finished

    def _iterate(self) -> None:
        self.left._iterate()
        self.right._iterate()

    def advance(self, iterations: int) -> None:
        for _ in range(iterations):
            self._iterate()

    def advance_for(self, seconds: float, until: int | None = None, stop=None) -> int:
        return train_for(self, seconds, until, stop)


def train_for(run, seconds: float, until: int | None = None, stop=None) -> int:
    """Train `run` (anything with `iteration` and `_iterate()`: ToyRun, TwinRun, MnistRun) for
    about `seconds` of wall-clock time (at least one iteration), stopping
    early at iteration `until` or once the event `stop` is set; returns the iterations done."""
    deadline = time.perf_counter() + seconds
    done = 0
    while until is None or run.iteration < until:
        run._iterate()
        done += 1
        if time.perf_counter() >= deadline or (stop is not None and stop.is_set()):
            break
    return done
