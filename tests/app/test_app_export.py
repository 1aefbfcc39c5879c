"""Export for slides from each tab: the worker computes the figures, the server's export process
draws them, and the page gets the file and words saying what it holds; bad requests get words."""

import imageio.v3 as iio
from app_helpers import tab_of

from explorer.app import tab_toy2d
from explorer.app.engine import LiveEngine
from explorer.app.export_panel import on_export
from explorer.app.live_dirac import controls_from_config as dirac_controls
from explorer.app.live_toy1d import controls_from_config
from explorer.toy.dirac import DiracConfig
from explorer.toy.presets import PRESETS_1D, PRESETS_2D


def _toy1d(pool, steps=20):
    engine = LiveEngine(pool, "toy1d")
    config = PRESETS_1D["goodfellow-fig1"].config
    request = {"preset": "goodfellow-fig1", "values": controls_from_config(config)}
    engine.call("reset", request)
    for _ in range(steps):
        engine.call("step", request)
    return engine


def test_the_1d_tab_exports_the_figure_now_and_its_timeline(pool):
    engine = _toy1d(pool)
    file, note = on_export(pool.exports, engine, "PNG", 800, 10)
    image = iio.imread(file["value"])
    assert image.shape[1] == 800 and file["value"].endswith("iteration20.png")
    assert "PNG: the figure as shown now, 800 px wide" in note
    file, note = on_export(pool.exports, engine, "SVG", 1000, 10)
    assert "p_g(x): generator density" in open(file["value"]).read()
    file, note = on_export(pool.exports, engine, "GIF", 640, 5)
    frames = iio.imread(file["value"], index=None)
    snapshots = len(tab_of(engine).run.history.snapshots)
    assert frames.shape[0] == snapshots >= 2 and frames.shape[2] == 640
    assert f"GIF: {snapshots} frames at 5 a second, 640 px wide" in note


def test_side_by_side_exports_both_runs_in_one_animation(pool):
    engine = LiveEngine(pool, "toy2d")
    config = PRESETS_2D["ring-collapse"].config.replace(batch_size=64, minibatch_discrimination=True)
    values = [getattr(config, n) for n in tab_toy2d.SETTING_NAMES] + [getattr(config, n) for n in tab_toy2d.REMEDY_NAMES]
    tab_toy2d.on_twin(engine, "ring-collapse", True, list(tab_toy2d.DEFAULT_LAYERS), *values)
    for _ in range(3):
        tab_toy2d.on_step(engine, "ring-collapse", True, list(tab_toy2d.DEFAULT_LAYERS), *values)
    file, note = on_export(pool.exports, engine, "MP4", 1200, 10)
    assert "plain-vs-minibatch-discrimination" in file["value"] and file["value"].endswith(".mp4")
    frames = iio.imread(file["value"], index=None, plugin="FFMPEG")
    assert frames.shape[2] == 1200 and frames.shape[0] == len(tab_of(engine).run.left.history.snapshots)
    assert "MP4:" in note


def test_the_dirac_tab_exports_its_paths_growing(pool):
    engine = LiveEngine(pool, "dirac")
    values = dirac_controls(DiracConfig(method="alternating", steps=30))
    engine.call("reset", {"values": values})
    run = tab_of(engine).run
    for _ in range(30):
        run.step()
    file, note = on_export(pool.exports, engine, "GIF", 600, 10)
    frames = iio.imread(file["value"], index=None)
    assert frames.shape[0] == 30 and frames.shape[2] == 600
    assert (frames[0] != frames[-1]).any()  # the paths grew


def test_bad_export_requests_get_words_not_errors(pool):
    engine = LiveEngine(pool, "toy1d")
    file, note = on_export(pool.exports, engine, "GIF", 800, 10)  # no run yet
    assert file["value"] is None and "nothing to export" in note
    engine = _toy1d(pool, steps=1)
    file, note = on_export(pool.exports, engine, "<b>BMP</b>", 800, 10)
    assert file["value"] is None and "choose one of GIF, MP4, PNG, SVG" in note and "`<b>BMP</b>`" in note  # a code span: shown as text
    file, note = on_export(pool.exports, engine, "PNG", 10 ** 9, 10 ** 9)  # held to the panel's range
    assert iio.imread(file["value"]).shape[1] == 2000
