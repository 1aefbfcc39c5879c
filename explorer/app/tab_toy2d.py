"""The 2-D tab: mode collapse on toy data, measured, and the remedies that make it vanish.

This module only wires components to the core: `ToyRun` / `TwinRun` train, `plots2d` draws,
and the handlers pass numbers between them. As in the 1-D tab, training runs in the session's
own thread and the page polls for frames with a gr.Timer; every handler turns bad input and
training failures into a message on the page.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

import gradio as gr

from ..core.errors import ConfigError, TrainingDiverged
from ..toy import plots2d
from ..toy.config import ToyConfig
from ..toy.data2d import (
    DataError,
    custom_dataset,
    parse_points_csv,
    points_from_drawing,
    points_to_csv,
)
from ..toy.presets import PRESETS_2D
from ..toy.remedies import without_remedies
from ..toy.run import ToyRun, TwinRun
from .controls import toy2d_remedies, toy2d_settings
from .explanations import TOY2D_EXPLANATION
from .plotting import plot_value
from .session import LiveSession, one_torch_thread

FRAME_SECONDS = 0.1
SLOW_EVERY_SECONDS = 2.0
DEFAULT_PRESET = "ring-collapse"
DEFAULT_LAYERS = ("heatmap", "real", "fake", "arrows", "modes")
# settings applied on Reset
SETTING_NAMES = (
    "dataset", "k_d_steps", "batch_size", "d_lr", "g_lr", "seed", "steps", "noise_dim",
    "g_layers", "g_width", "d_layers", "d_width", "lr_final_fraction", "r1_gamma",
)
# remedies, applied at once to the running model (D restarts, G carries on)
REMEDY_NAMES = ("minibatch_discrimination", "minibatch_stddev", "pack", "unroll_steps", "loss")
# the user's own points are written here, one file per upload or drawing
USER_DATA_DIR = Path(tempfile.gettempdir()) / "gan-explorer-user-data"



def _preset_choices() -> list[tuple[str, str]]:
    return [(p.title, p.name) for p in PRESETS_2D.values()]


class Session2D(LiveSession):
    """The 2-D tab's per-session state: the live session plus the user's own points."""

    def __init__(self) -> None:
        super().__init__()
        self.data_path = ""  # CSV of the points the user uploaded or drew

    def __deepcopy__(self, memo) -> "Session2D":
        return Session2D()


def config_from_controls(session: Session2D, preset_name, settings, remedies) -> ToyConfig:
    base = PRESETS_2D[preset_name].config if preset_name in PRESETS_2D else PRESETS_2D[DEFAULT_PRESET].config
    changes = dict(zip(SETTING_NAMES, settings)) | dict(zip(REMEDY_NAMES, remedies))
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raise ConfigError(f"{name} is empty: enter a value")
    if changes["dataset"] == "custom":
        if not session.data_path:
            raise ConfigError("dataset 'custom' needs your points: upload a CSV or draw them below")
        changes["data_path"] = session.data_path
    return ToyConfig.from_dict(base.to_dict() | changes)


def _base_loss(preset_name) -> str:
    preset = PRESETS_2D.get(preset_name) or PRESETS_2D[DEFAULT_PRESET]
    return preset.config.loss


def _runs(session: Session2D) -> list[tuple[str, ToyRun]]:
    run = session.run
    if isinstance(run, TwinRun):
        return [("plain", run.left), (_remedied_name(run.right.config), run.right)]
    return [(_remedied_name(run.config), run)]


def _remedied_name(config: ToyConfig) -> str:
    parts = list(config.remedies())
    if config.loss != "non-saturating":
        parts.append(config.loss)
    return " + ".join(parts) if parts else "plain"


def _status(session: Session2D, note: str = "") -> str:
    return session.status(note)


def _render(session: Session2D, layers, note: str = "", *, slow: bool = True, full: bool = True):
    """Outputs: main figure, twin figure, main readout, twin readout, status, occupancy bars,
    occupancy timeline, metrics, timer. A live frame skips the slow plots unless due."""
    skip = gr.skip()
    timer = gr.Timer(active=session.playing) if full else skip
    if session.run is None:
        return (skip, skip, skip, skip, _status(session, note), skip, skip, skip, timer)
    runs = _runs(session)
    snapshots = []
    for _, run in runs:
        # after a failure the networks hold NaNs: show the last good snapshot
        snapshots.append(run.history.latest if session.error else run.current())
    layers = layers or []
    named = [(name, snap) for (name, _), snap in zip(runs, snapshots)]
    main_name, main_snap = named[-1]
    twin = len(named) == 2
    return (
        plot_value(plots2d.figure_2d(main_snap, layers, title=main_name)),
        plot_value(plots2d.figure_2d(named[0][1], layers, title="plain")) if twin else skip,
        plots2d.readout_2d(main_snap, main_name),
        plots2d.readout_2d(named[0][1], "plain") if twin else "",
        _status(session, note),
        plot_value(plots2d.occupancy_figure(named)),
        plot_value(plots2d.occupancy_timeline_figure([(n, r.history.snapshots) for n, r in runs])) if slow else skip,
        plot_value(plots2d.metrics_2d_figure([(n, r.history.traces) for n, r in runs])) if slow else skip,
        timer,
    )


def _new_run(session: Session2D, preset_name, twin: bool, settings, remedies) -> str:
    """Replace the session's run (the caller holds session.lock); returns a note."""
    session.stop.set()
    session.thread = None
    session.error = None
    try:
        config = config_from_controls(session, preset_name, settings, remedies)
        if twin:
            session.run = TwinRun(without_remedies(config, _base_loss(preset_name)), config)
        else:
            session.run = ToyRun(config)
        session.preset = preset_name
    except (ConfigError, DataError) as err:
        session.run = None
        session.error = f"Invalid setting: {err}"
        return ""
    return "new run ready: press ▶ Play"


