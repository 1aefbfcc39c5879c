"""The DCGAN tab: a DCGAN learns MNIST digits live; then walk its latent space.

Wiring only: `MnistRun` trains and measures, `mnist.plots` draws curves, `latent` interpolates
and finds nearest digits, `checkpoint` saves and loads. As in the toy tabs, training runs in
the session's own thread and the page polls for frames with a gr.Timer; every handler turns bad
input into a message on the page.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from pathlib import Path

import gradio as gr
import numpy as np
import torch

from ..core.checkpoint import CheckpointError
from ..core.devices import describe_device
from ..core.errors import ConfigError, TrainingDiverged
from ..mnist import plots as plots_mnist
from ..mnist.checkpoint import read_checkpoint, save_checkpoint
from ..mnist.config import DcganConfig
from ..mnist.data import MnistDataError, load_digits, load_embedded
from ..mnist.images import enlarge, png_bytes, tile
from ..mnist.latent import interpolate, nearest_real, seeded_noise
from ..mnist.quality import to_uint8
from ..mnist.run import MnistRun
from .explanations import MNIST_EXPLANATION
from .plotting import plot_value
from .session import LiveSession, one_torch_thread

FRAME_SECONDS = 1.0   # a DCGAN changes slowly: one frame a second leaves the cores to training
SLOW_EVERY_SECONDS = 2.0
MEASURE_EVERY_SECONDS = 15.0   # scoring 2,000 samples takes ~0.7 s on 2 cores
SLIDERS = 8            # latent components under sliders
GRID_SCALE = 3         # the sample grid's pixels on screen
SAMPLE_SCALE = 6       # the single sample's and its nearest digit's
STRIP_SCALE = 3
# a DCGAN is arithmetic-bound: its training thread uses every core (the toy tabs use one)
TRAINING_THREADS = os.cpu_count() or 1
DEFAULTS = DcganConfig()
SETTING_NAMES = ("epochs", "batch_size", "g_width", "d_width", "g_lr", "d_lr", "seed", "device",
                 "minibatch_discrimination")
DATA_CHOICES = [("embedded: 5,000 digits that ship with GAN Explorer", "embedded"),
                ("full MNIST: 70,000 (downloaded once, checksummed)", "full"),
                ("a folder of MNIST IDX files", "folder")]
FILES_DIR = Path(tempfile.gettempdir()) / "gan-explorer-mnist-files"



class MnistSession(LiveSession):
    training_threads = TRAINING_THREADS

    def __init__(self) -> None:
        super().__init__()
        self.files = FILES_DIR / uuid.uuid4().hex   # this session's downloads
        self.note = ""

    def __deepcopy__(self, memo) -> "MnistSession":
        return MnistSession()


# ---------------------------------------------------------------------- building runs
def config_from_controls(data_choice, data_folder, values) -> DcganConfig:
    changes = dict(zip(SETTING_NAMES, values))
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raise ConfigError(f"{name} is empty: enter a value")
    for name in ("epochs", "batch_size", "g_width", "d_width", "seed"):
        if isinstance(changes[name], float) and changes[name].is_integer():
            changes[name] = int(changes[name])
    if data_choice == "folder":
        if not (data_folder or "").strip():
            raise ConfigError("enter the folder that holds the MNIST IDX files")
        changes["data"] = data_folder.strip()
    else:
        changes["data"] = data_choice or "embedded"
    return DcganConfig.from_dict(DEFAULTS.to_dict() | changes)


def _load_digits(source: str):
    return load_embedded() if source == "embedded" else load_digits(source)


def _new_run(session: MnistSession, data_choice, data_folder, values) -> str:
    """Replace the session's run (the caller holds session.lock); returns a note."""
    session.stop.set()
    session.thread = None
    session.error = None
    try:
        config = config_from_controls(data_choice, data_folder, values)
        run = MnistRun(config, _load_digits(config.data))
    except (ConfigError, MnistDataError) as err:
        session.run = None
        session.error = f"Invalid setting: {err}"
        return ""
    run.measure_every_seconds = MEASURE_EVERY_SECONDS
    session.run = run
    return f"new run on {run.digits.source}: press ▶ Play"


