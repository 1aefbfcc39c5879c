"""A toy run: the trainer with its history and the paper's panels; the one object that the app,
the CLI, the benchmarks and the tests drive."""

from __future__ import annotations

import time

from .config import ToyConfig
from .history import RunHistory
from .panels import PaperPanels
from .snapshot import Snapshot1D
from .training import ToyTrainer


class ToyRun:
    """Trains with `ToyTrainer` and records a snapshot every `config.snapshot_every` iterations
    (and after every single manual step), feeding the timeline and the panel capture."""

    def __init__(self, config: ToyConfig, max_snapshots: int = 200):
        self.config = config
        self.trainer = ToyTrainer(config)
        self.history = RunHistory(max_snapshots=max_snapshots)
        self.panels = PaperPanels()
        self._current: Snapshot1D | None = None
        self.record("initial state")

    @property
    def iteration(self) -> int:
        return self.trainer.iteration

    @property
    def finished(self) -> bool:
        """True once the run has spent its budget of config.steps iterations."""
        return self.trainer.iteration >= self.config.steps

    def record(self, phase: str = "") -> Snapshot1D:
        snapshot = self.trainer.snapshot(phase)
        self.history.add(snapshot)
        self.panels.observe(self.trainer, snapshot)
        self._current = snapshot
        return snapshot

    def current(self) -> Snapshot1D:
        """A snapshot of the state as it is now (recorded in the history or not)."""
        if self._current is None or self._current.iteration != self.trainer.iteration:
            self._current = self.trainer.snapshot()
        return self._current

    def _iterate(self) -> None:
        self.trainer.step()
        if self.trainer.iteration % self.config.snapshot_every == 0:
            self.record()

    def advance(self, iterations: int) -> Snapshot1D:
        """Train `iterations` iterations of Algorithm 1 (k D updates, one G update each)."""
        for _ in range(iterations):
            self._iterate()
        return self.current()

    def advance_for(self, seconds: float, until: int | None = None) -> int:
        """Train for about `seconds` of wall-clock time (at least one iteration), stopping early
        at iteration `until`; returns the number of iterations done."""
        deadline = time.perf_counter() + seconds
        done = 0
        while until is None or self.trainer.iteration < until:
            self._iterate()
            done += 1
            if time.perf_counter() >= deadline:
                break
        return done

    # manual steps, each recorded with what it did
    def step_discriminator(self) -> Snapshot1D:
        for _ in range(self.config.k_d_steps):
            self.trainer.step_d()
        return self.record(f"after {self.config.k_d_steps} D update(s)")

    def step_generator(self) -> Snapshot1D:
        self.trainer.step_g()
        return self.record("after 1 G update")

    def step_both(self) -> Snapshot1D:
        self.trainer.step()
        return self.record(f"after {self.config.k_d_steps} D update(s) and 1 G update")
