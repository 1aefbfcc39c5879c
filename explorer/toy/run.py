"""A toy run: the trainer with its measurement, its history and (in 1-D) the paper's panels; the
one object that the app, the CLI, the benchmarks and the tests drive. `TwinRun` trains two of
them in lockstep. Both follow the run protocol of `core.run`."""

from __future__ import annotations

import threading

from ..core.run import train_for
from .config import ToyConfig
from .history import RunHistory
from .measure1d import Measurement1D
from .measure2d import Measurement2D
from .panels import PaperPanels
from .snapshots import Snapshot1D, Snapshot2D
from .trainer import ToyTrainer


def measurement_for(trainer: ToyTrainer) -> Measurement1D | Measurement2D:
    """The measurement that draws `trainer`'s figure: 1-D or 2-D by its data."""
    return Measurement1D(trainer) if trainer.data_dim == 1 else Measurement2D(trainer)


class ToyRun:
    """Trains with `ToyTrainer` and records a snapshot every `config.snapshot_every` iterations
    (and after every single manual step), feeding the timeline and the panel capture."""

    def __init__(self, config: ToyConfig, max_snapshots: int = 200,
                 trainer: ToyTrainer | None = None, record_discriminator: bool = True) -> None:
        """`record_discriminator` False: the snapshots recorded while training (2-D) keep D's
        heatmap and arrows as last measured (the app measures them at its own cadence; the
        timeline uses only the samples' measurements); manual steps measure everything."""
        self.config = config
        self.record_discriminator = record_discriminator
        self.trainer = trainer if trainer is not None else ToyTrainer(config)
        self.measurement = measurement_for(self.trainer)
        self.history = RunHistory(max_snapshots=max_snapshots)
        self.panels = PaperPanels()
        self._current: Snapshot1D | Snapshot2D | None = None
        self.record("initial state")

    @property
    def is_2d(self) -> bool:
        """True for 2-D data."""
        return self.trainer.data_dim == 2

    @property
    def iteration(self) -> int:
        """Iterations of Algorithm 1 trained so far."""
        return self.trainer.iteration

    @property
    def budget(self) -> int:
        """The iterations the config asks for (config.steps)."""
        return self.config.steps

    @property
    def finished(self) -> bool:
        """True once the run has spent its budget of config.steps iterations."""
        return self.trainer.iteration >= self.config.steps

    def snapshot(self, phase: str = "") -> Snapshot1D | Snapshot2D:
        """A snapshot of the trainer now, not recorded."""
        return self.measurement.snapshot(self.trainer, phase)

    def live_snapshot(self, discriminator: bool = True) -> Snapshot1D | Snapshot2D:
        """The snapshot of a live frame: the current one, or in 2-D with D's heatmap and arrows
        left as last measured unless `discriminator` (Measurement2D.snapshot)."""
        if not self.is_2d:
            return self.current()
        current = self._current
        if current is not None and current.iteration == self.trainer.iteration and (
                not discriminator or current.heat_iteration == current.iteration):
            return current
        self._current = self.measurement.snapshot(self.trainer, discriminator=discriminator)
        return self._current

    def record(self, phase: str = "") -> Snapshot1D | Snapshot2D:
        """Take a snapshot now and add it to the history (and, in 1-D, to the panel capture)."""
        snapshot = self.snapshot(phase)
        self.history.add(snapshot)
        if not self.is_2d:
            self.panels.observe(self.trainer, snapshot, self.measurement)
        self._current = snapshot
        return snapshot

    @property
    def latest(self) -> Snapshot1D | Snapshot2D:
        """The snapshot measured last (by a live frame, a record or `current`), measuring nothing:
        while training it lags the trainer by at most a frame or a snapshot interval."""
        return self._current if self._current is not None else self.history.latest

    def current(self) -> Snapshot1D | Snapshot2D:
        """A snapshot of the state as it is now (recorded in the history or not)."""
        if self._current is None or self._current.iteration != self.trainer.iteration:
            self._current = self.snapshot()
        return self._current

    def train_iteration(self) -> None:
        """One iteration of Algorithm 1, recorded every config.snapshot_every iterations."""
        self.trainer.step()
        if self.trainer.iteration % self.config.snapshot_every == 0:
            if self.record_discriminator or not self.is_2d:
                self.record()
            else:
                self._current = snapshot = self.live_snapshot(discriminator=False)
                self.history.add(snapshot)

    def switch_remedies(self, config: ToyConfig) -> None:
        """Switch remedies or the objective mid-run (see ToyTrainer.switch_remedies)."""
        self.trainer.switch_remedies(config)
        self.config = config
        self.record("remedies switched: D restarts, G carries on")

    def advance(self, iterations: int) -> Snapshot1D | Snapshot2D:
        """Train `iterations` iterations of Algorithm 1 (k D updates, one G update each)."""
        for _ in range(iterations):
            self.train_iteration()
        return self.current()

    def advance_for(self, seconds: float, until: int | None = None, stop: threading.Event | None = None) -> int:
        """Train for about `seconds` (core.run.train_for); returns the iterations done."""
        return train_for(self, seconds, until, stop)

    # manual steps, each recorded with what it did
    def step_discriminator(self) -> Snapshot1D | Snapshot2D:
        """k D updates alone (the inner loop of Algorithm 1), recorded."""
        for _ in range(self.config.k_d_steps):
            self.trainer.step_d()
        return self.record(f"after {self.config.k_d_steps} D update(s)")

    def step_generator(self) -> Snapshot1D | Snapshot2D:
        """One G update alone, recorded."""
        self.trainer.step_g()
        return self.record("after 1 G update")

    def step_both(self) -> Snapshot1D | Snapshot2D:
        """One whole iteration of Algorithm 1, recorded."""
        self.trainer.step()
        return self.record(f"after {self.config.k_d_steps} D update(s) and 1 G update")


class TwinRun:
    """Two runs trained in lockstep, one iteration each in turn: the same seed, so the same
    initial generator and the same data and noise batches, differing only in the settings
    that tell `left` from `right` (e.g. a remedy switched on). This is the side-by-side view."""

    def __init__(self, left: ToyConfig, right: ToyConfig, max_snapshots: int = 200,
                 record_discriminator: bool = True) -> None:
        self.left = ToyRun(left, max_snapshots, record_discriminator=record_discriminator)
        self.right = ToyRun(right, max_snapshots, record_discriminator=record_discriminator)

    @property
    def runs(self) -> tuple[ToyRun, ToyRun]:
        """(left, right)."""
        return self.left, self.right

    @property
    def config(self) -> ToyConfig:
        """The right (remedied) run's config."""
        return self.right.config

    @property
    def iteration(self) -> int:
        """The iterations both runs have trained."""
        return min(self.left.iteration, self.right.iteration)

    @property
    def budget(self) -> int:
        """The iterations the configs ask for."""
        return self.left.config.steps

    @property
    def finished(self) -> bool:
        """True once both runs have spent their budget."""
        return self.left.finished and self.right.finished

    def train_iteration(self) -> None:
        """One iteration of each run, left then right."""
        self.left.train_iteration()
        self.right.train_iteration()

    def advance(self, iterations: int) -> None:
        """Train both runs `iterations` iterations."""
        for _ in range(iterations):
            self.train_iteration()

    def advance_for(self, seconds: float, until: int | None = None, stop: threading.Event | None = None) -> int:
        """Train both for about `seconds` (core.run.train_for); returns the iterations done."""
        return train_for(self, seconds, until, stop)
