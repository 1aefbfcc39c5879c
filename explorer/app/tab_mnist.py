"""The MNIST tab: train a DCGAN, a conditional GAN or an InfoGAN on MNIST live (or take the
pretrained one), watch its samples and quality, set its digit or codes, explore its latent space.

This module only lays out the components and wires them to the live engine: the run trains in a
worker process, whose `live_mnist.MnistTab` builds it, draws its frames and answers the latent
space; the sample grid draws itself in the page (`live_figure.live_image`). Every handler turns
bad input, a diverged run and a lost worker into a message; nothing it does can stop the server.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from urllib.parse import parse_qsl

import gradio as gr

from ..core.errors import ConfigError, shown
from ..mnist.config import DcganConfig, model_config
from ..mnist.latent import seeded_noise
from .controls import whole_number
from .engine import LiveEngine, WorkerPool, outputs_or_message
from .explanations import MNIST_EXPLANATION
from .export_panel import build_export_panel
from .links import full_link, link_tab, settings_query
from .live_figure import after_pause, figure_server, live_image, pause_first
from .live_mnist import (  # noqa: F401  (tests read them)
    DEFAULTS,
    SAMPLE_SCALE,
    SETTING_NAMES,
    SLIDERS,
    TRAINING_THREADS,
    TRAVERSAL_COLUMNS,
    config_from_controls,
)
from .plotting import plot_of, timer_of

# the status and the readout are asked for this often while training: the grid draws itself,
# with its iteration, and each tick of Gradio's timer costs the page and the server 0.05 of a
# core a second (taken from training: a DCGAN trains on every core)
FRAME_SECONDS = 2.0
DATA_CHOICES = [("embedded: 5,000 digits that ship with GAN Explorer", "embedded"),
                ("full MNIST: 70,000 (downloaded once, checksummed)", "full"),
                ("a folder of MNIST IDX files", "folder")]
FILES_DIR = Path(tempfile.gettempdir()) / "gan-explorer-mnist-files"
MODEL_CHOICES = [("DCGAN", "dcgan"), ("conditional GAN", "conditional"), ("InfoGAN", "infogan")]
ALL_CODES = "all"      # the code buttons' first choice: every digit (code) in turn across the columns
TRAVERSALS = [("the digit / code", -1), ("continuous code c10", 0), ("continuous code c11", 1)]


class MnistEngine(LiveEngine):
    """The DCGAN tab's engine, with the page's own folder for the files it downloads."""

    def __init__(self, pool: WorkerPool, tab: str = "mnist") -> None:
        super().__init__(pool, tab)
        self.files = FILES_DIR / uuid.uuid4().hex

    def __deepcopy__(self, memo: dict) -> "MnistEngine":
        return MnistEngine(self.pool, self.tab)


def _request(data_choice, data_folder, values) -> dict:
    return {"data_choice": data_choice, "data_folder": data_folder, "values": list(values)}


def _code_choices(model: str, labels: list[str]) -> list[tuple[str, str]]:
    every = "0-9 in turn" if model == "conditional" else "c0-c9 in turn"
    return [(every, ALL_CODES)] + [(label, str(i)) for i, label in enumerate(labels)]


def _code_controls(out: dict) -> tuple:
    """The code buttons and InfoGAN's continuous sliders: shown for the models that have them,
    the buttons named after the latest measurement (skipped when the frame does not say)."""
    if "model" not in out:
        return gr.skip(), gr.skip(), gr.skip()
    model, labels = out["model"], out.get("code_labels") or []
    buttons = gr.update(visible=bool(labels), choices=_code_choices(model, labels),
                        label="digit of the grid" if model == "conditional" else "InfoGAN's categorical code "
                        "(named after the digit the classifier calls it)")
    continuous = model == "infogan"
    return buttons, gr.update(visible=continuous), gr.update(visible=continuous)


def _render(out: dict) -> tuple:
    """Outputs: readout, status, losses, quality, classes, timer, code buttons, c10, c11."""
    skip = gr.skip()
    return (
        out.get("readout", skip),
        out.get("status", skip),
        plot_of(out, "losses"),
        plot_of(out, "quality"),
        plot_of(out, "classes"),
        timer_of(out, FRAME_SECONDS),
        *_code_controls(out),
    )


RENDERED = 9   # outputs of _render
STATUS_INDEX = 1  # the status among them


# ---------------------------------------------------------------------- training handlers
def on_reset(engine: MnistEngine, data_choice, data_folder, *values):
    return _render(outputs_or_message(engine, "reset", _request(data_choice, data_folder, values)))


def on_load_page(engine: MnistEngine, request: gr.Request):
    """A fresh page: the live grid gets the page's key to its run."""
    return engine.pool.register(engine, getattr(request, "session_hash", None))


