"""The 2-D tab: mode collapse on toy data, measured, and the remedies that make it vanish.

This module only lays out the components and wires them to the live engine: the run (or the
twin runs side by side) trains in a worker process, whose `live_toy2d.Toy2DTab` builds it,
switches its remedies and draws its frames; the figures draw themselves in the page
(`live_figure`). Every handler turns bad input, a diverged run and a lost worker into a message.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import gradio as gr

from ..core.errors import ConfigError
from ..toy import plots2d
from ..toy.config import ToyConfig
from ..toy.data2d import (
    DataError,
    custom_dataset,
    parse_points_csv,
    points_from_drawing,
    points_to_csv,
)
from ..toy.presets import PRESETS_2D, config_from_url, url_for_config
from .controls import toy2d_remedies, toy2d_settings
from .engine import LiveEngine, WorkerPool, outputs_or_message
from .explanations import TOY2D_EXPLANATION
from .export_panel import build_export_panel
from .links import full_link, link_tab, page_flag, settings_query
from .live_figure import after_pause, figure_server, live_figure, pause_first
from .live_toy2d import (
    DEFAULT_LAYERS,
    DEFAULT_PRESET,
    DISCRIMINATOR_EVERY_SECONDS,
    REMEDY_NAMES,
    SETTING_NAMES,
)
from .plotting import plot_of, timer_of

# the status, readouts and bars are asked for this often while training (the figures draw
# themselves, as fast as the page can)
FRAME_SECONDS = 1.0
# the 2-D view's height over its width: its square plot, the title above, the legend below
SQUARE_FIGURE = 1.15
# the user's own points are written here, one file per upload or drawing
USER_DATA_DIR = Path(tempfile.gettempdir()) / "gan-explorer-user-data"
CADENCE_NOTE = (f"While training, the samples and the warped grid move with every frame; D's heatmap and "
                f"the gradient arrows are measured every {DISCRIMINATOR_EVERY_SECONDS:g} s (the figure's "
                f"corner says from which iteration).")


def _preset_choices() -> list[tuple[str, str]]:
    return [(p.title, p.name) for p in PRESETS_2D.values()]


def _request(preset_name, twin, layers, values) -> dict:
    values = list(values)
    return {"preset": preset_name, "twin": bool(twin), "layers": list(layers or []),
            "settings": values[: len(SETTING_NAMES)], "remedies": values[len(SETTING_NAMES):]}


def _render(out: dict) -> tuple:
    """Outputs: main readout, twin readout, status, occupancy bars, occupancy timeline,
    metrics, timer (what a frame left out stays as it is)."""
    skip = gr.skip()
    return (
        out.get("readout", skip),
        out.get("twin_readout", skip),
        out.get("status", skip),
        plot_of(out, "occupancy"),
        plot_of(out, "occupancy_timeline"),
        plot_of(out, "metrics"),
        timer_of(out, FRAME_SECONDS),
    )


# ---------------------------------------------------------------------- handlers
def on_reset(engine: LiveEngine, preset_name, twin, layers, *values):
    return _render(outputs_or_message(engine, "reset", _request(preset_name, twin, layers, values)))


def on_load(request: gr.Request, engine: LiveEngine, preset_name, twin, layers, *values):
    """A fresh page: a run of a link's preset and settings when the link is for this tab
    (?tab=toy2d&preset=...&twin=1), else of the default preset; a bad link gets a message and
    the defaults. The live figures get the page's key (the request comes first: Gradio passes
    it only to parameters before *values)."""
    token = engine.pool.register(engine, getattr(request, "session_hash", None))
    query = str(getattr(request, "query_params", "") or "")
    note = ""
    if link_tab(query) == "toy2d":
        try:
            preset_name, config = config_from_url(settings_query(query), PRESETS_2D)
            twin = page_flag(query, "twin")
            values = [getattr(config, name) for name in SETTING_NAMES + REMEDY_NAMES]
        except ConfigError as err:
            note = f"⚠️ The link's settings were refused ({err}); using the defaults."
    out = outputs_or_message(engine, "reset", _request(preset_name, twin, layers, values))
    if note:
        out["status"] = note + "  \n" + out.get("status", "")
    if link_tab(query) != "toy2d" or note:
        # no link of this tab's: the controls stay as the page has them (a box ticked while the
        # page was loading stays ticked)
        skip = gr.skip()
        return (*_render(out), token, token, skip, skip, skip, skip, *[skip] * len(values))
    preset = PRESETS_2D.get(preset_name) or PRESETS_2D[DEFAULT_PRESET]
    return (*_render(out), token, token, preset.name, preset.description, bool(twin),
            gr.Column(visible=bool(twin)), *values)


def on_link(request: gr.Request, preset_name, twin, *values):
    """The whole address of the tab with the preset, every setting and remedy changed from it
    and side by side, kept current as the controls change (a value not valid, or the user's
    own points, which a link cannot carry: words saying so instead)."""
    preset = PRESETS_2D.get(preset_name) or PRESETS_2D[DEFAULT_PRESET]
    changes = dict(zip(SETTING_NAMES + REMEDY_NAMES, values))
    if changes.get("dataset") == "custom":
        return gr.update(value="(no link: your own points stay on this page; a link carries a preset's data)")
    try:
        config = ToyConfig.from_dict(preset.config.to_dict() | changes)
    except (ConfigError, ValueError, TypeError) as err:
        return gr.update(value=f"(no link: {err})")
    return gr.update(value=full_link(request, "toy2d", url_for_config(preset.name, config), twin=bool(twin)))


def on_twin(engine: LiveEngine, preset_name, twin, layers, *values):
    """Switching side by side on or off starts a fresh run (or pair of runs)."""
    return (*on_reset(engine, preset_name, twin, layers, *values), gr.Column(visible=bool(twin)))


def on_preset(engine: LiveEngine, preset_name, twin, layers):
    preset = PRESETS_2D.get(preset_name) or PRESETS_2D[DEFAULT_PRESET]
    settings = [getattr(preset.config, name) for name in SETTING_NAMES]
    remedies = [getattr(preset.config, name) for name in REMEDY_NAMES]
    out = outputs_or_message(engine, "reset", _request(preset.name, twin, layers, settings + remedies))
    return (*_render(out), preset.description, *settings, *remedies)


def on_play(engine: LiveEngine, preset_name, twin, layers, *values):
    return _render(outputs_or_message(engine, "play", _request(preset_name, twin, layers, values)))


def on_tick(engine: LiveEngine, layers):
    return _render(outputs_or_message(engine, "frame", {"layers": list(layers or []), "full": False}))


def on_pause(engine: LiveEngine, layers):
    return _render(outputs_or_message(engine, "pause", {"layers": list(layers or [])}))


def on_step(engine: LiveEngine, preset_name, twin, layers, *values):
    return _render(outputs_or_message(engine, "step", _request(preset_name, twin, layers, values)))


def on_remedy(engine: LiveEngine, preset_name, twin, layers, *values):
    """A remedy switched: applied to the running model at once (to the right-hand run when side
    by side), D restarting in its new form while G carries on."""
    return _render(outputs_or_message(engine, "remedy", _request(preset_name, twin, layers, values)))


def on_layers(engine: LiveEngine, layers) -> None:
    """The layers shown: the live figures redraw with their next frame."""
    outputs_or_message(engine, "layers", {"layers": list(layers or [])})


def _use_points(engine: LiveEngine, points, preset_name, twin, layers, values, what: str):
    """Store the user's points for this page and start a run on them."""
    USER_DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = USER_DATA_DIR / f"{uuid.uuid4().hex}.csv"
    path.write_text(points_to_csv(points))
    request = _request(preset_name, twin, layers, values)
    request["settings"][SETTING_NAMES.index("dataset")] = "custom"
    described = f"{len(points):,} points {what}"
    out = outputs_or_message(engine, "points", dict(request, path=str(path), what=described))
    return (*_render(out), "custom", f"✓ {described}.")


