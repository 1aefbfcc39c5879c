"""Per-browser-session state for a live training tab.

Each browser session gets its own `LiveSession` (kept by Gradio in a `gr.State`): its own run,
its own stop flag and its own lock. Nothing here is module-level, so two tabs never share a
model, a thread or a flag.
"""

from __future__ import annotations

import threading
from typing import Any


class LiveSession:
    """A plain class, not a dataclass: Gradio serialises dataclass State values as dicts."""

    def __init__(self) -> None:
        self.run: Any = None  # the tab's run object (e.g. ToyRun), built on first use
        self.error: str | None = None  # set when training failed or a setting is invalid
        self.stop = threading.Event()  # set by Pause: the Play loop checks it between slices
        self.lock = threading.Lock()  # one handler at a time touches the run
        self.playing = False
        self.view = "live"  # "live", a panel letter, or "timeline"
        self.timeline_index = -1
        self.play_token: object = None  # identifies the Play loop that may train; others stop

    def __deepcopy__(self, memo) -> "LiveSession":
        # gr.State deep-copies its initial value for each new browser session: give a fresh one
        return LiveSession()
