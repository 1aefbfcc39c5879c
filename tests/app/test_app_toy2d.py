"""The 2-D tab's handlers called directly (no browser), its run in a worker: remedies switched
live, side by side, uploads good and bad, and bad settings answered with a message."""

import json
import time

import gradio as gr
from app_helpers import iteration_of, tab_of

from explorer.app import tab_toy2d as tab
from explorer.app.engine import LiveEngine
from explorer.toy.presets import PRESETS_2D
from explorer.toy.run import ToyRun, TwinRun

STATUS = 2  # index of the status text among the tab's outputs
LAYERS = list(tab.DEFAULT_LAYERS)
PRESET = "ring-collapse"


def _values(**changes):
    config = PRESETS_2D[PRESET].config.replace(batch_size=64, **changes)
    return [getattr(config, n) for n in tab.SETTING_NAMES] + [getattr(config, n) for n in tab.REMEDY_NAMES]


def _set(values, name, value):
    values = list(values)
    names = tab.SETTING_NAMES + tab.REMEDY_NAMES
    values[names.index(name)] = value
    return values


def test_a_remedy_switched_on_applies_to_the_running_model(pool):
    engine = LiveEngine(pool, "toy2d")
    out = tab.on_reset(engine, PRESET, False, LAYERS, *_values())
    assert "new run ready" in out[STATUS]
    run = tab_of(engine).run
    tab.on_step(engine, PRESET, False, LAYERS, *_values())
    g_weights = [p.detach().clone() for p in run.trainer.generator.parameters()]
    out = tab.on_remedy(engine, PRESET, False, LAYERS, *_set(_values(), "minibatch_discrimination", True))
    assert tab_of(engine).run is run and run.config.minibatch_discrimination
    assert run.trainer.discriminator.minibatch is not None
    assert all((a == b).all() for a, b in zip(g_weights, run.trainer.generator.parameters()))
    assert "now: minibatch-discrimination" in out[STATUS]
    tab.on_step(engine, PRESET, False, LAYERS, *_values())
    assert run.iteration == 2


def test_pause_stops_training_where_its_answer_says(pool):
    engine = LiveEngine(pool, "toy2d")
    values = _values(steps=100_000)
    tab.on_play(engine, PRESET, False, LAYERS, *values)
    time.sleep(0.5)
    out = tab.on_pause(engine, LAYERS)
    stopped = iteration_of(out[STATUS])
    assert "paused" in out[STATUS] and out[-1].active is True  # one more poll, for the final frame
    time.sleep(0.3)
    assert tab_of(engine).run.iteration == stopped  # not one iteration more
    out = tab.on_tick(engine, LAYERS)  # the final frame: every plot, and the timer stops
    assert iteration_of(out[STATUS]) == stopped and "paused" in out[STATUS] and out[-1].active is False


def test_the_live_frames_send_the_layout_once_and_d_less_often_than_g(pool):
    engine = LiveEngine(pool, "toy2d")
    tab.on_reset(engine, PRESET, False, LAYERS, *_values(steps=100_000))
    first = engine.call("live", {"pane": "main", "version": None})
    assert "layout" in first and "data" in first and first["label"] == "iteration 0"
    assert "data" not in engine.call("live", {"pane": "main", "version": first["version"]})  # no change
    tab.on_step(engine, PRESET, False, LAYERS, *_values())
    second = engine.call("live", {"pane": "main", "version": first["version"]})
    assert "layout" not in second and second["label"] == "iteration 1"  # paused: D measured too
    sent = json.loads(second["data"])
    assert [trace is None for trace in sent] == [False, True, False, False, True]  # real samples, modes kept
    tab.on_play(engine, PRESET, False, LAYERS, *_values(steps=100_000))
    labels = []
    version = second["version"]
    for _ in range(12):
        time.sleep(0.03)
        frame = engine.call("live", {"pane": "main", "version": version})
        version = frame.get("version", version)
        labels.append(frame.get("label", ""))
    tab.on_pause(engine, LAYERS)
    assert any("D's heatmap and arrows from iteration" in label for label in labels), labels


def test_side_by_side_trains_plain_and_remedied_twins(pool):
    engine = LiveEngine(pool, "toy2d")
    values = _set(_values(), "minibatch_discrimination", True)
    out = tab.on_twin(engine, PRESET, True, LAYERS, *values)
    run = tab_of(engine).run
    assert isinstance(run, TwinRun)
    assert run.left.config.remedies() == () and run.right.config.remedies() == ("minibatch-discrimination",)
    assert out[-1].visible is True  # the plain run's column is shown
    out = tab.on_step(engine, PRESET, True, LAYERS, *values)
    assert "plain" in out[1] and "minibatch-discrimination" in out[0]
    assert "data" in engine.call("live", {"pane": "plain", "version": None})
    # a remedy switched while side by side changes the right-hand run only
    tab.on_remedy(engine, PRESET, True, LAYERS, *_set(values, "pack", 2))
    assert run.right.config.pack == 2 and run.left.config.pack == 1
    tab.on_twin(engine, PRESET, False, LAYERS, *values)
    assert isinstance(tab_of(engine).run, ToyRun)


