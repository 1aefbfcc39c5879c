"""Pure plot functions for the DCGAN tab: from a run's numbers to Plotly figures (plain dicts).

Losses and D outputs per iteration, the quality curve (Inception Score, Frechet distance,
classes drawn) against time, and the class histogram of generated digits, the collapse meter.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from ..core.export import MAX_FRAMES, evenly
from .quality import CONFIDENT, RECOGNISABLE_SHARE

D_COLOUR = "#2166ac"      # blue, as D(x) in the 1-D figure
G_COLOUR = "#1a9850"      # green, as p_g
PROGRESS_COLOUR = "#f97316"  # orange, as the Train button
REAL_COLOUR = "black"
FD_COLOUR = "#d95f02"
CODE_COLOUR = "#7b3294"    # purple: what the codes carry (InfoGAN L_I, AC-GAN class log-likelihood)
MARGIN = {"l": 45, "r": 45, "t": 35, "b": 35}
# room under the x axis for its title and a legend of two rows
LEGEND_MARGIN = {**MARGIN, "b": 100}


def _legend_below(height: int) -> dict:
    """A horizontal legend under the x axis's title. Plotly places a legend in fractions of the
    plot area, so the fraction is worked out from pixels: 58 px below the axis, whatever the
    figure's height (a fixed fraction put it over the axis title in a short figure)."""
    plot_height = height - LEGEND_MARGIN["t"] - LEGEND_MARGIN["b"]
    return {"orientation": "h", "x": 0, "y": -58 / plot_height, "yanchor": "top", "font": {"size": 10}}


def _thin(values: Sequence[float], keep: int = 150) -> tuple[list, list]:
    """(indices, values) averaged over windows so that at most ~`keep` points are drawn: the
    curves stay readable (per-iteration losses are noisy) and the figure small."""
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    if n == 0:
        return [], []
    window = max(1, -(-n // keep))
    usable = (n // window) * window
    means = values[:usable].reshape(-1, window).mean(1)
    x = (np.arange(len(means)) * window + window).tolist()
    if usable < n:
        means = np.append(means, values[usable:].mean())
        x.append(n)
    return x, np.round(means, 4).tolist()


def losses_figure(iterations: Sequence[int], d_loss: Sequence[float], g_loss: Sequence[float],
                  d_real: Sequence[float], d_fake: Sequence[float], height: int = 310,
                  code_likelihood: Sequence[float] = (), model: str = "dcgan") -> dict:
    """D's and G's losses (left axis) and the mean D(x) on real digits and D(G(z)) on fakes
    (right axis, probabilities), averaged over windows of iterations; for InfoGAN its lower
    bound L_I on the mutual information (nats, left axis; at most log 10 + 2 log 2 - log 2 pi
    with unit-variance Q), for the conditional GAN the log-likelihood of the asked digits under
    D's classifier (0 at best)."""
    offset = iterations[0] - 1 if len(iterations) else 0
    data = []
    series = [
        (d_loss, "D loss", D_COLOUR, "solid", "y"), (g_loss, "G loss", G_COLOUR, "solid", "y"),
        (d_real, "D(x), real", REAL_COLOUR, "dot", "y2"), (d_fake, "D(G(z)), fake", G_COLOUR, "dot", "y2"),
    ]
    if len(code_likelihood):
        name = "L_I, nats (InfoGAN)" if model == "infogan" else "log p(asked digit), D's classifier"
        series.append((code_likelihood, name, CODE_COLOUR, "dash", "y"))
    for values, name, colour, dash, axis in series:
        x, y = _thin(values)
        data.append({"type": "scatter", "mode": "lines", "name": name, "x": [offset + i for i in x], "y": y,
                     "yaxis": axis, "line": {"color": colour, "dash": dash, "width": 1.8}})
    layout = {
        "title": {"text": "losses and D's outputs", "x": 0.02, "font": {"size": 13}},
        "height": height, "margin": LEGEND_MARGIN,
        "xaxis": {"title": {"text": "iteration"}},
        "yaxis": {"title": {"text": "loss"}, **({} if len(code_likelihood) else {"rangemode": "tozero"})},
        "yaxis2": {"title": {"text": "D output"}, "overlaying": "y", "side": "right", "range": [0, 1],
                   "showgrid": False},
        "legend": _legend_below(height),
    }
    if not len(iterations):
        layout["annotations"] = [{"text": "no training in this run yet<br>(▶ Train starts one; a pretrained or "
                                          "loaded<br>model brings no curves)", "showarrow": False,
                                  "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": 13}}]
        layout["xaxis"]["range"] = [0, 1]
    return {"data": data, "layout": layout}


def quality_figure(curve: Sequence[dict], height: int = 310, x_key: str = "seconds") -> dict:
    """Inception Score (left, 1-10) and Frechet distance (right) of each evaluation, against
    wall-clock seconds (or another key of the curve's points, e.g. 'epoch')."""
    x = [p[x_key] for p in curve]
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": "Inception Score", "x": x,
         "y": [round(p["inception_score"], 3) for p in curve], "line": {"color": D_COLOUR},
         "customdata": [[p["classes_covered"], round(100 * p.get("confident_share", 1.0))] for p in curve],
         "hovertemplate": "IS %{y:.2f} · %{customdata[0]}/10 classes among the %{customdata[1]} % recognisable"
                          "<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "name": "Fréchet distance", "x": x, "yaxis": "y2",
         "y": [round(p["frechet_distance"], 2) for p in curve], "line": {"color": FD_COLOUR, "dash": "dot"}},
    ]
    layout = {
        "title": {"text": "quality (classifier-based)", "x": 0.02, "font": {"size": 13}},
        "height": height, "margin": LEGEND_MARGIN,
        "xaxis": {"title": {"text": "seconds" if x_key == "seconds" else x_key}},
        "yaxis": {"title": {"text": "IS"}, "range": [1, 10]},
        "yaxis2": {"title": {"text": "FD"}, "overlaying": "y", "side": "right", "rangemode": "tozero",
                   "showgrid": False},
        "legend": _legend_below(height),
    }
    return {"data": data, "layout": layout}


