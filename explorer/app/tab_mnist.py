"""The DCGAN tab: train a DCGAN on MNIST live, watch its samples and quality, explore its latent space.

This module only lays out the components and wires them to the live engine: the run trains in a
worker process, whose `live_mnist.MnistTab` builds it, draws its frames and answers the latent
space; the sample grid draws itself in the page (`live_figure.live_image`). Every handler turns
bad input, a diverged run and a lost worker into a message; nothing it does can stop the server.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import gradio as gr

from ..mnist.latent import seeded_noise
from .controls import whole_number
from .engine import LiveEngine, WorkerPool, outputs_or_message
from .explanations import MNIST_EXPLANATION
from .live_figure import after_pause, figure_server, live_image, pause_first
from .live_mnist import DEFAULTS, SAMPLE_SCALE, SLIDERS, TRAINING_THREADS  # noqa: F401  (tests read them)
from .plotting import plot_of, timer_of

# the status and the readout are asked for this often while training: the grid draws itself,
# with its iteration, and each tick of Gradio's timer costs the page and the server 0.05 of a
# core a second (taken from training: a DCGAN trains on every core)
FRAME_SECONDS = 2.0
DATA_CHOICES = [("embedded: 5,000 digits that ship with GAN Explorer", "embedded"),
                ("full MNIST: 70,000 (downloaded once, checksummed)", "full"),
                ("a folder of MNIST IDX files", "folder")]
FILES_DIR = Path(tempfile.gettempdir()) / "gan-explorer-mnist-files"


class MnistEngine(LiveEngine):
    """The DCGAN tab's engine, with the page's own folder for the files it downloads."""

    def __init__(self, pool: WorkerPool, tab: str = "mnist") -> None:
        super().__init__(pool, tab)
        self.files = FILES_DIR / uuid.uuid4().hex

    def __deepcopy__(self, memo: dict) -> "MnistEngine":
        return MnistEngine(self.pool, self.tab)


def _request(data_choice, data_folder, values) -> dict:
    return {"data_choice": data_choice, "data_folder": data_folder, "values": list(values)}


def _render(out: dict) -> tuple:
    """Outputs: readout, status, losses, quality, classes, timer."""
    skip = gr.skip()
    return (
        out.get("readout", skip),
        out.get("status", skip),
        plot_of(out, "losses"),
        plot_of(out, "quality"),
        plot_of(out, "classes"),
        timer_of(out, FRAME_SECONDS),
    )


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


def on_interpolate(engine: MnistEngine, seed_a, seed_b, steps):
    out = outputs_or_message(engine, "interpolate", {"seed_a": seed_a, "seed_b": seed_b, "steps": steps})
    return _picture(out, "strip"), out.get("note", out.get("status", ""))


# ---------------------------------------------------------------------- files
def _file(engine: MnistEngine, name: str):
    out = outputs_or_message(engine, name, {"folder": str(engine.files)})
    return out.get("path", gr.skip()), out.get("note", out.get("status", ""))


def on_save(engine: MnistEngine):
    return _file(engine, "save")


def on_export_png(engine: MnistEngine):
    return _file(engine, "export")


def on_load(engine: MnistEngine, file):
    """Load a checkpoint into a new, paused run; a bad file leaves the current run alone."""
    if not file:
        return (*[gr.skip()] * 6, gr.skip())
    out = outputs_or_message(engine, "load", {"path": str(file)})
    return (*_render(out), out.get("note", out.get("status", "")))


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks, pool: WorkerPool) -> None:
    """Build the DCGAN tab's components and events (call inside a gr.Tab of `demo`); its runs
    train in `pool`'s workers."""
    # a closed page's state is deleted by Gradio, which frees its run's slot in the worker
    session = gr.State(MnistEngine(pool), delete_callback=LiveEngine.close)
    with gr.Row():
        with gr.Column(scale=3, min_width=620):  # narrower screens: the controls go below
            with gr.Row():
                grid = live_image("mnist-grid", figure_server(pool), height=330,
                                  alt="64 samples of the generator, on fixed noise")
                classes = gr.Plot(show_label=False, elem_id="mnist-classes")
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
            data_choice = gr.Dropdown(DATA_CHOICES, value="embedded", label="digits", elem_id="mnist-data")
            data_folder = gr.Textbox(label="folder of MNIST IDX files (for 'a folder')", elem_id="mnist-data-folder")
            mbd = gr.Checkbox(DEFAULTS.minibatch_discrimination, label="minibatch discrimination (on ↺ Reset)",
                              elem_id="mnist-mbd")
            with gr.Accordion("training settings (applied on ↺ Reset)", open=False):
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
            with gr.Accordion("save, load, export", open=False):
                save = gr.Button("save checkpoint", elem_id="mnist-save")
                export = gr.Button("export the sample grid as PNG", elem_id="mnist-export")
                download = gr.File(label="download", interactive=False, elem_id="mnist-download")
                upload = gr.File(label="load a checkpoint (.pt)", file_types=[".pt"], type="filepath",
                                 elem_id="mnist-upload")
                file_note = gr.Markdown(elem_id="mnist-file-note")
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
    gr.Markdown(MNIST_EXPLANATION)

    values = [epochs, batch, g_width, d_width, g_lr, d_lr, seed, device, mbd]
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [readout, status, losses, quality, classes, timer]
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
    save.click(on_save, [session], [download, file_note], **quiet)
    export.click(on_export_png, [session], [download, file_note], **quiet)
    upload.upload(on_load, [session, upload], outputs + [file_note], **quiet)
    demo.load(on_load_page, [session], [grid], **quiet, api_name="mnist_open")
