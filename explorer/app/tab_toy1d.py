"""The 1-D tab: Goodfellow et al. (2014), Figure 1, trained and drawn live.

This module only wires components to the core: the run (`ToyRun`) trains, the plot functions
(`plots1d`) draw, and the handlers here pass numbers between them. Every handler catches bad
input and training failures and turns them into a message on the page; nothing it does can
stop the server or touch another session's run.
"""

from __future__ import annotations

import time

import gradio as gr

from ..core.errors import ConfigError, TrainingDiverged
from ..toy import plots1d
from ..toy.config import (
    ACTIVATIONS,
    DATASETS_1D,
    LOSSES,
    NOISE_DISTRIBUTIONS,
    NOISE_SAMPLING,
    OPTIMIZERS,
    ToyConfig,
)
from ..toy.panels import PANEL_TITLES
from ..toy.presets import PRESETS_1D, config_from_url, url_for_config
from ..toy.run import ToyRun
from .controls import network_size_controls
from .explanations import TOY1D_EXPLANATION
from .plotting import plot_value
from .session import LiveSession, one_torch_thread

# the page polls for a frame every FRAME_SECONDS (a gr.Timer: the browser asks for the next frame
# only once it has drawn the last, so frames never queue up behind a slow browser)
FRAME_SECONDS = 0.1
METRICS_EVERY_SECONDS = 2.0
VIEW_LIVE = "live"
PANEL_CHOICES = [VIEW_LIVE] + [PANEL_TITLES[k] for k in "abcd"]




def _preset_choices() -> list[tuple[str, str]]:
    return [(p.title, p.name) for p in PRESETS_1D.values()]


def build_controls(defaults: ToyConfig) -> dict[str, gr.components.Component]:
    """The hyperparameter controls, keyed by the ToyConfig field they set."""
    c: dict[str, gr.components.Component] = {}
    with gr.Accordion("data, noise and objective (applied on ↺ Reset)", open=True):
        c["dataset"] = gr.Dropdown(list(DATASETS_1D), value=defaults.dataset, label="data p_data",
                                   elem_id="toy1d-dataset")
        with gr.Row():
            c["noise"] = gr.Radio(list(NOISE_DISTRIBUTIONS), value=defaults.noise, label="noise p_z",
                                  elem_id="toy1d-noise")
            c["noise_dim"] = gr.Number(defaults.noise_dim, precision=0, label="noise dimension",
                                       elem_id="toy1d-noise-dim")
        c["loss"] = gr.Radio(list(LOSSES), value=defaults.loss, label="generator loss", elem_id="toy1d-loss")
        with gr.Row():
            c["k_d_steps"] = gr.Number(defaults.k_d_steps, precision=0, label="k: D steps per G step",
                                       elem_id="toy1d-k")
            c["batch_size"] = gr.Number(defaults.batch_size, precision=0, label="batch size", elem_id="toy1d-batch")
        with gr.Row():
            c["d_lr"] = gr.Number(defaults.d_lr, label="D learning rate", elem_id="toy1d-d-lr")
            c["g_lr"] = gr.Number(defaults.g_lr, label="G learning rate", elem_id="toy1d-g-lr")
        with gr.Row():
            c["seed"] = gr.Number(defaults.seed, precision=0, label="seed", elem_id="toy1d-seed")
            c["steps"] = gr.Number(defaults.steps, precision=0, label="iterations (Play stops there)",
                                   elem_id="toy1d-steps")
    with gr.Accordion("networks, optimisers, stabilisers", open=False):
        c.update(network_size_controls(defaults))
        with gr.Row():
            c["d_activation"] = gr.Dropdown(list(ACTIVATIONS), value=defaults.d_activation, label="D activation")
            c["g_activation"] = gr.Dropdown(list(ACTIVATIONS), value=defaults.g_activation, label="G activation")
        with gr.Row():
            c["d_optimizer"] = gr.Dropdown(list(OPTIMIZERS), value=defaults.d_optimizer, label="D optimiser")
            c["g_optimizer"] = gr.Dropdown(list(OPTIMIZERS), value=defaults.g_optimizer, label="G optimiser")
        with gr.Row():
            c["r1_gamma"] = gr.Number(defaults.r1_gamma, label="R1 penalty γ on D", elem_id="toy1d-r1")
            c["lr_final_fraction"] = gr.Number(defaults.lr_final_fraction, label="learning rates decay to ×",
                                               elem_id="toy1d-lr-decay")
        c["noise_sampling"] = gr.Radio(list(NOISE_SAMPLING), value=defaults.noise_sampling,
                                       label="batch noise sampling")
    return c


