"""The 1-D tab's run in a worker: how to build it from the page's settings and how to draw its
frame (Goodfellow et al. 2014, Figure 1). No gradio here: the outputs are figures serialised to
JSON, Markdown and plain values, which the tab (`tab_toy1d`) hands to its components."""

from __future__ import annotations

from typing import Any

from ..core.errors import ConfigError, TrainingDiverged, shown
from ..toy import plots1d
from ..toy.config import ToyConfig
from ..toy.cost import TOY_LIMITS, toy_run_cost
from ..toy.panels import PANEL_TITLES
from ..toy.presets import PRESETS_1D, config_from_url
from ..toy.report import timeline_figures, view_figure
from ..toy.run import ToyRun
from .frames import Resend, figure_json, live_frame, page_has, view_key
from .worker import Slot

DEFAULT_PRESET = "goodfellow-fig1"
# the traces of Figure 1 that never move during a run (the page keeps them between frames)
STILL_TRACES_1D = ("p_data(x): real data density", "D = 1/2: equilibrium", "x line", "z line")
# the slower plots (timeline, JS and V curves) are sent this often while training
METRICS_EVERY_SECONDS = 3.0
VIEW_LIVE = "live"
# the controls of the tab, in order: the ToyConfig field each sets
CONTROL_NAMES = (
    "dataset", "noise", "noise_dim", "loss", "k_d_steps", "d_lr", "g_lr", "d_optimizer", "g_optimizer",
    "d_layers", "d_width", "g_layers", "g_width", "d_activation", "g_activation", "batch_size", "seed", "steps",
    "noise_sampling", "r1_gamma", "lr_final_fraction",
)


def config_from_controls(preset_name: str | None, values: list) -> ToyConfig:
    """The preset's config with the controls' values on top; ConfigError with a clear message
    for anything out of range or not a number."""
    base = PRESETS_1D[preset_name].config if preset_name in PRESETS_1D else ToyConfig()
    changes = dict(zip(CONTROL_NAMES, values))
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raise ConfigError(f"{name} is empty: enter a value")
    return one_dimensional(ToyConfig.from_dict(base.to_dict() | changes))  # from_dict takes 3.0 for an int field


def one_dimensional(config: ToyConfig) -> ToyConfig:
    """`config`, if its data is 1-D (this tab draws nothing else); else ConfigError."""
    if config.data_dim != 1:
        raise ConfigError(f"the 1-D tab trains on 1-D data; dataset {shown(config.dataset)} is 2-D: "
                          "open it on the 2-D tab")
    return config


def controls_from_config(config: ToyConfig) -> list:
    """The controls' values for a config, in CONTROL_NAMES order."""
    return [getattr(config, name) for name in CONTROL_NAMES]


def apply_budget(run: ToyRun | None, config: ToyConfig, *others: ToyRun) -> str:
    """Give `run` (and `others`, a twin's runs) the budget of `config` (its `steps`, which also
    sets the learning rates' decay); a note when other settings differ from the run's."""
    if run is None:
        return ""
    differ = [f.name for f in config.__dataclass_fields__.values()
              if f.name != "steps" and getattr(config, f.name) != getattr(run.config, f.name)]
    for each in (run, *others):
        if config.steps != each.config.steps:
            each.config = each.config.replace(steps=config.steps)
            each.trainer.config = each.trainer.config.replace(steps=config.steps)
    return "changed settings apply on ↺ Reset" if differ else ""


