"""The 1-D tab: Goodfellow et al. (2014), Figure 1, trained and drawn live.

This module only lays out the components and wires them to the live engine: the run trains in
a worker process (`engine`, `worker`), whose `live_toy1d.Toy1DTab` builds it and draws its frames;
a handler here sends the page's command and hands the worker's outputs to the components. Every
handler turns bad input, a diverged run and a lost worker into a message on the page; nothing it
does can stop the server or touch another session's run.
"""

from __future__ import annotations

import gradio as gr

from ..core.errors import ConfigError
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
from ..toy.presets import PRESETS_1D, url_for_config
from .controls import network_size_controls, whole_number
from .engine import LiveEngine, WorkerPool, outputs_or_message
from .explanations import TOY1D_EXPLANATION
from .export_panel import build_export_panel
from .links import full_link, link_tab, settings_query, unknown_tab
from .live_figure import after_pause, figure_server, live_figure, pause_first
from .live_scripts import PANEL_CLICKS
from .live_toy1d import CONTROL_NAMES, DEFAULT_PRESET, VIEW_LIVE, config_from_controls
from .plotting import plot_of, timer_of

# the page asks for a frame every FRAME_SECONDS (a gr.Timer: the browser asks for the next frame
# only once it has drawn the last, so frames never queue up behind a slow browser)
FRAME_SECONDS = 1.0
PANEL_CHOICES = [VIEW_LIVE] + [PANEL_TITLES[k] for k in "abcd"]


def _preset_choices() -> list[tuple[str, str]]:
    return [(p.title, p.name) for p in PRESETS_1D.values()]


def build_controls(defaults: ToyConfig) -> dict[str, gr.components.Component]:
    """The hyperparameter controls, keyed by the ToyConfig field they set."""
    c: dict[str, gr.components.Component] = {}
    with gr.Accordion("data, noise and objective (applied on ↺ Reset)", open=True, elem_classes=["lecture-hide"]):
        c["dataset"] = gr.Dropdown(list(DATASETS_1D), value=defaults.dataset, label="data p_data",
                                   elem_id="toy1d-dataset")
        with gr.Row():
            c["noise"] = gr.Radio(list(NOISE_DISTRIBUTIONS), value=defaults.noise, label="noise p_z",
                                  elem_id="toy1d-noise")
            c["noise_dim"] = whole_number(defaults.noise_dim, label="noise dimension",
                                       elem_id="toy1d-noise-dim")
        c["loss"] = gr.Radio(list(LOSSES), value=defaults.loss, label="generator loss", elem_id="toy1d-loss")
        with gr.Row():
            c["k_d_steps"] = whole_number(defaults.k_d_steps, label="k: D steps per G step",
                                       elem_id="toy1d-k")
            c["batch_size"] = whole_number(defaults.batch_size, label="batch size", elem_id="toy1d-batch")
        with gr.Row():
            c["d_lr"] = gr.Number(defaults.d_lr, label="D learning rate", elem_id="toy1d-d-lr")
            c["g_lr"] = gr.Number(defaults.g_lr, label="G learning rate", elem_id="toy1d-g-lr")
        with gr.Row():
            c["seed"] = whole_number(defaults.seed, label="seed", elem_id="toy1d-seed")
            c["steps"] = whole_number(defaults.steps, label="iterations (Play stops there)",
                                   elem_id="toy1d-steps")
    with gr.Accordion("networks, optimisers, stabilisers", open=False, elem_classes=["lecture-hide"]):
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


# ---------------------------------------------------------------------- handlers
def _render(out: dict) -> tuple:
    """The worker's outputs as the tab's outputs (what a frame left out stays as it is); the
    figure draws itself (live_figure)."""
    skip = gr.skip()
    timeline = out.get("timeline")
    return (
        out.get("readout", skip),
        out.get("status", skip),
        gr.Slider(minimum=0, maximum=timeline["maximum"], value=timeline["value"], step=1) if timeline else skip,
        plot_of(out, "metrics"),
        plot_of(out, "panels"),
        plot_of(out, "losses"),
        timer_of(out, FRAME_SECONDS),
    )