def _split(values) -> tuple[list, list]:
    values = list(values)
    return values[: len(SETTING_NAMES)], values[len(SETTING_NAMES):]


# ---------------------------------------------------------------------- handlers
def on_reset(session: Session2D, preset_name, twin, layers, *values):
    settings, remedies = _split(values)
    with session.lock:
        note = _new_run(session, preset_name, twin, settings, remedies)
        return _render(session, layers, note)


def on_twin(session: Session2D, preset_name, twin, layers, *values):
    """Switching side by side on or off starts a fresh run (or pair of runs)."""
    outputs = on_reset(session, preset_name, twin, layers, *values)
    return (*outputs, gr.Column(visible=bool(twin)))


def on_preset(session: Session2D, preset_name, twin, layers):
    preset = PRESETS_2D.get(preset_name) or PRESETS_2D[DEFAULT_PRESET]
    settings = [getattr(preset.config, name) for name in SETTING_NAMES]
    remedies = [getattr(preset.config, name) for name in REMEDY_NAMES]
    with session.lock:
        note = _new_run(session, preset.name, twin, settings, remedies)
        outputs = _render(session, layers, note)
    return (*outputs, preset.description, *settings, *remedies)


def on_play(session: Session2D, preset_name, twin, layers, *values):
    settings, remedies = _split(values)
    with session.lock:
        if session.error or session.run is None:
            note = _new_run(session, preset_name, twin, settings, remedies)
            if session.run is None:
                return _render(session, layers, note)
        run = session.run
    session.start(until=run.config.steps if not run.finished else None, on_error=TrainingDiverged)
    session.last_metrics = 0.0
    return _render(session, layers, "training…")


def on_tick(session: Session2D, layers):
    session.last_poll = time.monotonic()
    # the lock first, then the question: a thread told to stop may still be in its last
    # iteration, and a frame that waited for the lock meanwhile must show where training stopped
    with session.lock:
        if session.run is None or not session.playing:
            # finished, failed or paused since the last frame: a full final frame, the timer off
            finished = session.run is not None and session.run.finished
            return _render(session, layers, "finished" if finished else "paused")
        now = time.monotonic()
        slow = now - session.last_metrics >= SLOW_EVERY_SECONDS
        if slow:
            session.last_metrics = now
        try:
            return _render(session, layers, "training…", slow=slow, full=False)
        except TrainingDiverged as err:
            session.error = f"Training diverged. {err}"
            session.stop.set()
            return _render(session, layers)


