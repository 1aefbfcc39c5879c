"""The 1-D tab's handlers called directly (no browser), its run in a worker: bad input and a
diverging run give a message, never an exception, and Reset recovers."""

import time

from app_helpers import iteration_of

from explorer.app import live_toy1d
from explorer.app import tab_toy1d as tab
from explorer.app import worker as worker_module
from explorer.app.engine import LiveEngine
from explorer.toy.config import ToyConfig

STATUS = 1  # index of the status text among the tab's outputs


def _values(config: ToyConfig):
    return live_toy1d.controls_from_config(config)


def _wait_until_paused(engine, seconds=30.0):
    deadline = time.time() + seconds
    out = tab.on_tick(engine, True, True)
    while "training…" in out[STATUS] and time.time() < deadline:
        time.sleep(0.05)
        out = tab.on_tick(engine, True, True)
    return out


def test_controls_round_trip_a_config():
    config = ToyConfig(dataset="bimodal", k_d_steps=3, d_lr=2e-3, seed=9)
    assert live_toy1d.config_from_controls("goodfellow-fig1", _values(config)) == config


def test_invalid_settings_give_a_message_and_reset_recovers(pool):
    engine = LiveEngine(pool, "toy1d")
    values = _values(ToyConfig())
    bad = list(values)
    bad[tab.CONTROL_NAMES.index("batch_size")] = 2.5
    out = tab.on_reset(engine, "goodfellow-fig1", True, True, *bad)
    assert "Invalid setting" in out[STATUS] and "batch_size must be a whole number" in out[STATUS]
    empty = list(values)
    empty[tab.CONTROL_NAMES.index("d_lr")] = None
    out = tab.on_play(engine, "goodfellow-fig1", True, True, *empty)
    assert "d_lr is empty" in out[STATUS] and "training" not in out[STATUS]
    out = tab.on_reset(engine, "goodfellow-fig1", True, True, *values)
    assert "new run ready" in out[STATUS]


def test_play_validates_and_applies_a_new_budget_and_says_the_rest_waits_for_reset(pool):
    engine = LiveEngine(pool, "toy1d")
    values = _values(ToyConfig(steps=30))
    tab.on_reset(engine, "goodfellow-fig1", True, True, *values)
    tab.on_play(engine, "goodfellow-fig1", True, True, *values)
    out = _wait_until_paused(engine)
    assert "iteration 30 / 30" in out[STATUS] and "budget reached" in out[STATUS]
    out = tab.on_play(engine, "goodfellow-fig1", True, True, *values)
    assert "raise the iterations" in out[STATUS]
    bad = list(values)
    bad[tab.CONTROL_NAMES.index("batch_size")] = -5
    out = tab.on_play(engine, "goodfellow-fig1", True, True, *bad)
    assert "not started" in out[STATUS] and "batch_size must be between" in out[STATUS]
    more = _values(ToyConfig(steps=60, k_d_steps=2))
    out = tab.on_play(engine, "goodfellow-fig1", True, True, *more)
    assert "changed settings apply on ↺ Reset" in out[STATUS]
    out = _wait_until_paused(engine)
    assert "iteration 60 / 60" in out[STATUS]


def test_a_diverging_run_reports_and_keeps_the_session_usable(pool):
    engine = LiveEngine(pool, "toy1d")
    wild = ToyConfig(d_optimizer="sgd", g_optimizer="sgd", d_lr=5.0, g_lr=5.0, d_activation="relu", g_activation="relu",
                     r1_gamma=0.0, k_d_steps=1, noise_sampling="iid", lr_final_fraction=1.0, seed=0)
    tab.on_reset(engine, "goodfellow-fig1", True, True, *_values(wild))
    tab.on_play(engine, "goodfellow-fig1", True, True, *_values(wild))
    out = _wait_until_paused(engine)
    assert "Training diverged" in out[STATUS] and "smaller learning rates" in out[STATUS] and "Reset" in out[STATUS]
    out = tab.on_reset(engine, "goodfellow-fig1", True, True, *_values(ToyConfig()))
    assert "new run ready" in out[STATUS]


def test_play_then_pause_trains_and_stops(pool):
    engine = LiveEngine(pool, "toy1d")
    values = _values(ToyConfig(steps=100_000))
    tab.on_reset(engine, "goodfellow-fig1", True, True, *values)
    tab.on_play(engine, "goodfellow-fig1", True, True, *values)
    time.sleep(0.5)
    tab.on_tick(engine, True, True)
    out = tab.on_pause(engine, True, True)
    stopped = iteration_of(out[STATUS])
    assert stopped > 0 and "paused" in out[STATUS]
    time.sleep(0.3)
    assert iteration_of(tab.on_tick(engine, True, True)[STATUS]) == stopped