def _settings(preset_name, show_d_star, show_half, values=()) -> dict:
    return {"preset": preset_name, "show_d_star": show_d_star, "show_half": show_half, "values": list(values)}


def on_reset(engine: LiveEngine, preset_name, show_d_star, show_half, *values):
    return _render(outputs_or_message(engine, "reset", _settings(preset_name, show_d_star, show_half, values)))


def on_play(engine: LiveEngine, preset_name, show_d_star, show_half, *values):
    """Start training in the run's worker (applying a new budget); the timer then polls."""
    return _render(outputs_or_message(engine, "play", _settings(preset_name, show_d_star, show_half, values)))


def on_tick(engine: LiveEngine, show_d_star, show_half):
    """The status, the readout and, every few seconds, the slower plots (the figure draws itself)."""
    request = {"show_d_star": show_d_star, "show_half": show_half, "full": False}
    return _render(outputs_or_message(engine, "frame", request))


def on_pause(engine: LiveEngine, show_d_star, show_half):
    return _render(outputs_or_message(engine, "pause", {"show_d_star": show_d_star, "show_half": show_half}))


def _with_settings(out: dict) -> tuple:
    """The outputs plus the preset, its words and every control's value (after a preset or a link)."""
    skip = gr.skip()
    values = out.get("values") or [skip] * len(CONTROL_NAMES)
    return (*_render(out), out.get("preset", skip), out.get("description", skip), *values)


def on_preset(engine: LiveEngine, preset_name, show_d_star, show_half):
    """Choosing a preset sets every control to it and starts a fresh run."""
    out = outputs_or_message(engine, "preset", _settings(preset_name, show_d_star, show_half))
    values = out.get("values") or [gr.skip()] * len(CONTROL_NAMES)
    return (*_render(out), out.get("description", gr.skip()), *values)


def on_load(engine: LiveEngine, show_d_star, show_half, request: gr.Request):
    """A fresh page: the settings of a shared link (?preset=...&k_d_steps=...), or the default
    preset; a bad link gets a message and the defaults. The page's live figure finds its
    engine by the page's session from now on."""
    query = str(request.query_params) if request else ""
    refused = unknown_tab(query)
    # a link for another tab leaves this one at its defaults, undisturbed
    mine = settings_query(query) if link_tab(query) == "toy1d" else ""
    token = engine.pool.register(engine, getattr(request, "session_hash", None))
    out = outputs_or_message(engine, "load", {"query": mine, "show_d_star": show_d_star, "show_half": show_half})
    if refused:
        out["status"] = refused + "  \n" + out.get("status", "")
    return (*_with_settings(out), token)


def on_link(request: gr.Request, preset_name, *values):
    """The whole address of the tab with the preset and every control changed from it, kept
    current as the controls change (a value not valid: words saying so instead; the request
    comes first: Gradio passes it only to parameters before *values)."""
    try:
        config = config_from_controls(preset_name, list(values))
    except (ConfigError, ValueError) as err:
        return gr.update(value=f"(no link: {err})")
    return gr.update(value=full_link(request, "toy1d", url_for_config(preset_name, config)))


def _manual_step(kind: str):
    def handler(engine: LiveEngine, preset_name, show_d_star, show_half, *values):
        return _render(outputs_or_message(engine, kind, _settings(preset_name, show_d_star, show_half, values)))

    return handler


def on_view(engine: LiveEngine, choice, show_d_star, show_half):
    """Show a captured panel (a)-(d), or the live state."""
    return _render(outputs_or_message(engine, "view", {"choice": choice, "show_d_star": show_d_star,
                                                       "show_half": show_half}))


def on_timeline(engine: LiveEngine, iteration, show_d_star, show_half):
    """Scrubbing the timeline pauses the run and shows the snapshot recorded nearest `iteration`."""
    return _render(outputs_or_message(engine, "timeline", {"iteration": iteration, "show_d_star": show_d_star,
                                                           "show_half": show_half}))


