"""The headless CLI as a user runs it: run directory contents, presets in --help, bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest

from explorer.cli import main


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True)


def test_toy_run_writes_the_run_directory(tmp_path):
    out = tmp_path / "run"
    assert main(["toy", "--preset", "goodfellow-fig1", "--steps", "60", "--seed", "2", "--no-progress",
                 "--out", str(out)]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["steps"] == 60 and config["seed"] == 2 and config["dataset"] == "gaussian"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["iterations"] == 60
    assert 0.0 <= metrics["js_divergence"] <= np.log(2)
    for key in ("value_function", "d_deviation", "iterations_per_second", "trace"):
        assert key in metrics
    samples = np.load(out / "samples.npy")
    assert samples.shape == (2500, 1) and samples.dtype == np.float32
    curves = np.load(out / "curves.npz")
    assert set(curves.files) == {"x", "p_data", "p_g", "d", "d_star"}
    assert curves["x"].shape == curves["p_g"].shape == curves["d"].shape
    html = (out / "figure.html").read_text()
    assert "Plotly.newPlot" in html and "frames" in html and "sliders" in html
    assert "<script src=" not in html  # self-contained: plotly.js is embedded


def test_config_round_trips_through_a_run_directory(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["toy", "--dataset", "bimodal", "--steps", "20", "--set", "k_d_steps=2", "--no-progress",
                 "--out", str(first)]) == 0
    assert main(["toy", "--config", str(first / "config.json"), "--no-progress", "--out", str(second)]) == 0
    assert (first / "config.json").read_text() == (second / "config.json").read_text()
    assert np.array_equal(np.load(first / "samples.npy"), np.load(second / "samples.npy"))


def test_help_lists_every_preset():
    result = _cli("toy", "--help")
    assert result.returncode == 0
    from explorer.config import PRESETS_1D

    for name in PRESETS_1D:
        assert name in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--preset", "nope"], "unknown preset 'nope'"),
        (["--dataset", "moons"], "dataset must be one of"),
        (["--preset", "goodfellow-fig1", "--set", "d_lr=fast"], "d_lr must be a number"),
        (["--preset", "goodfellow-fig1", "--set", "colour=red"], "unknown config field 'colour'"),
        (["--preset", "goodfellow-fig1", "--steps", "-5"], "steps must be between"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(tmp_path, args, message):
    result = _cli("toy", *args, "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_divergence_exits_non_zero_with_a_message(tmp_path):
    result = _cli("toy", "--dataset", "gaussian", "--steps", "200", "--no-progress",
                  "--set", "d_optimizer=sgd", "--set", "g_optimizer=sgd", "--set", "d_lr=5",
                  "--set", "g_lr=5", "--set", "d_activation=relu", "--set", "g_activation=relu",
                  "--set", "r1_gamma=0", "--set", "k_d_steps=1", "--set", "noise_sampling=iid",
                  "--set", "lr_final_fraction=1", "--out", str(tmp_path / "x"))
    assert result.returncode == 3
    assert "training diverged" in result.stderr and "Traceback" not in result.stderr
