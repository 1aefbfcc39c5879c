"""A figure dict drawn by matplotlib: the renderer behind the exports for slides (core.export).

Every plot of the project is a pure function to a figure dict in Plotly's JSON schema
({"data": [...], "layout": {...}}). This module draws such a dict with matplotlib, offline and
with no browser, keeping the figure's own colours, line styles, axes, titles, annotations and
legend, so that an exported frame is the figure the page shows. It reads the subset of the
schema that the project's plots use: scatter (lines, markers, arrowheads), heatmap and bar
traces; axes placed by domain, overlaid, linear, log or categorical, with equal aspect where
`scaleanchor` asks; annotations, vertical lines and rectangles. It imports neither plotly nor
gradio.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .figure_notes import draw_annotations, draw_shapes, draw_title
from .plotly_schema import (
    DASHES,
    DEFAULT_COLOURS,
    SYMBOLS,
    colour,
    decoded,
    legend_columns,
    plain_text,
    title_of,
)

DEFAULT_WIDTH = 1000  # pixels: wide enough for a slide, as the page's figure at 1000 px
DPI = 100
class ExportError(ValueError):
    """A request for an export this module cannot make (an unknown format, a bad size)."""


class _Canvas:
    """One figure dict being drawn: its matplotlib figure and an Axes per (x axis, y axis) pair."""

    def __init__(self, figure: dict, width: int, height: int | None) -> None:
        from matplotlib.figure import Figure

        self.data = list(figure.get("data") or [])
        self.layout = dict(figure.get("layout") or {})
        self.width = int(width)
        self.height = int(height or self.layout.get("height") or 450)
        self.figure = Figure(figsize=(self.width / DPI, self.height / DPI), dpi=DPI, facecolor="white")
        margin = {"l": 80, "r": 80, "t": 100, "b": 80, **(self.layout.get("margin") or {})}
        if any(t.get("type") == "heatmap" and t.get("showscale", True) for t in self.data):
            margin["r"] = max(margin["r"], 70)  # room for the colour bar, as Plotly makes it
        legend = self.layout.get("legend") or {}
        names = [plain_text(t.get("name")) for t in self.data if _visible(t) and t.get("name")
                 and t.get("showlegend", True) and t.get("type", "scatter") in ("scatter", "scattergl", "bar")]
        font = float((legend.get("font") or {}).get("size", 11))
        self.legend_columns = (legend_columns(names, self.width - margin["l"] // 2, font)
                               if legend.get("orientation") == "h" else 1)
        entries = len(names)
        if entries and self.layout.get("showlegend") is not False and float(legend.get("y", 1)) < 0:
            # a legend under the plot: Plotly's automatic margin makes room for it, so here too
            rows = math.ceil(entries / self.legend_columns)
            below, room = -float(legend.get("y", 1)), 16 * rows + 8
            if below * (self.height - margin["t"] - margin["b"]) + room > margin["b"]:
                margin["b"] = (below * (self.height - margin["t"]) + room) / (1 - below)
        self.area = (margin["l"] / self.width, margin["b"] / self.height,
                     1 - (margin["l"] + margin["r"]) / self.width, 1 - (margin["t"] + margin["b"]) / self.height)
        self.axes: dict[tuple[str, str], Any] = {}
        self.heatmap_axes: set[tuple[str, str]] = set()
        self.categories: dict[str, list[str]] = {}

    def spec(self, name: str) -> dict:
        return dict(self.layout.get(name[0] + "axis" + name[1:]) or {})

    def box(self, x_name: str, y_name: str) -> list[float]:
        left, bottom, width, height = self.area
        x_low, x_high = self.spec(x_name).get("domain", [0, 1])
        y_spec = self.spec(y_name)
        if y_spec.get("overlaying"):
            y_spec = self.spec(y_spec["overlaying"])
        y_low, y_high = y_spec.get("domain", [0, 1])
        box = [left + x_low * width, bottom + y_low * height, (x_high - x_low) * width, (y_high - y_low) * height]
        x_range, y_range = self.spec(x_name).get("range"), y_spec.get("range")
        if y_spec.get("scaleanchor") and x_range and y_range:
            # equal scales on both axes, the plot centred in its domain (Plotly's constrain="domain")
            pixels_w, pixels_h = box[2] * self.width, box[3] * self.height
            scale = min(pixels_w / abs(x_range[1] - x_range[0]), pixels_h / abs(y_range[1] - y_range[0]))
            w, h = abs(x_range[1] - x_range[0]) * scale / self.width, abs(y_range[1] - y_range[0]) * scale / self.height
            box = [box[0] + (box[2] - w) / 2, box[1] + (box[3] - h) / 2, w, h]
        return box

    def axes_for(self, x_name: str = "x", y_name: str = "y") -> Any:
        key = (x_name, y_name)
        if key not in self.axes:
            under = self.spec(y_name).get("overlaying")
            if under:
                ax = self.axes_for(x_name, under).twinx()
                ax.patch.set_visible(False)
            else:
                ax = self.figure.add_axes(self.box(x_name, y_name))
                ax.set_facecolor(colour(self.layout.get("plot_bgcolor"), "#e5ecf6"))
            self.axes[key] = ax
        return self.axes[key]

    def positions(self, axis: str, values: Sequence) -> np.ndarray:
        """Values on an axis as numbers: categories (strings) by their order of appearance."""
        values = list(values)
        if self.spec(axis).get("type") == "category" or any(isinstance(v, str) for v in values):
            known = self.categories.setdefault(axis, [])
            for v in values:
                if v not in known:
                    known.append(v)
            return np.array([known.index(v) for v in values], dtype=float)
        return np.array([np.nan if v is None else v for v in values], dtype=float)


def _visible(trace: dict) -> bool:
    return trace.get("visible", True) not in (False, "legendonly")


def _draw_scatter(canvas: _Canvas, trace: dict, index: int) -> list:
    x_name, y_name = trace.get("xaxis", "x"), trace.get("yaxis", "y")
    ax = canvas.axes_for(x_name, y_name)
    x = canvas.positions(x_name, trace.get("x", []))
    y = canvas.positions(y_name, trace.get("y", []))
    mode = trace.get("mode", "lines+markers")
    line, marker = trace.get("line") or {}, trace.get("marker") or {}
    default = DEFAULT_COLOURS[index % len(DEFAULT_COLOURS)]
    line_colour = colour(line.get("color") or marker.get("color"), default)
    handles = []
    if "lines" in mode:
        handles += ax.plot(x, y, color=line_colour, linewidth=float(line.get("width", 2)) * 0.75,
                           linestyle=DASHES.get(line.get("dash", "solid"), "-"), label=plain_text(trace.get("name")))
    if "markers" in mode and len(x):
        symbols = marker.get("symbol", "circle")
        sizes = np.broadcast_to(np.asarray(marker.get("size", 6), dtype=float), x.shape)
        symbols = np.broadcast_to(np.asarray(symbols, dtype=object), x.shape)
        marker_colour = colour(marker.get("color"), line_colour)
        if isinstance(marker_colour, (list, np.ndarray)):
            marker_colour = line_colour
        alpha = float(marker.get("opacity", 1.0))
        arrows = symbols == "arrow"
        for i in np.flatnonzero(arrows & (sizes > 0)):  # arrowheads along the segment before them
            if i and np.isfinite(x[i - 1:i + 1]).all() and np.isfinite(y[i - 1:i + 1]).all():
                ax.annotate("", xy=(x[i], y[i]), xytext=(x[i - 1], y[i - 1]),
                            arrowprops={"arrowstyle": "-|>", "color": marker_colour, "lw": 0,
                                        "mutation_scale": 0.9 * sizes[i], "shrinkA": 0, "shrinkB": 0})
        plain = ~arrows & (sizes > 0)
        for symbol in sorted({str(s) for s in symbols[plain]}):
            chosen = plain & (symbols == symbol)
            hollow = symbol.endswith("-open")
            handle = ax.scatter(x[chosen], y[chosen], s=(0.75 * sizes[chosen]) ** 2, marker=SYMBOLS.get(symbol, "o"),
                                alpha=alpha, linewidths=1.2 if hollow else 0,
                                facecolors="none" if hollow else marker_colour,
                                edgecolors=marker_colour, label=plain_text(trace.get("name")))
            if "lines" not in mode:
                handles.append(handle)
    return handles if trace.get("showlegend", True) and trace.get("name") else []


def _colour_map(trace: dict) -> Any:
    from matplotlib import colormaps
    from matplotlib.colors import LinearSegmentedColormap

    scale = trace.get("colorscale", "Viridis")
    if isinstance(scale, str):
        name = {"RdBu": "RdBu", "Viridis": "viridis", "Greys": "Greys", "Blues": "Blues"}.get(scale, scale.lower())
        cmap = colormaps[name] if name in colormaps else colormaps["viridis"]
    else:
        cmap = LinearSegmentedColormap.from_list("plotly", [(float(p), colour(c)) for p, c in scale])
    # Plotly's RdBu runs red -> blue from low to high, as matplotlib's does
    return cmap.reversed() if trace.get("reversescale") else cmap


def _draw_heatmap(canvas: _Canvas, trace: dict) -> None:
    x_name, y_name = trace.get("xaxis", "x"), trace.get("yaxis", "y")
    ax = canvas.axes_for(x_name, y_name)
    canvas.heatmap_axes.add((x_name, y_name))
    z = trace.get("z", [])
    if isinstance(z, np.ndarray) and z.dtype.kind in "biuf":
        z = z.astype(float)
    else:   # lists, with None where Plotly leaves a gap
        z = np.array([[np.nan if v is None else v for v in row] for row in z], dtype=float)
    if z.size == 0:
        return
    x = canvas.positions(x_name, trace.get("x", range(z.shape[1])))
    y = canvas.positions(y_name, trace.get("y", range(z.shape[0])))
    low, high = trace.get("zmin", np.nanmin(z)), trace.get("zmax", np.nanmax(z))
    style = {"cmap": _colour_map(trace), "vmin": low, "vmax": high, "alpha": float(trace.get("opacity", 1.0))}
    steps = [np.diff(v) for v in (x, y)]
    if all(len(s) and np.allclose(s, s[0]) and s[0] > 0 for s in steps):
        # cells on an even grid: an image, many times faster to draw than a mesh, and the same picture
        (dx, dy) = (s[0] for s in steps)
        extent = (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)
        mesh = ax.imshow(z, extent=extent, origin="lower", interpolation="nearest", aspect="auto", **style)
    else:
        mesh = ax.pcolormesh(x, y, z, shading="nearest", rasterized=True, **style)
    if trace.get("showscale", True):
        bar = trace.get("colorbar") or {}
        left, bottom, width, height = canvas.box(x_name, y_name)
        share = float(bar.get("len", 1.0))
        cax = canvas.figure.add_axes([left + width + 0.012, bottom + height * (1 - share) / 2, 0.014, height * share])
        colourbar = canvas.figure.colorbar(mesh, cax=cax)
        colourbar.ax.tick_params(labelsize=8)
        text, _ = title_of(bar.get("title"))
        colourbar.set_label(text, fontsize=8)   # along the bar: a long title is never cut at the edge


def _draw_bars(canvas: _Canvas, bars: list[dict]) -> list:
    """Bar traces; those of different offset groups side by side (barmode 'group')."""
    groups = list(dict.fromkeys(t.get("offsetgroup", i) for i, t in enumerate(bars)))
    gap = float(canvas.layout.get("bargap", 0.2))
    width = (1 - gap) / max(len(groups), 1)
    handles = []
    for i, trace in enumerate(bars):
        ax = canvas.axes_for(trace.get("xaxis", "x"), trace.get("yaxis", "y"))
        x = canvas.positions(trace.get("xaxis", "x"), trace.get("x", []))
        shift = (groups.index(trace.get("offsetgroup", i)) - (len(groups) - 1) / 2) * width
        base = trace.get("base", 0)
        handle = ax.bar(x + shift, trace.get("y", []), width=width, bottom=base,
                        color=colour((trace.get("marker") or {}).get("color"), DEFAULT_COLOURS[i % 6]),
                        label=plain_text(trace.get("name")))
        if trace.get("showlegend", True):
            handles.append(handle)
    return handles


def _style_axes(canvas: _Canvas) -> None:
    for (x_name, y_name), ax in canvas.axes.items():
        for name, which in ((x_name, "x"), (y_name, "y")):
            spec = canvas.spec(name)
            if which == "x" and canvas.spec(y_name).get("overlaying"):
                ax.get_xaxis().set_visible(False)
                continue
            axis = ax.get_xaxis() if which == "x" else ax.get_yaxis()
            set_range = ax.set_xlim if which == "x" else ax.set_ylim
            if spec.get("type") == "log":
                from matplotlib.ticker import FuncFormatter, LogFormatter

                (ax.set_xscale if which == "x" else ax.set_yscale)("log")
                # 0.01, not 10^-2, as Plotly writes them; in-between labels only on a short span
                axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
                axis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(1, 0.5)))
            if spec.get("range") is not None:
                low, high = spec["range"]
                if spec.get("type") == "log":
                    low, high = 10.0 ** low, 10.0 ** high
                set_range(low, high)
            elif spec.get("rangemode") == "tozero":
                set_range(0, None) if which == "y" else None
            known = canvas.categories.get(name)
            if known:
                ticks = range(len(known))
                (ax.set_xticks if which == "x" else ax.set_yticks)(list(ticks), [plain_text(k) for k in known])
            elif spec.get("tickvals") is not None:
                (ax.set_xticks if which == "x" else ax.set_yticks)(spec["tickvals"])
            if spec.get("showticklabels") is False:
                ax.tick_params(axis=which, labelbottom=False, labelleft=False, labelright=False)
            text, font = title_of(spec.get("title"))
            (ax.set_xlabel if which == "x" else ax.set_ylabel)(text, fontsize=font.get("size", 11) * 0.8, labelpad=2)
            grid = spec.get("showgrid", which == "y" and (x_name, y_name) not in canvas.heatmap_axes)
            if grid:
                axis.grid(True, color=colour(spec.get("gridcolor"), "#e6e6e6"), linewidth=0.7)
            if spec.get("visible") is False:
                axis.set_visible(False)
            ax.tick_params(axis=which, labelsize=8, length=3)
        ax.set_axisbelow(True)
        if canvas.spec(y_name).get("side") == "right":
            ax.yaxis.set_label_position("right")
        if canvas.spec(y_name).get("scaleanchor"):
            ax.set_aspect("equal", adjustable="box")
        for side in ("top", "right") if not canvas.spec(y_name).get("overlaying") else ("top",):
            ax.spines[side].set_visible(False)
        if canvas.spec(x_name).get("visible") is False and canvas.spec(y_name).get("visible") is False:
            ax.set_axis_off()


def draw_trace(canvas: _Canvas, trace: dict, index: int) -> list:
    """Draw one scatter or heatmap trace (the `index`-th: its default colour); its legend handles."""
    kind = trace.get("type", "scatter")
    if kind == "heatmap":
        _draw_heatmap(canvas, trace)
    return _draw_scatter(canvas, trace, index) if kind in ("scatter", "scattergl") else []


def artists_of(canvas: _Canvas) -> list:
    """What the figure's traces and decorations have drawn so far, in the order drawn: each
    plotting axes' lines, markers, meshes, texts and patches (not its spines, ticks or
    background, nor a colour bar's), then the figure's own texts, lines and patches."""
    found = []
    for ax in canvas.axes.values():
        drawn = {*ax.lines, *ax.collections, *ax.images, *ax.texts, *ax.patches}
        found += [a for a in ax.get_children() if a in drawn]
    figure = canvas.figure
    return found + [*figure.texts, *figure.artists, *figure.lines, *figure.patches]


def added_artists(canvas: _Canvas, before: list) -> list:
    """What `artists_of` finds now that it did not find in `before`, in the order drawn."""
    known = set(map(id, before))
    return [a for a in artists_of(canvas) if id(a) not in known]


def _draw_legend(canvas: _Canvas, handles: list) -> None:
    if canvas.layout.get("showlegend") is False or not handles:
        return
    legend = canvas.layout.get("legend") or {}
    left, bottom, width, height = canvas.area
    horizontal = legend.get("orientation") == "h"
    x, y = float(legend.get("x", 0.0 if horizontal else 1.02)), float(legend.get("y", 1.0))
    above = y >= 1.0
    anchor_y = "lower" if legend.get("yanchor") == "bottom" or (above and "yanchor" not in legend) else "upper"
    columns = min(len(handles), canvas.legend_columns) if horizontal else 1
    if columns > 1:  # matplotlib fills a legend column by column, Plotly's horizontal one row by row
        from matplotlib.lines import Line2D

        rows = math.ceil(len(handles) / columns)
        padded = handles + [Line2D([], [], alpha=0, label="")] * (rows * columns - len(handles))
        handles = [padded[row * columns + column] for column in range(columns) for row in range(rows)]
    canvas.figure.legend(handles=handles, labels=[h.get_label() for h in handles],
                         loc=f"{anchor_y} left", bbox_to_anchor=(left + x * width, bottom + y * height),
                         bbox_transform=canvas.figure.transFigure, ncol=columns,
                         fontsize=(legend.get("font") or {}).get("size", 11) * 0.75, frameon=False,
                         handlelength=2.6, columnspacing=1.2)


def draw_figure(figure: dict | Any, width: int = DEFAULT_WIDTH, height: int | None = None,
                record: dict | None = None) -> Any:
    """A matplotlib Figure of a figure dict (or anything with `to_plotly_json`, as go.Figure),
    `width` pixels wide and, unless given, as tall as the figure's layout says. `record` (for
    core.animation_draw): filled with the canvas and the artists of each trace, by index."""
    if hasattr(figure, "to_plotly_json"):
        figure = decoded(json.loads(figure.to_json()))
    if not 200 <= int(width) <= 4000:
        raise ExportError(f"the width must be between 200 and 4000 pixels; got {width}")
    canvas = _Canvas(figure, width, height)
    traces = [t for t in canvas.data if _visible(t)]
    bars = [t for t in traces if t.get("type") == "bar"]
    handles = _draw_bars(canvas, bars) if bars else []  # first: their categories set the axis's order
    for index, trace in enumerate(traces):
        before = artists_of(canvas) if record is not None else None
        handles += draw_trace(canvas, trace, index)
        if record is not None:
            number = next(i for i, t in enumerate(canvas.data) if t is trace)
            record.setdefault("traces", {})[number] = added_artists(canvas, before)
    if not canvas.axes and not traces:
        canvas.axes_for()
    if record is not None:
        record["canvas"] = canvas
    before = artists_of(canvas) if record is not None else None
    draw_shapes(canvas)
    _style_axes(canvas)
    draw_annotations(canvas)
    draw_title(canvas)
    if record is not None:
        record["decorations"] = added_artists(canvas, before)
    _draw_legend(canvas, handles)
    return canvas.figure


def figure_pixels(figure: dict | Any, width: int = DEFAULT_WIDTH, height: int | None = None) -> np.ndarray:
    """The figure drawn as an (height, width, 3) uint8 RGB image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    drawn = draw_figure(figure, width, height)
    agg = FigureCanvasAgg(drawn)
    agg.draw()
    return np.asarray(agg.buffer_rgba())[..., :3].copy()
