"""Pure plot functions for the 2-D explorer: from Snapshot2D numbers to Plotly figures.

Every figure is returned as a plain dict ({"data": [...], "layout": {...}}), which Gradio's
gr.Plot and plotly.io both accept: building validated go.Figure objects cost ~70 ms a frame,
a plain dict well under a millisecond, and the live view draws several a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .snapshots import Snapshot2D

LAYERS = ("heatmap", "real", "fake", "warp", "arrows", "modes")
LAYER_TITLES = {
    "heatmap": "D(x) heatmap",
    "real": "real samples",
    "fake": "generated samples",
    "warp": "G's warped z grid",
    "arrows": "G's gradient arrows",
    "modes": "mode centres",
}
REAL_COLOUR = "black"
FAKE_COLOUR = "#1a9850"  # green, as p_g in the 1-D figure
WARP_COLOUR = "rgba(26, 152, 80, 0.45)"
ARROW_COLOUR = "#d95f02"
MODE_COLOUR = "#7b3294"
# arrows: the 90th percentile of lengths is drawn at this fraction of the plot's width
ARROW_FRACTION = 0.06
RUN_COLOURS = ("#4d4d4d", "#2166ac")  # left / right runs in the side-by-side panels


def _list(a: np.ndarray) -> list:
    return np.round(np.asarray(a, dtype=np.float64), 5).tolist()


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[list, list]:
    """x and y lists drawing one line per (start, end) pair, separated by None."""
    xs: list = []
    ys: list = []
    for (x0, y0), (x1, y1) in zip(starts.tolist(), ends.tolist()):
        xs += [round(x0, 5), round(x1, 5), None]
        ys += [round(y0, 5), round(y1, 5), None]
    return xs, ys


def _polylines(lines: np.ndarray) -> tuple[list, list]:
    """x and y lists drawing each (points, 2) line of `lines`, separated by None."""
    xs: list = []
    ys: list = []
    for line in lines:
        xs += _list(line[:, 0]) + [None]
        ys += _list(line[:, 1]) + [None]
    return xs, ys


def arrow_ends(snapshot: Snapshot2D) -> np.ndarray:
    """Where the gradient arrows end: lengths scaled so that the 90th percentile is
    ARROW_FRACTION of the plot's width (and none is longer than twice that); directions exact."""
    push = snapshot.arrow_push
    lengths = np.linalg.norm(push, axis=1)
    (x_low, x_high), _ = snapshot.plot_range
    target = ARROW_FRACTION * (x_high - x_low)
    reference = np.percentile(lengths, 90) if len(lengths) else 0.0
    if not math.isfinite(reference) or reference <= 0:
        return snapshot.arrow_from.copy()
    scaled = push * (target / reference)
    too_long = np.linalg.norm(scaled, axis=1) > 2 * target
    scaled[too_long] *= (2 * target / np.linalg.norm(scaled[too_long], axis=1))[:, None]
    return snapshot.arrow_from + scaled


def figure_2d(snapshot: Snapshot2D, layers: Sequence[str] = LAYERS, title: str = "", height: int = 520) -> dict:
    """The 2-D view: D as a heatmap, real and generated samples, G's warped grid, its gradient
    arrows and the mode centres, each a layer that can be left out."""
    layers = set(layers)
    data: list[dict] = []
    if "heatmap" in layers:
        probability = snapshot.heat_is_probability
        among = "<br>x among<br>real data" if snapshot.heat_among_real else ""
        heat = {
            "type": "heatmap", "name": ("D(x)" if probability else "D score") + (", x among real data" if among else ""),
            "x": _list(snapshot.heat_x), "y": _list(snapshot.heat_y), "z": _list(snapshot.heat),
            "colorscale": "RdBu", "reversescale": True, "opacity": 0.75, "hoverinfo": "skip", "showscale": True,
            "colorbar": {"title": {"text": ("D(x)" if probability else "score") + among}, "thickness": 12, "len": 0.8},
        }
        if probability:
            heat.update(zmin=0.0, zmax=1.0)
        else:  # a score: centre the colours on the boundary between real (blue) and fake (red)
            limit = float(np.nanmax(np.abs(snapshot.heat))) or 1.0
            centre = 0.5 if np.nanmin(snapshot.heat) >= -0.5 and np.nanmax(snapshot.heat) <= 1.5 else 0.0
            heat.update(zmid=centre, zmin=centre - limit, zmax=centre + limit)
        data.append(heat)
    if "warp" in layers:
        xs, ys = _polylines(snapshot.warp.reshape(-1, snapshot.warp.shape[2], 2))
        data.append({"type": "scatter", "mode": "lines", "name": "G(z grid)", "x": xs, "y": ys,
                     "line": {"color": WARP_COLOUR, "width": 1}, "hoverinfo": "skip"})
    if "real" in layers:
        data.append({"type": "scatter", "mode": "markers", "name": "real x ~ p_data",
                     "x": _list(snapshot.real[:, 0]), "y": _list(snapshot.real[:, 1]),
                     "marker": {"color": REAL_COLOUR, "size": 4, "opacity": 0.55}, "hoverinfo": "skip"})
    if "fake" in layers:
        data.append({"type": "scatter", "mode": "markers", "name": "generated G(z)",
                     "x": _list(snapshot.fake[:, 0]), "y": _list(snapshot.fake[:, 1]),
                     "marker": {"color": FAKE_COLOUR, "size": 4, "opacity": 0.8}, "hoverinfo": "skip"})
    if "arrows" in layers and len(snapshot.arrow_from):
        xs, ys = _segments(snapshot.arrow_from, arrow_ends(snapshot))
        data.append({"type": "scatter", "mode": "lines", "name": "−∇ G's loss", "x": xs, "y": ys,
                     "line": {"color": ARROW_COLOUR, "width": 1.5}, "hoverinfo": "skip"})
    if "modes" in layers and snapshot.has_modes:
        data.append({"type": "scatter", "mode": "markers", "name": "mode centres",
                     "x": _list(snapshot.mode_centres[:, 0]), "y": _list(snapshot.mode_centres[:, 1]),
                     "marker": {"color": MODE_COLOUR, "size": 14, "symbol": "circle-open",
                                "line": {"width": 1.5, "color": MODE_COLOUR}}, "hoverinfo": "skip"})
    (x_low, x_high), (y_low, y_high) = snapshot.plot_range
    heading = title or "2-D GAN"
    layout = {
        "title": {"text": f"{heading} · iteration {snapshot.iteration}" + (f" · {snapshot.phase}" if snapshot.phase else ""),
                  "x": 0.02, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 40, "r": 10, "t": 40, "b": 30},
        "xaxis": {"range": [x_low, x_high], "zeroline": False, "constrain": "domain"},
        "yaxis": {"range": [y_low, y_high], "zeroline": False, "scaleanchor": "x", "scaleratio": 1,
                  "constrain": "domain"},
        "legend": {"orientation": "h", "y": -0.06, "font": {"size": 11}},
        "uirevision": "keep",  # keep the user's zoom across frames
        "plot_bgcolor": "white",
    }
    return {"data": data, "layout": layout}


