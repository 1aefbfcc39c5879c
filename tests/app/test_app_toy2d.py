"""The 2-D tab's handlers called directly (no browser): remedies switched live, side by side,
uploads good and bad, and bad settings answered with a message."""

import time

from explorer.app import tab_toy2d as tab
from explorer.toy.presets import PRESETS_2D
from explorer.toy.run import ToyRun, TwinRun

STATUS = 4  # index of the status text among the tab's outputs
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


def test_a_remedy_switched_on_applies_to_the_running_model():
    session = tab.Session2D()
    out = tab.on_reset(session, PRESET, False, LAYERS, *_values())
    assert "new run ready" in out[STATUS]
    run = session.run
    tab.on_step(session, PRESET, False, LAYERS, *_values())
    g_weights = [p.detach().clone() for p in run.trainer.generator.parameters()]
    out = tab.on_remedy(session, PRESET, False, LAYERS, *_set(_values(), "minibatch_discrimination", True))
    assert session.run is run and run.config.minibatch_discrimination
    assert run.trainer.discriminator.minibatch is not None
    assert all((a == b).all() for a, b in zip(g_weights, run.trainer.generator.parameters()))
    assert "now: minibatch-discrimination" in out[STATUS]
    tab.on_step(session, PRESET, False, LAYERS, *_values())
    assert run.iteration == 2


def test_pause_stops_where_the_final_frame_says_even_mid_frame():
    session = tab.Session2D()
    values = _values(steps=100_000)
    tab.on_play(session, PRESET, False, LAYERS, *values)
    time.sleep(0.5)
    with session.lock:  # a frame being drawn holds the lock: the training thread waits for it
        time.sleep(0.05)
        out = tab.on_pause(session, LAYERS)  # answers at once, without the lock
        assert "pausing…" in out[STATUS]
        stopped = session.run.iteration
    out = tab.on_tick(session, LAYERS)  # the final frame
    assert f"iteration {stopped} /" in out[STATUS] and "paused" in out[STATUS]
    assert out[-1].active is False  # the timer stops polling
    session.halt()  # the thread has ended...
    assert session.run.iteration == stopped  # ...without one more iteration once it got the lock


def test_side_by_side_trains_plain_and_remedied_twins():
    session = tab.Session2D()
    values = _set(_values(), "minibatch_discrimination", True)
    out = tab.on_twin(session, PRESET, True, LAYERS, *values)
    assert isinstance(session.run, TwinRun)
    assert session.run.left.config.remedies() == () and session.run.right.config.remedies() == ("minibatch-discrimination",)
    assert out[-1].visible is True  # the plain run's column is shown
    out = tab.on_step(session, PRESET, True, LAYERS, *values)
    assert "plain" in out[3] and "minibatch-discrimination" in out[2]
    # a remedy switched while side by side changes the right-hand run only
    tab.on_remedy(session, PRESET, True, LAYERS, *_set(values, "pack", 2))
    assert session.run.right.config.pack == 2 and session.run.left.config.pack == 1
    tab.on_twin(session, PRESET, False, LAYERS, *values)
    assert isinstance(session.run, ToyRun)


def test_bad_settings_give_a_message():
    session = tab.Session2D()
    out = tab.on_reset(session, PRESET, False, LAYERS, *_set(_values(), "batch_size", 1))
    assert "Invalid setting" in out[STATUS] and "batch_size" in out[STATUS] and session.run is None
    out = tab.on_reset(session, PRESET, False, LAYERS, *_set(_values(), "dataset", "custom"))
    assert "upload a CSV or draw" in out[STATUS]


def test_a_malformed_upload_is_refused_and_a_good_one_trains(tmp_path):
    session = tab.Session2D()
    tab.on_reset(session, PRESET, False, LAYERS, *_values())
    before = session.run
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3\n")
    out = tab.on_upload(session, str(bad), PRESET, False, LAYERS, *_values())
    assert "refused" in out[-1] and "row 2 should be two numbers" in out[-1]
    assert session.run is before  # the current run is left alone
    good = tmp_path / "good.csv"
    good.write_text("".join(f"{i % 7},{i % 5}\n" for i in range(50)))
    out = tab.on_upload(session, str(good), PRESET, False, LAYERS, *_values())
    assert out[-2] == "custom" and "50 points uploaded" in out[-1]
    assert session.run.config.dataset == "custom" and session.run.trainer.dataset.points.shape == (50, 2)
