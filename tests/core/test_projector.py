"""Figures for a projector (lecture mode): every font, line and marker grows, defaults included,
and the figure given is left as it was."""

import json

import numpy as np

from explorer.core.projector import PLOTLY_FONT_SIZE, for_projector
from explorer.toy import plots1d
from explorer.toy.presets import PRESETS_1D
from explorer.toy.run import ToyRun


def test_every_font_line_and_marker_grows_and_the_figure_given_is_unchanged():
    figure = {
        "data": [{"type": "scatter", "mode": "lines", "x": np.arange(3.0), "y": np.ones(3), "line": {"width": 3}},
                 {"type": "scatter", "mode": "markers", "x": [0], "y": [0], "marker": {"size": [4, 8]}},
                 {"type": "scatter", "x": [0], "y": [0]},   # Plotly's default: lines, 2 px
                 {"type": "heatmap", "z": [[1]], "colorbar": {"tickfont": {"size": 10}}}],
        "layout": {"title": {"text": "t", "font": {"size": 16}}, "xaxis": {"tickfont": {"size": 11}},
                   "annotations": [{"text": "a", "font": {"size": 9}}], "margin": {"l": 40}},
    }
    before = json.dumps(figure, default=list)
    big = for_projector(figure, scale=1.5)
    assert json.dumps(figure, default=list) == before   # a copy, not an edit
    layout, data = big["layout"], big["data"]
    assert layout["font"]["size"] == PLOTLY_FONT_SIZE * 1.5   # Plotly's default, made larger
    assert layout["title"]["font"]["size"] == 24 and layout["xaxis"]["tickfont"]["size"] == 16.5
    assert layout["annotations"][0]["font"]["size"] == 13.5
    assert layout["margin"]["l"] > 40 and layout["margin"]["b"] > 80
    assert data[0]["line"]["width"] == 4.5 and data[0]["x"] is figure["data"][0]["x"]   # arrays shared
    assert data[1]["marker"]["size"] == [6, 12]
    assert data[2]["line"]["width"] == 3
    assert data[3]["colorbar"]["tickfont"]["size"] == 15 and "line" not in data[3]


def test_figure_1_for_a_projector_keeps_its_traces_and_grows():
    run = ToyRun(PRESETS_1D["goodfellow-fig1"].config.replace(steps=5))
    figure = plots1d.figure_1d(run.current())
    big = for_projector(figure)
    assert [t.get("name") for t in big["data"]] == [t.get("name") for t in figure["data"]]
    widths = [(t.get("line") or {}).get("width") for t in figure["data"]]
    bigger = [(t.get("line") or {}).get("width") for t in big["data"]]
    assert all(b > w for w, b in zip(widths, bigger) if w)


def test_a_legend_over_the_plot_takes_two_entries_a_row_and_one_under_it_moves_down():
    above = {"data": [{"name": f"trace {i}", "x": [0], "y": [0]} for i in range(5)],
             "layout": {"legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom"}, "margin": {"t": 40}}}
    big = for_projector(above)
    assert big["layout"]["legend"]["entrywidth"] == 0.5 and big["layout"]["margin"]["t"] >= 3 * 18 * 1.5
    below = for_projector({"data": [], "layout": {"legend": {"orientation": "h", "y": -0.14}}})
    assert below["layout"]["legend"]["y"] < -0.14
