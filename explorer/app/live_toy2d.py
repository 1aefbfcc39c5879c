"""The 2-D tab's run in a worker: one run, or a plain and a remedied twin side by side, built
from the page's settings, with remedies switched live, and drawn as frames of numbers (the
figures serialised to JSON). No gradio here: the tab (`tab_toy2d`) hands the outputs on."""

from __future__ import annotations

import time
from typing import Any

from ..core.errors import ConfigError, TrainingDiverged, shown
from ..toy import plots2d
from ..toy.config import ToyConfig
from ..toy.cost import TOY_LIMITS, toy_run_cost
from ..toy.data2d import DataError
from ..toy.presets import PRESETS_2D, Preset
from ..toy.remedies import (
    REMEDIES,
    apply_remedies,
    named_runs,
    remedied_name,
    without_remedies,
)
from ..toy.report import timeline_figures, view_figure
from ..toy.run import ToyRun, TwinRun
from .frames import Resend, figure_json, live_frame, page_has, view_key
from .live_toy1d import apply_budget
from .worker import Slot

DEFAULT_PRESET = "ring-collapse"
DEFAULT_LAYERS = ("heatmap", "real", "fake", "arrows", "modes")
# settings applied on Reset
SETTING_NAMES = (
    "dataset", "k_d_steps", "batch_size", "d_lr", "g_lr", "seed", "steps", "noise_dim",
    "g_layers", "g_width", "d_layers", "d_width", "lr_final_fraction", "r1_gamma",
)
# remedies, applied at once to the running model (D restarts, G carries on)
REMEDY_NAMES = ("minibatch_discrimination", "minibatch_stddev", "pack", "unroll_steps", "loss")
# while training, D's heatmap and G's gradient arrows (D through the whole grid, with batch
# statistics when a remedy uses them: most of a frame's cost) are measured at most this often;
# the samples, the warped grid and the measurements come with every frame (the page says so)
DISCRIMINATOR_EVERY_SECONDS = 0.4
# what each trace of the 2-D figure (by name; D's heatmap, whatever its name, as "heatmap") is
# drawn from, when not G's samples of the moment: D's view (measured at its own cadence) or
# nothing that moves
TRACE_SOURCES_2D = {"heatmap": "D", "−∇ G's loss": "D", "real x ~ p_data": "still",
                    "mode centres": "still"}
# while training, the occupancy bars are sent this often, and the occupancy timeline and the
# metrics curves (each a whole figure the page draws anew: time the live figures lose)
BARS_EVERY_SECONDS = 1.0
SLOW_EVERY_SECONDS = 3.0
# the 2-D figure's frames may come a little closer than the 1-D one's (its page draws each slower)
MIN_FRAME_SECONDS_2D = 0.07


def side_by_side(config: ToyConfig, preset: Preset) -> tuple[ToyConfig, ToyConfig, str]:
    """(left, right, a note for the page) of the side-by-side view: the plain GAN on the left,
    the page's remedies on the right, or the preset's own remedy when the page chose none (two
    plain GANs side by side would show nothing), which the note then says."""
    left = without_remedies(config, preset.config.loss)
    if config != left or not preset.remedy:
        return left, config, ""
    remedy = REMEDIES[preset.remedy]
    return left, apply_remedies(config, [remedy]), f"right: {remedy.title}, this preset's remedy (tick others to compare them)"


