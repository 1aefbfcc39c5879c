"""What a figure dict draws over its traces, for core.figure_draw: its shapes (lines and
rectangles), its annotations and its title, each placed in the coordinates the figure names
('paper', an axis's domain or its data). Shared by the whole figure's drawing and by
core.animation_draw, which draws them anew on every frame."""

from __future__ import annotations

from typing import Any

from .plotly_schema import DASHES, colour, plain_text, title_of


def _axes_named(canvas: Any, name: str) -> Any:
    """The Axes that draws axis `name` ('x2', 'y'), made with its anchor if none has it yet."""
    for (x_name, y_name), ax in canvas.axes.items():
        if name in (x_name, y_name):
            return ax
    anchor = canvas.spec(name).get("anchor")
    anchor = anchor if anchor and anchor != "free" else ("y" if name[0] == "x" else "x")
    return canvas.axes_for(name, anchor) if name[0] == "x" else canvas.axes_for(anchor, name)


def _place(canvas: Any, ref: str, value: float, which: str) -> tuple[float, Any]:
    """A coordinate of an annotation or a shape and its transform: 'paper' (the plotting area),
    'x2 domain' (a fraction of axis x2's length) or 'x2' (its data)."""
    left, bottom, width, height = canvas.area
    ref = str(ref or which)
    if ref == "paper":
        return (left + value * width if which == "x" else bottom + value * height), canvas.figure.transFigure
    name, _, domain = ref.partition(" ")
    ax = _axes_named(canvas, name)
    return value, (ax.transAxes if domain else ax.transData)


def _blended(canvas: Any, item: dict, x: float, y: float) -> tuple[tuple[float, float], Any]:
    from matplotlib.transforms import blended_transform_factory

    x, x_transform = _place(canvas, item.get("xref", "x"), x, "x")
    y, y_transform = _place(canvas, item.get("yref", "y"), y, "y")
    return (x, y), blended_transform_factory(x_transform, y_transform)


def draw_annotations(canvas: Any) -> None:
    """The layout's annotations, as text placed in their coordinates."""
    for note in canvas.layout.get("annotations") or []:
        text = plain_text(note.get("text"))
        if not text:
            continue
        place, transform = _blended(canvas, note, note.get("x", 0.5), note.get("y", 0.5))
        font = note.get("font") or {}
        canvas.figure.text(*place, text, transform=transform, fontsize=font.get("size", 12) * 0.8,
                           color=colour(font.get("color"), "#333333"),
                           ha={"left": "left", "right": "right"}.get(note.get("xanchor"), "center"),
                           va={"top": "top", "bottom": "bottom"}.get(note.get("yanchor"), "center"))


def draw_shapes(canvas: Any) -> None:
    """Lines and rectangles (add_vline, add_vrect and the like) in their own coordinates."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    for shape in canvas.layout.get("shapes") or []:
        (x0, y0), transform = _blended(canvas, shape, shape.get("x0", 0), shape.get("y0", 0))
        (x1, y1), _ = _blended(canvas, shape, shape.get("x1", 1), shape.get("y1", 1))
        line = shape.get("line") or {}
        alpha = float(shape.get("opacity", 1.0))
        if shape.get("type") == "line":
            canvas.figure.add_artist(Line2D([x0, x1], [y0, y1], transform=transform, alpha=alpha,
                                            color=colour(line.get("color")), linewidth=float(line.get("width", 2)) * 0.75,
                                            linestyle=DASHES.get(line.get("dash", "solid"), "-")))
        elif shape.get("type") == "rect":
            canvas.figure.add_artist(Rectangle((x0, y0), x1 - x0, y1 - y0, transform=transform, alpha=alpha,
                                               facecolor=colour(shape.get("fillcolor"), "#dddddd"), linewidth=0))


def draw_title(canvas: Any) -> None:
    """The layout's title, at the top left as Plotly draws it."""
    text, font = title_of(canvas.layout.get("title"))
    if text:
        canvas.figure.text(0.012, 1 - 8 / canvas.height, text, ha="left", va="top", fontsize=font.get("size", 14) * 0.85)


def draw_decorations(canvas: Any) -> None:
    """The layout's shapes, annotations and title, over the traces."""
    draw_shapes(canvas)
    draw_annotations(canvas)
    draw_title(canvas)
