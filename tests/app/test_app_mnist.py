"""The DCGAN tab's handlers, without a browser, its run in a worker: train, pause, explore, save
and load, bad input."""

import base64
import io
import time

import imageio.v3 as iio
import numpy as np
import pytest
import torch
from app_helpers import iteration_of, tab_of
from PIL import Image

from explorer.app import live_mnist, tab_mnist
from explorer.app.tab_mnist import MnistEngine

# epochs, batch, G width, D width, G lr, D lr, seed, device, minibatch discrimination, model
SMALL = [1, 32, 8, 8, 2e-4, 2e-4, 0, "cpu", False, "dcgan"]
STATUS = 1


def _trained(pool, iterations=15) -> MnistEngine:
    engine = MnistEngine(pool)
    out = tab_mnist.on_reset(engine, "embedded", "", *SMALL)
    assert "new DCGAN on" in out[STATUS]
    tab_mnist.on_play(engine, "embedded", "", *SMALL)
    deadline = time.time() + 120
    while iteration_of(tab_mnist.on_tick(engine)[STATUS]) < iterations and time.time() < deadline:
        time.sleep(0.2)
    out = tab_mnist.on_pause(engine)
    assert iteration_of(out[STATUS]) >= iterations and "paused" in out[STATUS]
    return engine


def _grid(engine) -> np.ndarray:
    frame = engine.call("live", {"version": None})
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(frame["png"]))))


def test_train_pause_and_the_frame_shows_progress_and_device(pool):
    engine = _trained(pool)
    readout, status, *_ = tab_mnist.on_tick(engine)
    assert _grid(engine).shape == (2 * (8 * 30 + 2), 2 * (8 * 30 + 2))   # 8 x 8 digits, 2-pixel gaps, x2
    assert "images/s" in readout and "device <b>CPU" in readout and "left" in readout
    assert "IS" in readout   # the first quality point is measured as soon as training starts
    stopped = iteration_of(status)
    time.sleep(0.5)
    assert tab_of(engine).run.iteration == stopped


def test_sliders_change_the_sample_and_the_nearest_digit_is_real(pool):
    engine = _trained(pool)
    run = tab_of(engine).run
    seed = 3
    z = torch.randn(run.config.noise_dim, generator=torch.Generator().manual_seed(seed))
    values = [float(v) for v in z[: tab_mnist.SLIDERS]]
    first, nearest, note = tab_mnist.on_latent(engine, seed, *values)
    again, _, _ = tab_mnist.on_latent(engine, seed, *values)
    assert np.array_equal(first, again)
    moved = list(values)
    moved[0] += 2.5
    second, _, _ = tab_mnist.on_latent(engine, seed, *moved)
    assert not np.array_equal(first, second)
    assert nearest.shape == first.shape and "Nearest training digit" in note
    index = int(note.split("#")[1].split(",")[0])
    assert np.array_equal(nearest[:: tab_mnist.SAMPLE_SCALE, :: tab_mnist.SAMPLE_SCALE], run.digits.images[index])
    # a new seed moves the sliders to that z
    outputs = tab_mnist.on_seed(engine, 7)
    z7 = torch.randn(run.config.noise_dim, generator=torch.Generator().manual_seed(7))
    assert outputs[0] == pytest.approx(float(z7[0].clamp(-3, 3)), abs=0.01)


def test_interpolation_strip_has_a_linear_and_a_spherical_row(pool):
    engine = _trained(pool)
    strip, note = tab_mnist.on_interpolate(engine, 1, 2, 6)
    scale = live_mnist.STRIP_SCALE
    assert strip.shape == (scale * (2 * 30 + 2), scale * (6 * 30 + 2))
    assert "linear" in note and "spherical" in note


def test_save_load_round_trip_and_a_bad_file_leaves_the_run_alone(pool, tmp_path):
    engine = _trained(pool)
    path, note = tab_mnist.on_save(engine)
    assert "saved" in note
    grid_before = _grid(engine)
    fresh = MnistEngine(pool)
    outputs = tab_mnist.on_load(fresh, path)
    note, model = outputs[-2], outputs[-1]
    assert "Loaded a DCGAN checkpoint" in note and model["value"] == "dcgan"   # the model choice follows the file
    assert tab_of(fresh).run.iteration == tab_of(engine).run.iteration
    assert np.array_equal(_grid(fresh), grid_before)
    bad = tmp_path / "bad.pt"
    bad.write_text("not a checkpoint")
    outputs = tab_mnist.on_load(fresh, str(bad))
    assert "Not loaded" in outputs[-2] and "not a PyTorch checkpoint" in outputs[-2]
    assert tab_of(fresh).run.iteration == tab_of(engine).run.iteration
    still = fresh.call("export", {"what": "now"})["figures"]
    assert len(still) == 1 and still[0]["data"][0]["type"] == "heatmap"


def test_play_applies_more_epochs_and_says_other_changes_wait_for_reset(pool):
    engine = MnistEngine(pool)
    tab_mnist.on_reset(engine, "embedded", "", *SMALL)
    more = list(SMALL)
    more[0], more[2] = 2, 16  # two epochs; a wider G
    out = tab_mnist.on_play(engine, "embedded", "", *more)
    assert "changed settings apply on ↺ Reset" in out[STATUS]
    tab_mnist.on_pause(engine)
    run = tab_of(engine).run
    assert run.config.epochs == 2 and run.config.g_width == 8 and run.budget == 2 * run.trainer.iterations_per_epoch


def test_bad_settings_and_missing_data_get_messages(pool, tmp_path):
    engine = MnistEngine(pool)
    out = tab_mnist.on_reset(engine, "folder", str(tmp_path), *SMALL)
    assert tab_of(engine).run is None and "holds no MNIST IDX files" in out[STATUS]
    out = tab_mnist.on_reset(engine, "folder", "", *SMALL)
    assert "enter the folder" in out[STATUS]
    bad = list(SMALL)
    bad[1] = 1
    out = tab_mnist.on_reset(engine, "embedded", "", *bad)
    assert "batch_size must be between" in out[STATUS]
    assert tab_mnist.on_latent(engine, 1, *[0.0] * tab_mnist.SLIDERS)[2].startswith("Train a model first")
    fresh = MnistEngine(pool)
    assert "Train a model first" in tab_mnist.on_interpolate(fresh, 1, 2, 5)[1]


def test_the_tab_exports_the_grid_now_and_as_training_went(pool):
    from explorer.app.export_panel import on_export

    engine = _trained(pool, iterations=10)
    run = tab_of(engine).run
    file, note = on_export(pool.exports, engine, "PNG", 700, 10)
    assert Image.open(file["value"]).size[0] == 700 and f"iteration{run.iteration}" in file["value"]
    file, note = on_export(pool.exports, engine, "GIF", 600, 5)
    frames = iio.imread(file["value"], index=None)
    # one frame where training started, one per recorded iteration, and the grid now
    assert len(frames) == len(run.grids) + (run.grids[-1][0] < run.iteration) >= 10
    assert frames.shape[2] == 600 and (frames[0] != frames[-1]).mean() > 0.05   # G moved
    assert f"GIF: {len(frames)} frames at 5 a second" in note