CONTROL_NAMES = (
    "dataset", "noise", "noise_dim", "loss", "k_d_steps", "d_lr", "g_lr", "d_optimizer", "g_optimizer",
    "d_layers", "d_width", "g_layers", "g_width", "d_activation", "g_activation", "batch_size", "seed", "steps",
    "noise_sampling", "r1_gamma", "lr_final_fraction",
)


def config_from_controls(preset_name: str | None, values) -> ToyConfig:
    """The preset's config with the controls' values on top; ConfigError with a clear message
    for anything out of range or not a number."""
    base = PRESETS_1D[preset_name].config if preset_name in PRESETS_1D else ToyConfig()
    changes = dict(zip(CONTROL_NAMES, values))
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raise ConfigError(f"{name} is empty: enter a value")
    return ToyConfig.from_dict(base.to_dict() | changes)  # from_dict takes 3.0 for an int field


def controls_from_config(config: ToyConfig) -> list:
    return [getattr(config, name) for name in CONTROL_NAMES]


# ---------------------------------------------------------------------- rendering
def _view_snapshot(session: LiveSession):
    run: ToyRun = session.run
    if session.view == "timeline" and 0 <= session.timeline_index < len(run.history):
        return run.history[session.timeline_index]
    if session.view in run.panels.panels:
        return run.panels.panels[session.view]
    if session.error:  # the networks hold NaNs now: show the last good snapshot
        return run.history.latest
    return run.current()


def _status(session: LiveSession, note: str = "") -> str:
    extra = ("showing a recorded snapshot: choose 'live' or press ▶ Play to return",) if (
        session.run is not None and session.view != VIEW_LIVE) else ()
    return session.status(note, extra)


def _timeline(session: LiveSession):
    n = len(session.run.history) if session.run else 1
    index = session.timeline_index if session.view == "timeline" else n - 1
    return gr.Slider(minimum=0, maximum=max(n - 1, 1), value=max(index, 0), step=1)


def _render_all(
    session: LiveSession, show_d_star: bool, show_half: bool, note: str = "",
    *, slow: bool = True, panels: bool = True, full: bool = True,
):
    """The tab's outputs from the session as it is. A live frame asks for less: `slow` (the
    timeline and the metrics curves), `panels` (the panel strip) and `full` (the losses plot,
    the timer and the shared link) may be skipped."""
    skip = gr.skip()
    timer = gr.Timer(active=session.playing) if full else skip
    if session.run is None:
        return (skip, skip, _status(session, note), skip, skip, skip, skip, timer, skip)
    snapshot = _view_snapshot(session)
    run = session.run
    if panels:
        session.panels_sent = len(run.panels.panels)
    return (
        plot_value(plots1d.figure_1d(snapshot, show_d_star, show_half)),
        plots1d.readout_markdown(snapshot),
        _status(session, note),
        _timeline(session) if slow else skip,
        plots1d.metrics_figure(run.history.traces) if slow else skip,
        plots1d.panels_figure(run.panels.ordered()) if panels else skip,
        # the losses plot's "now" marker moves on events, not at every frame
        plots1d.generator_losses_figure(snapshot.d_fake) if full else skip,
        timer,
        _share(session) if full else skip,
    )


def _share(session: LiveSession) -> str:
    link = url_for_config(session.preset, session.run.config)
    return f"Link to these settings: add `{link}` to the app's address."


def _new_run(session: LiveSession, preset_name, values) -> str:
    """Replace the session's run with a fresh one from the controls; returns a note.
    The caller holds session.lock, so the old run's thread is only told to stop: it sees the
    flag (or that its run was replaced) as soon as it next takes the lock."""
    session.stop.set()
    session.thread = None
    session.error = None
    session.view, session.timeline_index = VIEW_LIVE, -1
    try:
        config = config_from_controls(preset_name, values)
        session.run = ToyRun(config)
        session.preset = preset_name if preset_name in PRESETS_1D else "goodfellow-fig1"
    except ConfigError as err:
        session.run = None
        session.error = f"Invalid setting: {err}"
        return ""
    return "new run ready: press ▶ Play"


# ---------------------------------------------------------------------- handlers
def on_reset(session: LiveSession, preset_name, show_d_star, show_half, *values):
    with session.lock:
        note = _new_run(session, preset_name, values)
        return _render_all(session, show_d_star, show_half, note)


