"""The DCGAN tab's run in a worker: how to build it from the page's settings, its frames (the
sample grid as a PNG, the readout, the curves), the latent space, and its files. No gradio here:
the tab (`tab_mnist`) hands the outputs on."""

from __future__ import annotations

import base64
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..core.checkpoint import CheckpointError
from ..core.devices import describe_device
from ..core.errors import ConfigError, TrainingDiverged, shown
from ..mnist import plots as plots_mnist
from ..mnist.checkpoint import read_checkpoint, save_checkpoint
from ..mnist.config import DcganConfig
from ..mnist.cost import DCGAN_LIMITS, dcgan_run_cost
from ..mnist.data import DataAccess, MnistDataError, load_embedded
from ..mnist.images import enlarge, png_bytes, tile
from ..mnist.latent import interpolate, nearest_real, seeded_noise
from ..mnist.quality import to_uint8
from ..mnist.run import MnistRun
from .frames import Resend, figure_json
from .worker import Slot

MEASURE_EVERY_SECONDS = 15.0   # scoring 2,000 samples takes ~0.7 s on 2 cores
SLOW_EVERY_SECONDS = 6.0       # the loss curves, while training (redrawn whole by the page)
GRID_EVERY_SECONDS = 0.35      # the live sample grid, while training: about 3 a second
SLIDERS = 8            # latent components under sliders
GRID_SCALE = 2         # the sample grid's pixels per digit pixel (the page scales it to fit)
SAMPLE_SCALE = 6       # the single sample's and its nearest digit's
STRIP_SCALE = 3
# a DCGAN is arithmetic-bound: its run trains with every core (the toy tabs use one)
TRAINING_THREADS = os.cpu_count() or 1
DEFAULTS = DcganConfig()
SETTING_NAMES = ("epochs", "batch_size", "g_width", "d_width", "g_lr", "d_lr", "seed", "device",
                 "minibatch_discrimination")


def config_from_controls(data_choice: str | None, data_folder: str | None, values: list) -> DcganConfig:
    """The DCGAN config of the page's settings; ConfigError with a clear message."""
    changes = dict(zip(SETTING_NAMES, values))
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and value.strip() == ""):
            raise ConfigError(f"{name} is empty: enter a value")
    for name in ("epochs", "batch_size", "g_width", "d_width", "seed"):
        if isinstance(changes.get(name), float) and changes[name].is_integer():
            changes[name] = int(changes[name])
    if data_choice == "folder":
        if not (data_folder or "").strip():
            raise ConfigError("enter the folder that holds the MNIST IDX files")
        changes["data"] = data_folder.strip()
    else:
        changes["data"] = data_choice or "embedded"
    return DcganConfig.from_dict(DEFAULTS.to_dict() | changes)


def png_data(image: np.ndarray) -> str:
    """A uint8 image as the base64 PNG a page shows in an <img> (fast zlib: it is sent at once)."""
    return base64.b64encode(png_bytes(image, compress_level=1)).decode("ascii")


