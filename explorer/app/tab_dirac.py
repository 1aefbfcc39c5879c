"""The "Why GANs circle" tab: the Dirac GAN of Mescheder et al. (2018), its vector field and the
paths of simultaneous and alternating gradient descent from the start the user sets, live, with
the eigenvalues that explain them. Layout and wiring only; the run lives in a worker
(live_dirac)."""

from __future__ import annotations

import gradio as gr

from ..core.errors import ConfigError
from ..toy.dirac import REGULARISER_TITLES, DiracConfig
from .controls import whole_number
from .engine import LiveEngine, WorkerPool, outputs_or_message
from .export_panel import build_export_panel
from .links import full_link, link_tab, settings_query
from .live_dirac import CONTROL_NAMES, config_from_controls, controls_from_config
from .live_figure import after_pause, figure_server, live_figure, pause_first
from .plotting import timer_of

FRAME_SECONDS = 1.0  # the status line and readout; the figure draws itself

DIRAC_EXPLANATION = """
### Why GANs circle
The smallest GAN (Mescheder, Geiger and Nowozin 2018, sec. 2): the data are a point at 0, the
generator a point at θ, the discriminator D(x) = ψx, and the game L(θ, ψ) = f(ψθ) + f(0) with
f(t) = −log(1 + e^(−t)). G lowers L, D raises it; the grey arrows are the direction they move in
together. Its only equilibrium is (0, 0), and there the field's Jacobian has the eigenvalues
±i/2: purely imaginary, so the players **rotate** about the equilibrium instead of reaching it.
Simultaneous gradient descent (red) then spirals **out**: each step multiplies the distance by
√(1 + h²/4) > 1. Alternating descent (blue: D moves first, then G) stays on a closed orbit:
it circles for ever. A regulariser turns the rotation into a spiral **in**: R1 (or R2) adds
−γψ to D's move, and the eigenvalues become (−γ ± √(γ² − 1))/2. This is why the 1-D tab's
*Goodfellow Figure 1* preset trains with a small R1 penalty: without it, p_g keeps circling
p_data. Try WGAN-GP, instance noise, consensus optimisation, two learning rates (TTUR) and
k D steps, and watch what each does to the spiral.
"""


def _render(out: dict) -> tuple:
    skip = gr.skip()
    return out.get("readout", skip), out.get("status", skip), timer_of(out, FRAME_SECONDS)


def on_reset(engine: LiveEngine, *values):
    return _render(outputs_or_message(engine, "reset", {"values": list(values)}))


def on_play(engine: LiveEngine, *values):
    """Play the game from the start (a new number of steps applies at once)."""
    return _render(outputs_or_message(engine, "play", {"values": list(values)}))


def on_tick(engine: LiveEngine):
    return _render(outputs_or_message(engine, "frame", {"full": False}))


def on_pause(engine: LiveEngine):
    return _render(outputs_or_message(engine, "pause", {}))


def on_load(request: gr.Request, engine: LiveEngine, *values):
    """A fresh page: a run of a link's settings when the link is for this tab (?tab=dirac&
    regulariser=r1&gamma=0.5), else of the controls' defaults; a bad link gets a message and the
    defaults. The figure finds its engine by the page's key from now on (the request comes
    first: Gradio passes it only to parameters before *values)."""
    token = engine.pool.register(engine, getattr(request, "session_hash", None))
    query = str(getattr(request, "query_params", "") or "")
    values, note = list(values), ""
    if link_tab(query) == "dirac":
        try:
            linked = DiracConfig.from_query(settings_query(query), base=config_from_controls(values))
            values = controls_from_config(linked)
        except (ConfigError, ValueError) as err:
            note = f"⚠️ The link's settings were refused ({err}); using the defaults."
    out = outputs_or_message(engine, "reset", {"values": values})
    if note:
        out["status"] = note + "  \n" + out.get("status", "")
    if link_tab(query) != "dirac" or note:  # no link of this tab's: the controls stay as they are
        return (*_render(out), token, *[gr.skip()] * len(values))
    return (*_render(out), token, *values)


def on_link(request: gr.Request, *values):
    """The whole address of the tab with every setting changed from the defaults, kept current
    as the controls change (a value not valid: words saying so instead)."""
    try:
        config = config_from_controls(list(values))
    except (ConfigError, ValueError) as err:
        return gr.update(value=f"(no link: {err})")
    return gr.update(value=full_link(request, "dirac", config.to_query(base=DiracConfig(method="alternating"))))


def build_tab(demo: gr.Blocks, pool: WorkerPool) -> gr.Timer:
    """Build the tab's components and events (call inside a gr.Tab of `demo`)."""
    defaults = DiracConfig(method="alternating")
    values = dict(zip(CONTROL_NAMES, controls_from_config(defaults)))
    session = gr.State(LiveEngine(pool, "dirac"), delete_callback=LiveEngine.close)
    with gr.Row():
        with gr.Column(scale=3, min_width=560):  # narrower screens: the controls go below
            # a click on the plane picks the start and plays from there
            figure = live_figure("dirac-figure", figure_server(pool), height=520,
                                 click_sets=("dirac-theta", "dirac-psi", "dirac-play"))
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="dirac-play", min_width=80)
                pause = gr.Button("❚❚ Pause", elem_id="dirac-pause", min_width=80)
                reset = gr.Button("↺ Reset", variant="stop", elem_id="dirac-reset", min_width=80)
            status = gr.Markdown("Press ▶ Play to start, or click on the plane to start from there.",
                                 elem_id="dirac-status")
            link = gr.Textbox(label="link to these settings (copy it for a class or a slide)", interactive=False,
                              buttons=["copy"], elem_id="dirac-link")
            build_export_panel("dirac", session, pool.exports)
            gr.Markdown(DIRAC_EXPLANATION)
        with gr.Column(scale=1, min_width=300):
            readout = gr.Markdown(elem_id="dirac-readout")
            controls = [
                gr.Dropdown([(title, name) for name, title in REGULARISER_TITLES.items()], value=values["regulariser"],
                            label="regulariser (applied on ↺ Reset)", elem_id="dirac-regulariser"),
                gr.Number(values["gamma"], label="γ: its strength (instance noise: σ)", elem_id="dirac-gamma"),
                gr.Number(values["g_lr"], label="G's learning rate h", elem_id="dirac-g-lr"),
                gr.Number(values["d_lr"], label="D's learning rate (another than G's: TTUR)", elem_id="dirac-d-lr"),
                whole_number(values["k_d_steps"], "k: D steps per G step (alternating)", elem_id="dirac-k"),
                whole_number(values["steps"], "steps (Play stops there)", elem_id="dirac-steps"),
                gr.Number(values["start_theta"], label="start θ", elem_id="dirac-theta"),
                gr.Number(values["start_psi"], label="start ψ", elem_id="dirac-psi"),
            ]
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [readout, status, timer]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    play.click(on_play, [session] + controls, outputs, **quiet, api_name="dirac_play")
    tick = timer.tick(on_tick, [session], outputs, **quiet, api_name="dirac_frame", js=after_pause())
    pause.click(on_pause, [session], outputs, **quiet, queue=False, api_name="dirac_pause",
                cancels=[tick], js=pause_first("dirac-figure"))
    reset.click(on_reset, [session] + controls, outputs, **quiet, api_name="dirac_reset")
    demo.load(on_load, [session] + controls, outputs + [figure] + controls, **quiet,
              api_name="dirac_open").then(on_link, controls, link, **quiet)
    for control in controls:  # the link follows every change
        control.change(on_link, controls, link, **quiet)
    return timer  # its ticks refresh the charts (server.py: lecture mode switched)