def on_preset(session: LiveSession, preset_name, show_d_star, show_half):
    """Choosing a preset sets every control to it and starts a fresh run."""
    config = PRESETS_1D[preset_name].config if preset_name in PRESETS_1D else ToyConfig()
    values = controls_from_config(config)
    with session.lock:
        note = _new_run(session, preset_name, values)
        outputs = _render_all(session, show_d_star, show_half, note)
    description = PRESETS_1D[preset_name].description if preset_name in PRESETS_1D else ""
    return (*outputs, description, *values)


def on_load(session: LiveSession, show_d_star, show_half, request: gr.Request):
    """A fresh page: the settings of a shared link (?preset=...&k_d_steps=...), or the default
    preset; a bad link gets a message and the defaults."""
    note = ""
    try:
        preset_name, config = config_from_url(str(request.query_params) if request else "")
    except ConfigError as err:
        preset_name, config = "goodfellow-fig1", PRESETS_1D["goodfellow-fig1"].config
        note = f"the link's settings were refused ({err}); using the defaults"
    values = controls_from_config(config)
    with session.lock:
        ready = _new_run(session, preset_name, values)
        outputs = _render_all(session, show_d_star, show_half, note or ready)
    return (*outputs, preset_name, PRESETS_1D[preset_name].description, *values)


def on_play(session: LiveSession, preset_name, show_d_star, show_half, *values):
    """Start training in the session's background thread; the timer then polls for frames."""
    with session.lock:
        note = ""
        if session.error or session.run is None:
            note = _new_run(session, preset_name, values)
            if session.run is None:
                return _render_all(session, show_d_star, show_half, note)
        session.view, session.timeline_index = VIEW_LIVE, -1
        run: ToyRun = session.run
    # within its budget a run stops at config.steps; once there, Play trains on without end
    session.start(until=run.config.steps if not run.finished else None, on_error=TrainingDiverged)
    session.last_metrics = 0.0
    return _render_all(session, show_d_star, show_half, "training…")


def on_tick(session: LiveSession, show_d_star, show_half):
    """One frame for the page: the figure always, the slower plots every few seconds."""
    session.last_poll = time.monotonic()
    with session.lock:  # the lock first: see tab_toy2d.on_tick
        if session.run is None or not session.playing:
            # finished, failed or paused since the last frame: a full final frame (and the timer off)
            finished = session.run is not None and session.run.finished
            return _render_all(session, show_d_star, show_half, "finished" if finished else "paused")
        now = time.monotonic()
        slow_due = now - session.last_metrics >= METRICS_EVERY_SECONDS
        if slow_due:
            session.last_metrics = now
        new_panels = len(session.run.panels.panels) != session.panels_sent
        try:
            return _render_all(session, show_d_star, show_half, "training…",
                               slow=slow_due, panels=new_panels, full=False)
        except TrainingDiverged as err:  # the networks went NaN between two training slices
            session.error = f"Training diverged. {err}"
            session.stop.set()
            return _render_all(session, show_d_star, show_half)


def on_pause(session: LiveSession, show_d_star, show_half):
    session.halt()
    with session.lock:
        return _render_all(session, show_d_star, show_half, "paused")


def _manual_step(kind: str):
    def handler(session: LiveSession, preset_name, show_d_star, show_half, *values):
        if session.playing:
            return _render_all(session, show_d_star, show_half, "pause before stepping")
        with session.lock:
            if session.run is None or session.error:
                _new_run(session, preset_name, values)
                if session.run is None:
                    return _render_all(session, show_d_star, show_half)
            session.view, session.timeline_index = VIEW_LIVE, -1
            try:
                if kind == "d":
                    session.run.step_discriminator()
                elif kind == "g":
                    session.run.step_generator()
                else:
                    session.run.step_both()
            except TrainingDiverged as err:
                session.error = f"Training diverged. {err}"
            return _render_all(session, show_d_star, show_half)

    return handler


def on_view(session: LiveSession, choice, show_d_star, show_half):
    """Show a captured panel (a)-(d), or the live state."""
    session.halt()
    letter = next((k for k, title in PANEL_TITLES.items() if title == choice), VIEW_LIVE)
    with session.lock:
        note = ""
        if session.run is not None and letter != VIEW_LIVE and letter not in session.run.panels.panels:
            note = f"panel {choice} has not been captured yet"
            letter = VIEW_LIVE
        session.view, session.timeline_index = letter, -1
        return _render_all(session, show_d_star, show_half, note)