class Toy2DTab:
    """The LiveTab of the 2-D tab (see worker.LiveTab)."""

    training_threads = 1

    def __init__(self, settings: dict | None = None) -> None:
        """A tab with no run yet; `settings['run_cost_scale']` (the server's, see worker.Worker)
        scales the limits on a run's cost (toy.cost.TOY_LIMITS)."""
        self.limits = TOY_LIMITS.scaled((settings or {}).get("run_cost_scale", 1.0))
        self.run: ToyRun | TwinRun | None = None
        self.preset = DEFAULT_PRESET
        self.data_path = ""  # the CSV of the points the user uploaded or drew
        self.layers: tuple[str, ...] = DEFAULT_LAYERS
        self.builds = 0
        self.slow_resend = Resend(SLOW_EVERY_SECONDS)
        self.bars_resend = Resend(BARS_EVERY_SECONDS)
        self.last_discriminator = 0.0

    def diverged_errors(self) -> tuple[type[Exception], ...]:
        """A toy run diverges with TrainingDiverged."""
        return (TrainingDiverged,)

    # ------------------------------------------------------------------ settings
    def config_from_controls(self, request: dict) -> ToyConfig:
        """The preset's config with the settings and remedies of the page on top."""
        preset = request.get("preset")
        base = (PRESETS_2D.get(preset) or PRESETS_2D[DEFAULT_PRESET]).config
        changes = dict(zip(SETTING_NAMES, request.get("settings") or [])) | dict(
            zip(REMEDY_NAMES, request.get("remedies") or []))
        for name, value in changes.items():
            if value is None or (isinstance(value, str) and value.strip() == ""):
                raise ConfigError(f"{name} is empty: enter a value")
        if changes.get("dataset") == "custom":
            if not self.data_path:
                raise ConfigError("dataset 'custom' needs your points: upload a CSV or draw them below")
            changes["data_path"] = self.data_path
        config = ToyConfig.from_dict(base.to_dict() | changes)
        if config.data_dim != 2:
            raise ConfigError(f"the 2-D tab trains on 2-D data; dataset {shown(config.dataset)} is 1-D: "
                              "open it on the 1-D tab")
        self.limits.check(toy_run_cost(config))
        return config

    def build(self, request: dict) -> str:
        """A fresh run, or twin runs (plain on the left, the page's remedies on the right)."""
        self._view(request)
        self.run = None
        config = self.config_from_controls(request)
        preset = PRESETS_2D.get(request.get("preset")) or PRESETS_2D[DEFAULT_PRESET]
        note = ""
        try:
            # D's heatmap and arrows are measured at the live figure's cadence, not at every
            # recorded snapshot (the occupancy timeline needs only the samples)
            if request.get("twin"):
                left, right, note = side_by_side(config, preset)
                self.run = TwinRun(left, right, record_discriminator=False)
            else:
                self.run = ToyRun(config, record_discriminator=False)
        except DataError as err:
            raise ConfigError(str(err)) from None
        self.builds += 1
        self.preset = preset.name
        return "new run ready: press ▶ Play" + (f"; {note}" if note else "")

    def apply(self, request: dict) -> str:
        """Play's settings: a new number of iterations applies now; other changes on Reset
        (the remedies apply the moment they are switched)."""
        config = self.config_from_controls(request)
        runs = self._runs()
        return apply_budget(runs[-1][1], config, *(run for _, run in runs[:-1]))

    def _view(self, request: dict) -> None:
        if request.get("layers") is not None:
            self.layers = tuple(request["layers"])

    def _runs(self) -> list[tuple[str, ToyRun]]:
        return named_runs(self.run)

    # ------------------------------------------------------------------ drawing
    def _snapshot(self, slot: Slot, run: ToyRun, discriminator: bool = True, measure: bool = True):
        """`run`'s snapshot now (D's view measured anew when `discriminator`); `measure` False:
        while training, the one measured last (the readouts need not measure between frames)."""
        if slot.error:  # the networks hold NaNs now: show the last good snapshot
            return run.history.latest
        if not measure and slot.training:
            return run.latest
        try:
            return run.live_snapshot(discriminator)
        except TrainingDiverged as err:
            slot.fail(err)
            return run.history.latest

    def outputs(self, slot: Slot, request: dict) -> dict:
        """The readouts, the status, the occupancy bars and, when due, the slower plots."""
        self._view(request)
        if self.run is None:
            return {"playing": slot.playing, "twin": False, "status": slot.status(request.get("note", ""))}
        note, full = slot.frame_note(request)
        out: dict[str, Any] = {"twin": isinstance(self.run, TwinRun)}
        runs = self._runs()
        named = [(name, self._snapshot(slot, run, discriminator=False, measure=full)) for name, run in runs]
        out["playing"] = slot.playing
        out["status"] = slot.status(note)
        out["readout"] = plots2d.readout_2d(named[-1][1], named[-1][0])
        out["twin_readout"] = plots2d.readout_2d(named[0][1], "plain") if len(named) == 2 else ""
        if self.bars_resend.due((self.builds, tuple(snapshot.iteration for _, snapshot in named)), full):
            out["occupancy"] = figure_json(plots2d.occupancy_figure(named), slot.projector)
        shows = (self.builds, tuple((len(r.history), r.history.latest.iteration) for _, r in runs))
        if self.slow_resend.due(shows, full):
            out["occupancy_timeline"] = figure_json(
                plots2d.occupancy_timeline_figure([(n, r.history.snapshots) for n, r in runs]), slot.projector)
            out["metrics"] = figure_json(plots2d.metrics_2d_figure([(n, r.history.traces) for n, r in runs]), slot.projector)
        return out

    def _live(self, slot: Slot, request: dict) -> dict:
        """A live figure's frame: the remedied (or only) run's, or the plain twin's."""
        if self.run is None:
            return {"playing": False}
        pane, page_version = request.get("pane", "main"), request.get("version")
        runs = self._runs()
        if pane == "plain" and len(runs) < 2:
            return {"playing": slot.playing}
        index = 0 if pane == "plain" else len(runs) - 1
        name, run = runs[index]
        now = time.monotonic()
        # D's view is measured again when it is due, and always when training is not running
        due = not slot.playing or now - self.last_discriminator >= DISCRIMINATOR_EVERY_SECONDS
        trainer = run.trainer
        layers = "".join(layer[0] for layer in self.layers)
        layout_key = f"{self.builds}:{layers}:{index}:{view_key(slot.playing, request, slot.projector)}"
        if not due and page_has(page_version, layout_key, f"g{trainer.iteration}e{int(bool(slot.error))}"):
            return {"playing": slot.playing}  # the page has this iteration's samples already
        snapshot = self._snapshot(slot, run, discriminator=due)
        if due and pane != "plain":
            self.last_discriminator = now
        figure = plots2d.figure_2d(snapshot, self.layers, title=name)
        label = f"iteration {snapshot.iteration}"
        if snapshot.heat_iteration != snapshot.iteration:
            label += f" · D's heatmap and arrows from iteration {snapshot.heat_iteration}"
        error = int(bool(slot.error))
        keys = {"D": f"d{snapshot.heat_iteration}e{error}", "still": "still"}
        trace_keys = [keys.get(TRACE_SOURCES_2D.get("heatmap" if trace["type"] == "heatmap" else trace["name"], ""),
                               f"g{snapshot.iteration}e{error}")
                      for trace in figure["data"]]
        return live_frame(figure, layout_key, trace_keys, page_version, slot.playing, label,
                          moving=[i for i, key in enumerate(trace_keys) if key.startswith("g")],
                          min_seconds=MIN_FRAME_SECONDS_2D, projector=slot.projector)

    # ------------------------------------------------------------------ the tab's own commands
    def command(self, slot: Slot, name: str, request: dict) -> dict:
        """step, remedy, layers, points, live (see each branch)."""
        if name == "live":
            return self._live(slot, request)
        if name == "layers":
            self._view(request)
            return {}
        if name == "points":
            # the user's own points, written by the server: a fresh run on them
            self.data_path = request["path"]
            note = slot.build(request)
            return self.outputs(slot, dict(request, note=f"{request.get('what', '')}; {note}" if note else ""))
        if name == "step":
            return self._step(slot, request)
        if name == "remedy":
            return self._remedy(slot, request)
        if name == "export":
            return self._export(slot, request)
        raise ValueError(f"the 2-D tab has no command {name!r}")

    def _export(self, slot: Slot, request: dict) -> dict:
        """For a still, the view as shown now; for an animation, one for each recorded snapshot;
        side by side, both runs' views in one figure, the plain run on the left."""
        if self.run is None:
            return {"figures": []}
        runs = self._runs()
        width = int(request.get("width") or 1000)
        if request.get("what") == "timeline":
            figures = timeline_figures([(name, run.history.snapshots) for name, run in runs], width, self.layers)
        else:
            figures = [view_figure([(name, self._snapshot(slot, run)) for name, run in runs], width, self.layers)]
        names = "-vs-".join(name for name, _ in runs).replace(" + ", "+")
        return {"figures": figures, "stem": f"{self.run.config.dataset}-{names}-iteration{self.run.iteration}"}

    def _step(self, slot: Slot, request: dict) -> dict:
        refused = slot.before_step(request)
        if refused is not None:
            return self.outputs(slot, dict(request, note=refused))
        try:
            self.run.advance(1)
        except TrainingDiverged as err:
            slot.fail(err)
        return self.outputs(slot, dict(request, note="after one iteration"))

    def _remedy(self, slot: Slot, request: dict) -> dict:
        """A remedy switched: applied to the running model at once (to the right-hand run when
        side by side), D restarting in its new form while G carries on."""
        if self.run is None or slot.error:
            note = slot.build(request)
            return self.outputs(slot, dict(request, note=note))
        try:
            config = self.config_from_controls(request)
            note = ""
            if isinstance(self.run, TwinRun):
                _, config, note = side_by_side(config, PRESETS_2D.get(self.preset) or PRESETS_2D[DEFAULT_PRESET])
            target = self.run.right if isinstance(self.run, TwinRun) else self.run
            target.switch_remedies(target.config.replace(**{n: getattr(config, n) for n in REMEDY_NAMES}))
        except (ConfigError, ValueError) as err:
            return self.outputs(slot, dict(request, note=f"⚠️ not applied: {err}"))
        except TrainingDiverged as err:
            slot.fail(err)
            return self.outputs(slot, request)
        self.builds += 1  # the run's name, and so its figure's title, changed
        note = f"now: {remedied_name(target.config)} (D restarted, G kept)" + (f"; {note}" if note else "")
        return self.outputs(slot, dict(request, note=note))


LIVE_TAB = Toy2DTab
