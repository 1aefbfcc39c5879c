"""Figures for slides: a figure dict drawn offline keeps its colours, legend and layout; the CLI
writes a run's timeline as a GIF and an MP4 of the size and length asked for."""

import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from explorer.core.export import (
    ExportError,
    figure_bytes,
    figure_pixels,
    side_by_side,
    write_animation,
)
from explorer.core.plotly_schema import legend_columns
from explorer.toy.plots1d import (
    D_STAR_COLOR,
    DISCRIMINATOR_COLOR,
    GENERATOR_COLOR,
    figure_1d,
    generator_losses_figure,
)
from explorer.toy.plots2d import FAKE_COLOUR, figure_2d, occupancy_figure
from explorer.toy.presets import PRESETS_1D, PRESETS_2D
from explorer.toy.run import ToyRun


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])


def _pixels_near(image: np.ndarray, hex_colour: str, tolerance: int = 40) -> int:
    return int((np.abs(image.astype(int) - _rgb(hex_colour)).max(axis=2) < tolerance).sum())


@pytest.fixture(scope="module")
def snapshot_1d():
    run = ToyRun(PRESETS_1D["goodfellow-fig1"].config.replace(steps=200))
    run.advance(200)
    return run.record()


def test_figure_1d_keeps_its_colours_and_its_switches(snapshot_1d):
    shown = figure_pixels(figure_1d(snapshot_1d), width=1000)
    assert shown.shape == (600, 1000, 3) and shown.dtype == np.uint8
    for colour in (GENERATOR_COLOR, DISCRIMINATOR_COLOR, D_STAR_COLOR):
        assert _pixels_near(shown, colour) > 300, colour  # p_g, D(x) and D* are drawn in their colours
    hidden = figure_pixels(figure_1d(snapshot_1d, show_d_star=False), width=1000)
    # D* switched off (Plotly's 'legendonly'): neither its curve nor its legend entry is drawn
    assert _pixels_near(hidden, D_STAR_COLOR) < 0.05 * _pixels_near(shown, D_STAR_COLOR)