# ---------------------------------------------------------------------- rendering
def _grid(run: MnistRun) -> np.ndarray:
    return enlarge(tile(to_uint8(run.trainer.grid_images()), columns=8), GRID_SCALE)


def _readout(session: MnistSession) -> str:
    run = session.run
    if run is None:
        return ""
    latest = run.history.quality[-1] if run.history.quality else None
    return plots_mnist.readout_html(latest, run.progress(),
                                    describe_device(run.trainer.device, threads=TRAINING_THREADS))


def _render(session: MnistSession, note: str = "", *, slow: bool = True, full: bool = True):
    """Outputs: grid, readout, status, losses, quality, classes, timer."""
    skip = gr.skip()
    timer = gr.Timer(active=session.playing) if full else skip
    status = session.status(note)
    run = session.run
    if run is None:
        return skip, skip, status, skip, skip, skip, timer
    grid = _grid(run) if not session.error else skip
    if not slow:
        return grid, _readout(session), status, skip, skip, skip, timer
    h = run.history
    histograms = [("generated", h.quality[-1]["class_histogram"])] if h.quality else []
    return (
        grid, _readout(session), status,
        plot_value(plots_mnist.losses_figure(h.iteration, h.d_loss, h.g_loss, h.d_real, h.d_fake)),
        plot_value(plots_mnist.quality_figure(h.quality)),
        plot_value(plots_mnist.class_histogram_figure(histograms)),
        timer,
    )


# ---------------------------------------------------------------------- training handlers
def on_reset(session: MnistSession, data_choice, data_folder, *values):
    with session.lock:
        note = _new_run(session, data_choice, data_folder, values)
        return _render(session, note)


def on_play(session: MnistSession, data_choice, data_folder, *values):
    with session.lock:
        if session.error or session.run is None:
            note = _new_run(session, data_choice, data_folder, values)
            if session.run is None:
                return _render(session, note)
        run = session.run
    if run.finished:
        return _render(session, "all epochs done: raise the epochs and press ↺ Reset to train again")
    session.start(until=run.budget, on_error=TrainingDiverged)
    session.last_metrics = 0.0
    return _render(session, "training…")


def on_tick(session: MnistSession):
    session.last_poll = time.monotonic()
    with session.lock:  # the lock first: see tab_toy2d.on_tick
        if session.run is None or not session.playing:
            finished = session.run is not None and session.run.finished
            return _render(session, "finished" if finished else "paused")
        now = time.monotonic()
        slow = now - session.last_metrics >= SLOW_EVERY_SECONDS
        if slow:
            session.last_metrics = now
        return _render(session, "training…", slow=slow, full=False)


def on_pause(session: MnistSession):
    session.halt(wait=False)
    skip = gr.skip()
    return skip, skip, session.status("pausing…"), skip, skip, skip, gr.Timer(active=session.run is not None)


# ---------------------------------------------------------------------- the latent space
def _latent(run: MnistRun, seed, sliders) -> torch.Tensor:
    z = run.trainer.noise(1, int(seed))[0]
    z[:SLIDERS] = torch.tensor([float(v) for v in sliders], dtype=z.dtype)
    return z


def _no_model(session: MnistSession) -> str | None:
    if session.run is None:
        return "Train a model first (▶ Train), or load a checkpoint."
    if session.error:
        return session.error
    return None


def on_latent(session: MnistSession, seed, *sliders):
    """G(z) for the slider values, and the nearest real training digit beside it."""
    problem = _no_model(session)
    if problem or seed is None:
        return gr.skip(), gr.skip(), problem or "enter a seed"
    with session.lock:
        run = session.run
        z = _latent(run, seed, sliders)
        image = to_uint8(run.trainer.generate(z[None]))[0]
        index, distance = nearest_real(image, run.digits.images)
        label = int(run.digits.labels[index])
    rest = z[SLIDERS:]
    note = (f"z[0:{SLIDERS}] from the sliders; the other {len(rest)} components fixed by seed {int(seed)} "
            f"(mean {rest.mean():+.2f}, std {rest.std():.2f}); |z| = {z.norm():.2f} "
            f"(typical: √{len(z)} = {len(z) ** 0.5:.1f}). Nearest training digit: #{index}, a {label}, "
            f"RMS pixel distance {distance:.3f}.")
    return enlarge(image, SAMPLE_SCALE), enlarge(run.digits.images[index], SAMPLE_SCALE), note


