"""A worker's answer handed to Gradio's components: figures already serialised to JSON (by the
worker) for gr.Plot, and whether the page's timer keeps asking."""

from __future__ import annotations

import gradio as gr
from gradio.components.plot import PlotData


def json_plot(figure_json: str) -> PlotData:
    """A figure already serialised to JSON (by a worker) for gr.Plot, as it is."""
    return PlotData(type="plotly", plot=figure_json)


def plot_of(out: dict, key: str) -> PlotData | object:
    """The figure `key` of a worker's outputs for gr.Plot, or gr.skip() when the frame left it out."""
    return json_plot(out[key]) if key in out else gr.skip()


def timer_of(out: dict, seconds: float) -> gr.Timer:
    """The page's timer: on while the run plays, and for one more poll after Pause ('poll'),
    every `seconds`, or longer when the server asks (`tick_seconds`: many pages live)."""
    return gr.Timer(value=max(seconds, out.get("tick_seconds", 0.0)), active=bool(out.get("playing") or out.get("poll")))
