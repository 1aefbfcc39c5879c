"""A run's figure with its timeline: Figure 1 of the paper (1-D) or the 2-D view, animated over
the recorded snapshots, with a slider and play button, written as one self-contained HTML file;
and the same timeline as an animation for slides (GIF or MP4)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go

from ..core.export import (
    DEFAULT_WIDTH,
    MAX_FRAMES,
    ExportError,
    evenly,
    side_by_side,
    write_animation,
)
from .plots1d import figure_1d
from .plots2d import LAYERS, figure_2d
from .snapshots import Snapshot1D, Snapshot2D


def view_figure(named: Sequence[tuple[str, Snapshot1D | Snapshot2D]], width: int | None = DEFAULT_WIDTH,
                layers: Sequence[str] = LAYERS, overlays: tuple[bool, bool] = (True, True)) -> dict:
    """The figure of one moment as the page draws it: Figure 1 (1-D, with the D* and D = 1/2
    `overlays`), or the 2-D view of each named run (twins side by side, the first on the left),
    made about square for an export `width` pixels wide (None: the page's height)."""
    if isinstance(named[0][1], Snapshot1D):
        return figure_1d(named[0][1], *overlays)
    if width is None:
        height = 520
    else:
        height = int(0.92 * width) if len(named) == 1 else int(0.46 * width) + 120
    return side_by_side([figure_2d(s, layers, title=name, height=height) for name, s in named])


def timeline_figures(named: Sequence[tuple[str, Sequence]], width: int = DEFAULT_WIDTH, layers: Sequence[str] = LAYERS,
                     overlays: tuple[bool, bool] = (True, True), max_frames: int = MAX_FRAMES) -> list[dict]:
    """The frames of a run's recorded timeline (each named run's snapshots: twins record theirs
    together): up to `max_frames` moments, evenly spaced with the first and last, each drawn
    by `view_figure`."""
    count = min(len(snapshots) for _, snapshots in named)
    return [view_figure([(name, snapshots[i]) for name, snapshots in named], width, layers, overlays)
            for i in evenly(range(count), max_frames)]


def write_timeline_animation(snapshots: list, path: str | Path, name: str = "", fps: float = 10.0,
                             width: int = DEFAULT_WIDTH, max_frames: int = MAX_FRAMES) -> int:
    """The run's recorded timeline as a GIF or MP4 (by `path`'s suffix), frames as
    `timeline_figures` draws them; returns the number of frames written."""
    if not snapshots:
        raise ExportError("the run recorded no snapshots to animate")
    frames = timeline_figures([(name, snapshots)], width, max_frames=max_frames)
    return write_animation(frames, path, fps=fps, width=width)


def timeline_figure(snapshots: list, max_frames: int = 80) -> go.Figure:
    """The run's figure at the last snapshot (Figure 1 for 1-D, the 2-D view otherwise), with
    frames for up to `max_frames` snapshots of the run (evenly spaced, first and last
    included) and a slider to scrub through them."""
    if not snapshots:
        raise ValueError("a timeline needs at least one snapshot")
    chosen = evenly(snapshots, max_frames)
    one_d = isinstance(chosen[0], Snapshot1D)
    figures = [figure_1d(s) if one_d else figure_2d(s) for s in chosen]
    animated = ("annotations", "title") if one_d else ("title",)
    fig = go.Figure(figures[-1])
    fig.frames = [
        go.Frame(
            data=f["data"],
            layout={key: f["layout"][key] for key in animated},
            name=str(s.iteration),
        )
        for s, f in zip(chosen, figures)
    ]
    steps = [
        dict(method="animate", label=str(s.iteration),
             args=[[str(s.iteration)], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                            transition=dict(duration=0))])
        for s in chosen
    ]
    fig.update_layout(
        height=640 if one_d else 720,
        margin=dict(b=120),
        sliders=[dict(active=len(chosen) - 1, steps=steps, y=-0.08, len=0.9, x=0.1,
                      currentvalue=dict(prefix="iteration "))],
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.08, xanchor="left",
                          yanchor="top", showactive=False,
                          buttons=[dict(label="▶ Play", method="animate",
                                        args=[None, dict(frame=dict(duration=120, redraw=True),
                                                         fromcurrent=False, mode="immediate")])])],
    )
    return fig


def write_figure_html(fig: go.Figure, path: str | Path) -> None:
    """Self-contained: plotly.js is embedded, so the file opens with no network."""
    fig.write_html(str(path), include_plotlyjs=True, full_html=True, auto_play=False)
