"""A training worker: a process of its own that owns the runs of the sessions it holds.

The web server keeps no network, trains nothing and draws nothing: every live run lives in a
worker process (`engine.WorkerPool` starts one per core), which trains the runs that play, in
turn, a short slice each, and between two slices answers the server's commands: open a run
slot, build a run, play, pause, step, and give the outputs of a frame (figures already
serialised to JSON, Markdown, plain numbers). So the server's interpreter is never busy with
torch, and the cores are shared by the runs fairly, slice by slice.

This module imports neither gradio nor anything that does (the worker process starts fast and
small); what a tab does lives in its `LiveTab` (`live_toy1d`, `live_toy2d`, `live_mnist`), and
the states of a run and their transitions, written once for every tab, live in `Slot`.
"""

from __future__ import annotations

import importlib
import os
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Protocol

from .places import Places

# seconds of training in one slice; a command waits at most about this long for an answer
SLICE_SECONDS = 0.02
# the playing runs of a worker share its time fairly: the next slice goes to the run that has
# trained least; one that has just started (or come back) is owed at most this much time
FAIR_WINDOW_SECONDS = 0.5
# the live frames of all the runs a worker trains may take at most this share of its time: with
# many runs each page is asked to wait longer between frames (one run alone is never slowed:
# 10 frames a second of a toy figure take 5 % of a core)
FRAME_SHARE = 0.15
# a run whose page has sent nothing for this long stops training (orphaned: a hidden browser
# tab polls about once a minute); a slot quiet for DROP_SECONDS is dropped (a closed page's slot
# is closed at once by the server)
ORPHAN_SECONDS = 120.0
DROP_SECONDS = 4 * 3600.0
# each tab's LiveTab, by the name the server opens slots with (imported in the worker only)
TAB_MODULES = {"toy1d": "explorer.app.live_toy1d", "toy2d": "explorer.app.live_toy2d",
               "mnist": "explorer.app.live_mnist", "dirac": "explorer.app.live_dirac"}

PLAYING, WAITING, PAUSED, EMPTY = "playing", "waiting", "paused", "empty"
# for bench/bench_live.py: when set, the wall-clock times at which a Pause reaches the server
# and at which each run stops training are appended to this file (so it can time Pause)
TRACE_ENV = "GAN_EXPLORER_TRAINING_TRACE"


def trace(event: str) -> None:
    """For bench/bench_live.py: append `event` and the wall-clock time to the file TRACE_ENV names, if any."""
    path = os.environ.get(TRACE_ENV)
    if path:
        with open(path, "a") as handle:
            handle.write(f"{event} {time.time():.3f}\n")


class LiveTab(Protocol):
    """What a tab supplies to the engine: how to build its run and draw its frame (optionally
    `replace_on_play`: true while its run is for looking at, which Play replaces with a new one)."""

    # torch intra-op threads while this tab's run trains (toy nets: 1; a DCGAN: every core)
    training_threads: int
    # the run (anything that follows core.run.Run), None before the first build
    run: Any

    def build(self, request: dict) -> str:
        """Make a fresh run from the page's settings; returns a note for the status line.
        Raises ConfigError (or another ValueError) with a message for bad settings."""

    def apply(self, request: dict) -> str:
        """Apply the page's settings to the run that exists, as Play does: a new budget takes
        effect; other changes wait for Reset (the note says so). Raises ConfigError (a
        ValueError) for settings that are not valid."""

    def outputs(self, slot: Slot, request: dict) -> dict:
        """The outputs of one frame for the page, from the run as it is now."""

    def command(self, slot: Slot, name: str, request: dict) -> dict:
        """A tab's own command (a manual step, a view, a download): its outputs."""

    def diverged_errors(self) -> tuple[type[Exception], ...]:
        """The errors that mean the run diverged (shown as such, the run kept for viewing)."""