def test_side_by_side_with_no_remedy_ticked_shows_the_presets_remedy(pool):
    """Two plain GANs side by side would show nothing: the right pane takes the preset's remedy,
    the status says so, and unticking every remedy while side by side keeps it."""
    engine = LiveEngine(pool, "toy2d")
    out = tab.on_twin(engine, PRESET, True, LAYERS, *_values())
    run = tab_of(engine).run
    assert run.left.config.remedies() == () and run.right.config.remedies() == ("minibatch-discrimination",)
    assert "this preset's remedy" in out[STATUS] and "minibatch discrimination (Salimans" in out[STATUS]
    assert json.loads(engine.call("live", {"pane": "main", "version": None})["layout"])["title"]["text"] \
        .startswith("minibatch-discrimination")
    tab.on_remedy(engine, PRESET, True, LAYERS, *_set(_values(), "pack", 2))
    assert run.right.config.pack == 2 and not run.right.config.minibatch_discrimination
    out = tab.on_remedy(engine, PRESET, True, LAYERS, *_values())
    assert run.right.config.minibatch_discrimination and run.right.config.pack == 1
    assert "this preset's remedy" in out[STATUS]


def test_bad_settings_give_a_message(pool):
    engine = LiveEngine(pool, "toy2d")
    out = tab.on_reset(engine, PRESET, False, LAYERS, *_set(_values(), "batch_size", 1))
    assert "Invalid setting" in out[STATUS] and "batch_size" in out[STATUS] and tab_of(engine).run is None
    out = tab.on_reset(engine, PRESET, False, LAYERS, *_set(_values(), "dataset", "custom"))
    assert "upload a CSV or draw" in out[STATUS]


def test_a_malformed_upload_is_refused_and_a_good_one_trains(pool, tmp_path):
    engine = LiveEngine(pool, "toy2d")
    tab.on_reset(engine, PRESET, False, LAYERS, *_values())
    before = tab_of(engine).run
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3\n")
    out = tab.on_upload(engine, str(bad), PRESET, False, LAYERS, *_values())
    assert "refused" in out[-1] and "row 2 should be two numbers" in out[-1]
    assert tab_of(engine).run is before  # the current run is left alone
    good = tmp_path / "good.csv"
    good.write_text("".join(f"{i % 7},{i % 5}\n" for i in range(50)))
    out = tab.on_upload(engine, str(good), PRESET, False, LAYERS, *_values())
    assert out[-2] == "custom" and "50 points uploaded" in out[-1]
    run = tab_of(engine).run
    assert run.config.dataset == "custom" and run.trainer.dataset.points.shape == (50, 2)


class _Request:
    def __init__(self, query: str):
        self.query_params = query


def test_a_link_round_trips_the_preset_settings_remedies_and_side_by_side(pool):
    values = _set(_set(_values(), "seed", 7), "minibatch_discrimination", True)
    link = tab.on_link(_Request(""), "ring-collapse", True, *values)["value"]
    query = link.split("?", 1)[1]
    for part in ("tab=toy2d", "preset=ring-collapse", "seed=7", "minibatch_discrimination=", "twin=1"):
        assert part in query, part
    engine = LiveEngine(pool, "toy2d")
    defaults = [getattr(PRESETS_2D["grid-collapse"].config, n) for n in tab.SETTING_NAMES + tab.REMEDY_NAMES]
    out = tab.on_load(_Request(query), engine, "grid-collapse", False, LAYERS, *defaults)
    rendered, (token, _, preset, _note, twin, column), opened = out[:7], out[7:13], list(out[13:])
    assert pool.engine_of(token) is engine and preset == "ring-collapse" and twin is True and column.visible
    assert opened == values and "refused" not in rendered[STATUS]
    run = tab_of(engine).run
    assert isinstance(run, TwinRun) and run.right.config.minibatch_discrimination and run.left.config.seed == 7


def test_a_bad_link_or_another_tabs_link_opens_the_defaults(pool):
    defaults = _values()
    out = tab.on_load(_Request("tab=toy2d&seed=lots"), LiveEngine(pool, "toy2d"), PRESET, False, LAYERS, *defaults)
    assert "link's settings were refused" in out[STATUS] and "seed must be a whole number" in out[STATUS]
    assert all(value == gr.skip() for value in out[9:])  # the controls stay at the page's defaults
    out = tab.on_load(_Request("preset=bimodal&k_d_steps=5"), LiveEngine(pool, "toy2d"), PRESET, False, LAYERS,
                      *defaults)
    assert "refused" not in out[STATUS] and all(value == gr.skip() for value in out[9:])
    assert "your own points" in tab.on_link(_Request(""), PRESET, False, *_set(defaults, "dataset", "custom"))["value"]
