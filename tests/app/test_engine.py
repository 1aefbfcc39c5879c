"""The live engine with real worker processes: runs train there, a worker killed mid-run is
reported to its page and replaced, and the other pages' runs train on."""

import os
import signal
import time

import pytest
from app_helpers import iteration_of

from explorer.app.engine import LiveEngine, WorkerPool, outputs_or_message
from explorer.app.live_toy1d import controls_from_config
from explorer.toy.config import ToyConfig

LONG = {"preset": "goodfellow-fig1", "values": controls_from_config(ToyConfig(steps=1_000_000))}


@pytest.fixture(scope="module")
def processes():
    pool = WorkerPool(2)
    pool.start()
    yield pool
    pool.close()


def _trains(engine: LiveEngine, seconds: float = 0.5) -> bool:
    first = iteration_of(engine.call("frame", {"full": False})["status"])
    time.sleep(seconds)
    return iteration_of(engine.call("frame", {"full": False})["status"]) > first


def test_runs_train_in_worker_processes_not_in_this_one(processes):
    engine = LiveEngine(processes, "toy1d")
    engine.call("play", LONG)
    assert engine.worker_pid not in (None, os.getpid())
    assert _trains(engine)
    engine.call("pause")


def test_a_killed_worker_is_reported_replaced_and_leaves_the_other_runs_training(processes):
    first, second = LiveEngine(processes, "toy1d"), LiveEngine(processes, "toy1d")
    first.call("play", LONG)
    second.call("play", LONG)
    assert first.worker_pid != second.worker_pid  # one run per worker: the least busy takes it
    os.kill(first.worker_pid, signal.SIGKILL)
    deadline = time.time() + 10
    out = outputs_or_message(first, "frame", {})
    while not out.get("lost") and time.time() < deadline:
        time.sleep(0.05)
        out = outputs_or_message(first, "frame", {})
    assert out.get("lost") and "stopped unexpectedly" in out["status"] and "Reset" in out["status"]
    assert "Reset" in outputs_or_message(first, "play", LONG)["status"]  # Play does not hide the loss
    assert _trains(second)
    out = outputs_or_message(first, "reset", LONG)  # a new slot on a new worker
    assert "new run ready" in out["status"] and first.worker_pid not in (None, second.worker_pid)
    first.call("play", LONG)
    assert _trains(first) and _trains(second)


def test_a_closed_page_frees_its_slot(processes):
    engine = LiveEngine(processes, "toy1d")
    engine.call("reset", LONG)
    worker = engine.worker
    held = worker.call("", "ping")["slots"]
    engine.close()
    assert worker.call("", "ping")["slots"] == held - 1
