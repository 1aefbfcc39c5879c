"""Per-browser-session state for a live training tab, and its background training thread.

Each browser session gets its own `LiveSession` (kept by Gradio in a `gr.State`): its own run,
its own training thread, stop flag and lock. Nothing here is module-level, so two tabs never
share a model, a thread or a flag.

Training runs in a thread of its own while the page polls for frames with a `gr.Timer`: the
browser asks for a frame only when it has drawn the last one, so frames can never queue up
behind a slow browser (the "backlog trap"), and Pause stops training at once, whatever the page
is still drawing. A thread whose page stopped polling (the tab was closed) ends by itself.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from typing import Any

import torch

# for bench/bench_live.py: when set, the wall-clock time at which each training thread ends is
# appended to this file, so that a benchmark can tell when Pause really stopped training
TRACE_ENV = "GAN_EXPLORER_TRAINING_TRACE"

# seconds of training between two checks of the stop flag
SLICE_SECONDS = 0.03
# pause between slices, outside the lock, so that frame requests get their turn
HANDOFF_SECONDS = 0.002
# a training thread whose page has not polled for this long is orphaned and stops (generous: a
# browser polls a hidden tab about once a second, a tab hidden for minutes once a minute)
ORPHAN_SECONDS = 120.0


def one_torch_thread(handler):
    """`handler`, run with one torch intra-op thread in whichever thread calls it.

    Gradio calls handlers from a pool of worker threads, and torch gives a thread the intra-op
    thread count last set in any thread (the DCGAN's training thread sets one per core). A frame
    drawn with two threads beside a training thread that uses both cores starts a second OpenMP
    team, whose idle workers spin and take the cores from training: with one frame a second the
    DCGAN tab trained at 0.72-0.81 of its headless rate, and trains at 0.98-1.02 with this
    (`bench/bench_app_dcgan.py`). Every tab's handlers are wired through this."""
    @functools.wraps(handler)
    def with_one_thread(*args, **kwargs):
        torch.set_num_threads(1)
        return handler(*args, **kwargs)
    return with_one_thread


class LiveSession:
    """A plain class, not a dataclass: Gradio serialises dataclass State values as dicts."""

    # torch intra-op threads of the training thread: toy networks are overhead-bound, one is fastest
    training_threads = 1

    def __init__(self) -> None:
        self.run: Any = None  # the tab's run object (e.g. ToyRun), built on first use
        self.preset = ""  # the preset the run's settings start from (for shared links)
        self.error: str | None = None  # set when training failed or a setting is invalid
        self.stop = threading.Event()  # set by Pause; the training thread checks it every slice
        self.lock = threading.Lock()  # one thread at a time touches the run
        self.thread: threading.Thread | None = None
        self.last_poll = time.monotonic()
        self.last_metrics = 0.0  # when the slower plots were last sent
        self.panels_sent = -1  # how many panels the page has
        self.view = "live"  # "live", a panel letter, or "timeline"
        self.timeline_index = -1
        self.orphaned = False  # training stopped because the page stopped asking for frames

    def __deepcopy__(self, memo) -> "LiveSession":
        # gr.State deep-copies its initial value for each new browser session: give a fresh one
        return LiveSession()

    @property
    def playing(self) -> bool:
        """Training, and not told to stop (a stopping thread may still finish its iteration)."""
        return self.thread is not None and self.thread.is_alive() and not self.stop.is_set()

    def start(self, until: int | None, on_error: type[Exception]) -> None:
        """Train self.run in a background thread until Pause, iteration `until`, an error of
        type `on_error` (its message is kept in self.error), or an orphaned page."""
        if self.playing:
            return
        self.halt()  # a thread told to stop but not yet finished (see halt(wait=False)) ends first
        self.stop.clear()
        self.orphaned = False
        self.last_poll = time.monotonic()
        self.thread = threading.Thread(target=self._train, args=(self.run, until, on_error), daemon=True,
                                       name="gan-explorer-training")
        self.thread.start()

    def _train(self, run, until: int | None, on_error: type[Exception]) -> None:
        torch.set_num_threads(self.training_threads)  # per thread: see one_torch_thread
        try:
            self._train_slices(run, until, on_error)
        finally:
            trace = os.environ.get(TRACE_ENV)
            if trace:
                with open(trace, "a") as handle:
                    handle.write(f"training stopped {time.time():.3f}\n")

    def _train_slices(self, run, until: int | None, on_error: type[Exception]) -> None:
        while not self.stop.is_set():
            if time.monotonic() - self.last_poll > ORPHAN_SECONDS:
                self.orphaned = True
                return
            with self.lock:
                # the run was replaced (Reset), or Pause came while this thread waited for the
                # lock: done, without the one iteration a slice always trains
                if run is not self.run or self.stop.is_set():
                    return
                try:
                    run.advance_for(SLICE_SECONDS, until=until, stop=self.stop)
                except on_error as err:
                    self.error = f"Training diverged. {err}"
                    return
                if until is not None and run.iteration >= until:
                    return
            # a Lock is not fair: without a pause here this thread would take it straight back
            # and a waiting frame request could starve
            time.sleep(HANDOFF_SECONDS)

    def status(self, note: str = "", extra: tuple[str, ...] = ()) -> str:
        """The status line under a tab's figure: the error if any, else the run's progress,
        what the page should know (budget reached, paused while hidden), `extra` and `note`."""
        if self.error:
            return f"⚠️ **{self.error}**"
        run = self.run
        if run is None:
            return note or "Press ▶ Play to train."
        parts = [f"iteration {run.iteration} / {run.budget}"]
        if run.finished:
            parts.append("budget reached: ▶ Play trains on")
        if self.orphaned and not self.playing:
            parts.append("paused while the page was hidden: ▶ Play to go on")
        parts += list(extra)
        if note:
            parts.append(note)
        return " · ".join(parts)

    def halt(self, wait: bool = True) -> None:
        """Stop the training thread: it ends after the iteration it is in. With wait, return once
        it has ended; without, at once (Pause answers the page without waiting for a frame
        that is being drawn; the next start() waits for the old thread)."""
        self.stop.set()
        if not wait:
            return
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self.thread = None