def on_upload(engine: LiveEngine, file, preset_name, twin, layers, *values):
    skip = gr.skip()
    if file is None:
        return (*[skip] * 7, skip, skip)
    try:
        path = Path(file if isinstance(file, str) else file.name)
        with path.open("rb") as handle:
            raw = handle.read(6_000_000)
        points = parse_points_csv(raw)
        custom_dataset(points)
    except (DataError, OSError) as err:
        return (*[skip] * 7, skip, f"⚠️ **The file was refused:** {err}")
    return _use_points(engine, points, preset_name, twin, layers, values, "uploaded")


def on_drawing(engine: LiveEngine, drawing, preset_name, twin, layers, *values):
    skip = gr.skip()
    image = drawing.get("composite") if isinstance(drawing, dict) else drawing
    try:
        points = points_from_drawing(image)
    except DataError as err:
        return (*[skip] * 7, skip, f"⚠️ {err}")
    return _use_points(engine, points, preset_name, twin, layers, values, "drawn")


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks, pool: WorkerPool) -> gr.Timer:
    """Build the 2-D tab's components and events (call inside a gr.Tab of `demo`); its runs
    train in `pool`'s workers."""
    defaults = PRESETS_2D[DEFAULT_PRESET].config
    # a closed page's state is deleted by Gradio, which frees its run's slot in the worker
    session = gr.State(LiveEngine(pool, "toy2d"), delete_callback=LiveEngine.close)
    with gr.Row():
        # narrower screens: the controls go below, and the side-by-side panes stay side by side
        with gr.Column(scale=3, min_width=620):
            with gr.Row():
                with gr.Column(visible=False, min_width=300) as twin_column:
                    twin_figure = live_figure("toy2d-figure-plain", figure_server(pool, "plain"), height=520, aspect=SQUARE_FIGURE)
                    twin_readout = gr.Markdown(elem_id="toy2d-readout-plain")
                with gr.Column(min_width=300):
                    figure = live_figure("toy2d-figure", figure_server(pool, "main"), height=520, aspect=SQUARE_FIGURE)
                    readout = gr.Markdown(elem_id="toy2d-readout")
            with gr.Row():
                play = gr.Button("▶ Play", variant="primary", elem_id="toy2d-play", min_width=80)
                pause = gr.Button("❚❚ Pause", elem_id="toy2d-pause", min_width=80)
                step = gr.Button("Step", elem_id="toy2d-step", min_width=80)
                reset = gr.Button("↺ Reset", variant="stop", elem_id="toy2d-reset", min_width=80)
            status = gr.Markdown("Press ▶ Play to train.", elem_id="toy2d-status")
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
            with gr.Group(elem_classes=["lecture-hide"]):
                gr.Markdown("**Remedies for mode collapse** (applied at once)")
                remedies = toy2d_remedies(defaults)
            with gr.Accordion("data, networks and optimisation (applied on ↺ Reset)", open=False, elem_classes=["lecture-hide"]):
                settings = toy2d_settings(defaults)
            with gr.Accordion("your own data: upload a CSV or draw", open=False, elem_classes=["lecture-hide"]):
                upload = gr.File(label="CSV of x,y rows (at most 100,000 rows, 5 MB)", file_types=[".csv", ".txt"],
                                 type="filepath", elem_id="toy2d-upload")
                sketch = gr.Sketchpad(label="draw the data: pick the brush, draw (the canvas spans [-2, 2]²)",
                                      type="numpy",
                                      canvas_size=(400, 400), elem_id="toy2d-sketch", layers=False)
                use_drawing = gr.Button("train on my drawing", elem_id="toy2d-use-drawing")
                data_note = gr.Markdown(elem_id="toy2d-data-note")
            link = gr.Textbox(label="link to these settings (copy it for a class or a slide)", interactive=False,
                              buttons=["copy"], elem_id="toy2d-link")
            build_export_panel("toy2d", session, pool.exports)
    gr.Markdown(TOY2D_EXPLANATION + "\n" + CADENCE_NOTE)

    setting_list = [settings[name] for name in SETTING_NAMES]
    remedy_list = [remedies[name] for name in REMEDY_NAMES]
    values = setting_list + remedy_list
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [readout, twin_readout, status, occupancy, occupancy_timeline, metrics_plot, timer]
    common = [session, preset, twin, layers]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    # the API names a script uses (README: "Driving the app from a script")
    play.click(on_play, common + values, outputs, **quiet, api_name="toy2d_play")
    tick = timer.tick(on_tick, [session, layers], outputs, **quiet, api_name="toy2d_frame",
                      js=after_pause())
    pause.click(on_pause, [session, layers], outputs, **quiet, queue=False, api_name="toy2d_pause",
                cancels=[tick], js=pause_first("toy2d-figure", "toy2d-figure-plain"))
    step.click(on_step, common + values, outputs, **quiet, api_name="toy2d_step")
    reset.click(on_reset, common + values, outputs, **quiet, api_name="toy2d_reset")
    twin.input(on_twin, common + values, outputs + [twin_column], **quiet)
    preset.input(on_preset, [session, preset, twin, layers],
                 outputs + [preset_note] + values, **quiet)
    for control in remedy_list:
        control.input(on_remedy, common + values, outputs, **quiet)
    layers.input(on_layers, [session, layers], None, **quiet)
    data_outputs = outputs + [settings["dataset"], data_note]
    upload.upload(on_upload, [session, upload, preset, twin, layers] + values, data_outputs, **quiet)
    use_drawing.click(on_drawing, [session, sketch, preset, twin, layers] + values, data_outputs,
                      **quiet)
    demo.load(on_load, common + values,
              outputs + [figure, twin_figure, preset, preset_note, twin, twin_column] + values, **quiet,
              api_name="toy2d_open").then(on_link, [preset, twin] + values, link, **quiet)
    for control in [preset, twin] + values:  # the link follows every change
        control.change(on_link, [preset, twin] + values, link, **quiet)
    return timer  # its ticks refresh the charts (server.py: lecture mode switched)
