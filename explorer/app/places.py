"""The training places of one worker: admission, not collapse.

A worker trains at most `capacity` runs at once (the server's --max-runs shared out among its
workers); a run whose Play finds every place taken waits, in the order Plays came, and starts
by itself when a place is freed (a run paused, finished, failed, reset or left by its page).
Its page keeps asking for frames meanwhile and says where the run stands in the queue. No
gradio, no torch: `worker.Slot` asks for a place and gives it back.
"""

from __future__ import annotations

import itertools
from typing import Any


class Places:
    """Who trains and who waits in one worker (see the module docstring); capacity None: no limit."""

    def __init__(self, capacity: int | None = None) -> None:
        self.capacity = capacity
        self.training: set[Any] = set()
        self.waiting: dict[Any, int] = {}  # slot -> its ticket; the lowest ticket starts first
        self.tickets = itertools.count()

    def ask(self, slot: Any) -> bool:
        """True when `slot` may train now (it holds a place); else it waits in the queue."""
        if slot in self.training:
            return True
        if slot not in self.waiting and (self.capacity is None or len(self.training) < self.capacity):
            self.training.add(slot)
            return True
        self.waiting.setdefault(slot, next(self.tickets))
        return False

    def leave(self, slot: Any) -> None:
        """`slot` trains and waits no more."""
        self.training.discard(slot)
        self.waiting.pop(slot, None)

    def position(self, slot: Any) -> int:
        """`slot`'s place in the queue: 1 for the next to start (0 when it is not waiting)."""
        if slot not in self.waiting:
            return 0
        ticket = self.waiting[slot]
        return 1 + sum(1 for other in self.waiting.values() if other < ticket)

    def fill(self) -> list[Any]:
        """Give the free places to the slots that have waited longest; those that start now."""
        started = []
        while self.waiting and (self.capacity is None or len(self.training) < self.capacity):
            slot = min(self.waiting, key=self.waiting.get)
            del self.waiting[slot]
            self.training.add(slot)
            started.append(slot)
        return started