class Toy1DTab:
    """The LiveTab of the 1-D tab (see worker.LiveTab)."""

    training_threads = 1  # toy networks are overhead-bound: one thread is fastest

    def __init__(self, settings: dict | None = None) -> None:
        """A tab with no run yet; `settings['run_cost_scale']` (the server's, see worker.Worker)
        scales the limits on a run's cost (toy.cost.TOY_LIMITS)."""
        self.limits = TOY_LIMITS.scaled((settings or {}).get("run_cost_scale", 1.0))
        self.run: ToyRun | None = None
        self.preset = DEFAULT_PRESET
        self.view = VIEW_LIVE  # "live", a panel letter, or "timeline"
        self.timeline_index = -1
        self.panels_resend = Resend()
        self.metrics_resend = Resend(METRICS_EVERY_SECONDS)
        self.overlays = (True, True)  # show D*, show D = 1/2
        self.builds = 0  # runs built so far: part of the live figure's version

    def diverged_errors(self) -> tuple[type[Exception], ...]:
        """A toy run diverges with TrainingDiverged."""
        return (TrainingDiverged,)

    def build(self, request: dict) -> str:
        """A fresh run from the preset and the controls' values."""
        self.view, self.timeline_index = VIEW_LIVE, -1
        preset = request.get("preset")
        self.run = None
        config = config_from_controls(preset, request.get("values") or [])
        self.limits.check(toy_run_cost(config))
        self.run = ToyRun(config)
        self.builds += 1
        self.preset = preset if preset in PRESETS_1D else DEFAULT_PRESET
        return "new run ready: press ▶ Play"

    def apply(self, request: dict) -> str:
        """Play's settings: a new number of iterations applies now; other changes on Reset."""
        config = config_from_controls(request.get("preset"), request.get("values") or [])
        return apply_budget(self.run, config)

    # ------------------------------------------------------------------ drawing
    def _snapshot(self, slot: Slot, measure: bool = True):
        """The snapshot in view; `measure` False: while training, the one measured last (the
        status line's readout need not measure the run again between two live frames)."""
        run = self.run
        if self.view == "timeline" and 0 <= self.timeline_index < len(run.history):
            return run.history[self.timeline_index]
        if self.view in run.panels.panels:
            return run.panels.panels[self.view]
        if slot.error:  # the networks hold NaNs now: show the last good snapshot
            return run.history.latest
        if not measure and slot.training:
            return run.latest
        try:
            return run.current()
        except TrainingDiverged as err:  # went NaN between two slices
            slot.fail(err)
            return run.history.latest

    def outputs(self, slot: Slot, request: dict) -> dict:
        """A frame: the figure and the status always; the slower plots when due (`full`
        asks for everything, as after a command)."""
        run = self.run
        if run is None:
            return {"playing": slot.playing, "status": slot.status(request.get("note", ""))}
        note, full = slot.frame_note(request)
        snapshot = self._snapshot(slot, measure=full)  # before the status: a run found diverged stops
        out: dict[str, Any] = {"playing": slot.playing}
        extra = ("showing a recorded snapshot: choose 'live' or press ▶ Play to return",) if (
            self.view != VIEW_LIVE) else ()
        out["status"] = slot.status(note, extra)
        if "show_d_star" in request:
            self.overlays = (request["show_d_star"], request.get("show_half", True))
        out["readout"] = plots1d.readout_markdown(snapshot)
        if self.metrics_resend.due((self.builds, len(run.history), run.history.latest.iteration), full):
            n = len(run.history)
            index = self.timeline_index if self.view == "timeline" else n - 1
            # the slider counts iterations (a drag snaps to the nearest recorded snapshot)
            out["timeline"] = {"maximum": max(run.history.latest.iteration, 1),
                               "value": run.history[max(index, 0)].iteration}
            out["metrics"] = figure_json(plots1d.metrics_figure(run.history.traces), slot.projector)
        if self.panels_resend.due((self.builds, len(run.panels.panels)), full):
            out["panels"] = figure_json(plots1d.panels_figure(run.panels.ordered()), slot.projector)
        if full:
            # the losses plot's "now" marker moves on events, not at every frame
            out["losses"] = figure_json(plots1d.generator_losses_figure(snapshot.d_fake), slot.projector)
        return out

    # ------------------------------------------------------------------ the tab's own commands
    def command(self, slot: Slot, name: str, request: dict) -> dict:
        """load, preset, step_d, step_g, step, view, timeline, overlay (see each branch)."""
        if name == "load":
            # a fresh page: the settings of a shared link (?preset=...&k=...), or the default
            note = ""
            try:
                preset, config = config_from_url(request.get("query", ""), PRESETS_1D)
                one_dimensional(config)
            except ConfigError as err:
                preset, config = DEFAULT_PRESET, PRESETS_1D[DEFAULT_PRESET].config
                note = f"the link's settings were refused ({err}); using the defaults"
            return self._with_settings(slot, preset, config, request, note)
        if name == "preset":
            preset = request.get("preset")
            config = PRESETS_1D[preset].config if preset in PRESETS_1D else ToyConfig()
            return self._with_settings(slot, preset, config, request, "")
        if name in ("step_d", "step_g", "step"):
            return self._step(slot, name, request)
        if name == "view":
            slot.pause()
            letter = next((k for k, title in PANEL_TITLES.items() if title == request.get("choice")), VIEW_LIVE)
            note = ""
            if self.run is not None and letter != VIEW_LIVE and letter not in self.run.panels.panels:
                note, letter = f"panel {request.get('choice')} has not been captured yet", VIEW_LIVE
            self.view, self.timeline_index = letter, -1
            return self.outputs(slot, dict(request, note=note))
        if name == "timeline":
            slot.pause()
            if self.run is not None:
                wanted = float(request.get("iteration") or 0)
                self.view, self.timeline_index = "timeline", min(
                    range(len(self.run.history)), key=lambda i: abs(self.run.history[i].iteration - wanted))
            return self.outputs(slot, request)
        if name == "overlay":
            self.overlays = (request.get("show_d_star", True), request.get("show_half", True))
            return {}
        if name == "live":
            return self._live(slot, request)
        if name == "export":
            return self._export(slot, request)
        raise ValueError(f"the 1-D tab has no command {name!r}")

    def _export(self, slot: Slot, request: dict) -> dict:
        """For a still, Figure 1 as shown now; for an animation, one for each recorded snapshot."""
        run = self.run
        if run is None:
            return {"figures": []}
        if request.get("what") == "timeline":
            figures = timeline_figures([("", run.history.snapshots)], overlays=self.overlays)
        else:
            figures = [view_figure([("", self._snapshot(slot))], overlays=self.overlays)]
        return {"figures": figures, "stem": f"figure1-{self.preset}-iteration{run.iteration}"}

    def _live(self, slot: Slot, request: dict) -> dict:
        """The live figure's frame: Figure 1 of the snapshot in view."""
        run = self.run
        if run is None:
            return {"playing": False}
        trainer = run.trainer
        # the layout changes with the run (its data's range) and the overlays; the moving
        # traces with every update and with the snapshot in view
        layout_key = f"{self.builds}:{int(self.overlays[0])}{int(self.overlays[1])}:{view_key(slot.playing, request, slot.projector)}"
        moving = f"{trainer.iteration}:{trainer.d_updates}:{self.view}:{self.timeline_index}:{int(bool(slot.error))}"
        page_version = request.get("version")
        if page_has(page_version, layout_key, moving):
            return {"playing": slot.playing}
        snapshot = self._snapshot(slot)
        figure = plots1d.figure_1d(snapshot, *self.overlays)
        keys = ["still" if trace["name"] in STILL_TRACES_1D else moving for trace in figure["data"]]
        return live_frame(figure, layout_key, keys, page_version, slot.playing, f"iteration {snapshot.iteration}",
                          moving=[i for i, key in enumerate(keys) if key == moving], projector=slot.projector)

    def _with_settings(self, slot: Slot, preset: str, config: ToyConfig, request: dict, note: str) -> dict:
        values = controls_from_config(config)
        ready = slot.build({"preset": preset, "values": values})
        out = self.outputs(slot, dict(request, note=note or ready))
        description = PRESETS_1D[preset].description if preset in PRESETS_1D else ""
        return dict(out, preset=preset, description=description, values=values)

    def _step(self, slot: Slot, name: str, request: dict) -> dict:
        refused = slot.before_step(request)
        if refused is not None:
            return self.outputs(slot, dict(request, note=refused))
        self.view, self.timeline_index = VIEW_LIVE, -1
        try:
            {"step_d": self.run.step_discriminator, "step_g": self.run.step_generator,
             "step": self.run.step_both}[name]()
        except TrainingDiverged as err:
            slot.fail(err)
        return self.outputs(slot, request)


LIVE_TAB = Toy1DTab