def on_seed(session: MnistSession, seed):
    """A new seed sets the sliders to that z's first components (and redraws)."""
    if seed is None:
        return [gr.skip()] * (SLIDERS + 3)
    z = seeded_noise(1, (session.run.config if session.run is not None else DEFAULTS).noise_dim, seed)[0]
    values = [round(float(v), 2) for v in z[:SLIDERS].clamp(-3, 3)]
    if session.run is None:
        return (*values, gr.skip(), gr.skip(), _no_model(session))
    return (*values, *on_latent(session, seed, *values))


def on_randomise(session: MnistSession):
    seed = random.randrange(100_000)
    return (seed, *on_seed(session, seed))


def on_interpolate(session: MnistSession, seed_a, seed_b, steps):
    problem = _no_model(session)
    if problem:
        return gr.skip(), problem
    if seed_a is None or seed_b is None or steps is None:
        return gr.skip(), "enter two seeds and a number of steps"
    steps = int(steps)
    with session.lock:
        run = session.run
        z0, z1 = run.trainer.noise(1, int(seed_a))[0], run.trainer.noise(1, int(seed_b))[0]
        paths = {mode: interpolate(z0, z1, steps, mode) for mode in ("linear", "spherical")}
        images = to_uint8(run.trainer.generate(torch.cat([paths["linear"], paths["spherical"]])))
    middle = steps // 2
    note = (f"Top: linear, bottom: spherical, from seed {int(seed_a)} to seed {int(seed_b)} in {steps} steps. "
            f"|z| at the middle: linear {paths['linear'][middle].norm():.1f}, spherical "
            f"{paths['spherical'][middle].norm():.1f} (ends: {z0.norm():.1f}, {z1.norm():.1f}).")
    return enlarge(tile(images, columns=steps), STRIP_SCALE), note


# ---------------------------------------------------------------------- files
def _download(session: MnistSession, name: str, write, message: str):
    """Write a file of the current run into this session's folder: `write(run, path)`; the
    outputs (the file to download, a note). `name` and `message` are formatted with the run."""
    problem = _no_model(session)
    if problem:
        return gr.skip(), problem
    with session.lock:
        run = session.run
        session.files.mkdir(parents=True, exist_ok=True)
        path = session.files / name.format(run=run)
        write(run, path)
    return str(path), message.format(run=run)


def on_save(session: MnistSession):
    return _download(session, "dcgan-{run.config.seed}-it{run.iteration}.pt",
                     lambda run, path: save_checkpoint(path, run.config, run.trainer.state()),
                     "Checkpoint saved: weights and config, iteration {run.iteration}.")


def on_export_png(session: MnistSession):
    def write(run, path):
        path.write_bytes(png_bytes(enlarge(tile(to_uint8(run.trainer.grid_images()), columns=8), 2)))
    return _download(session, "dcgan-samples-it{run.iteration}.png", write,
                     "Sample grid exported (iteration {run.iteration}).")


def on_load(session: MnistSession, file):
    """Load a checkpoint into a new, paused run; a bad file leaves the current run alone."""
    skip = gr.skip()
    if not file:
        return (*[skip] * 7, skip)
    try:
        config, state = read_checkpoint(file)
    except CheckpointError as err:
        return (*[skip] * 2, f"⚠️ **Not loaded.** {err}", *[skip] * 4, f"⚠️ Not loaded: {err}")
    note = ""
    try:
        digits = _load_digits(config.data)
    except MnistDataError as err:
        digits = load_embedded()
        note = f" Its data ({config.data}) is not here ({err}); showing the embedded digits instead."
    session.halt()
    with session.lock:
        try:
            run = MnistRun(config.replace(device="auto"), digits)
        except ConfigError as err:
            return (*[skip] * 2, f"⚠️ **Not loaded.** {err}", *[skip] * 4, f"⚠️ Not loaded: {err}")
        run.trainer.load_state(state)
        run.measure_every_seconds = MEASURE_EVERY_SECONDS
        run.measure()
        session.run, session.error = run, None
        message = f"Loaded a checkpoint at iteration {run.iteration}.{note}"
        return (*_render(session, message), message)