def class_histogram_figure(histograms: Sequence[tuple[str, Sequence[int]]], height: int = 260,
                           confident_share: float | None = None) -> dict:
    """Share of the confidently classified generated digits per class (quality.py), one bar set
    per run, with the fair share (10 %) as a line: the collapse meter. A collapsed generator piles
    its samples into a few classes. `confident_share`: the share of samples those are, said in
    the title (and that the samples are not yet digits when it is small)."""
    colours = ("#4d4d4d", D_COLOUR)
    data = []
    for (name, histogram), colour in zip(histograms, colours):
        counts = np.asarray(histogram, dtype=np.float64)
        share = 100 * counts / max(1.0, counts.sum())
        data.append({"type": "bar", "name": name, "x": [str(d) for d in range(10)],
                     "y": np.round(share, 2).tolist(), "marker": {"color": colour}})
    layout = {
        "title": {"text": _histogram_title(confident_share), "x": 0.02, "font": {"size": 12}},
        "height": height, "margin": LEGEND_MARGIN if len(histograms) > 1 else MARGIN, "barmode": "group",
        "xaxis": {"title": {"text": "digit (classifier's call)"}, "type": "category"},
        "yaxis": {"title": {"text": "%"}, "rangemode": "tozero"},
        "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 10, "y1": 10,
                    "line": {"color": "#999", "dash": "dash", "width": 1}}],
        "legend": _legend_below(height),
        "showlegend": len(histograms) > 1,
    }
    return {"data": data, "layout": layout}


def _histogram_title(confident_share: float | None) -> str:
    if confident_share is None:
        return "which digits G draws (% of samples)"
    sure = f"{100 * confident_share:.0f} % of samples ≥ {100 * CONFIDENT:.0f} % sure"
    if confident_share < RECOGNISABLE_SHARE:
        return f"not yet digits (classifier: {sure})"
    return f"digits drawn, among the {sure}"


