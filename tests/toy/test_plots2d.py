"""The 2-D figures are pure functions of snapshots: checked without a browser, and validated by
Plotly's own schema (go.Figure) even though the app sends them as plain dicts."""

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from explorer.toy import plots2d
from explorer.toy.presets import preset_config
from explorer.toy.report import timeline_figure
from explorer.toy.run import ToyRun


@pytest.fixture(scope="module")
def ring_run():
    run = ToyRun(preset_config("ring-collapse").replace(batch_size=64, snapshot_every=5))
    run.advance(20)
    return run


def _names(fig):
    return [t.get("name", "") for t in fig["data"]]


def test_each_layer_can_be_switched_on_and_off(ring_run):
    snapshot = ring_run.current()
    full = plots2d.figure_2d(snapshot, plots2d.LAYERS)
    go.Figure(full)  # valid for Plotly
    assert _names(full) == ["D(x)", "G(z grid)", "real x ~ p_data", "generated G(z)", "−∇ G's loss", "mode centres"]
    assert plots2d.figure_2d(snapshot, [])["data"] == []
    only_fake = plots2d.figure_2d(snapshot, ["fake"])
    assert _names(only_fake) == ["generated G(z)"]
    assert only_fake["data"][0]["x"] == np.round(snapshot.fake[:, 0], 5).tolist()
    heat = full["data"][0]
    assert heat["zmin"] == 0.0 and heat["zmax"] == 1.0 and len(heat["z"]) == len(snapshot.heat_y)
    assert f"iteration {snapshot.iteration}" in full["layout"]["title"]["text"]


def test_arrows_point_along_the_generators_push_with_bounded_length(ring_run):
    snapshot = ring_run.current()
    ends = plots2d.arrow_ends(snapshot)
    moves = ends - snapshot.arrow_from
    push = snapshot.arrow_push
    cosine = (moves * push).sum(1) / (np.linalg.norm(moves, axis=1) * np.linalg.norm(push, axis=1) + 1e-12)
    assert np.all(cosine[np.linalg.norm(push, axis=1) > 0] > 0.999)
    width = snapshot.plot_range[0][1] - snapshot.plot_range[0][0]
    assert np.linalg.norm(moves, axis=1).max() <= 2 * plots2d.ARROW_FRACTION * width + 1e-9


def test_a_score_heatmap_is_centred_rather_than_clamped_to_probabilities():
    run = ToyRun(preset_config("ring-collapse").replace(batch_size=64, loss="wgan-gp"))
    run.advance(3)
    heat = plots2d.figure_2d(run.current(), ["heatmap"])["data"][0]
    assert heat["name"] == "D score" and heat["zmin"] == -heat["zmax"] + 2 * heat["zmid"]


def test_occupancy_bars_count_every_sample_and_split_off_the_high_quality_ones(ring_run):
    snapshot = ring_run.current()
    fig = plots2d.occupancy_figure([("plain", snapshot), ("minibatch", snapshot)])
    go.Figure(fig)
    good, rest = fig["data"][0], fig["data"][1]
    assert good["y"] == snapshot.mode_counts.tolist()
    assert np.array_equal(np.array(good["y"]) + np.array(rest["y"]), snapshot.mode_nearest_counts)
    assert sum(snapshot.mode_nearest_counts) == 2500
    assert fig["data"][0]["name"] == f"plain: {snapshot.modes_covered}/8 modes"
    assert len(fig["data"]) == 5  # two runs x (good, rest) + the uniform line


def test_occupancy_timeline_has_a_column_per_snapshot_and_a_row_per_mode(ring_run):
    snaps = ring_run.history.snapshots
    fig = plots2d.occupancy_timeline_figure([("plain", snaps), ("remedied", snaps)])
    go.Figure(fig)
    z = np.array(fig["data"][0]["z"])
    assert z.shape == (8, len(snaps))
    assert np.allclose(z.sum(axis=0), 1.0, atol=1e-4)
    assert fig["data"][1]["yaxis"] == "y2"


def test_data_without_modes_says_so_and_tracks_binned_js():
    run = ToyRun(preset_config("moons").replace(batch_size=64))
    run.advance(2)
    snapshot = run.current()
    assert not snapshot.has_modes
    assert "No modes" in plots2d.occupancy_figure([("plain", snapshot)])["layout"]["annotations"][0]["text"]
    metrics = plots2d.metrics_2d_figure([("plain", run.history.traces)])
    assert metrics["data"][0]["name"] == "plain: binned JS"
    assert "binned JS" in plots2d.readout_2d(snapshot)


def test_the_2d_timeline_report_has_a_frame_per_snapshot(ring_run):
    fig = timeline_figure(ring_run.history.snapshots)
    assert len(fig.frames) == len(ring_run.history.snapshots)
    assert fig.layout.sliders[0].steps[-1].label == str(ring_run.history.snapshots[-1].iteration)


def test_a_batch_aware_heatmap_places_points_among_real_data_and_says_so():
    """With minibatch discrimination D judges batches: among G's collapsed samples a point on a
    real mode reads "fake". The heatmap places each point among real samples instead, so the
    modes read more "real" than among the fakes and the space between them "fake", and the
    colour bar says so. (Measured at iteration 300, seeds 0-7: the median over the modes among
    real samples 0.55-0.91, among the fakes 0.08-0.79, higher among real by 0.12-0.60.)"""
    run = ToyRun(preset_config("ring-collapse").replace(minibatch_discrimination=True, seed=3))
    run.advance(300)
    snapshot = run.live_snapshot(True)
    assert snapshot.heat_among_real
    cells = [(np.abs(snapshot.heat_y - y).argmin(), np.abs(snapshot.heat_x - x).argmin()) for x, y in snapshot.mode_centres]
    among_real = np.median([snapshot.heat[cell] for cell in cells])
    trainer = run.trainer
    points = torch.tensor([[snapshot.heat_x[j], snapshot.heat_y[i]] for i, j in cells], dtype=torch.float32)
    with torch.no_grad():
        fakes = trainer.generator(trainer.eval_noise[-trainer.config.batch_size:])
        among_fakes = np.median(torch.sigmoid(trainer.discriminator.forward_against(points, fakes)).numpy())
    assert among_real > 0.5 and among_real > among_fakes + 0.1, (among_real, among_fakes)
    assert snapshot.heat[len(snapshot.heat_y) // 2, len(snapshot.heat_x) // 2] < 0.1  # the ring's empty centre
    heat = plots2d.figure_2d(snapshot)["data"][0]
    assert "among" in heat["colorbar"]["title"]["text"] and "among real data" in heat["name"]
    plain = ToyRun(preset_config("ring-collapse").replace(seed=3)).live_snapshot(True)
    assert not plain.heat_among_real and "among" not in plots2d.figure_2d(plain)["data"][0]["colorbar"]["title"]["text"]
