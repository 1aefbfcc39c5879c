"""The history of a run: a bounded list of snapshots for the timeline, and the full traces of
its measurements for the curves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .snapshots import Snapshot1D, Snapshot2D


@dataclass
class RunHistory:
    """Snapshots for scrubbing back through a run, at most `max_snapshots` of them.

    When full, every other snapshot is dropped (the first and the latest are kept), so the
    timeline always spans the whole run at an even density and memory stays bounded however
    long the run goes on. The traces keep every measurement ever added: they are a few floats.
    """

    max_snapshots: int = 200
    snapshots: list[Any] = field(default_factory=list)  # Snapshot1D or Snapshot2D
    # one list per key of snapshot.measurements(), e.g. "iteration", "js_divergence"
    traces: dict[str, list[float]] = field(default_factory=dict)

    def add(self, snapshot: Snapshot1D | Snapshot2D) -> None:
        """Append the snapshot and its measurements to the traces; thin the snapshots when over the limit."""
        for key, value in snapshot.measurements().items():
            self.traces.setdefault(key, []).append(float(value))
        self.snapshots.append(snapshot)
        if len(self.snapshots) > self.max_snapshots:
            latest = self.snapshots[-1]
            self.snapshots = self.snapshots[:-1][::2] + [latest]

    @property
    def latest(self) -> Snapshot1D | Snapshot2D | None:
        """The newest snapshot, or None before the first."""
        return self.snapshots[-1] if self.snapshots else None

    def __len__(self) -> int:
        return len(self.snapshots)

    def __getitem__(self, index: int):
        return self.snapshots[index]
