"""What the parts of Plotly's figure JSON mean for a drawing made without Plotly (core.figure_draw):
colours, label markup, typed arrays, line dashes, marker symbols and how a horizontal legend
fills its rows. Plotly's schema: https://plotly.com/python/reference/.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

# Plotly's dash names and marker symbols as matplotlib's line styles and markers
DASHES = {"solid": "-", "dot": (0, (1, 2)), "dash": (0, (5, 3)), "dashdot": (0, (6, 2, 1, 2)),
           "longdash": (0, (9, 3)), "longdashdot": (0, (9, 2, 1, 2))}
SYMBOLS = {"circle": "o", "circle-open": "o", "square": "s", "diamond": "D", "x": "x", "cross": "P",
            "triangle-up": "^", "star": "*"}
DEFAULT_COLOURS = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3")


def colour(value: Any, default: str = "#444444") -> Any:
    """A Plotly colour ('#rrggbb', 'rgba(r, g, b, a)', 'rgb(...)' or a CSS name) as matplotlib's."""
    if value is None:
        return default
    if isinstance(value, str):
        found = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", value)
        if found:
            parts = [float(p) for p in found.group(1).split(",")]
            alpha = parts[3] if len(parts) > 3 else 1.0
            return (parts[0] / 255, parts[1] / 255, parts[2] / 255, alpha)
    return value


def plain_text(text: Any) -> str:
    """Plotly's label markup as plain text: <br> a new line, other tags dropped, '$' kept literal."""
    if text is None:
        return ""
    text = re.sub(r"<br\s*/?>", "\n", str(text))
    return re.sub(r"<[^>]+>", "", text).replace("$", r"\$")


def decoded(value: Any) -> Any:
    """A figure with Plotly's typed arrays ({"dtype": "f8", "bdata": base64, "shape": "m, n"}, as
    plotly >= 6 writes numpy arrays) decoded back into numpy arrays, everything else as it is."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            if shape:
                array = array.reshape([int(n) for n in str(shape).split(",")])
            return array
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [decoded(v) for v in value]
    return value


def title_of(spec: Any) -> tuple[str, dict]:
    """A title or an axis title (a string or {"text", "font"}) as (plain text, font)."""
    if isinstance(spec, dict):
        return plain_text(spec.get("text")), spec.get("font") or {}
    return plain_text(spec), {}


def legend_columns(names: Sequence[str], width: float, font_size: float = 11.0) -> int:
    """How many entries a horizontal legend puts in a row `width` pixels wide, as Plotly lays
    them out row by row: the most columns whose widest entries, column by column, still fit."""
    sizes = [40 + 0.6 * 0.75 * font_size * 1.3 * len(name) for name in names]  # marker + text, in pixels
    for columns in range(len(sizes), 1, -1):
        widths = [max(sizes[i::columns]) for i in range(columns)]
        if sum(widths) <= width:
            return columns
    return 1