def _pale(colour: str, alpha: float = 0.3) -> str:
    """'#rrggbb' as an rgba colour of the given opacity (a bar's marker opacity does not reach
    its legend entry, whose colour would then differ from the bar's)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _wrapped(name: str, width: int = 14) -> str:
    """A run's name on several lines, one remedy each, a long one broken after its first '-', for
    an axis title that must not run off the figure ('minibatch-discrimination' is 24 characters)."""
    lines = []
    for index, part in enumerate(name.split(" + ")):
        head, dash, tail = part.partition("-")
        pieces = [head + dash, tail] if len(part) > width and tail else [part]
        pieces[0] = ("+ " if index else "") + pieces[0]
        lines.extend(pieces)
    return "<br>".join(lines)


def occupancy_figure(runs: Sequence[tuple[str, Snapshot2D]], height: int = 260) -> dict:
    """A bar per mode: how many of the 2,500 generated samples lie nearest to it, the solid part
    the high-quality ones (within 3 std), the pale part the rest; one bar per run, and the
    count a perfect generator would put there."""
    first = runs[0][1]
    if not first.has_modes:
        return _message_figure("No modes: this data is not a mixture of Gaussians", height)
    k = len(first.mode_counts)
    labels = [f"{i + 1}" for i in range(k)]
    data: list[dict] = []
    for index, ((name, snapshot), colour) in enumerate(zip(runs, RUN_COLOURS)):
        good = snapshot.mode_counts
        rest = snapshot.mode_nearest_counts - good
        group = f"run{index}"
        data.append({"type": "bar", "name": f"{name}: {snapshot.modes_covered}/{k} modes",
                     "x": labels, "y": good.tolist(), "marker": {"color": colour}, "offsetgroup": group,
                     "legendgroup": group, "hovertemplate": "mode %{x}: %{y} high quality<extra>" + name + "</extra>"})
        data.append({"type": "bar", "name": f"{name}: farther than 3 std", "x": labels, "y": rest.tolist(),
                     "base": good.tolist(), "marker": {"color": _pale(colour)}, "offsetgroup": group,
                     "legendgroup": group, "showlegend": index == 0,
                     "hovertemplate": "mode %{x}: %{y} more, not high quality<extra>" + name + "</extra>"})
    ideal = int(first.mode_nearest_counts.sum()) / k
    data.append({"type": "scatter", "mode": "lines", "name": "uniform share", "x": [labels[0], labels[-1]],
                 "y": [ideal, ideal], "line": {"color": "black", "dash": "dot", "width": 1}, "hoverinfo": "skip"})
    layout = {
        "title": {"text": "mode occupancy (solid bars: high quality)", "x": 0.02,
                  "font": {"size": 13}},
        "height": height, "barmode": "group", "bargap": 0.15,
        "margin": {"l": 45, "r": 10, "t": 35, "b": 85},
        "xaxis": {"title": {"text": "mode", "standoff": 2}, "type": "category"},
        "yaxis": {"title": {"text": "samples"}, "rangemode": "tozero"},
        # below the axis title, not over it
        "legend": {"orientation": "h", "y": -0.42, "yanchor": "top", "font": {"size": 11}},
        "uirevision": "keep",
    }
    return {"data": data, "layout": layout}


def occupancy_timeline_figure(runs: Sequence[tuple[str, Sequence[Snapshot2D]]], height: int = 260) -> dict:
    """Steps x modes: the share of generated samples nearest each mode over the run, one panel
    per run. Mode hopping shows as a bright cell moving between rows, collapse as dark rows."""
    with_modes = [(name, [s for s in snaps if s.has_modes]) for name, snaps in runs]
    if not with_modes or not with_modes[0][1]:
        return _message_figure("No modes: this data is not a mixture of Gaussians", height)
    data: list[dict] = []
    layout: dict = {
        "title": {"text": "mode occupancy over training (share of samples nearest each mode)", "x": 0.02, "font": {"size": 13}},
        "height": height, "margin": {"l": 70, "r": 10, "t": 35, "b": 35},
    }
    count = len(with_modes)
    gap = 0.08
    span = (1 - gap * (count - 1)) / count
    for index, (name, snaps) in enumerate(with_modes):
        suffix = "" if index == 0 else str(index + 1)
        z = np.stack([s.mode_nearest_counts / max(s.mode_nearest_counts.sum(), 1) for s in snaps],
                     axis=1)  # (modes, snapshots)
        data.append({"type": "heatmap", "x": [s.iteration for s in snaps],
                     "y": [str(i + 1) for i in range(z.shape[0])], "z": _list(z),
                     "colorscale": "Viridis", "zmin": 0.0, "zmax": min(1.0, 4.0 / z.shape[0] + 0.05),
                     "showscale": index == 0, "colorbar": {"thickness": 10, "len": 0.9},
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "name": name,
                     "hovertemplate": "iteration %{x}<br>mode %{y}: %{z:.3f}<extra>" + name + "</extra>"})
        top = 1 - index * (span + gap)
        layout[f"yaxis{suffix}"] = {"domain": [max(0.0, round(top - span, 4)), min(1.0, round(top, 4))], "title": {"text": _wrapped(name) + "<br>mode", "font": {"size": 10}},
                                    "type": "category", "tickfont": {"size": 9}}
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "showticklabels": index == count - 1}
        if index:
            layout[f"xaxis{suffix}"]["matches"] = "x"
    layout[f"xaxis{'' if count == 1 else count}"]["title"] = {"text": "iteration"}
    return {"data": data, "layout": layout}


def metrics_2d_figure(runs: Sequence[tuple[str, dict[str, list[float]]]], height: int = 260) -> dict:
    """Modes covered and the share of high-quality samples over the iterations (or, for data
    without modes, the binned JS divergence), one line per run."""
    data: list[dict] = []
    has_modes = "modes_covered" in runs[0][1]
    for (name, traces), colour in zip(runs, RUN_COLOURS):
        x = traces["iteration"]
        if has_modes:
            data.append({"type": "scatter", "mode": "lines", "name": f"{name}: modes covered", "x": x,
                         "y": traces["modes_covered"], "line": {"color": colour}})
            data.append({"type": "scatter", "mode": "lines", "name": f"{name}: high quality %", "x": x,
                         "y": [100 * v for v in traces["high_quality"]], "yaxis": "y2",
                         "line": {"color": colour, "dash": "dot"}})
        else:
            data.append({"type": "scatter", "mode": "lines", "name": f"{name}: binned JS", "x": x,
                         "y": traces["binned_js"], "line": {"color": colour}})
    layout = {
        "title": {"text": "coverage and quality" if has_modes else "binned JS divergence (nats)",
                  "x": 0.02, "font": {"size": 13}},
        "height": height, "margin": {"l": 45, "r": 45, "t": 35, "b": 85},
        "xaxis": {"title": {"text": "iteration", "standoff": 2}},
        "yaxis": {"title": {"text": "modes" if has_modes else "nats"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.42, "yanchor": "top", "font": {"size": 10}},  # under the axis title
    }
    if has_modes:
        layout["yaxis2"] = {"title": {"text": "% high quality"}, "overlaying": "y", "side": "right",
                            "range": [0, 100], "showgrid": False}
    return {"data": data, "layout": layout}


def readout_2d(snapshot: Snapshot2D, name: str = "") -> str:
    """One line of Markdown with the run's measurements."""
    head = f"**{name}** · " if name else ""
    if snapshot.has_modes:
        k = len(snapshot.mode_centres)
        return (f"{head}iteration {snapshot.iteration} · **{snapshot.modes_covered}/{k} modes** · "
                f"**{100 * snapshot.high_quality:.1f} %** high quality · mode KL {snapshot.mode_kl:.3f} · "
                f"binned JS {snapshot.binned_js:.3f}")
    return f"{head}iteration {snapshot.iteration} · binned JS {snapshot.binned_js:.3f} nats"


def _message_figure(text: str, height: int) -> dict:
    return {"data": [], "layout": {
        "height": height, "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "annotations": [{"text": text, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}],
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
    }}
