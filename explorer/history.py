"""The history of a run: a bounded list of snapshots for the timeline, and the full traces of
its measurements for the curves."""

from __future__ import annotations

from dataclasses import dataclass, field

from .snapshot import Snapshot1D

TRACE_KEYS = ("iteration", "js_divergence", "value_function", "d_deviation", "d_loss", "g_loss", "d_real", "d_fake")


@dataclass
class RunHistory:
    """Snapshots for scrubbing back through a run, at most `max_snapshots` of them.

    When full, every other snapshot is dropped (the first and the latest are kept), so the
    timeline always spans the whole run at an even density and memory stays bounded however
    long the run goes on. The traces keep every measurement ever added: they are a few floats.
    """

    max_snapshots: int = 200
    snapshots: list[Snapshot1D] = field(default_factory=list)
    traces: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in TRACE_KEYS})

    def add(self, snapshot: Snapshot1D) -> None:
        measured = snapshot.measurements()
        for key in TRACE_KEYS:
            self.traces[key].append(float(measured[key]))
        self.snapshots.append(snapshot)
        if len(self.snapshots) > self.max_snapshots:
            latest = self.snapshots[-1]
            self.snapshots = self.snapshots[:-1][::2] + [latest]

    @property
    def latest(self) -> Snapshot1D | None:
        return self.snapshots[-1] if self.snapshots else None

    def __len__(self) -> int:
        return len(self.snapshots)

    def __getitem__(self, index: int) -> Snapshot1D:
        return self.snapshots[index]
