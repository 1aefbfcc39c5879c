"""Figures sized for a projector: the same figure with its text, lines and markers larger.

A figure made for a laptop screen (Plotly's 12-pixel text, 2-pixel lines, 6-pixel markers) is
unreadable from the back of a lecture hall. `for_projector` scales every font size, line width
and marker size of a figure (a Plotly figure as a dict, `{'data': [...], 'layout': {...}}`),
filling in Plotly's defaults where the figure leaves them out, and widens the margins so the
larger tick labels and titles still fit. It is a pure function of the figure's numbers: the app
applies it in lecture mode (app/lecture.py), for the live figures and the charts alike.
"""

from __future__ import annotations

import math
import re
from typing import Any

# how much larger everything is drawn for a projector
PROJECTOR_SCALE = 1.5
# Plotly's defaults where a figure does not say (plotly.js: layout.font.size, scatter line and marker)
PLOTLY_FONT_SIZE = 12
PLOTLY_LINE_WIDTH = 2
PLOTLY_MARKER_SIZE = 6
# Plotly's default margins (layout.margin), widened like the rest
PLOTLY_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}


def _scaled_fonts(value: Any, scale: float) -> Any:
    """A copy of a layout (or part of one) with the size of every font (a dict under a key that
    ends in 'font') multiplied by `scale`; arrays and other values are shared, not copied."""
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            if key.endswith("font") and isinstance(item, dict) and isinstance(item.get("size"), (int, float)):
                copy[key] = dict(_scaled_fonts(item, scale), size=round(item["size"] * scale, 1))
            else:
                copy[key] = _scaled_fonts(item, scale)
        return copy
    if isinstance(value, list):
        return [_scaled_fonts(item, scale) for item in value]
    return value


def _scaled_trace(trace: dict, scale: float) -> dict:
    """A trace with its line widths and marker sizes (Plotly's defaults where left out, for the
    modes that draw them) and its fonts (a colour bar's, say) multiplied by `scale`."""
    trace = _scaled_fonts(trace, scale)
    kind = trace.get("type", "scatter")
    mode = trace.get("mode", "lines" if kind == "scatter" else "")
    line = trace.get("line")
    if isinstance(line, dict) or (kind in ("scatter", "scattergl") and "lines" in mode):
        line = dict(line or {})
        width = line.get("width", PLOTLY_LINE_WIDTH)
        if isinstance(width, (int, float)):
            line["width"] = round(width * scale, 2)
        trace["line"] = line
    marker = trace.get("marker")
    if isinstance(marker, dict) or "markers" in mode:
        marker = dict(marker or {})
        size = marker.get("size", PLOTLY_MARKER_SIZE if "markers" in mode else None)
        if isinstance(size, (int, float)):
            marker["size"] = round(size * scale, 2)
        elif isinstance(size, (list, tuple)):
            marker["size"] = [s * scale if isinstance(s, (int, float)) else s for s in size]
        elif hasattr(size, "dtype"):  # an array of sizes
            marker["size"] = size * scale
        if isinstance(marker.get("line"), dict) and isinstance(marker["line"].get("width"), (int, float)):
            marker["line"] = dict(marker["line"], width=round(marker["line"]["width"] * scale, 2))
        trace["marker"] = marker
    return trace


def for_projector(figure: Any, scale: float = PROJECTOR_SCALE) -> dict:
    """The figure (a dict, or anything with `to_plotly_json`, such as a go.Figure) with every
    font, line and marker `scale` times larger and its margins widened to match; the figure
    given is not changed."""
    if hasattr(figure, "to_plotly_json"):
        figure = figure.to_plotly_json()
    layout = _scaled_fonts(dict(figure.get("layout") or {}), scale)
    font = dict(layout.get("font") or {})
    if "size" not in (figure.get("layout") or {}).get("font", {}):
        font["size"] = round(PLOTLY_FONT_SIZE * scale, 1)
    layout["font"] = font
    margin = dict(layout.get("margin") or {})
    for side, default in PLOTLY_MARGIN.items():
        # the text grows by `scale`; the margin around it grows by as much as the text takes
        margin[side] = round(margin.get(side, default) * (1 + (scale - 1) * 0.6))
    for key, axis in list(layout.items()):
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict):
            layout[key] = {"automargin": True, **axis}   # room for the larger tick labels and titles
    data = figure.get("data") or []
    legend = layout.get("legend")
    if isinstance(legend, dict) and legend.get("orientation") == "h" and legend.get("y", 0) >= 1:
        # a legend across the top: two entries a row, and the top margin to hold its rows and the title
        layout["legend"] = dict(legend, entrywidth=0.5, entrywidthmode="fraction")
        entries = sum(1 for t in data if t.get("showlegend", True) and t.get("name"))
        size = (layout["legend"].get("font") or {}).get("size", font["size"])
        margin["t"] = max(margin["t"], round(math.ceil(entries / 2) * size * 1.5 + font["size"] * 2.5))
    if isinstance(legend, dict) and legend.get("y", 1) < 0:
        # a legend under the plot: as far below it again as the axis's text has grown
        layout["legend"] = dict(legend, y=legend["y"] * scale)
    layout["margin"] = margin
    return dict(figure, data=[_scaled_trace(trace, scale) for trace in data], layout=layout)