def on_pause(session: Session2D, layers):
    """Training stops at once and the page is told so with a light reply (the status only); the
    timer polls once more for the full final frame, so the last frame the page draws is the
    final one even when a frame was already on its way when Pause was pressed."""
    session.halt(wait=False)
    skip = gr.skip()
    # no lock: a frame being drawn meanwhile must not delay the answer; the status only reads
    return (skip, skip, skip, skip, _status(session, "pausing…"), skip, skip, skip,
            gr.Timer(active=session.run is not None))


def on_step(session: Session2D, preset_name, twin, layers, *values):
    if session.playing:
        return _render(session, layers, "pause before stepping")
    settings, remedies = _split(values)
    with session.lock:
        if session.run is None or session.error:
            _new_run(session, preset_name, twin, settings, remedies)
            if session.run is None:
                return _render(session, layers)
        try:
            session.run.advance(1)
        except TrainingDiverged as err:
            session.error = f"Training diverged. {err}"
        return _render(session, layers, "after one iteration")


def on_remedy(session: Session2D, preset_name, twin, layers, *values):
    """A remedy switched: applied to the running model at once (to the right-hand run when side
    by side), D restarting in its new form while G carries on."""
    settings, remedies = _split(values)
    with session.lock:
        if session.run is None or session.error:
            note = _new_run(session, preset_name, twin, settings, remedies)
            return _render(session, layers, note)
        try:
            config = config_from_controls(session, preset_name, settings, remedies)
            target = session.run.right if isinstance(session.run, TwinRun) else session.run
            target.switch_remedies(target.config.replace(**{n: getattr(config, n) for n in REMEDY_NAMES}))
        except (ConfigError, ValueError) as err:
            return _render(session, layers, f"⚠️ not applied: {err}")
        except TrainingDiverged as err:
            session.error = f"Training diverged. {err}"
            return _render(session, layers)
        return _render(session, layers, f"now: {_remedied_name(target.config)} (D restarted, G kept)")


def on_layers(session: Session2D, layers):
    with session.lock:
        outputs = _render(session, layers, slow=False, full=False)
    return outputs[:2]


def _use_points(session: Session2D, points, preset_name, twin, layers, values, what: str):
    """Store the user's points for this session and start a run on them."""
    USER_DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = USER_DATA_DIR / f"{uuid.uuid4().hex}.csv"
    path.write_text(points_to_csv(points))
    session.data_path = str(path)
    settings, remedies = _split(values)
    settings[SETTING_NAMES.index("dataset")] = "custom"
    with session.lock:
        note = _new_run(session, preset_name, twin, settings, remedies)
        outputs = _render(session, layers, f"{len(points):,} points {what}; " + note)
    return (*outputs, "custom", f"✓ {len(points):,} points {what}.")


def on_upload(session: Session2D, file, preset_name, twin, layers, *values):
    skip = gr.skip()
    if file is None:
        return (*[skip] * 9, skip, skip)
    try:
        path = Path(file if isinstance(file, str) else file.name)
        with path.open("rb") as handle:
            raw = handle.read(6_000_000)
        points = parse_points_csv(raw)
        custom_dataset(points)
    except (DataError, OSError) as err:
        return (*[skip] * 9, skip, f"⚠️ **The file was refused:** {err}")
    return _use_points(session, points, preset_name, twin, layers, values, "uploaded")


