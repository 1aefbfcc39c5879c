"""The DCGAN tab's figures are pure functions of numbers: check what they draw."""

import math

import numpy as np
import pytest

from explorer.mnist.plots import (
    class_histogram_figure,
    losses_figure,
    quality_figure,
    readout_html,
)


def test_losses_are_averaged_over_windows_and_keep_their_iterations():
    n = 1000
    d_loss = np.r_[np.full(500, 2.0), np.full(500, 1.0)]
    figure = losses_figure(list(range(1, n + 1)), d_loss, d_loss, np.full(n, 0.6), np.full(n, 0.3))
    d_trace = figure["data"][0]
    assert len(d_trace["x"]) <= 160 and d_trace["x"][-1] == n
    assert d_trace["y"][0] == pytest.approx(2.0) and d_trace["y"][-1] == pytest.approx(1.0)
    assert np.mean(d_trace["y"]) == pytest.approx(1.5, abs=0.02)
    assert figure["data"][2]["yaxis"] == "y2" and figure["data"][2]["y"][0] == pytest.approx(0.6)


def test_class_histogram_is_in_percent_with_the_fair_share_line():
    figure = class_histogram_figure([("generated", [50, 0, 0, 0, 0, 0, 0, 0, 0, 150])])
    assert figure["data"][0]["y"] == [25.0] + [0.0] * 8 + [75.0]
    assert figure["layout"]["shapes"][0]["y0"] == 10


def test_quality_curve_and_readout():
    curve = [{"seconds": 10.0, "inception_score": 2.5, "frechet_distance": 300.0, "classes_covered": 7},
             {"seconds": 20.0, "inception_score": 5.0, "frechet_distance": 100.0, "classes_covered": 10,
              "iteration": 180}]
    figure = quality_figure(curve)
    assert figure["data"][0]["y"] == [2.5, 5.0] and figure["data"][1]["y"] == [300.0, 100.0]
    progress = {"epoch": 2.5, "epochs": 45, "iteration": 195, "iterations": 3510,
                "images_per_second": 400.0, "seconds_left": 125.0}
    text = readout_html(curve[-1], progress, "CPU (2 threads)")
    assert "epoch <b>2.5/45</b>" in text and "400 images/s" in text and "2 min 05 s left" in text
    assert "at iteration 180: IS <b>5.00</b>" in text and "<b>10/10</b> classes" in text
    assert 'aria-valuenow="2.50"' in text and "width:5.6%" in text  # the bar: 2.5 of 45 epochs
    assert "time left: –" in readout_html(None, progress | {"seconds_left": math.nan}, "CPU")