class Slot:
    """One session's run in a worker, and the states of a live run, the same on every tab:

    - empty: no run yet (or its settings were refused: `error` says why);
    - paused: a run that does not train; Play trains it, Step steps it;
    - playing: trained a slice at a time, until Pause or its budget (then paused again, with
      `finished` true: Play on a finished run says so and trains no further);
    - waiting: Play found every training place of the worker taken (places.Places); it starts
      by itself, in its turn, and its page says where it stands;
    - an error (`error`): the run diverged, or its settings were refused; Reset builds anew;
    - orphaned: its page stopped asking for frames, so it stopped playing (Play goes on).
    """

    def __init__(self, slot_id: str, tab: LiveTab, places: Places | None = None) -> None:
        self.slot_id, self.tab = slot_id, tab
        self.places = places if places is not None else Places()
        self.state = EMPTY
        self.error: str | None = None
        self.notice = ""  # shown in the status line until the next command
        self.orphaned = False
        self.last_seen = time.monotonic()
        self.trained_seconds = 0.0  # the worker's time this run has trained (fair shares)
        self.projector = False  # its page is in lecture mode: figures sized for a projector

    @property
    def playing(self) -> bool:
        """True while the run trains or waits for a place (its page keeps asking for frames)."""
        return self.state in (PLAYING, WAITING)

    @property
    def training(self) -> bool:
        """True while the worker trains this run."""
        return self.state == PLAYING

    def wait_seconds(self) -> float:
        """Seconds until the run's next step is due: 0 for a run that trains flat out; a paced
        run (one with `wait_seconds`, the Dirac GAN's) says when."""
        paced = getattr(self.tab.run, "wait_seconds", None)
        return paced() if paced is not None else 0.0

    def start(self) -> None:
        """A place was given: train from now on."""
        self.state = PLAYING

    def stop_playing(self, orphaned: bool = False) -> None:
        """Playing (or waiting to) no more: Pause, the budget, an error, a silent page, Reset."""
        if self.state == PLAYING:
            trace("training stopped")
        self.places.leave(self)
        self.state = PAUSED if self.tab.run is not None else EMPTY
        self.orphaned = self.orphaned or orphaned

    def busy_note(self) -> str:
        """What a waiting run's page says."""
        return (f"the server is busy: your run starts when a place is free (position {self.places.position(self)} "
                f"of {len(self.places.waiting)})")

    def build(self, request: dict) -> str:
        """A fresh run from the page's settings; on refused settings the slot is empty with the
        message as its error."""
        self.places.leave(self)
        self.state, self.error, self.orphaned, self.notice = EMPTY, None, False, ""
        try:
            note = self.tab.build(request)
        except ValueError as err:  # ConfigError, DataError, MnistDataError, CheckpointError
            self.tab.run = None
            self.error = f"Invalid setting: {err}"
            return ""
        self.state = PAUSED
        return note

    def play(self, request: dict) -> str:
        """Start training, building a run first when there is none or it failed; else the
        page's settings apply as `LiveTab.apply` says (a new budget at once, the rest on Reset).
        At its budget a run stops, on every tab; Play then trains on only to a raised budget."""
        self.notice = ""
        if self.error or self.tab.run is None or getattr(self.tab, "replace_on_play", False):
            note = self.build(request)
            if self.tab.run is None:
                return note
        else:
            try:
                self.notice = self.tab.apply(request)
            except ValueError as err:
                return f"⚠️ not started: {err}"
        if self.tab.run.finished:
            return "budget reached: raise the iterations (or epochs) and press ▶ Play to train on"
        self.orphaned = False
        if self.places.ask(self):
            self.state = PLAYING
            return "training…"
        self.state = WAITING
        return self.busy_note()

    def pause(self) -> str:
        """Stop training after the slice it is in (the worker answers between slices)."""
        self.notice = ""
        self.stop_playing()
        return "paused"

    def train_slice(self, seconds: float) -> None:
        """Train about `seconds` (at least one iteration); stop at the budget or on divergence."""
        run = self.tab.run
        try:
            run.advance_for(seconds, until=run.budget)
        except self.tab.diverged_errors() as err:
            self.fail(err)
        if run.finished:
            self.stop_playing()

    def frame_note(self, request: dict) -> tuple[str, bool]:
        """(note, full) of a tab's outputs: the request's note, else 'training…' while playing;
        a frame the page's timer asks for after training stopped is the final one: 'paused' or
        'finished', and full (every plot)."""
        note, full = request.get("note", ""), request.get("full", True)
        if self.state == WAITING and not note:
            note = self.busy_note()
        elif self.playing and not note:
            note = "training…"
        elif not self.playing and not full and not note:
            note = "finished" if self.tab.run is not None and self.tab.run.finished else "paused"
            full = True
        return note, full

    def before_step(self, request: dict) -> str | None:
        """None when a manual step can run (a run is built first when there is none or it
        failed); else the note for the page ('' when the settings were refused)."""
        if self.playing:
            return "pause before stepping"
        if self.tab.run is None or self.error:
            self.build(request)
            if self.tab.run is None:
                return ""
        return None

    def fail(self, err: Exception) -> None:
        """The run diverged: it stops, keeps its last good snapshot, and says so."""
        self.stop_playing()
        message = str(err)
        message = message[0].upper() + message[1:] if message else "Training diverged"
        self.error = f"{message}. Press ↺ Reset to start again."

    def status(self, note: str = "", extra: tuple[str, ...] = ()) -> str:
        """The status line under a tab's figure: the error if any, else the run's progress,
        what the page should know (budget reached, paused while hidden), `extra` and `note`."""
        if self.error:
            return f"⚠️ **{self.error}**"
        run = self.tab.run
        if run is None:
            return note or "Press ▶ Play to train."
        parts = [f"iteration {run.iteration} / {run.budget}"]
        if run.finished and not getattr(self.tab, "replace_on_play", False):
            parts.append("budget reached")
        if self.orphaned and not self.playing:
            parts.append("paused while the page was hidden: ▶ Play to go on")
        parts += list(extra)
        if note:
            parts.append(note)
        if self.notice:
            parts.append(self.notice)
        return " · ".join(parts)


