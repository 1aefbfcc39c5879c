"""The figures are pure functions of a snapshot: checked without a browser."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from explorer.toy import plots1d
from explorer.toy.config import ToyConfig
from explorer.toy.report import timeline_figure
from explorer.toy.run import ToyRun


def _run(iterations=50):
    run = ToyRun(ToyConfig(steps=iterations, snapshot_every=10))
    run.advance(iterations)
    return run


def _trace(fig, prefix):
    matches = [t for t in fig["data"] if t.get("name", "").startswith(prefix)]
    assert len(matches) == 1, prefix
    return matches[0]


def test_figure_1_has_the_papers_styles_and_says_what_each_line_is():
    snapshot = _run().current()
    fig = plots1d.figure_1d(snapshot)
    p_data = _trace(fig, "p_data(x)")
    p_g = _trace(fig, "p_g(x)")
    d = _trace(fig, "D(x)")
    assert (p_data["line"]["color"], p_data["line"]["dash"]) == ("black", "dot")
    assert p_g["line"]["dash"] == "solid" and p_g["line"]["color"] == plots1d.GENERATOR_COLOR
    assert d["line"]["dash"] == "dash" and d["line"]["color"] == plots1d.DISCRIMINATOR_COLOR
    assert "real data density" in p_data["name"] and "generator density" in p_g["name"]
    assert "discriminator" in d["name"]
    assert np.array_equal(p_g["y"], snapshot.p_g) and np.array_equal(d["y"], snapshot.d)
    # the z line, the x line and one arrow per fixed z, each ending at G(z)
    arrows = _trace(fig, "arrows z")
    assert np.allclose(arrows["x"][1::3], np.clip(snapshot.x_arrows, snapshot.x[0], snapshot.x[-1]))
    texts = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "x = G(z)" in texts and "<b>z</b>" in texts and "<b>x</b>" in texts
    assert f"iteration {snapshot.iteration}" in fig["layout"]["title"]["text"]
    json.loads(pio.to_json(fig, validate=False))
    go.Figure(fig)  # valid Plotly


def test_overlays_can_be_hidden_and_shown():
    snapshot = _run().current()
    shown = plots1d.figure_1d(snapshot, show_d_star=True, show_half=True)
    hidden = plots1d.figure_1d(snapshot, show_d_star=False, show_half=False)
    assert _trace(shown, "D*(x)")["visible"] is True and _trace(shown, "D = 1/2")["visible"] is True
    assert _trace(hidden, "D*(x)")["visible"] == "legendonly"
    assert _trace(hidden, "D = 1/2")["visible"] == "legendonly"


def test_timeline_has_a_frame_per_snapshot_up_to_its_limit():
    run = _run(100)
    fig = timeline_figure(run.history.snapshots, max_frames=5)
    names = [frame.name for frame in fig.frames]
    assert len(names) == 5 and names[0] == "0" and names[-1] == "100"
    assert len(fig.layout.sliders[0].steps) == 5


def test_side_plots_draw_the_measurements():
    run = _run()
    metrics = plots1d.metrics_figure(run.history.traces)
    assert metrics["data"][0]["x"] == run.history.traces["iteration"]
    assert metrics["layout"]["yaxis"]["type"] == "log" and metrics["data"][1]["yaxis"] == "y2"
    losses = plots1d.generator_losses_figure(0.3)
    minimax, non_saturating = losses.data[0], losses.data[1]
    # near D(G(z)) = 0 the minimax loss is flat and the non-saturating one steep
    assert abs(minimax.y[1] - minimax.y[0]) < abs(non_saturating.y[1] - non_saturating.y[0]) / 100
    assert "non-saturating" in non_saturating.name


def test_d_star_is_drawn_only_where_the_densities_are_not_negligible():
    snapshot = _run().current()
    drawn = np.asarray(_trace(plots1d.figure_1d(snapshot), "D*(x)")["y"], dtype=float)
    total = snapshot.p_data + snapshot.p_g
    negligible = total < plots1d.D_STAR_SHOWN_ABOVE * total.max()
    assert negligible.any() and np.isnan(drawn[negligible]).all()  # the tails: a gap, not 0 or 1
    assert np.allclose(drawn[~negligible], snapshot.d_star[~negligible], equal_nan=True)


def test_a_fresh_run_reads_without_nan_and_its_curves_show_a_point():
    run = _run(0)
    assert "nan" not in plots1d.readout_markdown(run.current()).lower()
    metrics = plots1d.metrics_figure(run.history.traces)
    assert len(metrics["data"][0]["x"]) == 1 and "markers" in metrics["data"][0]["mode"]
