"""The Dirac GAN tab's run in a worker: Play plays both methods at a person's pace (a paced run:
the worker trains other runs meanwhile), Pause stops it, the frames carry the paths, the readout
the eigenvalues, and bad settings a message."""

import time

import gradio as gr

from explorer.app.engine import LiveEngine
from explorer.app.live_dirac import controls_from_config
from explorer.app.live_toy1d import controls_from_config as toy_controls
from explorer.toy.dirac import STEPS_PER_SECOND, DiracConfig
from explorer.toy.presets import PRESETS_1D


def _values(**changes):
    return controls_from_config(DiracConfig(method="alternating", **changes))


def test_play_plays_at_its_pace_pause_stops_and_the_frame_draws_both_paths(pool):
    engine = LiveEngine(pool, "dirac")
    assert "ready" in engine.call("reset", {"values": _values(steps=2000)})["status"]
    engine.call("play", {"values": _values(steps=2000)})
    time.sleep(1.0)
    out = engine.call("pause")
    step = int(out["status"].split()[1])
    assert 0.5 * STEPS_PER_SECOND < step < 1.6 * STEPS_PER_SECOND  # paced: about a second's worth
    time.sleep(0.3)
    frame = engine.call("live", {"pane": "main", "version": None})
    assert frame["label"] == f"iteration {step}" and '"simultaneous descent"' in frame["data"]
    readout = engine.call("frame", {"full": True})["readout"]
    assert "+0.000 + 0.500i" in readout and "spirals out" in readout and "circles" in readout


def test_a_paced_run_leaves_the_worker_to_the_others(pool):
    """While a Dirac run waits for its next step, a toy run on the same worker trains on."""
    toy = LiveEngine(pool, "toy1d")
    request = {"preset": "goodfellow-fig1",
               "values": toy_controls(PRESETS_1D["goodfellow-fig1"].config.replace(steps=1_000_000))}
    toy.call("play", request)
    time.sleep(1.0)
    alone = int(toy.call("pause")["status"].split()[1])
    dirac = LiveEngine(pool, "dirac")
    dirac.call("play", {"values": _values(steps=100_000)})
    toy.call("play", request)
    time.sleep(1.0)
    beside = int(toy.call("pause")["status"].split()[1]) - alone
    dirac.call("pause")
    assert beside > 0.7 * alone  # the Dirac run took little of the worker's second


def test_r1_converges_in_the_tab_and_bad_settings_get_a_message(pool):
    engine = LiveEngine(pool, "dirac")
    out = engine.call("reset", {"values": _values(regulariser="r1")})
    assert "spirals in" in engine.call("frame", {"full": True})["readout"]
    bad = controls_from_config(DiracConfig(method="alternating"))
    bad[0] = "magic"
    out = engine.call("reset", {"values": bad})
    assert "Invalid setting" in out["status"] and "regulariser" in out["status"]
    empty = list(bad)
    empty[0], empty[5] = "none", ""
    assert "steps is empty" in engine.call("reset", {"values": empty})["status"]


class _Request:
    def __init__(self, query: str):
        self.query_params = query


def test_a_link_round_trips_the_dirac_settings_and_a_bad_one_gets_the_defaults(pool):
    from explorer.app import tab_dirac

    values = _values(regulariser="r1", gamma=0.5, steps=300)
    link = tab_dirac.on_link(_Request(""), *values)["value"]
    query = link.split("?", 1)[1]
    assert query.startswith("tab=dirac&") and "regulariser=r1" in query and "gamma=0.5" in query
    engine = LiveEngine(pool, "dirac")
    defaults = _values()
    out = tab_dirac.on_load(_Request(query), engine, *defaults)
    status, token, opened = out[1], out[3], list(out[4:])
    assert pool.engine_of(token) is engine and opened == values and "ready" in status
    out = tab_dirac.on_load(_Request("tab=dirac&gamma=lots"), LiveEngine(pool, "dirac"), *defaults)
    assert "link's settings were refused" in out[1] and all(v == gr.skip() for v in out[4:])  # defaults kept
    out = tab_dirac.on_load(_Request("preset=ring-collapse"), LiveEngine(pool, "dirac"), *defaults)
    assert "refused" not in out[1] and all(v == gr.skip() for v in out[4:])  # another tab's link: defaults