class MnistTab:
    """The LiveTab of the DCGAN tab (see worker.LiveTab)."""

    training_threads = TRAINING_THREADS

    def __init__(self, settings: dict | None = None) -> None:
        """A tab with no run yet; `settings['data_access']` (the server's, see worker.Worker) says
        which digits a user may make it read or fetch (mnist.data.DataAccess), and
        `settings['run_cost_scale']` scales the limits on a run's cost (mnist.cost.DCGAN_LIMITS)."""
        self.data_access = DataAccess(**(settings or {}).get("data_access", {}))
        self.limits = DCGAN_LIMITS.scaled((settings or {}).get("run_cost_scale", 1.0))
        self.run: MnistRun | None = None
        self.builds = 0
        self.losses_resend = Resend(SLOW_EVERY_SECONDS)
        self.last_grid = 0.0
        self.quality_resend = Resend()  # the quality curve and class histogram: on a new measurement

    def diverged_errors(self) -> tuple[type[Exception], ...]:
        """A DCGAN run diverges with TrainingDiverged."""
        return (TrainingDiverged,)

    def build(self, request: dict) -> str:
        """A fresh run on the chosen digits."""
        self.run = None
        config = config_from_controls(request.get("data_choice"), request.get("data_folder"),
                                      request.get("values") or [])
        self.limits.check(dcgan_run_cost(config))
        run = MnistRun(config, self.data_access.load(config.data))
        run.measure_every_seconds = MEASURE_EVERY_SECONDS
        self.run = run
        self.builds += 1
        return f"new run on {run.digits.source}: press ▶ Train"

    def apply(self, request: dict) -> str:
        """Play's settings: more (or fewer) epochs apply now; other changes on Reset."""
        config = config_from_controls(request.get("data_choice"), request.get("data_folder"),
                                      request.get("values") or [])
        run = self.run
        differ = [n for n in SETTING_NAMES + ("data",)
                  if n != "epochs" and getattr(config, n) != getattr(run.config, n)]
        if config.epochs != run.config.epochs:
            run.config = run.config.replace(epochs=config.epochs)
            run.trainer.config = run.trainer.config.replace(epochs=config.epochs)
        return "changed settings apply on ↺ Reset" if differ else ""

    # ------------------------------------------------------------------ drawing
    def _grid(self) -> np.ndarray:
        return enlarge(tile(to_uint8(self.run.trainer.grid_images()), columns=8), GRID_SCALE)

    def outputs(self, slot: Slot, request: dict) -> dict:
        """The readout, the status and, when due, the curves (the grid draws itself)."""
        run = self.run
        if run is None:
            return {"playing": slot.playing, "status": slot.status(request.get("note", ""))}
        note, full = slot.frame_note(request)
        out: dict[str, Any] = {"playing": slot.playing}
        out["status"] = slot.status(note)
        latest = run.history.quality[-1] if run.history.quality else None
        out["readout"] = plots_mnist.readout_html(latest, run.progress(),
                                                  describe_device(run.trainer.device, threads=TRAINING_THREADS))
        h = run.history
        if self.losses_resend.due((self.builds, len(h.iteration)), full):
            out["losses"] = figure_json(plots_mnist.losses_figure(h.iteration, h.d_loss, h.g_loss, h.d_real, h.d_fake))
        # the quality curve and the class histogram change only with a new measurement
        if self.quality_resend.due((self.builds, len(h.quality)), full):
            histograms = [("generated", h.quality[-1]["class_histogram"])] if h.quality else []
            out["quality"] = figure_json(plots_mnist.quality_figure(h.quality))
            out["classes"] = figure_json(plots_mnist.class_histogram_figure(
                histograms, confident_share=h.quality[-1].get("confident_share") if h.quality else None))
        return out

    def _live(self, slot: Slot, page_version: str | None) -> dict:
        """The live sample grid: a PNG of G on the fixed grid noise, at most every
        GRID_EVERY_SECONDS while training."""
        run = self.run
        if run is None:
            return {"playing": False}
        version = f"{self.builds}:{run.iteration}:{int(bool(slot.error))}"
        now = time.monotonic()
        if slot.playing and now - self.last_grid < GRID_EVERY_SECONDS:  # ask again when it is due
            return {"playing": True, "wait_ms": int((self.last_grid + GRID_EVERY_SECONDS - now) * 1000) + 5}
        if page_version == version or (slot.error and page_version is not None):
            return {"playing": slot.playing, "wait_ms": 100}
        self.last_grid = now
        return {"version": version, "png": png_data(self._grid()), "label": f"iteration {run.iteration}",
                "playing": slot.playing, "wait_ms": int(GRID_EVERY_SECONDS * 1000)}

    # ------------------------------------------------------------------ the tab's own commands
    def command(self, slot: Slot, name: str, request: dict) -> dict:
        """live, latent, seed, randomise, interpolate, save, export, load."""
        if name == "live":
            return self._live(slot, request.get("version"))
        if name == "load":
            return self._load(slot, request)
        problem = self._no_model(slot)
        if name == "seed" and problem:
            return {"values": self._slider_values(request.get("seed")), "note": problem}
        if name == "randomise":
            request = dict(request, seed=random.randrange(100_000))
            name = "seed"
        if problem:
            return {"note": problem}
        if name == "latent":
            return self._latent(request.get("seed"), request.get("sliders") or [])
        if name == "seed":
            values = self._slider_values(request.get("seed"))
            return dict(self._latent(request.get("seed"), values), values=values, seed=request.get("seed"))
        if name == "interpolate":
            return self._interpolate(request)
        if name in ("save", "export"):
            return self._file(name, Path(request["folder"]))
        raise ValueError(f"the DCGAN tab has no command {name!r}")

    def _no_model(self, slot: Slot) -> str | None:
        if self.run is None:
            return "Train a model first (▶ Train), or load a checkpoint."
        if slot.error:
            return slot.error
        return None

    def _slider_values(self, seed: Any) -> list[float]:
        noise_dim = (self.run.config if self.run is not None else DEFAULTS).noise_dim
        z = seeded_noise(1, noise_dim, int(seed or 0))[0]
        return [round(float(v), 2) for v in z[:SLIDERS].clamp(-3, 3)]

    def _latent(self, seed: Any, sliders: list) -> dict:
        """G(z) for the slider values, and the nearest real training digit beside it."""
        if seed is None:
            return {"note": "enter a seed"}
        run = self.run
        z = run.trainer.noise(1, int(seed))[0]
        z[:SLIDERS] = torch.tensor([float(v) for v in sliders], dtype=z.dtype)
        image = to_uint8(run.trainer.generate(z[None]))[0]
        index, distance = nearest_real(image, run.digits.images)
        label = int(run.digits.labels[index])
        rest = z[SLIDERS:]
        note = (f"z[0:{SLIDERS}] from the sliders; the other {len(rest)} components fixed by seed {int(seed)} "
                f"(mean {rest.mean():+.2f}, std {rest.std():.2f}); |z| = {z.norm():.2f} "
                f"(typical: √{len(z)} = {len(z) ** 0.5:.1f}). Nearest training digit: #{index}, a {label}, "
                f"RMS pixel distance {distance:.3f}.")
        return {"sample": enlarge(image, SAMPLE_SCALE), "nearest": enlarge(run.digits.images[index], SAMPLE_SCALE),
                "note": note}

    def _interpolate(self, request: dict) -> dict:
        seed_a, seed_b, steps = request.get("seed_a"), request.get("seed_b"), request.get("steps")
        if seed_a is None or seed_b is None or steps is None:
            return {"note": "enter two seeds and a number of steps"}
        steps = int(steps)
        run = self.run
        z0, z1 = run.trainer.noise(1, int(seed_a))[0], run.trainer.noise(1, int(seed_b))[0]
        paths = {mode: interpolate(z0, z1, steps, mode) for mode in ("linear", "spherical")}
        images = to_uint8(run.trainer.generate(torch.cat([paths["linear"], paths["spherical"]])))
        middle = steps // 2
        note = (f"Top: linear, bottom: spherical, from seed {int(seed_a)} to seed {int(seed_b)} in {steps} steps. "
                f"|z| at the middle: linear {paths['linear'][middle].norm():.1f}, spherical "
                f"{paths['spherical'][middle].norm():.1f} (ends: {z0.norm():.1f}, {z1.norm():.1f}).")
        return {"strip": enlarge(tile(images, columns=steps), STRIP_SCALE), "note": note}

    def _file(self, name: str, folder: Path) -> dict:
        """A checkpoint or the grid as a PNG, written into the page's own folder."""
        run = self.run
        folder.mkdir(parents=True, exist_ok=True)
        if name == "save":
            path = folder / f"dcgan-{run.config.seed}-it{run.iteration}.pt"
            save_checkpoint(path, run.config, run.trainer.state())
            return {"path": str(path),
                    "note": f"Checkpoint saved: weights, optimisers and config, iteration {run.iteration}."}
        path = folder / f"dcgan-samples-it{run.iteration}.png"
        path.write_bytes(png_bytes(enlarge(tile(to_uint8(run.trainer.grid_images()), columns=8), 2)))
        return {"path": str(path), "note": f"Sample grid exported (iteration {run.iteration})."}

    def _load(self, slot: Slot, request: dict) -> dict:
        """A checkpoint into a new, paused run; a bad file leaves the current run alone."""
        try:
            config, state = read_checkpoint(request["path"])
            self.limits.check(dcgan_run_cost(config))
        except (CheckpointError, ConfigError) as err:
            return {"status": f"⚠️ **Not loaded.** {err}", "note": f"⚠️ Not loaded: {err}"}
        note = ""
        try:
            digits = self.data_access.load(config.data)
        except MnistDataError as err:
            digits = load_embedded()
            note = f" Its data ({shown(config.data)}) could not be read ({err}); showing the embedded digits instead."
        try:
            run = MnistRun(config.replace(device="auto"), digits)
            run.trainer.load_state(state)
        except (ConfigError, RuntimeError, ValueError, KeyError) as err:
            return {"status": f"⚠️ **Not loaded.** {err}", "note": f"⚠️ Not loaded: {err}"}
        slot.stop_playing()
        run.measure_every_seconds = MEASURE_EVERY_SECONDS
        run.measure()
        self.run, slot.error = run, None
        slot.state = "paused"
        self.builds += 1
        message = f"Loaded a checkpoint at iteration {run.iteration}.{note}"
        return dict(self.outputs(slot, {"note": message}), note=message)


LIVE_TAB = MnistTab
