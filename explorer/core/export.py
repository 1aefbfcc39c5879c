"""Figures for slides: a plotted figure as PNG or SVG, and a run's timeline as a GIF or MP4.

The frames are the project's own figure dicts, drawn offline by matplotlib (core.figure_draw)
with their colours, labels and legends; animations are written by imageio (GIFs through Pillow,
MP4s through the ffmpeg binary that imageio-ffmpeg bundles). No browser is involved.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .animation_draw import animation_frames
from .figure_draw import DEFAULT_WIDTH, DPI, ExportError, draw_figure, figure_pixels

__all__ = ["ANIMATION_FORMATS", "DEFAULT_WIDTH", "MAX_FRAMES", "ExportError", "STILL_FORMATS", "figure_pixels", "evenly", "figure_bytes",
           "side_by_side", "write_animation", "write_still"]

STILL_FORMATS = (".png", ".svg")
ANIMATION_FORMATS = (".gif", ".mp4")
MAX_FRAMES = 120


def evenly(items: Sequence, count: int = MAX_FRAMES) -> list:
    """At most `count` of `items`, evenly spaced, the first and the last included."""
    if len(items) <= count:
        return list(items)
    picks = np.unique(np.linspace(0, len(items) - 1, count).round().astype(int))
    return [items[i] for i in picks]


def _renamed(ref: Any, names: dict[str, str]) -> Any:
    """An axis reference ('x2', 'y domain', 'paper') under the new axis names."""
    if not isinstance(ref, str):
        return ref
    head, space, tail = ref.partition(" ")
    return names.get(head, head) + space + tail


def side_by_side(figures: Sequence[dict], gap: float = 0.08) -> dict:
    """Figure dicts as the panes of one figure, left to right (a twin run's two views, for one
    still or one animation): each pane keeps its axes, traces, annotations and title (drawn
    above it); the legend is the first pane's, whose entries the others share."""
    if len(figures) == 1:
        return figures[0]
    span = (1 - gap * (len(figures) - 1)) / len(figures)
    layouts = [f.get("layout") or {} for f in figures]
    margin = {side: max((lay.get("margin") or {}).get(side, 80) for lay in layouts) for side in "lrtb"}
    layout: dict = {"annotations": [], "shapes": [], "margin": margin,
                    "height": max(lay.get("height", 450) for lay in layouts)}
    layout.update({k: layouts[0][k] for k in ("plot_bgcolor", "legend", "showlegend") if k in layouts[0]})
    data: list[dict] = []
    count = {"x": 0, "y": 0}
    for index, (figure, old) in enumerate(zip(figures, layouts)):
        offset = index * (span + gap)
        names: dict[str, str] = {}
        for key in sorted(k for k in old if k[:5] in ("xaxis", "yaxis")) or ["xaxis", "yaxis"]:
            letter = key[0]
            count[letter] += 1
            names[letter + key[5:]] = letter + ("" if count[letter] == 1 else str(count[letter]))
        for letter in "xy":  # a figure that names no axes still draws on x and y
            names.setdefault(letter, letter + ("" if count[letter] <= 1 else str(count[letter])))
        for old_name, new_name in names.items():
            spec = dict(old.get(old_name[0] + "axis" + old_name[1:]) or {})
            for ref in ("anchor", "overlaying", "matches", "scaleanchor"):
                if ref in spec:
                    spec[ref] = _renamed(spec[ref], names)
            if old_name[0] == "x" and not spec.get("overlaying"):
                low, high = spec.get("domain", [0, 1])
                spec["domain"] = [offset + low * span, offset + high * span]
            layout[new_name[0] + "axis" + new_name[1:]] = spec
        for trace in figure.get("data") or []:
            trace = dict(trace, xaxis=names[trace.get("xaxis", "x")], yaxis=names[trace.get("yaxis", "y")])
            if index:
                trace["showlegend"] = False
            data.append(trace)
        for kind in ("annotations", "shapes"):
            for item in old.get(kind) or []:
                item = dict(item, xref=_renamed(item.get("xref", "x"), names), yref=_renamed(item.get("yref", "y"), names))
                for key in ("x", "x0", "x1"):
                    if item["xref"] == "paper" and key in item:
                        item[key] = offset + float(item[key]) * span
                layout[kind].append(item)
        title = old.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if text:
            layout["annotations"].append({"text": text, "x": offset, "y": 1.03, "xref": "paper", "yref": "paper",
                                          "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                                          "font": (title.get("font") if isinstance(title, dict) else None) or {"size": 14}})
    return {"data": data, "layout": layout}


def figure_bytes(figure: dict | Any, suffix: str = ".png", width: int = DEFAULT_WIDTH) -> bytes:
    """The figure as the bytes of a PNG or an SVG file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    suffix = suffix.lower()
    if suffix not in STILL_FORMATS:
        raise ExportError(f"a still is written as {' or '.join(STILL_FORMATS)}; got {suffix or 'no suffix'}")
    buffer = io.BytesIO()
    drawn = draw_figure(figure, width)
    FigureCanvasAgg(drawn)
    from matplotlib import rc_context

    with rc_context({"svg.fonttype": "none"}):  # an SVG's labels stay text, editable on a slide
        drawn.savefig(buffer, format=suffix[1:], dpi=DPI, facecolor="white")
    return buffer.getvalue()


def write_still(figure: dict | Any, path: str | Path, width: int = DEFAULT_WIDTH) -> Path:
    """Write the figure to `path`, a .png or .svg file."""
    path = Path(path)
    path.write_bytes(figure_bytes(figure, path.suffix, width))
    return path


def _even(image: np.ndarray) -> np.ndarray:
    """Crop to even sides: H.264 in yuv420p needs them."""
    return image[: image.shape[0] // 2 * 2, : image.shape[1] // 2 * 2]


def write_animation(figures: Iterable[dict | Any], path: str | Path, fps: float = 10.0,
                    width: int = DEFAULT_WIDTH) -> int:
    """Write the figures as the frames of an animation (.gif or .mp4) at `fps` frames a second,
    each drawn `width` pixels wide; returns the number of frames written."""
    import imageio.v2 as imageio

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ANIMATION_FORMATS:
        raise ExportError(f"an animation is written as {' or '.join(ANIMATION_FORMATS)}; got {suffix or 'no suffix'}")
    if not (math.isfinite(fps) and 1 <= fps <= 60):
        raise ExportError(f"the frame rate must be between 1 and 60 frames a second; got {fps:g}")
    frames = [_even(pixels) for pixels in animation_frames(list(figures), width)]
    if not frames:
        raise ExportError("an animation needs at least one frame")
    if suffix == ".gif":
        imageio.mimwrite(path, frames, format="GIF", duration=1000.0 / fps, loop=0)
    else:
        with imageio.get_writer(path, format="FFMPEG", fps=fps, codec="libx264", quality=8,
                                pixelformat="yuv420p", macro_block_size=2) as writer:
            for frame in frames:
                writer.append_data(frame)
    return len(frames)
