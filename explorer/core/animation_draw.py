"""The frames of an animation drawn fast: what stays the same from frame to frame is drawn once.

The frames of a timeline (core.export.write_animation) share their layout: the axes, their
ranges and ticks, the legend, the traces that do not move. Drawing every frame whole
(figure_draw.draw_figure) spends most of its time on those: making axes and ticks and laying
out their text. Here the first frame of each run of frames that share a layout is drawn whole
and, with what moves hidden, kept as a background; each frame is then that background with only
the moving traces (and every trace after the first that moves, to keep the order they are drawn
in), the shapes, the annotations and the title drawn over it: matplotlib's blitting. A frame
comes out as draw_figure draws it, up to anti-aliasing where moving and still things overlap
(tests/core/test_export.py compares the two).

Frames whose moving traces sit on axes without a fixed range (the axis would follow the data)
or that move bars are drawn whole, as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .figure_draw import (
    DEFAULT_WIDTH,
    added_artists,
    artists_of,
    draw_figure,
    draw_trace,
    figure_pixels,
)
from .figure_notes import draw_decorations
from .plotly_schema import decoded

# what a trace's data are: the keys that change from frame to frame in a timeline
DATA_KEYS = ("x", "y", "z", "text", "customdata")


def _as_dict(figure: dict | Any) -> dict:
    return decoded(json.loads(figure.to_json())) if hasattr(figure, "to_plotly_json") else figure


def _listed(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else str(value)


def _layout_key(figure: dict) -> str:
    """What must be the same for two frames to share a background: every trace without its
    data, and the layout without the texts that change (the title, the annotations)."""
    traces = []
    for trace in figure.get("data") or []:
        trace = {k: v for k, v in trace.items() if k not in DATA_KEYS}
        marker = dict(trace.get("marker") or {})
        for key in ("size", "symbol"):
            if isinstance(marker.get(key), (list, tuple, np.ndarray)):
                marker[key] = len(marker[key])   # per-point sizes and symbols belong to the data
        traces.append(dict(trace, marker=marker))
    layout = dict(figure.get("layout") or {})
    layout.pop("title", None)
    layout["annotations"] = [{k: v for k, v in a.items() if k != "text"} for a in layout.get("annotations") or []]
    return json.dumps({"data": traces, "layout": layout}, sort_keys=True, default=_listed)


def _same_data(a: dict, b: dict) -> bool:
    """True when two traces' data (DATA_KEYS, per-point sizes and symbols) are equal."""
    pairs = [(a.get(k), b.get(k)) for k in DATA_KEYS]
    pairs += [((a.get("marker") or {}).get(k), (b.get("marker") or {}).get(k)) for k in ("size", "symbol")]
    for one, other in pairs:
        if one is other:
            continue
        try:
            if not np.array_equal(np.asarray(one, dtype=object), np.asarray(other, dtype=object)):
                return False
        except ValueError:   # ragged lists
            if json.dumps(one, default=_listed) != json.dumps(other, default=_listed):
                return False
    return True


def _fixed_axes(figure: dict, trace: dict) -> bool:
    """True when the trace's x and y axes have fixed ranges (a drawn frame's limits do not
    depend on its data) and it is a scatter or a heatmap (bars are laid out together)."""
    layout = figure.get("layout") or {}
    if trace.get("type", "scatter") not in ("scatter", "scattergl", "heatmap"):
        return False
    for name in (trace.get("xaxis", "x"), trace.get("yaxis", "y")):
        if (layout.get(name[0] + "axis" + name[1:]) or {}).get("range") is None:
            return False
    return True


def redrawn_traces(frames: Sequence[dict]) -> list[int] | None:
    """The indices of the traces drawn on every frame (from the first that moves in any frame
    on), or None when the frames must be drawn whole (a moving trace on an axis that follows its
    data, or bars)."""
    first_traces = frames[0].get("data") or []
    moving = [i for i, trace in enumerate(first_traces)
              if any(not _same_data(trace, frame["data"][i]) for frame in frames[1:])]
    if not moving:
        return []
    redrawn = list(range(moving[0], len(first_traces)))
    if not all(_fixed_axes(frames[0], first_traces[i]) for i in redrawn):
        return None
    return redrawn


def _blitted(frames: Sequence[dict], redrawn: list[int], width: int, height: int | None) -> Iterator[np.ndarray]:
    """The frames (sharing their layout) drawn over one background (see the module docstring)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    record: dict = {}
    figure = draw_figure(frames[0], width, height, record=record)
    canvas = record["canvas"]
    hidden = [a for i in redrawn for a in record["traces"].get(i, ())] + list(record["decorations"])
    for artist in hidden:
        artist.set_visible(False)
    agg = FigureCanvasAgg(figure)
    agg.draw()
    background = agg.copy_from_bbox(figure.bbox)
    renderer = agg.get_renderer()
    order = {id(ax): n for n, ax in enumerate(figure.axes)}
    for frame in frames:
        agg.restore_region(background)
        before = artists_of(canvas)
        for index in redrawn:
            trace = frame["data"][index]
            if trace.get("visible", True) not in (False, "legendonly"):
                draw_trace(canvas, dict(trace, showscale=False), index)
        canvas.layout = dict(frame.get("layout") or {})
        draw_decorations(canvas)
        drawn = added_artists(canvas, before)
        # as a whole figure draws them: axes in turn, then the figure's own artists; by z-order
        # within each (a stable sort: in the order drawn where the z-orders are equal)
        for artist in sorted(drawn, key=lambda a: (order.get(id(a.axes), len(order)), a.get_zorder())):
            artist.draw(renderer)
        yield np.asarray(agg.buffer_rgba())[..., :3].copy()
        for artist in drawn:
            artist.remove()


def animation_frames(figures: Sequence[dict | Any], width: int = DEFAULT_WIDTH,
                     height: int | None = None) -> Iterator[np.ndarray]:
    """Each figure drawn as an (height, width, 3) uint8 RGB image, as figure_draw.figure_pixels
    draws it, but the parts that consecutive frames share drawn once (module docstring)."""
    figures = [_as_dict(f) for f in figures]
    start = 0
    while start < len(figures):
        key = _layout_key(figures[start])
        end = start + 1
        while end < len(figures) and _layout_key(figures[end]) == key:
            end += 1
        group = figures[start:end]
        redrawn = redrawn_traces(group) if len(group) > 1 else None
        if redrawn is None:
            yield from (figure_pixels(f, width, height) for f in group)
        else:
            yield from _blitted(group, redrawn, width, height)
        start = end