def on_play(engine: MnistEngine, data_choice, data_folder, *values):
    return _render(outputs_or_message(engine, "play", _request(data_choice, data_folder, values)))


def on_tick(engine: MnistEngine):
    return _render(outputs_or_message(engine, "frame", {"full": False}))


def on_pause(engine: MnistEngine):
    return _render(outputs_or_message(engine, "pause", {}))


def on_pretrained(engine: MnistEngine, model):
    """The pretrained generator of `model` in a new, paused run (its sliders work at once)."""
    return _render(outputs_or_message(engine, "pretrained", {"model": model}))


def on_linked_visit(request: gr.Request, engine: MnistEngine, *values):
    """A page opened by a link to this tab (?tab=mnist&model=infogan&epochs=5): the settings are
    set from it (only the tab's own settings: no folder, no device path), and the link's model's
    pretrained generator is loaded, since the link, not a click, selected the tab; a bad link
    gets a message and the defaults. Any other page: nothing changes."""
    query = str(getattr(request, "query_params", "") or "")
    if link_tab(query) != "mnist":
        return (*[gr.skip()] * RENDERED, *[gr.skip()] * len(values))
    values, note = list(values), ""
    pairs = parse_qsl(settings_query(query), keep_blank_values=True)
    try:
        foreign = sorted({key for key, _ in pairs if key not in SETTING_NAMES})
        if foreign:
            raise ConfigError(f"a link to this tab sets only {', '.join(SETTING_NAMES)}; not "
                              f"{', '.join(shown(key) for key in foreign)}")
        model = dict(pairs).get("model", values[SETTING_NAMES.index("model")])
        config = DcganConfig.from_query(settings_query(query), base=model_config(str(model)))
        values = [getattr(config, name) for name in SETTING_NAMES]
    except (ConfigError, ValueError) as err:
        note = f"⚠️ The link's settings were refused ({err}); using the defaults."
    # the link's model even when the tab's selection (by the link) has loaded the default's first
    rendered = list(on_pretrained(engine, values[SETTING_NAMES.index("model")]))
    if note:
        rendered[STATUS_INDEX] = note
    return (*rendered, *values)


def on_link(request: gr.Request, *values):
    """The whole address of the tab with its model and every setting changed from the model's
    defaults, kept current as the controls change (a value not valid: words saying so)."""
    try:
        config = config_from_controls("embedded", "", list(values))
    except (ConfigError, ValueError) as err:
        return gr.update(value=f"(no link: {err})")
    changes = config.to_query(base=model_config(config.model))
    return gr.update(value=full_link(request, "mnist", f"model={config.model}" + (f"&{changes}" if changes else "")))


def on_tab_selected(engine: MnistEngine, model):
    """A visit to the tab: the pretrained model, when the page has no run yet."""
    return _render(outputs_or_message(engine, "pretrained", {"model": model, "if_no_run": True}))


# ---------------------------------------------------------------------- the latent space
def _picture(out: dict, key: str):
    return out[key] if key in out else gr.skip()


def on_latent(engine: MnistEngine, seed, *sliders):
    """G(z) for the slider values, and the nearest real training digit beside it."""
    out = outputs_or_message(engine, "latent", {"seed": seed, "sliders": list(sliders)})
    return _picture(out, "sample"), _picture(out, "nearest"), out.get("note", out.get("status", ""))


