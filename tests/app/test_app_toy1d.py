"""The 1-D tab's handlers called directly (no browser): bad input and a diverging run give a
message, never an exception, and Reset recovers."""

import time

from explorer.app import tab_toy1d as tab
from explorer.app.session import LiveSession
from explorer.toy.config import ToyConfig

STATUS = 2  # index of the status text among the tab's outputs


def _values(config: ToyConfig):
    return tab.controls_from_config(config)


def test_controls_round_trip_a_config():
    config = ToyConfig(dataset="bimodal", k_d_steps=3, d_lr=2e-3, seed=9)
    assert tab.config_from_controls("goodfellow-fig1", _values(config)) == config


def test_invalid_settings_give_a_message_and_reset_recovers():
    session = LiveSession()
    values = _values(ToyConfig())
    bad = list(values)
    bad[tab.CONTROL_NAMES.index("batch_size")] = 2.5
    out = tab.on_reset(session, "goodfellow-fig1", True, True, *bad)
    assert "Invalid setting" in out[STATUS] and "batch_size must be a whole number" in out[STATUS]
    assert session.run is None
    empty = list(values)
    empty[tab.CONTROL_NAMES.index("d_lr")] = None
    out = tab.on_play(session, "goodfellow-fig1", True, True, *empty)
    assert "d_lr is empty" in out[STATUS] and not session.playing
    out = tab.on_reset(session, "goodfellow-fig1", True, True, *values)
    assert "new run ready" in out[STATUS] and session.run is not None


def test_a_diverging_run_reports_and_keeps_the_session_usable():
    session = LiveSession()
    wild = ToyConfig(d_optimizer="sgd", g_optimizer="sgd", d_lr=5.0, g_lr=5.0, d_activation="relu", g_activation="relu",
                     r1_gamma=0.0, k_d_steps=1, noise_sampling="iid", lr_final_fraction=1.0, seed=0)
    tab.on_reset(session, "goodfellow-fig1", True, True, *_values(wild))
    tab.on_play(session, "goodfellow-fig1", True, True, *_values(wild))
    deadline = time.time() + 30
    while session.playing and time.time() < deadline:
        time.sleep(0.05)
    out = tab.on_tick(session, True, True)
    assert "Training diverged" in out[STATUS] and "learning rates" in out[STATUS]
    out = tab.on_reset(session, "goodfellow-fig1", True, True, *_values(ToyConfig()))
    assert "new run ready" in out[STATUS] and session.error is None


def test_play_then_pause_trains_and_stops():
    session = LiveSession()
    values = _values(ToyConfig(steps=100_000))
    tab.on_reset(session, "goodfellow-fig1", True, True, *values)
    tab.on_play(session, "goodfellow-fig1", True, True, *values)
    time.sleep(0.5)
    tab.on_tick(session, True, True)
    tab.on_pause(session, True, True)
    stopped = session.run.iteration
    assert stopped > 0 and not session.playing
    time.sleep(0.3)
    assert session.run.iteration == stopped


def test_panels_can_be_shown_once_captured():
    session = LiveSession()
    tab.on_reset(session, "goodfellow-fig1", True, True, *_values(ToyConfig()))
    out = tab.on_view(session, tab.PANEL_TITLES["a"], True, True)
    assert "has not been captured yet" in out[STATUS]


class _Request:
    def __init__(self, query: str):
        self.query_params = query


def test_a_shared_link_sets_the_controls_and_a_bad_one_is_refused():
    session = LiveSession()
    out = tab.on_load(session, True, True, _Request("preset=bimodal&k_d_steps=5"))
    values = out[-len(tab.CONTROL_NAMES):]
    assert out[-len(tab.CONTROL_NAMES) - 2] == "bimodal"
    assert values[tab.CONTROL_NAMES.index("k_d_steps")] == 5
    assert session.run.config.dataset == "bimodal" and session.run.config.k_d_steps == 5
    assert "?preset=bimodal&k_d_steps=5" in out[8]
    out = tab.on_load(LiveSession(), True, True, _Request("k_d_steps=lots"))
    assert "link's settings were refused" in out[STATUS] and "k_d_steps must be a whole number" in out[STATUS]


def test_training_stops_when_the_page_stops_asking_for_frames(monkeypatch):
    from explorer.app import session as session_module

    monkeypatch.setattr(session_module, "ORPHAN_SECONDS", 0.3)
    session = LiveSession()
    values = _values(ToyConfig(steps=100_000))
    tab.on_reset(session, "goodfellow-fig1", True, True, *values)
    tab.on_play(session, "goodfellow-fig1", True, True, *values)
    deadline = time.time() + 10
    while session.playing and time.time() < deadline:
        time.sleep(0.05)
    assert not session.playing and session.orphaned
    stopped = session.run.iteration
    time.sleep(0.2)
    assert session.run.iteration == stopped
    out = tab.on_tick(session, True, True)
    assert "paused while the page was hidden" in out[STATUS]


def test_a_frame_request_before_any_run_is_harmless():
    session = LiveSession()
    bad = list(_values(ToyConfig()))
    bad[tab.CONTROL_NAMES.index("seed")] = None
    tab.on_reset(session, "goodfellow-fig1", True, True, *bad)
    out = tab.on_tick(session, True, True)
    assert "seed is empty" in out[STATUS]