def test_steps_answer_while_paused_and_are_refused_while_playing(pool):
    engine = LiveEngine(pool, "toy1d")
    values = _values(ToyConfig(steps=100_000))
    tab.on_reset(engine, "goodfellow-fig1", True, True, *values)
    out = tab._manual_step("step")(engine, "goodfellow-fig1", True, True, *values)
    assert iteration_of(out[STATUS]) == 1
    out = tab._manual_step("step_d")(engine, "goodfellow-fig1", True, True, *values)
    assert iteration_of(out[STATUS]) == 1  # D alone: G's iteration count stays
    tab.on_play(engine, "goodfellow-fig1", True, True, *values)
    out = tab._manual_step("step_g")(engine, "goodfellow-fig1", True, True, *values)
    assert "pause before stepping" in out[STATUS]
    tab.on_pause(engine, True, True)


def test_panels_can_be_shown_once_captured(pool):
    engine = LiveEngine(pool, "toy1d")
    tab.on_reset(engine, "goodfellow-fig1", True, True, *_values(ToyConfig()))
    out = tab.on_view(engine, tab.PANEL_TITLES["a"], True, True)
    assert "has not been captured yet" in out[STATUS]


class _Request:
    def __init__(self, query: str):
        self.query_params = query


def test_a_shared_link_sets_the_controls_and_a_bad_one_is_refused(pool):
    engine = LiveEngine(pool, "toy1d")
    out = tab.on_load(engine, True, True, _Request("preset=bimodal&k_d_steps=5"))
    *out, token = out  # the last output: the live figure's key to this page's run
    assert pool.engine_of(token) is engine
    values = out[-len(tab.CONTROL_NAMES):]
    assert out[-len(tab.CONTROL_NAMES) - 2] == "bimodal"
    assert values[tab.CONTROL_NAMES.index("k_d_steps")] == 5
    assert values[tab.CONTROL_NAMES.index("dataset")] == "bimodal"
    link = tab.on_link(_Request(""), "bimodal", *values)["value"]
    assert link.endswith("/?tab=toy1d&preset=bimodal&k_d_steps=5")  # the whole address, kept as the controls are
    out = tab.on_load(LiveEngine(pool, "toy1d"), True, True, _Request("k_d_steps=lots"))
    assert "link's settings were refused" in out[STATUS] and "k_d_steps must be a whole number" in out[STATUS]


def test_training_stops_when_the_page_stops_asking_for_frames(pool, monkeypatch):
    monkeypatch.setattr(worker_module, "ORPHAN_SECONDS", 0.3)
    engine = LiveEngine(pool, "toy1d")
    values = _values(ToyConfig(steps=100_000))
    tab.on_reset(engine, "goodfellow-fig1", True, True, *values)
    tab.on_play(engine, "goodfellow-fig1", True, True, *values)
    time.sleep(1.5)  # no frame asked for: the worker stops the run after 0.3 s
    out = tab.on_tick(engine, True, True)
    assert "paused while the page was hidden" in out[STATUS]
    stopped = iteration_of(out[STATUS])
    time.sleep(0.2)
    assert iteration_of(tab.on_tick(engine, True, True)[STATUS]) == stopped


def test_a_frame_request_before_any_run_is_harmless(pool):
    engine = LiveEngine(pool, "toy1d")
    bad = list(_values(ToyConfig()))
    bad[tab.CONTROL_NAMES.index("seed")] = None
    tab.on_reset(engine, "goodfellow-fig1", True, True, *bad)
    out = tab.on_tick(engine, True, True)
    assert "seed is empty" in out[STATUS]
    assert "Press ▶ Play" in tab.on_tick(LiveEngine(pool, "toy1d"), True, True)[STATUS]


def test_the_timeline_counts_iterations_and_snaps_to_the_nearest_snapshot(pool):
    engine = LiveEngine(pool, "toy1d")
    values = _values(ToyConfig(steps=300, snapshot_every=25))
    tab.on_reset(engine, "goodfellow-fig1", True, True, *values)
    tab.on_play(engine, "goodfellow-fig1", True, True, *values)
    _wait_until_paused(engine)
    final = engine.call("frame", {"full": True})
    assert final["timeline"] == {"maximum": 300, "value": 300}  # iterations, not snapshots
    scrubbed = engine.call("timeline", {"iteration": 137})
    assert scrubbed["timeline"]["value"] == 125  # the snapshot recorded nearest iteration 137
    assert "Iteration 125" in scrubbed["readout"]