def test_svg_carries_the_figures_labels_and_png_its_size(snapshot_1d):
    svg = figure_bytes(figure_1d(snapshot_1d), ".svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("p_data(x): real data density", "D(x): discriminator", "density", f"iteration {snapshot_1d.iteration}"):
        assert label in svg, label  # text kept as text (svg.fonttype none)
    png = figure_bytes(figure_1d(snapshot_1d), ".png", width=800)
    image = iio.imread(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and image.shape[1] == 800


def test_a_plotly_graph_object_is_drawn_from_its_typed_arrays():
    """go.Figure writes numpy arrays as base64 typed arrays; both loss curves must still show."""
    image = figure_pixels(generator_losses_figure(current_d_fake=0.3), width=800)
    assert _pixels_near(image, "#d1431f") > 300 and _pixels_near(image, GENERATOR_COLOR) > 300


def test_figure_2d_draws_the_samples_and_the_occupancy_bars():
    run = ToyRun(PRESETS_2D["ring-collapse"].config.replace(steps=100))
    run.advance(100)
    snapshot = run.record()
    image = figure_pixels(figure_2d(snapshot, title="plain", height=700), width=800)
    assert image.shape == (700, 800, 3) and _pixels_near(image, FAKE_COLOUR, 30) > 50
    bars = figure_pixels(occupancy_figure([("plain", snapshot)]), width=800)
    assert bars.shape[0] == 260 and _pixels_near(bars, "#4d4d4d", 20) + _pixels_near(bars, "#c9c9c9", 20) > 200


def test_twin_panes_side_by_side_keep_each_panes_points_and_title():
    runs = [ToyRun(PRESETS_2D["ring-collapse"].config.replace(steps=50, seed=seed)) for seed in (0, 1)]
    figures = []
    for name, run in zip(("plain", "minibatch-discrimination"), runs):
        run.advance(50)
        figures.append(figure_2d(run.record(), title=name, height=600))
    both = side_by_side(figures)
    assert {t["xaxis"] for t in both["data"]} == {"x", "x2"} and both["layout"]["xaxis2"]["domain"][0] > 0.5
    assert both["layout"]["yaxis2"]["scaleanchor"] == "x2"  # each pane keeps its equal scales
    titles = [a["text"] for a in both["layout"]["annotations"]]
    assert any(t.startswith("plain ·") for t in titles) and any(t.startswith("minibatch-discrimination ·") for t in titles)
    image = figure_pixels(both, width=1400)
    left, right = image[:, :700], image[:, 700:]
    assert _pixels_near(left, FAKE_COLOUR, 30) > 50 and _pixels_near(right, FAKE_COLOUR, 30) > 50


def test_horizontal_legends_fill_rows_as_plotly_does():
    assert legend_columns(["a", "b", "c"], 1000) == 3
    assert legend_columns(["a very long legend entry " * 3] * 4, 500) == 1


def test_bad_requests_get_clear_messages(tmp_path, snapshot_1d):
    with pytest.raises(ExportError, match="gif or .mp4"):
        write_animation([figure_1d(snapshot_1d)], tmp_path / "a.avi")
    with pytest.raises(ExportError, match="frame rate"):
        write_animation([figure_1d(snapshot_1d)], tmp_path / "a.gif", fps=0)
    with pytest.raises(ExportError, match="width"):
        figure_pixels(figure_1d(snapshot_1d), width=50)
    with pytest.raises(ExportError, match="png or .svg"):
        figure_bytes(figure_1d(snapshot_1d), ".jpg")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_the_cli_writes_the_figure_1_timeline_as_an_animation(tmp_path, suffix):
    movie = tmp_path / f"fig1{suffix}"
    done = _cli("toy", "--preset", "goodfellow-fig1", "--steps", "1000", "--animation", str(movie),
                "--out", str(tmp_path / "run"), "--no-progress")
    assert done.returncode == 0, done.stderr
    frames = iio.imread(movie, index=None, **({"plugin": "FFMPEG"} if suffix == ".mp4" else {}))
    assert frames.shape[0] >= 40 and frames.shape[2] >= 800  # 41 snapshots: 0, 25, ..., 1000
    assert frames.shape[1:3] == (600, 1000)
    first, last = frames[0][..., :3].astype(int), frames[-1][..., :3].astype(int)
    assert np.abs(first - last).mean() > 1.0  # the run moved: the frames differ
    assert _pixels_near(frames[-1][..., :3], GENERATOR_COLOR, 50) > 300  # p_g in green, after encoding
    assert f"{movie}" in done.stderr and "frames" in done.stderr


def test_the_cli_refuses_a_bad_animation_before_training(tmp_path):
    done = _cli("toy", "--preset", "goodfellow-fig1", "--animation", str(tmp_path / "fig1.avi"),
                "--out", str(tmp_path / "run"), "--no-progress")
    assert done.returncode == 2 and ".gif or .mp4" in done.stderr
    assert not (tmp_path / "run" / "metrics.json").exists()
    done = _cli("toy", "--preset", "goodfellow-fig1", "--animation", str(tmp_path / "no" / "fig1.gif"),
                "--out", str(tmp_path / "run"), "--no-progress")
    assert done.returncode == 2 and "does not exist" in done.stderr


@pytest.mark.slow
def test_the_cli_writes_the_dirac_gans_path_growing(tmp_path):
    movie = tmp_path / "dirac.gif"
    done = _cli("dirac", "--steps", "30", "--animation", str(movie), "--animation-width", "600",
                "--out", str(tmp_path / "run"))
    assert done.returncode == 0, done.stderr
    frames = iio.imread(movie, index=None)
    assert frames.shape[0] == 30 and frames.shape[2] == 600 and (frames[0] != frames[-1]).any()
    assert _cli("dirac", "--animation", str(tmp_path / "d.webm"), "--out", str(tmp_path / "r")).returncode == 2


@pytest.mark.slow
def test_the_cli_writes_the_mnist_sample_grid_as_training_went(tmp_path):
    movie = tmp_path / "grid.mp4"
    small = ["--set", "g_width=8", "--set", "d_width=8", "--set", "batch_size=250", "--set", "eval_samples=1000"]
    done = _cli("mnist", "--epochs", "1", "--eval-every", "0", *small, "--animation", str(movie),
                "--animation-width", "600", "--out", str(tmp_path / "run"), "--no-progress")
    assert done.returncode == 0, done.stderr
    frames = iio.imread(movie, index=None, plugin="FFMPEG")
    # 20 iterations of 250 of the 5,000 digits: the grid where training starts and after each
    assert frames.shape[0] == 21 and frames.shape[2] == 600 and "21 frames of the sample grid" in done.stderr
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1.0   # G moved
    refused = _cli("mnist", "--epochs", "1", "--animation", str(tmp_path / "grid.webm"), "--out", str(tmp_path / "r"))
    assert refused.returncode == 2 and ".gif or .mp4" in refused.stderr and not (tmp_path / "r").exists()


def _blitted_against_whole(figures, width):
    from explorer.core.animation_draw import animation_frames, redrawn_traces

    assert redrawn_traces(figures)   # drawn over one background, not each whole
    fast = list(animation_frames(figures, width))
    assert len(fast) == len(figures)
    for figure, frame in zip(figures, fast):
        whole = figure_pixels(figure, width).astype(int)
        assert frame.shape == whole.shape
        off = np.abs(frame.astype(int) - whole).max(axis=2)
        assert off.mean() < 0.5 and (off > 60).mean() < 0.003   # anti-aliasing where things overlap, no more


def test_an_animations_frames_drawn_over_one_background_match_frames_drawn_whole():
    from explorer.toy.report import timeline_figures
    from explorer.toy.run import TwinRun

    run = ToyRun(PRESETS_1D["goodfellow-fig1"].config.replace(steps=150))
    for _ in range(3):
        run.advance(50)
        run.record()
    fig1 = timeline_figures([("", run.history.snapshots)])
    assert fig1[0]["layout"]["title"] != fig1[-1]["layout"]["title"]   # the title moves too
    _blitted_against_whole(fig1, 800)
    # twins side by side: each pane's title is an annotation that moves, the heatmap moves
    config = PRESETS_2D["ring-collapse"].config.replace(steps=60, batch_size=64)
    twins = TwinRun(config, config.replace(minibatch_stddev=True))
    for _ in range(2):
        twins.advance(30)
        twins.left.record()
        twins.right.record()
    named = [("plain", twins.left.history.snapshots), ("stddev", twins.right.history.snapshots)]
    _blitted_against_whole(timeline_figures(named, 900), 900)