def quality_text(metrics: dict) -> str:
    """The latest scores in a line of HTML: the iteration they were measured at (when the point
    has one), IS and FD, the conditional model's class accuracy or InfoGAN's code agreement, and the classes drawn among the confidently classified samples, or
    that the samples are not yet recognisable digits."""
    measured = f"at iteration {metrics['iteration']}: " if "iteration" in metrics else ""
    scores = f"{measured}IS <b>{metrics['inception_score']:.2f}</b> · FD {metrics['frechet_distance']:.1f}"
    share = metrics.get("confident_share", 1.0)
    if "class_accuracy" in metrics:
        scores += f" · class accuracy <b>{100 * metrics['class_accuracy']:.1f} %</b>"
    if "code_agreement" in metrics:
        scores += f" · code agreement <b>{100 * metrics['code_agreement']:.1f} %</b>"
    if share < RECOGNISABLE_SHARE:
        return (f"{scores} · <b>not yet recognisable digits</b> ({100 * share:.0f} % classified with "
                f"≥ {100 * CONFIDENT:.0f} % confidence)")
    return (f"{scores} · <b>{metrics['classes_covered']}/10</b> classes among the {100 * share:.0f} % "
            "recognisable")


def readout_html(metrics: dict | None, progress: dict, device: str) -> str:
    """The progress bar (epochs done, an ARIA progressbar) over one line: epochs, iteration,
    images per second, time left, the device, and the latest scores. HTML built from numbers
    and the device's name only."""
    rate = progress["images_per_second"]
    left = progress["seconds_left"]
    share = 100 * min(1.0, max(0.0, progress["epoch"] / max(1, progress["epochs"])))
    parts = [f"epoch <b>{progress['epoch']:.1f}/{progress['epochs']}</b>",
             f"iteration {progress['iteration']}/{progress['iterations']}",
             f"{rate:.0f} images/s" if np.isfinite(rate) else "– images/s",
             f"{_duration(left)} left" if np.isfinite(left) else "time left: –",
             f"device <b>{html.escape(device)}</b>"]
    if metrics:
        parts.append(quality_text(metrics))
    bar = (f'<div role="progressbar" aria-label="epochs done" aria-valuemin="0" '
           f'aria-valuemax="{progress["epochs"]}" aria-valuenow="{progress["epoch"]:.2f}" '
           f'style="height:8px;border-radius:4px;background:#e5e7eb;overflow:hidden;margin:2px 0 6px">'
           f'<div style="width:{share:.1f}%;height:100%;background:{PROGRESS_COLOUR}"></div></div>')
    return f"{bar}<div>{' · '.join(parts)}</div>"


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def grid_figure(grid: np.ndarray, title: str, height: int = 640) -> dict:
    """A sample grid (uint8 H x W, digits tiled) as a figure for slides (a still, or a frame of
    the run's animation): the digits in grey levels with square pixels, no axes, and the title."""
    rows, columns = grid.shape
    heatmap = {"type": "heatmap", "z": np.asarray(grid, dtype=np.uint8)[::-1],  # the first row on top
               "colorscale": [[0.0, "#000000"], [1.0, "#ffffff"]], "zmin": 0, "zmax": 255, "showscale": False,
               "hoverinfo": "skip"}
    return {"data": [heatmap], "layout": {
        "title": {"text": html.escape(title), "x": 0.5, "xanchor": "center", "font": {"size": 16}},
        "height": height, "margin": {"l": 20, "r": 20, "t": 60, "b": 20}, "plot_bgcolor": "white",
        "xaxis": {"visible": False, "range": [-0.5, columns - 0.5]},
        "yaxis": {"visible": False, "range": [-0.5, rows - 0.5], "scaleanchor": "x"}}}


def grid_timeline_figures(grids: Sequence[tuple[int, float, np.ndarray]], model: str,
                          max_frames: int = MAX_FRAMES) -> list[dict]:
    """A grid_figure for each of up to `max_frames` recorded grids (iteration, epoch, grid),
    evenly spaced with the first and the last, titled with the model, the iteration and the
    epoch: the frames of a run's animation."""
    return [grid_figure(grid, f"{model} · iteration {iteration} · epoch {epoch:.2f}")
            for iteration, epoch, grid in evenly(grids, max_frames)]
