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


def test_a_resumed_run_ends_where_an_uninterrupted_one_does(tmp_path):
    """60 iterations, then --resume for 60 more: the same samples as 120 straight."""
    common = ["--no-progress", "--set", "lr_final_fraction=1.0", "--set", "batch_size=64"]
    assert main(["toy", "--preset", "ring-collapse", "--steps", "120", *common, "--out", str(tmp_path / "all")]) == 0
    assert main(["toy", "--preset", "ring-collapse", "--steps", "60", *common, "--out", str(tmp_path / "half")]) == 0
    assert main(["toy", "--resume", str(tmp_path / "half" / "checkpoint.pt"), "--steps", "120", "--no-progress",
                 "--out", str(tmp_path / "rest")]) == 0
    assert json.loads((tmp_path / "rest" / "metrics.json").read_text())["iterations"] == 120
    np.testing.assert_allclose(np.load(tmp_path / "rest" / "samples.npy"), np.load(tmp_path / "all" / "samples.npy"),
                               rtol=1e-5, atol=1e-6)
    result = _cli("toy", "--resume", str(tmp_path / "half" / "checkpoint.pt"), "--set", "g_width=7",
                  "--out", str(tmp_path / "bad"))
    assert result.returncode == 2 and "do not fit the checkpoint's networks" in result.stderr
    result = _cli("toy", "--resume", str(tmp_path / "half" / "config.json"), "--out", str(tmp_path / "bad"))
    assert result.returncode == 2 and "not a PyTorch checkpoint" in result.stderr


def test_help_lists_every_preset():
    result = _cli("toy", "--help")
    assert result.returncode == 0
    from explorer.toy.presets import PRESETS
    from explorer.toy.remedies import REMEDIES

    for name in list(PRESETS) + list(REMEDIES):
        assert name in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--preset", "nope"], "unknown preset `nope`"),
        (["--dataset", "mooons"], "dataset must be one of"),
        (["--dataset", "custom"], "takes --data-csv"),
        (["--preset", "ring-collapse", "--remedy", "dropout"], "unknown remedy `dropout`"),
        (["--preset", "ring-collapse", "--remedy", "hinge,wgan-gp"], "one objective at a time"),
        (["--preset", "goodfellow-fig1", "--remedy", "pack2"], "are for the 2-D datasets"),
        (["--data-csv", "/nonexistent/points.csv"], "cannot read the points file"),
        (["--preset", "goodfellow-fig1", "--set", "d_lr=fast"], "d_lr must be a number"),
        (["--preset", "goodfellow-fig1", "--set", "colour=red"], "unknown config field `colour`"),
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


def test_a_2d_run_with_a_remedy_writes_the_run_directory(tmp_path):
    out = tmp_path / "ring"
    assert main(["toy", "--preset", "ring-collapse", "--remedy", "minibatch-discrimination", "--steps", "30",
                 "--seed", "4", "--no-progress", "--out", str(out)]) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["dataset"] == "ring8" and config["minibatch_discrimination"] is True and config["seed"] == 4
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0 <= metrics["modes_covered"] <= 8 and 0.0 <= metrics["high_quality"] <= 1.0
    assert 0.0 <= metrics["mode_kl"] <= np.log(8) + 1e-9
    assert metrics["remedies"] == ["minibatch-discrimination"] and metrics["iterations"] == 30
    samples = np.load(out / "samples.npy")
    assert samples.shape == (2500, 2) and samples.dtype == np.float32
    # the metrics are those of the saved samples
    from explorer.toy.data2d import DATASETS_2D
    from explorer.toy.modes import mode_metrics

    ring = DATASETS_2D["ring8"]
    assert mode_metrics(samples, ring.modes, ring.mode_std).modes_covered == metrics["modes_covered"]
    curves = np.load(out / "curves.npz")
    assert curves["d_heatmap"].shape == (config["heatmap_points"],) * 2
    assert "Plotly.newPlot" in (out / "figure.html").read_text()


def test_a_csv_of_points_trains(tmp_path):
    csv = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    csv.write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in rng.normal(size=(200, 2))))
    out = tmp_path / "mine"
    assert main(["toy", "--data-csv", str(csv), "--steps", "10", "--no-progress", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert "binned_js" in metrics and "modes_covered" not in metrics
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\nthree,4\n")
    result = _cli("toy", "--data-csv", str(bad), "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "row 2 should be two numbers" in result.stderr
