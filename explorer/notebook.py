"""GAN Explorer in a notebook (Jupyter, Colab): the app's toy runs, trained and drawn in a cell.

    from explorer.notebook import ToyExperiment

    run = ToyExperiment.from_preset("goodfellow-fig1", seed=0)
    run.train(iterations=500)          # or run.train(seconds=5)
    run.figure()                       # Figure 1 now, as the app draws it (a Plotly figure)
    run.metrics()                      # JS divergence, V(D, G), ... (or modes, high quality in 2-D)
    run.animate("fig1.gif")            # the run's timeline for slides (GIF or MP4)

The runs, snapshots and figures are the very ones the app and the CLI use (toy.run.ToyRun,
toy.plots1d, toy.plots2d), so a notebook run of a config and seed draws what the app draws for
them. Side by side (a plain run beside its remedied twin) is `ToyExperiment.side_by_side`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from .core.export import (
    DEFAULT_WIDTH,
    write_animation,
    write_still,
)
from .toy import plots1d, plots2d
from .toy.config import ToyConfig
from .toy.presets import preset_config
from .toy.remedies import (
    apply_remedies,
    named_runs,
    parse_remedies,
    without_remedies,
)
from .toy.report import timeline_figure, timeline_figures, view_figure
from .toy.run import ToyRun, TwinRun


class ToyExperiment:
    """A toy GAN run (1-D or 2-D, or a plain and a remedied 2-D twin) for a notebook."""

    def __init__(self, config: ToyConfig, twin: ToyConfig | None = None) -> None:
        """A fresh run of `config` (and, for side by side, the plain `config` on the left and
        its remedied `twin` on the right, trained in step)."""
        import torch

        torch.set_num_threads(1)  # toy networks are overhead-bound: one thread is fastest (as in the app)
        self.run: ToyRun | TwinRun = ToyRun(config) if twin is None else TwinRun(config, twin)

    @classmethod
    def from_preset(cls, name: str, remedies: tuple[str, ...] = (), **changes: Any) -> ToyExperiment:
        """A run of the named preset (`gan-explorer toy --help` lists them), with remedies for
        mode collapse switched on by name and any config field changed (seed=3, steps=2000)."""
        config = preset_config(name).replace(**changes)
        return cls(apply_remedies(config, parse_remedies(list(remedies))) if remedies else config)

    @classmethod
    def side_by_side(cls, name: str, remedies: tuple[str, ...], **changes: Any) -> ToyExperiment:
        """The preset's plain GAN beside its twin with `remedies`, on the same seed, as the 2-D
        tab's "side by side" shows them."""
        config = without_remedies(preset_config(name).replace(**changes))
        return cls(config, apply_remedies(config, parse_remedies(list(remedies))))

    @property
    def config(self) -> ToyConfig:
        """The run's configuration (the remedied twin's, side by side)."""
        return self.run.config

    @property
    def iteration(self) -> int:
        """Iterations trained so far (each k D updates and one G update)."""
        return self.run.iteration

    def _runs(self) -> list[tuple[str, ToyRun]]:
        return named_runs(self.run)

    def train(self, iterations: int | None = None, seconds: float | None = None) -> ToyExperiment:
        """Train `iterations` more iterations, or for `seconds` of wall time (whichever is
        given; past the config's `steps` too); returns the experiment, for chaining."""
        if (iterations is None) == (seconds is None):
            raise ValueError("give either iterations or seconds")
        if iterations is not None:
            if iterations < 0:
                raise ValueError(f"iterations must be at least 0; got {iterations}")
            self.run.advance(int(iterations))
        else:
            deadline = time.perf_counter() + float(seconds)
            while time.perf_counter() < deadline:
                self.run.advance(self.run.config.snapshot_every)
        for _, run in self._runs():
            run.record()  # the timeline ends where training did
        return self

    def snapshot(self) -> Any:
        """The run's state now, measured (the snapshot the figures draw; the remedied twin's)."""
        return self._runs()[-1][1].current()

    def figure(self, show_d_star: bool = True, show_half: bool = True) -> go.Figure:
        """The main figure now, as the app draws it: Figure 1 of Goodfellow et al. (2014) for
        1-D data, the 2-D view (both runs, side by side) otherwise."""
        return go.Figure(self._figure_dict(show_d_star, show_half))

    def _figure_dict(self, show_d_star: bool = True, show_half: bool = True) -> dict:
        return view_figure([(name, run.current()) for name, run in self._runs()], width=None,
                           overlays=(show_d_star, show_half))

    def metrics_figure(self) -> go.Figure:
        """The measurements over the run: JS and V(D, G) (1-D), modes and quality (2-D)."""
        runs = self._runs()
        if not runs[0][1].is_2d:
            return go.Figure(plots1d.metrics_figure(runs[0][1].history.traces))
        return go.Figure(plots2d.metrics_2d_figure([(name, run.history.traces) for name, run in runs]))

    def panels_figure(self) -> go.Figure:
        """The paper's panels (a)-(d) captured from this 1-D run."""
        if self._runs()[0][1].is_2d:
            raise ValueError("the paper's panels are drawn for 1-D runs")
        return go.Figure(plots1d.panels_figure(self.run.panels.ordered()))

    def timeline(self) -> go.Figure:
        """The figure with the run's recorded timeline: a slider and a play button (as the
        CLI's figure.html)."""
        return timeline_figure(self._runs()[-1][1].history.snapshots)

    def metrics(self) -> dict[str, float]:
        """The run's measurements now (the remedied twin's, side by side)."""
        return self.snapshot().measurements()

    def save_image(self, path: str | Path, width: int = DEFAULT_WIDTH) -> Path:
        """The main figure now as a PNG or an SVG file (by `path`'s suffix)."""
        return write_still(self._figure_dict(), path, width)

    def animate(self, path: str | Path, fps: float = 10.0, width: int = DEFAULT_WIDTH) -> int:
        """The run's recorded timeline as a GIF or an MP4 (by `path`'s suffix) for slides, one
        frame per snapshot (at most 120); returns the number of frames."""
        frames = timeline_figures([(name, run.history.snapshots) for name, run in self._runs()], width)
        return write_animation(frames, path, fps=fps, width=width)
