"""Hand figures to gr.Plot: a plain Plotly figure dict is serialised directly, unvalidated,
which is several times cheaper than building validated graph objects at every frame."""

from __future__ import annotations

import plotly.io as pio
from gradio.components.plot import PlotData


def plot_value(figure):
    if isinstance(figure, dict):
        return PlotData(type="plotly", plot=pio.to_json(figure, validate=False))
    return figure


def json_plot(figure_json: str) -> PlotData:
    """A figure already serialised to JSON (by a worker) for gr.Plot, as it is."""
    return PlotData(type="plotly", plot=figure_json)
