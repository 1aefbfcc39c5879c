"""The run protocol that every family's run follows, so that the app, the CLI and the benchmarks
drive a toy run, a pair of twin runs and a DCGAN run the same way; and the one step-result type.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class StepStats:
    """What one training update reports, in plain numbers: the iteration it reached (generator
    updates so far), the last D and G losses, and the mean of D's output on the last real and
    fake batches (a probability, D(x), where the objective has one; else the raw score)."""

    iteration: int
    d_loss: float = float("nan")
    g_loss: float = float("nan")
    d_real: float = float("nan")
    d_fake: float = float("nan")


@runtime_checkable
class Run(Protocol):
    """A live run: an iteration counter, a budget of iterations, and one iteration at a time.

    `iteration` counts iterations of Algorithm 1 (Goodfellow et al. 2014): k D updates and one G
    update each. `budget` is the iterations the run's config asks for, and `finished` is true
    once `iteration` has reached it."""

    @property
    def iteration(self) -> int:
        """Iterations of Algorithm 1 trained so far."""

    @property
    def budget(self) -> int:
        """The iterations the run's config asks for."""

    @property
    def finished(self) -> bool:
        """True once `iteration` has reached `budget`."""

    def train_iteration(self) -> None:
        """One iteration of Algorithm 1, with whatever the run records after it."""


def train_for(run: Run, seconds: float, until: int | None = None,
              stop: threading.Event | None = None) -> int:
    """Train `run` for about `seconds` of wall-clock time (at least one iteration), stopping
    early at iteration `until` or once the event `stop` is set; returns the iterations done."""
    deadline = time.perf_counter() + seconds
    done = 0
    while until is None or run.iteration < until:
        run.train_iteration()
        done += 1
        if time.perf_counter() >= deadline or (stop is not None and stop.is_set()):
            break
    return done
