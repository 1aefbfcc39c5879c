"""The live engine, server side: worker processes that train, and each page's handle on its run.

`WorkerPool` starts the worker processes (one per core by default, `--workers N`), hands each
new run slot to the least busy worker, and replaces a worker that dies; `LiveEngine` is one
page's handle on one tab's run: it sends the page's commands (reset, play, pause, frame, a tab's
own) to the worker that holds the run and returns the worker's answer, the outputs for the page.
A command crosses as a small tuple; a frame comes back as figures already serialised to JSON.

Every tab uses this one engine (the states of a run are `worker.Slot`, written once). This
module imports neither gradio nor torch: the server only passes numbers on.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import multiprocessing
import os
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .exports import ExportRenderer
from .worker import trace

# how long a command may wait for its worker (building a DCGAN run loads digits: seconds)
COMMAND_TIMEOUT = 60.0
# a page's live figure asks for a frame when it has drawn the last (at most ~12 a second); asks
# closer than this, or while the last is still being made, are answered at once without the
# worker (a client flooding the server with frame requests takes no time from other runs)
FRAME_MIN_SECONDS = 0.04
# the web server answers every page's frame requests (about 2 ms of its CPU each, measured by
# bench/classroom.py): with many pages live, each is asked to wait so that together they take at
# most SERVER_FRAME_SHARE of a core (one page alone is never slowed)
SERVER_FRAME_MS = 2.0
SERVER_FRAME_SHARE = 0.2
# and each page's status timer (a Gradio event: about 6 ms of the server's CPU each, the same
# bench) ticks, with many pages live, slowly enough that together they take at most
# SERVER_TICK_SHARE of a core (the live figure still moves at its own rate)
SERVER_TICK_MS = 6.0
SERVER_TICK_SHARE = 0.08
# a page that asked for a frame within this many seconds is live
LIVE_PAGE_SECONDS = 2.0


class WorkerLost(RuntimeError):
    """The worker process that held a run stopped; the run is gone, and Reset starts anew."""


class WorkerHandle:
    """One worker process (or, for tests, a thread) and the pipe to it: `call` sends a command
    and waits for its answer, which a reader thread matches to it by number."""

    def __init__(self, index: int, in_process: bool = False, settings: dict | None = None) -> None:
        self.index = index
        self.pending: dict[int, Future] = {}
        self.numbers = itertools.count()
        self.send_lock = threading.Lock()
        self.slots = 0
        self.slots_by_tab: dict[str, int] = {}
        self.lost: str | None = None  # why the worker stopped, once it has
        server_end, worker_end = multiprocessing.Pipe(duplex=True)
        self.connection = server_end
        if in_process:
            from .worker import Worker

            self.process = None
            self.in_process_worker = Worker(worker_end, settings=settings)  # for tests: its slots can be looked at
            self.thread = threading.Thread(target=self.in_process_worker.serve, daemon=True,
                                           name=f"gan-explorer-worker-{index}")
            self.thread.start()
        else:
            from .worker import worker_main

            context = multiprocessing.get_context("spawn")
            self.process = context.Process(target=worker_main, args=(worker_end, settings), daemon=True,
                                           name=f"gan-explorer-worker-{index}")
            self.process.start()
            worker_end.close()
        self.reader = threading.Thread(target=self._read, daemon=True, name=f"gan-explorer-reader-{index}")
        self.reader.start()

    @property
    def pid(self) -> int | None:
        """The worker's process id (None for an in-process worker)."""
        return self.process.pid if self.process is not None else None

    def _read(self) -> None:
        while True:
            try:
                number, ok, result = self.connection.recv()
            except (EOFError, OSError):
                break
            future = self.pending.pop(number, None)
            if future is not None:
                if ok:
                    future.set_result(result)
                else:
                    future.set_exception(RuntimeError(result))
        code = self.process.exitcode if self.process is not None else None
        if self.process is not None:
            self.process.join(timeout=1.0)
            code = self.process.exitcode
        self.lost = f"its training process stopped unexpectedly (exit code {code})"
        for future in list(self.pending.values()):
            future.set_exception(WorkerLost(self.lost))
        self.pending.clear()

    def call(self, slot_id: str, operation: str, request: dict | None = None,
             timeout: float = COMMAND_TIMEOUT) -> dict:
        """Send one command and return the worker's outputs; WorkerLost if the worker is gone,
        RuntimeError with the worker's message if the command failed there."""
        if self.lost:
            raise WorkerLost(self.lost)
        future: Future = Future()
        with self.send_lock:
            number = next(self.numbers)
            self.pending[number] = future
            try:
                self.connection.send((number, slot_id, operation, request or {}))
            except (OSError, ValueError):
                self.pending.pop(number, None)
                raise WorkerLost(self.lost or "its training process cannot be reached") from None
        try:
            return future.result(timeout)
        except FutureTimeout:
            self.pending.pop(number, None)
            raise WorkerLost(f"its training process did not answer within {timeout:.0f} s") from None

    def close(self) -> None:
        """Ask the worker to end, and end it if it does not."""
        with contextlib.suppress(OSError, ValueError), self.send_lock:
            self.connection.send(None)
        if self.process is not None:
            self.process.join(timeout=2.0)
            if self.process.is_alive():
                self.process.kill()
        else:
            self.thread.join(timeout=5.0)


