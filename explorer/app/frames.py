"""What a worker sends the page for a figure: figures serialised to JSON, and a live figure's
frames (trace data, a title, the layout only when the page has none or an old one). No gradio."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import plotly.io as pio
from plotly.io.json import to_json_plotly

from ..core.projector import for_projector


def figure_json(figure: Any, projector: bool = False) -> str:
    """A Plotly figure (dict or graph object) as the JSON that gr.Plot takes, unvalidated;
    `projector`: sized for a projector (lecture mode, core.projector)."""
    return pio.to_json(for_projector(figure) if projector else figure, validate=False)


def rounded(value: Any, decimals: int = 4) -> Any:
    """Arrays in a figure's traces rounded for the page (a pixel is far coarser than 1e-4 of an
    axis; the JSON is a third as long), lists and dicts walked."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return np.round(value.astype(np.float64), decimals)
    if isinstance(value, dict):
        return {k: rounded(v, decimals) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, decimals) for v in value]
    return value


# the shortest time between two live frames of a toy figure (about 12 frames a second at most):
# the page draws them as fast as they come, and more would only take cores from training
MIN_FRAME_SECONDS = 0.085


class Resend:
    """When one of a tab's slower plots is sent to the page again: with every full frame (after a
    command), else at most every `seconds` and only when what it shows (`shows`, any value that
    changes with it: a build, a count of snapshots, an iteration) has changed since it was sent
    (a waiting or paused run's ticks then carry no plot)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.sent_at = float("-inf")
        self.sent: object = None

    def due(self, shows: object, full: bool) -> bool:
        """True when the plot showing `shows` is to be sent now (and it then counts as sent)."""
        now = time.monotonic()
        if full or (now - self.sent_at >= self.seconds and shows != self.sent):
            self.sent_at, self.sent = now, shows
            return True
        return False

    def again(self) -> None:
        """Let the next `due` send as soon as what it shows changes, however recent the last."""
        self.sent_at = float("-inf")


def frame_version(layout_key: str, trace_keys: list[str]) -> str:
    """A live figure's version: what its layout and each of its traces were drawn from."""
    return layout_key + "|" + ",".join(trace_keys)


def view_key(playing: bool, request: dict, projector: bool = False) -> str:
    """A live figure's view, part of its layout key: 'p' while the run plays and for the final
    frame of a Pause (the request's 'hold': drawn as the frames before it were, its moving traces
    on the page's canvas, so that the page can say "paused" at once), else 's' (the whole figure
    Plotly's, with hover and zoom: the page redraws the final frame so a moment later); then
    'P' when the figure is sized for a projector (lecture mode)."""
    return ("p" if playing or request.get("hold") else "s") + ("P" if projector else "")


def page_has(page_version: str | None, layout_key: str, trace_key: str) -> bool:
    """True when the page's version has this layout and a trace drawn from `trace_key`."""
    layout, _, traces = (page_version or "").partition("|")
    return layout == layout_key and trace_key in traces.split(",")


def live_frame(figure: dict, layout_key: str, trace_keys: list[str], page_version: str | None,
               playing: bool, label: str, moving: list[int] | None = None,
               min_seconds: float = MIN_FRAME_SECONDS, projector: bool = False) -> dict:
    """A live figure's frame (live_figure.py): the title, the traces that changed since the
    page's version (null for each trace the page already has: the page keeps its object, which
    Plotly then does not draw anew), the layout when the page has none or an older one, and
    which traces move with every update (`moving`: the page draws them on a canvas while the
    run plays); only {'playing'} when the page is up to date. `trace_keys` say what each trace
    of `figure` was drawn from (an iteration, or a constant for what never moves); the layout
    key must change when playing starts or stops (the page then draws everything with Plotly).
    The page asks for the next frame no sooner than `min_seconds` after this one. `projector`:
    the figure sized for a projector (core.projector; the layout key must then say so too)."""
    if projector:
        figure = for_projector(figure)
    version = frame_version(layout_key, trace_keys)
    if page_version == version:
        return {"playing": playing}
    page_layout, _, page_traces = (page_version or "").partition("|")
    layout = figure["layout"]
    data = list(figure["data"])
    if page_layout == layout_key:
        had = page_traces.split(",")
        data = [None if i < len(had) and had[i] == key else trace
                for i, (trace, key) in enumerate(zip(data, trace_keys))]
    title = (layout.get("title") or {}).get("text", "")
    frame = {"version": version, "data": to_json_plotly(rounded(data)), "title": title, "label": label,
             "playing": playing, "moving": list(moving or []), "wait_ms": int(min_seconds * 1000)}
    if page_layout != layout_key:
        frame["layout"] = to_json_plotly(layout)
    return frame