def on_drawing(session: Session2D, drawing, preset_name, twin, layers, *values):
    skip = gr.skip()
    image = drawing.get("composite") if isinstance(drawing, dict) else drawing
    try:
        points = points_from_drawing(image)
    except DataError as err:
        return (*[skip] * 9, skip, f"⚠️ {err}")
    return _use_points(session, points, preset_name, twin, layers, values, "drawn")


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks) -> None:
    """Build the 2-D tab's components and events (call inside a gr.Tab of `demo`)."""
    defaults = PRESETS_2D[DEFAULT_PRESET].config
    session = gr.State(Session2D())
    with gr.Row():
        with gr.Column(scale=3):
            with gr.Row():
                with gr.Column(visible=False, min_width=300) as twin_column:
                    twin_figure = gr.Plot(show_label=False, elem_id="toy2d-figure-plain")
                    twin_readout = gr.Markdown(elem_id="toy2d-readout-plain")
                with gr.Column(min_width=300):
                    figure = gr.Plot(show_label=False, elem_id="toy2d-figure")
                    readout = gr.Markdown(elem_id="toy2d-readout")
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="toy2d-play", min_width=80)
                pause = gr.Button("❚❚ Pause", elem_id="toy2d-pause", min_width=80)
                step = gr.Button("Step", elem_id="toy2d-step", min_width=80)
                reset = gr.Button("↺ Reset", variant="stop", elem_id="toy2d-reset", min_width=80)
            status = gr.Markdown(_status(Session2D()), elem_id="toy2d-status")
            layers = gr.CheckboxGroup([(plots2d.LAYER_TITLES[k], k) for k in plots2d.LAYERS],
                                      value=list(DEFAULT_LAYERS), label="layers", elem_id="toy2d-layers")
            with gr.Row():
                occupancy = gr.Plot(show_label=False, elem_id="toy2d-occupancy")
                metrics_plot = gr.Plot(show_label=False, elem_id="toy2d-metrics")
            occupancy_timeline = gr.Plot(show_label=False, elem_id="toy2d-occupancy-timeline")
        with gr.Column(scale=1, min_width=300):
            preset = gr.Dropdown(_preset_choices(), value=DEFAULT_PRESET, label="preset", elem_id="toy2d-preset")
            preset_note = gr.Markdown(PRESETS_2D[DEFAULT_PRESET].description)
            twin = gr.Checkbox(False, label="side by side: plain GAN (left) vs. your remedies (right); restarts",
                               elem_id="toy2d-twin")
            with gr.Group():
                gr.Markdown("**Remedies for mode collapse** (applied at once)")
                remedies = toy2d_remedies(defaults)
            with gr.Accordion("data, networks and optimisation (applied on ↺ Reset)", open=False):
                settings = toy2d_settings(defaults)
            with gr.Accordion("your own data: upload a CSV or draw", open=False):
                upload = gr.File(label="CSV of x,y rows (at most 100,000 rows, 5 MB)", file_types=[".csv", ".txt"],
                                 type="filepath", elem_id="toy2d-upload")
                sketch = gr.Sketchpad(label="draw the data: pick the brush, draw (the canvas spans [-2, 2]²)",
                                      type="numpy",
                                      canvas_size=(400, 400), elem_id="toy2d-sketch", layers=False)
                use_drawing = gr.Button("train on my drawing", elem_id="toy2d-use-drawing")
                data_note = gr.Markdown(elem_id="toy2d-data-note")
    gr.Markdown(TOY2D_EXPLANATION)

    setting_list = [settings[name] for name in SETTING_NAMES]
    remedy_list = [remedies[name] for name in REMEDY_NAMES]
    values = setting_list + remedy_list
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [figure, twin_figure, readout, twin_readout, status, occupancy, occupancy_timeline, metrics_plot, timer]
    common = [session, preset, twin, layers]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    play.click(one_torch_thread(on_play), common + values, outputs, **quiet)
    timer.tick(one_torch_thread(on_tick), [session, layers], outputs, **quiet)
    pause.click(one_torch_thread(on_pause), [session, layers], outputs, **quiet)
    step.click(one_torch_thread(on_step), common + values, outputs, **quiet)
    reset.click(one_torch_thread(on_reset), common + values, outputs, **quiet)
    twin.input(one_torch_thread(on_twin), common + values, outputs + [twin_column], **quiet)
    preset.input(one_torch_thread(on_preset), [session, preset, twin, layers],
                 outputs + [preset_note] + values, **quiet)
    for control in remedy_list:
        control.input(one_torch_thread(on_remedy), common + values, outputs, **quiet)
    layers.input(one_torch_thread(on_layers), [session, layers], [figure, twin_figure], **quiet)
    data_outputs = outputs + [settings["dataset"], data_note]
    upload.upload(one_torch_thread(on_upload), [session, upload, preset, twin, layers] + values, data_outputs, **quiet)
    use_drawing.click(one_torch_thread(on_drawing), [session, sketch, preset, twin, layers] + values, data_outputs,
                      **quiet)
    demo.load(one_torch_thread(on_reset), common + values, outputs, **quiet)