class WorkerPool:
    """The worker processes of one server (see the module docstring)."""

    def __init__(self, workers: int | None = None, in_process: bool = False, settings: dict | None = None) -> None:
        """`settings`: plain values every worker hands its tabs (worker.Worker)."""
        self.size = self.default_size(workers)
        self.in_process = in_process
        self.settings = dict(settings or {})
        self.lock = threading.Lock()
        self.workers: list[WorkerHandle] = []
        self.slot_numbers = itertools.count()
        # each page's engines by an unguessable token, for the calls that carry only that (a live
        # figure's frame requests skip Gradio's event queue and its gr.State)
        self.engines: dict[str, LiveEngine] = {}
        self.frame_asked: dict[int, float] = {}  # when each engine last asked for a frame
        self.sessions: dict[str, set[LiveEngine]] = {}  # a page's engines, by its Gradio session
        self.projector_sessions: set[str] = set()  # the pages in lecture mode (figures for a projector)
        self.exports = ExportRenderer()  # figures for slides, drawn in a process of their own

    def live_pages(self) -> int:
        """How many pages asked for a live frame in the last LIVE_PAGE_SECONDS."""
        now = time.monotonic()
        return sum(1 for t in list(self.frame_asked.values()) if now - t < LIVE_PAGE_SECONDS)

    def pace(self, engine: LiveEngine) -> int:
        """The milliseconds a page should wait between frames so that all the pages asking for
        frames now take at most SERVER_FRAME_SHARE of the server's core."""
        now = time.monotonic()
        self.frame_asked[id(engine)] = now
        if len(self.frame_asked) > 4 * len(self.engines) + 16:  # forget closed pages
            self.frame_asked = {k: t for k, t in self.frame_asked.items() if now - t < LIVE_PAGE_SECONDS}
        return int(self.live_pages() * SERVER_FRAME_MS / SERVER_FRAME_SHARE)

    def tick_seconds(self, base: float) -> float:
        """The seconds between a page's status ticks: `base` (the tab's), or longer when so many
        pages are live that their ticks would take more than SERVER_TICK_SHARE of the server's
        core (in steps of half a second, so that a page's timer is not set anew at every tick)."""
        wanted = self.live_pages() * SERVER_TICK_MS / 1000 / SERVER_TICK_SHARE
        return max(base, math.ceil(wanted * 2) / 2)

    @staticmethod
    def default_size(workers: int | None) -> int:
        """`workers`, or one per core when None."""
        return max(1, workers or os.cpu_count() or 1)

    def start(self) -> None:
        """Start the workers now (else they start on first use)."""
        with self.lock:
            self._fill()

    def _fill(self) -> None:
        # the lock is held: start missing workers and replace the ones that stopped
        while len(self.workers) < self.size:
            self.workers.append(WorkerHandle(len(self.workers), self.in_process, self.settings))
        for index, worker in enumerate(self.workers):
            if worker.lost:
                self.workers[index] = WorkerHandle(index, self.in_process, self.settings)

    def assign(self, tab: str) -> WorkerHandle:
        """The live worker holding the fewest runs of `tab`, then the fewest runs (a stopped
        worker is replaced first): runs of one tab, likely to play at once, spread over the cores."""
        with self.lock:
            self._fill()
            worker = min(self.workers, key=lambda w: (w.slots_by_tab.get(tab, 0), w.slots))
            worker.slots += 1
            worker.slots_by_tab[tab] = worker.slots_by_tab.get(tab, 0) + 1
            return worker

    def release(self, worker: WorkerHandle, tab: str) -> None:
        """A run slot of `tab` on `worker` was closed."""
        with self.lock:
            worker.slots = max(0, worker.slots - 1)
            worker.slots_by_tab[tab] = max(0, worker.slots_by_tab.get(tab, 0) - 1)

    def register(self, engine: LiveEngine, session: str | None = None) -> str:
        """The token that finds `engine` from now on (the same token for the same engine); with
        `session` (the page's Gradio session), `close_session` frees it when the page closes."""
        with self.lock:
            if engine.token is None:
                engine.token = secrets.token_urlsafe(18)
                self.engines[engine.token] = engine
            if session:
                self.sessions.setdefault(session, set()).add(engine)
                engine.projector = session in self.projector_sessions
            return engine.token

    def set_projector(self, session: str | None, on: bool) -> None:
        """A page's lecture mode switched: its figures are sized for a projector (core.projector), or not."""
        with self.lock:
            (self.projector_sessions.add if on else self.projector_sessions.discard)(session or "")
            engines = list(self.sessions.get(session or "", ()))
        for engine in engines:
            engine.projector = on

    def close_session(self, session: str | None) -> int:
        """A page closed: free the runs of its session now (each stops training and gives up its
        place and its worker slot); how many. Gradio keeps a closed page's state an hour."""
        with self.lock:
            engines = self.sessions.pop(session, set()) if session else set()
        for engine in engines:
            engine.close()
        return len(engines)

    def engine_of(self, token: object) -> LiveEngine | None:
        """The engine a token was given for, if any."""
        return self.engines.get(token) if isinstance(token, str) else None

    def new_slot_id(self) -> str:
        """A slot name no other page has."""
        return f"slot-{os.getpid()}-{next(self.slot_numbers)}"

    def close(self) -> None:
        """End every worker (and the export process)."""
        self.exports.close()
        with self.lock:
            for worker in self.workers:
                worker.close()
            self.workers.clear()