def on_seed(engine: MnistEngine, seed):
    """A new seed sets the sliders to that z's first components (and redraws)."""
    if seed is None:
        return [gr.skip()] * (SLIDERS + 3)
    out = outputs_or_message(engine, "seed", {"seed": seed})
    values = out.get("values") or [gr.skip()] * SLIDERS
    return (*values, _picture(out, "sample"), _picture(out, "nearest"), out.get("note", out.get("status", "")))


def on_randomise(engine: MnistEngine):
    out = outputs_or_message(engine, "randomise", {})
    values = out.get("values") or [gr.skip()] * SLIDERS
    return (out.get("seed", gr.skip()), *values, _picture(out, "sample"), _picture(out, "nearest"),
            out.get("note", out.get("status", "")))


def on_codes(engine: MnistEngine, code, c10, c11, seed, *sliders):
    """The code buttons or sliders moved: the grid's digit (or codes), and the single sample anew."""
    chosen = None if code in (None, ALL_CODES) else int(code)
    out = outputs_or_message(engine, "codes", {"code": chosen, "continuous": [c10, c11]})
    if "status" in out or out.get("note", "").startswith("⚠️"):
        return gr.skip(), gr.skip(), out.get("note", out.get("status", ""))
    return on_latent(engine, seed, *sliders)


def on_traversal(engine: MnistEngine, vary, seed):
    """The traversal grid of one code (Chen et al. 2016, Figure 2)."""
    out = outputs_or_message(engine, "traversal", {"vary": int(vary) if vary is not None else -1,
                                                   "seed": seed})
    return _picture(out, "traversal"), out.get("note", out.get("status", ""))


def on_interpolate(engine: MnistEngine, seed_a, seed_b, steps):
    out = outputs_or_message(engine, "interpolate", {"seed_a": seed_a, "seed_b": seed_b, "steps": steps})
    return _picture(out, "strip"), out.get("note", out.get("status", ""))


# ---------------------------------------------------------------------- files
def _file(engine: MnistEngine, name: str):
    out = outputs_or_message(engine, name, {"folder": str(engine.files)})
    return out.get("path", gr.skip()), out.get("note", out.get("status", ""))


def on_save(engine: MnistEngine):
    return _file(engine, "save")