class Worker:
    """The slots of one worker process and the loop that trains and answers (see module)."""

    def __init__(self, connection: Connection, make_tab: Callable[[str], LiveTab] | None = None,
                 settings: dict | None = None) -> None:
        """`settings`: the server's plain values, handed to every tab it makes ('data_access': what a user
        may make the DCGAN tab read or fetch), and 'max_runs' (places.Places; None: no limit)."""
        self.connection = connection
        self.slots: dict[str, Slot] = {}
        self.settings = dict(settings or {})
        self.places = Places(self.settings.get("max_runs"))
        self.frame_ms = 5.0  # a running mean of what a live frame costs this worker
        self.make_tab = make_tab or (lambda name: load_tab(name, self.settings))

    def serve(self) -> None:
        """Answer commands and train until the server closes the connection."""
        while True:
            # with nothing to train, wait for a command; else only look whether one came (a
            # paced run, the Dirac GAN's, is waited for until its next step is due)
            waits = [slot.wait_seconds() for slot in self.slots.values() if slot.training]
            wait = min(waits + [0.5])
            try:
                while self.connection.poll(wait):
                    message = self.connection.recv()
                    if message is None:
                        return
                    self.connection.send(self.answer(*message))
                    wait = 0.0
            except (EOFError, OSError):
                return  # the server is gone
            self.check_orphans()
            for slot in self.places.fill():  # places freed since: the runs waiting longest start
                slot.start()
            playing = [slot for slot in self.slots.values() if slot.training and slot.wait_seconds() == 0.0]
            if playing:
                self._train(fairest(playing))

    def _train(self, slot: Slot) -> None:
        import torch

        torch.set_num_threads(slot.tab.training_threads)
        started = time.perf_counter()
        try:
            slot.train_slice(SLICE_SECONDS)
        except Exception as err:  # noqa: BLE001 - a bug in one run must not end the others
            slot.stop_playing()
            slot.error = f"Training stopped: {type(err).__name__}: {err}"
            traceback.print_exc()
        slot.trained_seconds += time.perf_counter() - started

    def answer(self, request_id: int, slot_id: str, operation: str, request: dict) -> tuple:
        """(request_id, True, outputs) or (request_id, False, message) for one command."""
        try:
            started = time.perf_counter()
            result = self.perform(slot_id, operation, request)
            if operation in ("live", "pause") and isinstance(result, dict):
                result["worker_ms"] = round((time.perf_counter() - started) * 1000, 1)
                self._pace(result)
            return request_id, True, result
        except Exception as err:  # noqa: BLE001 - reported to the page, the worker carries on
            traceback.print_exc()
            return request_id, False, f"{type(err).__name__}: {err}"

    def _pace(self, frame: dict) -> None:
        """Ask the page to wait long enough that the frames of every run this worker trains take
        at most FRAME_SHARE of its time (a frame's cost measured as they come)."""
        if "data" in frame or "png" in frame:
            self.frame_ms = 0.9 * self.frame_ms + 0.1 * frame["worker_ms"]
        training = sum(1 for slot in self.slots.values() if slot.training)
        wait = int(training * self.frame_ms / FRAME_SHARE)
        if frame.get("playing") and wait > frame.get("wait_ms", 0):
            frame["wait_ms"] = wait

    def perform(self, slot_id: str, operation: str, request: dict) -> dict:
        """Carry out one command on a slot; returns the outputs for the page."""
        import torch

        slot = self.slots.get(slot_id)
        # a command runs while nothing else trains in this worker: with the threads its run trains
        # with (one for a toy, whose frames and steps are small; every core for a DCGAN)
        torch.set_num_threads(slot.tab.training_threads if slot is not None else 1)
        if operation == "open":
            self.slots[slot_id] = Slot(slot_id, self.make_tab(request["tab"]), self.places)
            return {}
        if operation == "close":
            closed = self.slots.pop(slot_id, None)
            if closed is not None:
                closed.stop_playing()  # its place is free at once
            return {}
        if operation == "ping":
            return {"pid": os.getpid(), "slots": len(self.slots)}
        if slot is None:
            raise KeyError("this page's run is no longer held by its worker: press ↺ Reset")
        slot.last_seen = time.monotonic()
        if bool(request.get("projector", slot.projector)) != slot.projector:  # lecture mode switched:
            slot.projector, request = not slot.projector, dict(request, full=True)  # every plot sent anew
        note = ""
        if operation == "reset":
            note = slot.build(request)
        elif operation == "play":
            note = slot.play(request)
        elif operation == "pause":
            note = slot.pause()
            if request.get("frame"):  # a live figure's Pause: its final frame (frames.view_key)
                return slot.tab.command(slot, "live", dict(request, hold=True))
            # the status at once, nothing else: the page's timer asks once more ('poll') for
            # the final frame, whose figures take longer to make
            return {"status": slot.status(note), "playing": False, "poll": True}
        elif operation == "frame":
            pass
        else:
            return slot.tab.command(slot, operation, request)
        return slot.tab.outputs(slot, dict(request, note=note))

    def check_orphans(self) -> None:
        """Stop the runs whose page has gone quiet; drop those quiet for much longer."""
        now = time.monotonic()
        for slot_id, slot in list(self.slots.items()):
            quiet = now - slot.last_seen
            if quiet > DROP_SECONDS:
                self.places.leave(slot)
                del self.slots[slot_id]
            elif slot.playing and quiet > ORPHAN_SECONDS:
                slot.stop_playing(orphaned=True)


def fairest(playing: list[Slot]) -> Slot:
    """The playing run owed the most time: the one that has trained least, after lifting every
    run to within FAIR_WINDOW_SECONDS of the one that has trained most (so a run that has just
    started gets its share from now on, not a burst for all the time it did not play). A run
    whose iteration is slow gets fewer turns, not more time: each run gets the same share."""
    most = max(slot.trained_seconds for slot in playing)
    for slot in playing:
        slot.trained_seconds = max(slot.trained_seconds, most - FAIR_WINDOW_SECONDS)
    return min(playing, key=lambda slot: slot.trained_seconds)


def load_tab(name: str, settings: dict | None = None) -> LiveTab:
    """A fresh LiveTab of the tab `name` (TAB_MODULES), given the server's `settings`."""
    return importlib.import_module(TAB_MODULES[name]).LIVE_TAB(settings or {})


def worker_main(connection: Connection, settings: dict | None = None) -> None:
    """The entry point of a worker process."""
    import torch

    from ..core.cost import warm_up

    torch.set_num_threads(1)
    warm_up()  # a run's cost is estimated before each build: its setup now, not on a page's Reset
    Worker(connection, settings=settings).serve()