class LiveEngine:
    """One page's handle on one tab's run (kept per browser session in a gr.State)."""

    def __init__(self, pool: WorkerPool, tab: str) -> None:
        self.pool, self.tab = pool, tab
        self.worker: WorkerHandle | None = None
        self.slot_id = ""
        self.lost: str | None = None  # set when the worker holding the run stopped
        self.token: str | None = None  # the page's key to this engine, once registered with the pool
        self.lock = threading.Lock()  # one command at a time per page, in the order sent
        self.frame_lock = threading.Lock()
        self.frames_in_flight: set[str] = set()
        self.last_frame: dict[str, float] = {}  # when each pane's last frame was asked of the worker
        self.playing = False  # as the last frame said
        self.projector = False  # the page is in lecture mode: every request says so (WorkerPool.set_projector)

    def __deepcopy__(self, memo: dict) -> LiveEngine:  # gr.State copies it for each new page: a fresh handle
        return LiveEngine(self.pool, self.tab)

    def _open(self) -> WorkerHandle:
        worker = self.pool.assign(self.tab)
        slot_id = self.pool.new_slot_id()
        try:
            worker.call(slot_id, "open", {"tab": self.tab})
        except WorkerLost:
            self.pool.release(worker, self.tab)
            raise
        self.worker, self.slot_id, self.lost = worker, slot_id, None
        return worker

    def call(self, operation: str, request: dict | None = None, timeout: float = COMMAND_TIMEOUT) -> dict:
        """Send a command for this page's run; a reset on a lost run opens a new slot on a live
        worker. WorkerLost (with a message for the page) when the run's worker has stopped."""
        request = dict(request or {})
        request.setdefault("projector", self.projector)
        if operation == "pause":
            trace("pause reached the server")
            worker = self.worker
            if worker is not None and not worker.lost:
                # Pause goes ahead of the page's other commands (a frame being made, say): the
                # worker answers it between two slices of training, whatever else is pending
                try:
                    return worker.call(self.slot_id, operation, request, timeout)
                except WorkerLost as err:
                    self.lost = str(err)
                    raise
        with self.lock:
            return self._call(operation, request, timeout)

    def _call(self, operation: str, request: dict | None, timeout: float) -> dict:
        worker = self.worker
        if worker is not None and worker.lost:
            self.lost = worker.lost
            self.pool.release(worker, self.tab)
            self.worker = None
        if self.worker is None:
            if self.lost and operation not in ("reset", "close"):
                raise WorkerLost(self.lost)
            if operation == "close":
                return {}
            self._open()
        try:
            return self.worker.call(self.slot_id, operation, request, timeout)
        except WorkerLost as err:
            self.lost = str(err)
            raise

    def frame(self, pane: str, version: str | None) -> dict:
        """A live figure's frame of `pane` (the tab's 'live' command), asked of the worker at
        most once per FRAME_MIN_SECONDS and never twice at once: other asks get {'playing',
        'wait_ms'} at once, which tells a page to ask again a little later."""
        now = time.monotonic()
        with self.frame_lock:
            if pane in self.frames_in_flight or now - self.last_frame.get(pane, -1.0) < FRAME_MIN_SECONDS:
                return {"playing": self.playing, "wait_ms": 100}
        answer = self._framed(pane, lambda: self.call("live", {"pane": pane, "version": version}))
        wait = self.pool.pace(self)
        if answer.get("playing") and wait > answer.get("wait_ms", 0):
            answer["wait_ms"] = wait
        return answer

    def pause_frame(self, pane: str, version: str | None) -> dict:
        """Pause the run and answer the final frame of `pane`, in one command that goes ahead of
        the page's others (the page draws it before it says "paused"), in the view the run was
        played in: frames.view_key."""
        return self._framed(pane, lambda: self.call("pause", {"pane": pane, "version": version, "frame": True}))

    def _framed(self, pane: str, ask: Callable[[], dict]) -> dict:
        with self.frame_lock:
            self.frames_in_flight.add(pane)
            self.last_frame[pane] = time.monotonic()
        try:
            answer = ask()
        finally:
            with self.frame_lock:
                self.frames_in_flight.discard(pane)
        self.playing = bool(answer.get("playing"))
        return answer

    def close(self) -> None:
        """Free this page's slot (its page is gone)."""
        if self.token is not None:
            with self.pool.lock:
                self.pool.engines.pop(self.token, None)
        worker, self.worker = self.worker, None
        if worker is not None and not worker.lost:
            try:
                worker.call(self.slot_id, "close")
            except (WorkerLost, RuntimeError):
                pass
            self.pool.release(worker, self.tab)

    @property
    def worker_pid(self) -> int | None:
        """The process id of the worker holding this run (for tests and benchmarks)."""
        return self.worker.pid if self.worker is not None else None


def lost_message(err: Exception) -> str:
    """The page's words for a run whose worker stopped."""
    return f"⚠️ **This run was lost: {err}. Press ↺ Reset to start a new one.**"


def outputs_or_message(engine: LiveEngine, operation: str, request: dict | None = None) -> dict[str, Any]:
    """The worker's outputs for a command, or {'status': message} when its worker is lost or the
    command failed there: the page always gets words, the server always carries on."""
    try:
        out = engine.call(operation, request)
        out["tick_seconds"] = engine.pool.tick_seconds(0.0)
        return out
    except WorkerLost as err:
        return {"status": lost_message(err), "lost": True}
    except RuntimeError as err:
        return {"status": f"⚠️ **{err}**"}