# ---------------------------------------------------------------------- layout
def build_tab(demo: gr.Blocks) -> None:
    """Build the DCGAN tab's components and events (call inside a gr.Tab of `demo`)."""
    session = gr.State(MnistSession())
    with gr.Row():
        with gr.Column(scale=3):
            with gr.Row():
                grid = gr.Image(show_label=False, type="numpy", format="png", interactive=False,
                                elem_id="mnist-grid", height=330)
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
                epochs = gr.Number(DEFAULTS.epochs, label="epochs", precision=0, minimum=1)
                batch = gr.Number(DEFAULTS.batch_size, label="batch size", precision=0, minimum=2)
                g_width = gr.Number(DEFAULTS.g_width, label="G width (ngf)", precision=0, minimum=4)
                d_width = gr.Number(DEFAULTS.d_width, label="D width (ndf)", precision=0, minimum=4)
                g_lr = gr.Number(DEFAULTS.g_lr, label="G learning rate")
                d_lr = gr.Number(DEFAULTS.d_lr, label="D learning rate")
                seed = gr.Number(DEFAULTS.seed, label="seed", precision=0, minimum=0)
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
                    latent_seed = gr.Number(1, label="seed of z", precision=0, minimum=0, elem_id="mnist-latent-seed")
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
            seed_a = gr.Number(1, label="from seed", precision=0, minimum=0, elem_id="mnist-interp-a")
            seed_b = gr.Number(2, label="to seed", precision=0, minimum=0, elem_id="mnist-interp-b")
            steps = gr.Slider(3, 16, value=10, step=1, label="steps", elem_id="mnist-interp-steps")
            interp = gr.Button("interpolate", elem_id="mnist-interpolate")
        strip = gr.Image(label="interpolation: linear (top), spherical (bottom)", type="numpy", format="png",
                         interactive=False, elem_id="mnist-strip")
        strip_note = gr.Markdown(elem_id="mnist-strip-note")
    gr.Markdown(MNIST_EXPLANATION)

    values = [epochs, batch, g_width, d_width, g_lr, d_lr, seed, device, mbd]
    timer = gr.Timer(FRAME_SECONDS, active=False)
    outputs = [grid, readout, status, losses, quality, classes, timer]
    common = [session, data_choice, data_folder]
    quiet = dict(show_progress="hidden", concurrency_limit=None)
    play.click(one_torch_thread(on_play), common + values, outputs, **quiet)
    timer.tick(one_torch_thread(on_tick), [session], outputs, **quiet)
    pause.click(one_torch_thread(on_pause), [session], outputs, **quiet)
    reset.click(one_torch_thread(on_reset), common + values, outputs, **quiet)
    latent_outputs = [sample, nearest, latent_note]
    for slider in sliders:
        slider.release(one_torch_thread(on_latent), [session, latent_seed] + sliders, latent_outputs, **quiet)
    latent_seed.submit(one_torch_thread(on_seed), [session, latent_seed], sliders + latent_outputs, **quiet)
    randomise.click(one_torch_thread(on_randomise), [session], [latent_seed] + sliders + latent_outputs, **quiet)
    interp.click(one_torch_thread(on_interpolate), [session, seed_a, seed_b, steps], [strip, strip_note], **quiet)
    save.click(one_torch_thread(on_save), [session], [download, file_note], **quiet)
    export.click(one_torch_thread(on_export_png), [session], [download, file_note], **quiet)
    upload.upload(one_torch_thread(on_load), [session, upload], outputs + [file_note], **quiet)