def on_overlay(engine: LiveEngine, show_d_star, show_half) -> None:
    """D* and D = 1/2 shown or not: the live figure redraws with the next frame."""
    outputs_or_message(engine, "overlay", {"show_d_star": show_d_star, "show_half": show_half})


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks, pool: WorkerPool) -> gr.Timer:
    """Build the 1-D tab's components and events (call inside a gr.Tab of `demo`); its runs
    train in `pool`'s workers."""
    default_preset = DEFAULT_PRESET
    defaults = PRESETS_1D[default_preset].config
    # a closed page's state is deleted by Gradio, which frees its run's slot in the worker
    session = gr.State(LiveEngine(pool, "toy1d"), delete_callback=LiveEngine.close)
    with gr.Row():
        with gr.Column(scale=3, min_width=560):  # narrower screens: the controls go below
            figure = live_figure("toy1d-figure", figure_server(pool), height=600)
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="toy1d-play", min_width=80)
                pause = gr.Button("❚❚ Pause", elem_id="toy1d-pause", min_width=80)
                step_d = gr.Button("Step D", elem_id="toy1d-step-d", min_width=80)
                step_g = gr.Button("Step G", elem_id="toy1d-step-g", min_width=80)
                step_both = gr.Button("Step D+G", elem_id="toy1d-step", min_width=80)
                reset = gr.Button("↺ Reset", variant="stop", elem_id="toy1d-reset", min_width=80)
            status = gr.Markdown("Press ▶ Play to train.", elem_id="toy1d-status")
            timeline = gr.Slider(0, 1, value=0, step=1, elem_id="toy1d-timeline",
                                 label="timeline, in iterations: drag to scrub back through the run "
                                       "(to the nearest snapshot)")
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
            share = gr.Textbox(label="link to these settings (copy it for a class or a slide)", interactive=False,
                               buttons=["copy"], elem_id="toy1d-link")
            build_export_panel("toy1d", session, pool.exports)
    with gr.Row():
        with gr.Column(scale=1):
            losses_plot = gr.Plot(plots1d.generator_losses_figure(), label="the two generator losses",
                                  show_label=False, elem_id="toy1d-losses")
        with gr.Column(scale=1):
            gr.Markdown(TOY1D_EXPLANATION)

    control_list = [controls[name] for name in CONTROL_NAMES]
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [readout, status, timeline, metrics_plot, panels_plot, losses_plot, timer]
    common = [session, preset, show_d_star, show_half]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    # the API names a script uses (README: "Driving the app from a script")
    play.click(on_play, common + control_list, outputs, **quiet, api_name="toy1d_play")
    tick = timer.tick(on_tick, [session, show_d_star, show_half], outputs, **quiet, api_name="toy1d_frame",
                      js=after_pause())
    pause.click(on_pause, [session, show_d_star, show_half], outputs, **quiet, queue=False, api_name="toy1d_pause",
                cancels=[tick], js=pause_first("toy1d-figure"))
    reset.click(on_reset, common + control_list, outputs, **quiet, api_name="toy1d_reset")
    for button, kind in ((step_d, "step_d"), (step_g, "step_g"), (step_both, "step")):
        button.click(_manual_step(kind), common + control_list, outputs, **quiet, api_name=f"toy1d_{kind}")
    preset.input(on_preset, [session, preset, show_d_star, show_half],
                 outputs + [preset_note] + control_list, **quiet)
    view.input(on_view, [session, view, show_d_star, show_half], outputs, **quiet)
    timeline.release(on_timeline, [session, timeline, show_d_star, show_half], outputs, **quiet)
    for box in (show_d_star, show_half):
        box.input(on_overlay, [session, show_d_star, show_half], None, **quiet)
    demo.load(None, js=PANEL_CLICKS)  # a click on a panel shows it in the figure
    for control in [preset] + control_list:  # the link follows every change, a preset's too
        control.change(on_link, [preset] + control_list, share, **quiet)
    demo.load(on_load, [session, show_d_star, show_half],
              outputs + [preset, preset_note] + control_list + [figure], **quiet, api_name="toy1d_open",
              ).then(on_link, [preset] + control_list, share, **quiet)
    return timer  # its ticks refresh the charts (server.py: lecture mode switched)