def on_timeline(session: LiveSession, index, show_d_star, show_half):
    """Scrubbing the timeline pauses the run and shows the recorded snapshot."""
    session.halt()
    with session.lock:
        if session.run is not None:
            session.view, session.timeline_index = "timeline", int(index or 0)
        return _render_all(session, show_d_star, show_half)


def on_overlay(session: LiveSession, show_d_star, show_half):
    with session.lock:
        if session.run is None:
            return gr.skip()
        return plot_value(plots1d.figure_1d(_view_snapshot(session), show_d_star, show_half))


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks) -> None:
    """Build the 1-D tab's components and events (call inside a gr.Tab of `demo`)."""
    default_preset = "goodfellow-fig1"
    defaults = PRESETS_1D[default_preset].config
    session = gr.State(LiveSession())
    with gr.Row():
        with gr.Column(scale=3):
            figure = gr.Plot(label="Goodfellow et al. (2014), Figure 1, live", show_label=False, elem_id="toy1d-figure")
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="toy1d-play", min_width=80)
                pause = gr.Button("❚❚ Pause", elem_id="toy1d-pause", min_width=80)
                step_d = gr.Button("Step D", elem_id="toy1d-step-d", min_width=80)
                step_g = gr.Button("Step G", elem_id="toy1d-step-g", min_width=80)
                step_both = gr.Button("Step D+G", elem_id="toy1d-step", min_width=80)
                reset = gr.Button("↺ Reset", variant="stop", elem_id="toy1d-reset", min_width=80)
            status = gr.Markdown(_status(LiveSession()), elem_id="toy1d-status")
            timeline = gr.Slider(0, 1, value=0, step=1, label="timeline: drag to scrub back through the run",
                                 elem_id="toy1d-timeline")
            panels_plot = gr.Plot(label="the paper's panels (a)-(d), captured from this run", show_label=False,
                                  elem_id="toy1d-panels")
            view = gr.Radio(PANEL_CHOICES, value=VIEW_LIVE, label="show in the figure", elem_id="toy1d-view")
            metrics_plot = gr.Plot(label="JS divergence and V(D, G)", show_label=False, elem_id="toy1d-metrics")
        with gr.Column(scale=1, min_width=300):
            readout = gr.Markdown(elem_id="toy1d-readout")
            preset = gr.Dropdown(_preset_choices(), value=default_preset, label="preset", elem_id="toy1d-preset")
            preset_note = gr.Markdown(PRESETS_1D[default_preset].description)
            with gr.Row():
                show_d_star = gr.Checkbox(True, label="show D*(x)", elem_id="toy1d-show-dstar")
                show_half = gr.Checkbox(True, label="show D = 1/2", elem_id="toy1d-show-half")
            controls = build_controls(defaults)
            share = gr.Markdown(elem_id="toy1d-share")
    with gr.Row():
        with gr.Column(scale=1):
            losses_plot = gr.Plot(plots1d.generator_losses_figure(), label="the two generator losses",
                                  show_label=False, elem_id="toy1d-losses")
        with gr.Column(scale=1):
            gr.Markdown(TOY1D_EXPLANATION)

    control_list = [controls[name] for name in CONTROL_NAMES]
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [figure, readout, status, timeline, metrics_plot, panels_plot, losses_plot, timer, share]
    common = [session, preset, show_d_star, show_half]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    play.click(one_torch_thread(on_play), common + control_list, outputs, **quiet)
    timer.tick(one_torch_thread(on_tick), [session, show_d_star, show_half], outputs, **quiet)
    pause.click(one_torch_thread(on_pause), [session, show_d_star, show_half], outputs, **quiet)
    reset.click(one_torch_thread(on_reset), common + control_list, outputs, **quiet)
    for button, kind in ((step_d, "d"), (step_g, "g"), (step_both, "both")):
        button.click(one_torch_thread(_manual_step(kind)), common + control_list, outputs, **quiet)
    preset.input(one_torch_thread(on_preset), [session, preset, show_d_star, show_half],
                 outputs + [preset_note] + control_list, **quiet)
    view.input(one_torch_thread(on_view), [session, view, show_d_star, show_half], outputs, **quiet)
    timeline.release(one_torch_thread(on_timeline), [session, timeline, show_d_star, show_half], outputs, **quiet)
    for box in (show_d_star, show_half):
        box.input(one_torch_thread(on_overlay), [session, show_d_star, show_half], [figure], **quiet)
    demo.load(one_torch_thread(on_load), [session, show_d_star, show_half],
              outputs + [preset, preset_note] + control_list, **quiet)