def on_load(engine: MnistEngine, file):
    """Load a checkpoint into a new, paused run; a bad file leaves the current run alone."""
    if not file:
        return (*[gr.skip()] * RENDERED, gr.skip(), gr.skip())
    out = outputs_or_message(engine, "load", {"path": str(file)})
    model = gr.update(value=out["model"]) if "model" in out else gr.skip()
    return (*_render(out), out.get("note", out.get("status", "")), model)


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks, pool: WorkerPool, tab: gr.Tab | None = None) -> gr.Timer:
    """Build the MNIST tab's components and events (call inside `tab`, a gr.Tab of `demo`: its
    first visit loads the pretrained model); its runs train in `pool`'s workers."""
    # a closed page's state is deleted by Gradio, which frees its run's slot in the worker
    session = gr.State(MnistEngine(pool), delete_callback=LiveEngine.close)
    with gr.Row():
        with gr.Column(scale=3, min_width=620):  # narrower screens: the controls go below
            with gr.Row():
                grid = live_image("mnist-grid", figure_server(pool), height=330,
                                  alt="64 samples of the generator, on fixed noise")
                classes = gr.Plot(show_label=False, elem_id="mnist-classes")
            codes = gr.Radio(_code_choices("conditional", [str(d) for d in range(10)]), value=ALL_CODES,
                             label="digit of the grid", visible=False, elem_id="mnist-codes")
            with gr.Row():
                c10 = gr.Slider(-2, 2, value=0, step=0.1, label="continuous code c10 (trained on -1 to 1)",
                                visible=False, elem_id="mnist-c10")
                c11 = gr.Slider(-2, 2, value=0, step=0.1, label="continuous code c11 (trained on -1 to 1)",
                                visible=False, elem_id="mnist-c11")
            with gr.Row():
                play = gr.Button("▶ Train", variant="primary", elem_id="mnist-play", min_width=80)
                pause = gr.Button("❚❚ Pause", elem_id="mnist-pause", min_width=80)
                reset = gr.Button("↺ Reset", variant="stop", elem_id="mnist-reset", min_width=80)
            readout = gr.HTML(elem_id="mnist-readout")
            status = gr.Markdown("Press ▶ Train.", elem_id="mnist-status")
            with gr.Row():
                losses = gr.Plot(show_label=False, elem_id="mnist-losses")
                quality = gr.Plot(show_label=False, elem_id="mnist-quality")
        with gr.Column(scale=1, min_width=300):
            model = gr.Radio(MODEL_CHOICES, value=DEFAULTS.model, label="model (trained on ↺ Reset)",
                             elem_id="mnist-model")
            use_pretrained = gr.Button("use the pretrained model", elem_id="mnist-pretrained")
            data_choice = gr.Dropdown(DATA_CHOICES, value="embedded", label="digits", elem_id="mnist-data")
            data_folder = gr.Textbox(label="folder of MNIST IDX files (for 'a folder')", elem_id="mnist-data-folder")
            mbd = gr.Checkbox(DEFAULTS.minibatch_discrimination, label="minibatch discrimination (on ↺ Reset)",
                              elem_id="mnist-mbd")
            with gr.Accordion("training settings (applied on ↺ Reset)", open=False, elem_classes=["lecture-hide"]):
                # no browser-side limits: the run's config checks every value and the status line
                # gives the one message (a pop-up beside it said something else)
                epochs = whole_number(DEFAULTS.epochs, label="epochs", elem_id="mnist-epochs")
                batch = whole_number(DEFAULTS.batch_size, label="batch size", elem_id="mnist-batch")
                g_width = whole_number(DEFAULTS.g_width, label="G width (ngf)")
                d_width = whole_number(DEFAULTS.d_width, label="D width (ndf)")
                g_lr = gr.Number(DEFAULTS.g_lr, label="G learning rate")
                d_lr = gr.Number(DEFAULTS.d_lr, label="D learning rate")
                seed = whole_number(DEFAULTS.seed, label="seed")
                device = gr.Dropdown(["auto", "cpu", "cuda"], value="auto", label="device")
            with gr.Accordion("save and load a checkpoint", open=False, elem_classes=["lecture-hide"]):
                save = gr.Button("save checkpoint", elem_id="mnist-save")
                download = gr.File(label="download", interactive=False, elem_id="mnist-download")
                upload = gr.File(label="load a checkpoint (.pt)", file_types=[".pt"], type="filepath",
                                 elem_id="mnist-upload")
                file_note = gr.Markdown(elem_id="mnist-file-note")
            # the sample grid for slides: as shown now (PNG, SVG), or as training went (GIF, MP4)
            build_export_panel("mnist", session, pool.exports)
            link = gr.Textbox(label="link to these settings (copy it for a class or a slide)", interactive=False,
                              buttons=["copy"], elem_id="mnist-link", elem_classes=["lecture-hide"])
    with gr.Accordion("explore the latent space of the model", open=True):
        with gr.Row():
            with gr.Column(scale=2):
                with gr.Row():
                    latent_seed = gr.Number(1, label="seed of z", precision=0, elem_id="mnist-latent-seed")
                    randomise = gr.Button("randomise z", elem_id="mnist-randomise")
                z0 = seeded_noise(1, DEFAULTS.noise_dim, 1)[0]
                sliders = [gr.Slider(-3, 3, value=round(float(z0[i].clamp(-3, 3)), 2), step=0.05, label=f"z[{i}]",
                                     elem_id=f"mnist-z{i}") for i in range(SLIDERS)]
            with gr.Column(scale=1):
                sample = gr.Image(label="G(z)", type="numpy", format="png", interactive=False,
                                  elem_id="mnist-sample", height=200)
            with gr.Column(scale=1):
                nearest = gr.Image(label="nearest training digit", type="numpy", format="png", interactive=False,
                                   elem_id="mnist-nearest", height=200)
        latent_note = gr.Markdown(elem_id="mnist-latent-note")
        with gr.Row():
            seed_a = gr.Number(1, label="from seed", precision=0, elem_id="mnist-interp-a")
            seed_b = gr.Number(2, label="to seed", precision=0, elem_id="mnist-interp-b")
            steps = gr.Slider(3, 16, value=10, step=1, label="steps", elem_id="mnist-interp-steps")
            interp = gr.Button("interpolate", elem_id="mnist-interpolate")
        strip = gr.Image(label="interpolation: linear (top), spherical (bottom)", type="numpy", format="png",
                         interactive=False, elem_id="mnist-strip")
        strip_note = gr.Markdown(elem_id="mnist-strip-note")
        with gr.Row():
            vary = gr.Radio(TRAVERSALS, value=-1, label="traversal grid (conditional GAN and InfoGAN): vary",
                            elem_id="mnist-vary")
            traverse = gr.Button("draw the traversal grid", elem_id="mnist-traverse")
        traversal_image = gr.Image(label=f"traversal: rows are the code's values, columns {TRAVERSAL_COLUMNS} samples",
                                   type="numpy", format="png", interactive=False, elem_id="mnist-traversal")
        traversal_note = gr.Markdown(elem_id="mnist-traversal-note")
    gr.Markdown(MNIST_EXPLANATION)

    values = [epochs, batch, g_width, d_width, g_lr, d_lr, seed, device, mbd, model]
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [readout, status, losses, quality, classes, timer, codes, c10, c11]
    common = [session, data_choice, data_folder]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    play.click(on_play, common + values, outputs, **quiet, api_name="mnist_play")
    tick = timer.tick(on_tick, [session], outputs, **quiet, api_name="mnist_frame",
                      js=after_pause())
    pause.click(on_pause, [session], outputs, **quiet, queue=False, api_name="mnist_pause",
                cancels=[tick], js=pause_first("mnist-grid"))
    reset.click(on_reset, common + values, outputs, **quiet, api_name="mnist_reset")
    latent_outputs = [sample, nearest, latent_note]
    for slider in sliders:
        slider.release(on_latent, [session, latent_seed] + sliders, latent_outputs, **quiet)
    latent_seed.submit(on_seed, [session, latent_seed], sliders + latent_outputs, **quiet)
    randomise.click(on_randomise, [session], [latent_seed] + sliders + latent_outputs, **quiet)
    interp.click(on_interpolate, [session, seed_a, seed_b, steps], [strip, strip_note], **quiet)
    code_inputs = [session, codes, c10, c11, latent_seed] + sliders
    codes.input(on_codes, code_inputs, latent_outputs, **quiet)
    c10.release(on_codes, code_inputs, latent_outputs, **quiet)
    c11.release(on_codes, code_inputs, latent_outputs, **quiet)
    traverse.click(on_traversal, [session, vary, latent_seed], [traversal_image, traversal_note], **quiet)
    model.input(on_pretrained, [session, model], outputs, **quiet)
    use_pretrained.click(on_pretrained, [session, model], outputs, **quiet, api_name="mnist_pretrained")
    if tab is not None:
        tab.select(on_tab_selected, [session, model], outputs, **quiet)
    save.click(on_save, [session], [download, file_note], **quiet)
    upload.upload(on_load, [session, upload], outputs + [file_note, model], **quiet)
    demo.load(on_load_page, [session], [grid], **quiet, api_name="mnist_open").then(
        on_linked_visit, [session] + values, outputs + values, **quiet).then(on_link, values, link, **quiet)
    for control in values:  # the link follows every change
        control.change(on_link, values, link, **quiet)
    return timer  # its ticks refresh the charts (server.py: lecture mode switched)
