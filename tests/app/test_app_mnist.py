"""The DCGAN tab's handlers, without a browser: train, pause, explore, save and load, bad input."""

import time

import numpy as np
import pytest
import torch

from explorer.app import tab_mnist
from explorer.app.tab_mnist import MnistSession

# epochs, batch, G width, D width, G lr, D lr, seed, device, minibatch discrimination
SMALL = [1, 32, 8, 8, 2e-4, 2e-4, 0, "cpu", False]


def _images(outputs):
    return [o for o in outputs if isinstance(o, np.ndarray)]


def _trained(iterations=15) -> MnistSession:
    session = MnistSession()
    tab_mnist.on_reset(session, "embedded", "", *SMALL)
    assert session.run is not None and session.error is None
    tab_mnist.on_play(session, "embedded", "", *SMALL)
    deadline = time.time() + 120
    while session.run.iteration < iterations and time.time() < deadline:
        tab_mnist.on_tick(session)
        time.sleep(0.2)
    tab_mnist.on_pause(session)
    session.halt()
    assert session.run.iteration >= iterations
    return session


def test_train_pause_and_the_frame_shows_progress_and_device():
    session = _trained()
    grid, readout, status, losses, quality, classes, _timer = tab_mnist._render(session, "paused")
    assert grid.shape == (3 * (8 * 30 + 2), 3 * (8 * 30 + 2))   # 8 x 8 digits, 2-pixel gaps, x3
    assert "images/s" in readout and "device <b>CPU" in readout and "left" in readout
    assert "IS" in readout   # the first quality point is measured as soon as training starts
    stopped = session.run.iteration
    time.sleep(0.5)
    assert session.run.iteration == stopped


def test_sliders_change_the_sample_and_the_nearest_digit_is_real():
    session = _trained()
    seed = 3
    z = torch.randn(session.run.config.noise_dim, generator=torch.Generator().manual_seed(seed))
    values = [float(v) for v in z[: tab_mnist.SLIDERS]]
    first, nearest, note = tab_mnist.on_latent(session, seed, *values)
    again, _, _ = tab_mnist.on_latent(session, seed, *values)
    assert np.array_equal(first, again)
    moved = list(values)
    moved[0] += 2.5
    second, _, _ = tab_mnist.on_latent(session, seed, *moved)
    assert not np.array_equal(first, second)
    assert nearest.shape == first.shape and "Nearest training digit" in note
    index = int(note.split("#")[1].split(",")[0])
    assert np.array_equal(nearest[:: tab_mnist.SAMPLE_SCALE, :: tab_mnist.SAMPLE_SCALE],
                          session.run.digits.images[index])
    # a new seed moves the sliders to that z
    outputs = tab_mnist.on_seed(session, 7)
    z7 = torch.randn(session.run.config.noise_dim, generator=torch.Generator().manual_seed(7))
    assert outputs[0] == pytest.approx(float(z7[0].clamp(-3, 3)), abs=0.01)


def test_interpolation_strip_has_a_linear_and_a_spherical_row():
    session = _trained()
    strip, note = tab_mnist.on_interpolate(session, 1, 2, 6)
    scale = tab_mnist.STRIP_SCALE
    assert strip.shape == (scale * (2 * 30 + 2), scale * (6 * 30 + 2))
    assert "linear" in note and "spherical" in note


def test_save_load_round_trip_and_a_bad_file_leaves_the_run_alone(tmp_path):
    session = _trained()
    path, note = tab_mnist.on_save(session)
    assert "saved" in note
    grid_before = tab_mnist._grid(session.run)
    fresh = MnistSession()
    outputs = tab_mnist.on_load(fresh, path)
    assert "Loaded a checkpoint" in outputs[-1]
    assert fresh.run.iteration == session.run.iteration
    assert np.array_equal(tab_mnist._grid(fresh.run), grid_before)
    bad = tmp_path / "bad.pt"
    bad.write_text("not a checkpoint")
    outputs = tab_mnist.on_load(fresh, str(bad))
    assert "Not loaded" in outputs[-1] and "not a PyTorch checkpoint" in outputs[-1]
    assert fresh.run.iteration == session.run.iteration
    png, note = tab_mnist.on_export_png(fresh)
    assert open(png, "rb").read(4) == b"\x89PNG"


def test_bad_settings_and_missing_data_get_messages(tmp_path):
    session = MnistSession()
    tab_mnist.on_reset(session, "folder", str(tmp_path), *SMALL)
    assert session.run is None and "holds no MNIST IDX files" in session.status()
    tab_mnist.on_reset(session, "folder", "", *SMALL)
    assert "enter the folder" in session.status()
    bad = list(SMALL)
    bad[1] = 1
    tab_mnist.on_reset(session, "embedded", "", *bad)
    assert "batch_size must be between" in session.status()
    assert tab_mnist.on_latent(session, 1, *[0.0] * tab_mnist.SLIDERS)[2].startswith("Train a model first")
    fresh = MnistSession()
    assert "Train a model first" in tab_mnist.on_interpolate(fresh, 1, 2, 5)[1]
