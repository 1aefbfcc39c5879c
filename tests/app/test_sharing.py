"""Sharing the server: a worker shares its time fairly among the runs that play (by time
trained, not by turns, so a run with slow iterations cannot take more than its share, and a run
that starts late is owed no burst), and a flood of frame requests reaches the worker at a
bounded rate."""

import json
import threading
import time
from contextlib import contextmanager
from types import SimpleNamespace

from explorer.app import engine as engine_module
from explorer.app.engine import LiveEngine, WorkerPool
from explorer.app.live_toy1d import controls_from_config
from explorer.app.worker import FAIR_WINDOW_SECONDS, fairest
from explorer.toy.presets import PRESETS_1D


def _simulate(slice_seconds: dict[str, float], seconds: float, late: dict[str, float] | None = None) -> dict:
    """Pick slots as the worker does for `seconds` of simulated time; each slot's slice takes
    its own time; a slot in `late` starts playing at that time."""
    late = late or {}
    slots = {name: SimpleNamespace(name=name, trained_seconds=0.0) for name in slice_seconds}
    clock = 0.0
    while clock < seconds:
        playing = [s for name, s in slots.items() if clock >= late.get(name, 0.0)]
        slot = fairest(playing)
        slot.trained_seconds += slice_seconds[slot.name]
        slot.real = getattr(slot, "real", 0.0) + slice_seconds[slot.name]
        clock += slice_seconds[slot.name]
    return {name: getattr(s, "real", 0.0) for name, s in slots.items()}


def test_a_slow_run_gets_the_same_time_as_fast_ones_not_more():
    # one run's iteration takes 0.2 s (a greedy config), two others' slices 0.02 s
    used = _simulate({"greedy": 0.2, "a": 0.02, "b": 0.02}, seconds=60.0)
    for name in ("a", "b"):
        assert abs(used[name] - used["greedy"]) < 0.3, used  # round robin by turns would give 10x to greedy


def test_a_run_that_starts_late_is_owed_no_burst():
    used = _simulate({"early": 0.02, "late": 0.02}, seconds=40.0, late={"late": 20.0})
    # from t = 20 s on they share equally: the late one gets 10 s of the last 20, plus at most the window
    assert abs(used["late"] - 10.0) < FAIR_WINDOW_SECONDS + 0.1, used


def test_a_flood_of_frame_requests_reaches_the_worker_at_a_bounded_rate(pool):
    engine = LiveEngine(pool, "toy1d")
    engine.call("reset", {"preset": "goodfellow-fig1", "values": controls_from_config(PRESETS_1D["goodfellow-fig1"].config)})
    asked = []
    real_call = engine.call

    def counting_call(operation, request=None, timeout=engine_module.COMMAND_TIMEOUT):
        if operation == "live":
            asked.append(time.monotonic())
        return real_call(operation, request, timeout)

    engine.call = counting_call
    answers = []
    started = time.monotonic()

    def flood():
        while time.monotonic() - started < 2.0:
            answers.append(engine.frame("main", None))
            time.sleep(0.001)

    threads = [threading.Thread(target=flood) for _ in range(4)]  # four clients on one page's key
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) > 200  # every ask is answered, at once
    assert len(asked) <= 2.0 / engine_module.FRAME_MIN_SECONDS + 2
    assert all(b - a >= engine_module.FRAME_MIN_SECONDS * 0.99 for a, b in zip(asked, asked[1:]))
    assert sum("data" in answer for answer in answers) >= 1  # the real frames still come


def test_places_give_the_free_ones_in_the_order_plays_came():
    from explorer.app.places import Places

    places = Places(capacity=2)
    a, b, c, d = "abcd"
    assert places.ask(a) and places.ask(b)
    assert not places.ask(c) and not places.ask(d)
    assert (places.position(c), places.position(d)) == (1, 2)
    assert not places.ask(c) and places.position(c) == 1  # asking again keeps its turn
    places.leave(a)
    assert places.fill() == [c] and places.position(d) == 1
    places.leave(d)  # a waiting run paused: it leaves the queue
    places.leave(b)
    assert places.fill() == [] and places.training == {c}


def test_beyond_the_places_a_play_waits_its_turn_and_starts_by_itself():
    from explorer.app.engine import WorkerPool

    pool = WorkerPool(1, in_process=True, settings={"max_runs": 1})
    try:
        config = PRESETS_1D["goodfellow-fig1"].config.replace(steps=1_000_000)
        request = {"preset": "goodfellow-fig1", "values": controls_from_config(config)}
        first, second, third = (LiveEngine(pool, "toy1d") for _ in range(3))
        for engine in (first, second, third):
            engine.call("reset", request)
        assert first.call("play", request)["playing"]
        answer = second.call("play", request)
        assert answer["playing"] and "the server is busy" in answer["status"] and "position 1 of 1" in answer["status"]
        assert "position 2 of 2" in third.call("play", request)["status"]
        time.sleep(0.3)
        assert "iteration 0 /" in second.call("frame", {"full": False})["status"]  # it waits: no training
        first.call("pause")  # a place is freed: the run that waited longest starts
        deadline = time.monotonic() + 10
        while "training…" not in second.call("frame", {"full": False})["status"] and time.monotonic() < deadline:
            time.sleep(0.05)
        status = second.call("frame", {"full": False})["status"]
        assert "training…" in status
        assert "position 1 of 1" in third.call("frame", {"full": False})["status"]
        third.call("pause")  # a waiting run's Pause takes it out of the queue
        second.call("pause")
        assert "busy" not in third.call("frame", {"full": True})["status"]
    finally:
        pool.close()


