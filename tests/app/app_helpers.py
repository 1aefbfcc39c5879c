"""Helpers of the app tests."""

from __future__ import annotations

import re


def iteration_of(status: str) -> int:
    """The iteration a status line reports ('iteration 40 / 3000 · ...')."""
    found = re.search(r"iteration (\d+) /", status)
    assert found, status
    return int(found.group(1))


def tab_of(engine):
    """The LiveTab holding `engine`'s run, in an in-process worker (for white-box checks)."""
    return engine.worker.in_process_worker.slots[engine.slot_id].tab