@contextmanager
def _one_place_taken():
    """A one-worker pool with one training place: (pool, the page whose run took the place,
    the page whose run waits for it); each page pressed Play on a long 1-D run. The first
    page pressed Play at `_one_place_taken.first_played` (time.monotonic())."""
    pool = WorkerPool(1, in_process=True, settings={"max_runs": 1})
    try:
        config = PRESETS_1D["goodfellow-fig1"].config.replace(steps=1_000_000)
        request = {"preset": "goodfellow-fig1", "values": controls_from_config(config)}
        first, waiting = LiveEngine(pool, "toy1d"), LiveEngine(pool, "toy1d")
        _one_place_taken.first_played = time.monotonic()
        first.call("play", request)
        assert "the server is busy" in waiting.call("play", request)["status"]
        yield pool, first, waiting
    finally:
        pool.close()


def test_a_run_whose_page_went_quiet_frees_its_place_for_the_next(monkeypatch):
    from explorer.app import worker as worker_module

    with _one_place_taken() as (pool, quiet, waiting):
        # short from now on (not while the two pages set up: building a run can take longer)
        monkeypatch.setattr(worker_module, "ORPHAN_SECONDS", 0.5)
        # the waiting page keeps asking (as a page does); the other page says nothing from now on
        started = time.monotonic()
        while "training…" not in waiting.call("frame", {"full": False})["status"]:
            assert time.monotonic() - started < 10, "the quiet page's place was never freed"
            time.sleep(0.05)
        # ORPHAN_SECONDS after the quiet page's last word (its Play), plus a slice or two
        freed_after = time.monotonic() - _one_place_taken.first_played
        assert 0.5 <= freed_after < 3.0 + (started - _one_place_taken.first_played)
        # the quiet page, back, is told what happened and can go on
        assert "paused while the page was hidden" in quiet.call("frame", {"full": False})["status"]


def test_a_closed_page_frees_its_runs_at_once(pool):
    engine = LiveEngine(pool, "toy1d")
    pool.register(engine, session="page-1")
    config = PRESETS_1D["goodfellow-fig1"].config.replace(steps=1_000_000)
    engine.call("reset", {"preset": "goodfellow-fig1", "values": controls_from_config(config)})
    engine.call("play", {"preset": "goodfellow-fig1", "values": controls_from_config(config)})
    worker, slot_id = engine.worker.in_process_worker, engine.slot_id
    slot = worker.slots[slot_id]
    assert slot in worker.places.training
    assert pool.close_session("page-1") == 1
    assert slot_id not in worker.slots and slot not in worker.places.training and not slot.training
    assert pool.engine_of(engine.token) is None and pool.close_session("page-1") == 0


def test_a_status_tick_resends_no_plot_when_nothing_moved():
    """A waiting run's page keeps ticking: its ticks carry the status, not the slower plots
    again (thirty pages' ticks would otherwise take a worker's time from training)."""
    with _one_place_taken() as (pool, training, waiting):
        tab = pool.workers[0].in_process_worker.slots[waiting.slot_id].tab
        tab.metrics_resend.again()  # the metrics are due again, but nothing was recorded since Play's
        tick = waiting.call("frame", {"full": False})
        assert "position 1 of 1" in tick["status"] and "metrics" not in tick and "panels" not in tick
        training.call("pause")
        time.sleep(0.2)  # the waiting run gets the place and trains: its history moves
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            tab.metrics_resend.again()
            tick = waiting.call("frame", {"full": False})
            if "metrics" in tick:
                break
            time.sleep(0.1)
        assert "metrics" in tick and "training" in tick["status"]


def test_with_many_pages_live_the_status_timer_ticks_slower(pool):
    assert pool.tick_seconds(1.0) == 1.0  # one page (or none): the tab's own interval
    now = time.monotonic()
    pool.frame_asked = {n: now for n in range(30)}  # thirty pages asked for frames just now
    slower = pool.tick_seconds(1.0)
    assert slower > 1.0 and slower * 2 == int(slower * 2)  # in half-second steps
    assert 30 * engine_module.SERVER_TICK_MS / 1000 / slower <= engine_module.SERVER_TICK_SHARE + 1e-9
    pool.frame_asked = {n: now - 10 for n in range(30)}  # gone quiet
    assert pool.tick_seconds(1.0) == 1.0


def test_in_lecture_mode_a_pages_figures_are_sized_for_a_projector(pool):
    engine = LiveEngine(pool, "toy1d")
    pool.register(engine, session="lecture-page")
    config = PRESETS_1D["goodfellow-fig1"].config.replace(steps=20)
    engine.call("reset", {"preset": "goodfellow-fig1", "values": controls_from_config(config)})

    def sizes() -> tuple[float, float]:
        frame = engine.frame("main", None)
        metrics = json.loads(engine.call("frame", {"full": True})["metrics"])
        return json.loads(frame["layout"]).get("font", {}).get("size", 12), metrics["layout"].get("font", {}).get("size", 12)

    time.sleep(engine_module.FRAME_MIN_SECONDS)
    plain = sizes()
    pool.set_projector("lecture-page", True)
    time.sleep(engine_module.FRAME_MIN_SECONDS)
    big = sizes()
    assert big[0] > plain[0] and big[1] > plain[1]
    # a page opened later in the same session (another tab) starts sized for the projector too
    other = LiveEngine(pool, "dirac")
    pool.register(other, session="lecture-page")
    assert other.projector
    pool.set_projector("lecture-page", False)
    time.sleep(engine_module.FRAME_MIN_SECONDS)
    assert sizes() == plain
    pool.close_session("lecture-page")
