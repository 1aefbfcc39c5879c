"""The MNIST tab's run in a worker (a DCGAN, a conditional GAN or an InfoGAN): how to build it
from the page's settings or from the pretrained generator, its frames (the sample grid as a PNG,
the readout, the curves), the codes that set the grid (a digit, InfoGAN's codes), the traversal
grid, the latent space, and its files. No gradio here: the tab (`tab_mnist`) hands the outputs on."""

from __future__ import annotations

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
from ..mnist.codes import MODEL_NAMES, MODELS, traversal
from ..mnist.config import DcganConfig, model_config
from ..mnist.cost import DCGAN_LIMITS, dcgan_run_cost
from ..mnist.data import DataAccess, MnistDataError, load_embedded
from ..mnist.images import enlarge, png_base64, tile
from ..mnist.latent import interpolate, nearest_real, seeded_noise
from ..mnist.pretrained import apply_pretrained, load_pretrained
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
                 "minibatch_discrimination", "model")
TRAVERSAL_COLUMNS = 10     # samples (each its own z) across a traversal grid
TRAVERSAL_VALUES = 9       # rows of a continuous code's traversal: -2 to 2


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
    return DcganConfig.from_dict(model_config(changes.get("model") or "dcgan").to_dict() | changes)


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
        # what the page's code controls set in the grid and the single sample: the digit (or
        # InfoGAN's categorical code; None: 0..9 across the columns) and InfoGAN's continuous codes
        self.code: int | None = None
        self.continuous = [0.0, 0.0]
        self.codes_set = 0        # counts changes of the codes, so that the grid is drawn anew
        self.pretrained = False   # the run holds the pretrained generator (D untrained)

    def diverged_errors(self) -> tuple[type[Exception], ...]:
        """A DCGAN run diverges with TrainingDiverged."""
        return (TrainingDiverged,)

    @property
    def replace_on_play(self) -> bool:
        """A pretrained model is for looking at: ▶ Train starts a new run from the settings."""
        return self.pretrained

    def build(self, request: dict) -> str:
        """A fresh run on the chosen digits."""
        self.run = None
        config = config_from_controls(request.get("data_choice"), request.get("data_folder"),
                                      request.get("values") or [])
        self.limits.check(dcgan_run_cost(config))
        run = MnistRun(config, self.data_access.load(config.data))
        run.measure_every_seconds = MEASURE_EVERY_SECONDS
        run.keep_grids()   # for the export of the grid as training went
        self.run, self.pretrained = run, False
        self.builds += 1
        return f"new {MODEL_NAMES[config.model]} on {run.digits.source}: press ▶ Train"

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
        return enlarge(self.run.grid(self.code, self.continuous), GRID_SCALE)

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
            out["losses"] = figure_json(plots_mnist.losses_figure(
                h.iteration, h.d_loss, h.g_loss, h.d_real, h.d_fake, code_likelihood=h.code_likelihood,
                model=run.config.model), slot.projector)
        # the quality curve and the class histogram change only with a new measurement
        if self.quality_resend.due((self.builds, len(h.quality)), full):
            # the code buttons' names follow the measurements (InfoGAN's digit of each code)
            out["model"], out["code_labels"] = run.config.model, self._code_labels()
            histograms = [("generated", h.quality[-1]["class_histogram"])] if h.quality else []
            out["quality"] = figure_json(plots_mnist.quality_figure(h.quality), slot.projector)
            out["classes"] = figure_json(plots_mnist.class_histogram_figure(
                histograms, confident_share=h.quality[-1].get("confident_share") if h.quality else None),
                slot.projector)
        return out

    def _live(self, slot: Slot, page_version: str | None) -> dict:
        """The live sample grid: a PNG of G on the fixed grid noise, at most every
        GRID_EVERY_SECONDS while training."""
        run = self.run
        if run is None:
            return {"playing": False}
        version = f"{self.builds}:{run.iteration}:{self.codes_set}:{int(bool(slot.error))}"
        now = time.monotonic()
        if slot.playing and now - self.last_grid < GRID_EVERY_SECONDS:  # ask again when it is due
            return {"playing": True, "wait_ms": int((self.last_grid + GRID_EVERY_SECONDS - now) * 1000) + 5}
        if page_version == version or (slot.error and page_version is not None):
            return {"playing": slot.playing, "wait_ms": 100}
        self.last_grid = now
        label = f"iteration {run.iteration}" + (" (pretrained)" if self.pretrained else "")
        return {"version": version, "png": png_base64(self._grid()), "label": label,
                "playing": slot.playing, "wait_ms": int(GRID_EVERY_SECONDS * 1000)}

    # ------------------------------------------------------------------ the tab's own commands
    def command(self, slot: Slot, name: str, request: dict) -> dict:
        """live, latent, seed, randomise, interpolate, codes, traversal, save, export, load, pretrained."""
        if name == "live":
            return self._live(slot, request.get("version"))
        if name == "load":
            return self._load(slot, request)
        if name == "pretrained":
            if request.get("if_no_run") and self.run is not None:
                return self.outputs(slot, {})
            return self._load_pretrained(slot, request.get("model") or "dcgan")
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
        if name == "codes":
            return self._set_codes(request)
        if name == "traversal":
            return self._traversal(request)
        if name == "save":
            return self._save(Path(request["folder"]))
        if name == "export":
            return self._export(request)
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
        z = run.trainer.with_codes(z[None], self.code, self.continuous)[0]
        image = to_uint8(run.trainer.generate(z[None]))[0]
        index, distance = nearest_real(image, run.digits.images)
        label = int(run.digits.labels[index])
        z, _, _ = run.trainer.layout.split(z[None])
        z = z[0]
        rest = z[SLIDERS:]
        note = (f"z[0:{SLIDERS}] from the sliders; the other {len(rest)} components fixed by seed {int(seed)} "
                f"(mean {rest.mean():+.2f}, std {rest.std():.2f}); |z| = {z.norm():.2f} "
                f"(typical: √{len(z)} = {len(z) ** 0.5:.1f}).{self._codes_note()} Nearest training digit: "
                f"#{index}, a {label}, RMS pixel distance {distance:.3f}.")
        return {"sample": enlarge(image, SAMPLE_SCALE), "nearest": enlarge(run.digits.images[index], SAMPLE_SCALE),
                "note": note}

    def _interpolate(self, request: dict) -> dict:
        seed_a, seed_b, steps = request.get("seed_a"), request.get("seed_b"), request.get("steps")
        if seed_a is None or seed_b is None or steps is None:
            return {"note": "enter two seeds and a number of steps"}
        steps = int(steps)
        run = self.run
        z0, z1 = (run.trainer.with_codes(run.trainer.noise(1, int(seed)), self.code, self.continuous)[0]
                  for seed in (seed_a, seed_b))
        paths = {mode: interpolate(z0, z1, steps, mode) for mode in ("linear", "spherical")}
        images = to_uint8(run.trainer.generate(torch.cat([paths["linear"], paths["spherical"]])))
        middle = steps // 2
        note = (f"Top: linear, bottom: spherical, from seed {int(seed_a)} to seed {int(seed_b)} in {steps} steps. "
                f"|z| at the middle: linear {paths['linear'][middle].norm():.1f}, spherical "
                f"{paths['spherical'][middle].norm():.1f} (ends: {z0.norm():.1f}, {z1.norm():.1f}).")
        return {"strip": enlarge(tile(images, columns=steps), STRIP_SCALE), "note": note}

    def _save(self, folder: Path) -> dict:
        """A checkpoint, written into the page's own folder."""
        run = self.run
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run.config.model}-{run.config.seed}-it{run.iteration}.pt"
        save_checkpoint(path, run.config, run.trainer.state())
        return {"path": str(path), "note": f"Checkpoint saved: weights, optimisers and config, iteration {run.iteration}."}

    def _export(self, request: dict) -> dict:
        """For slides (export_panel): the grid now (its codes set), or as training went (MnistRun.grids)."""
        run = self.run
        if run is None:
            return {"figures": []}
        timeline = request.get("what") == "timeline"
        codes = (None, None) if timeline else (self.code, self.continuous)
        now = (run.iteration, round(run.trainer.epoch, 3), run.grid(*codes))
        grids = [g for g in run.grids if g[0] < run.iteration] + [now] if timeline else [now]
        name = MODEL_NAMES[run.config.model] + (" (pretrained)" if self.pretrained else "")
        return {"figures": plots_mnist.grid_timeline_figures(grids, name), "stem": f"{run.config.model}-iteration{run.iteration}"}

    def _load(self, slot: Slot, request: dict) -> dict:
        """A checkpoint into a new, paused run; a bad file leaves the current run alone."""
        try:
            config, state = read_checkpoint(request["path"], model=request.get("model"))
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
        message = f"Loaded a {MODEL_NAMES[config.model]} checkpoint at iteration {run.iteration}.{note}"
        return self._take(slot, run, message, pretrained=False)

    def _take(self, slot: Slot, run: MnistRun, message: str, pretrained: bool) -> dict:
        """Make `run` (a loaded one) the tab's run, measured and paused; the page's outputs."""
        slot.stop_playing()
        run.measure_every_seconds = MEASURE_EVERY_SECONDS
        run.keep_grids()
        run.measure()
        self.run, slot.error, self.pretrained = run, None, pretrained
        slot.state = "paused"
        self.builds += 1
        return dict(self.outputs(slot, {"note": message}), note=message)

    def _load_pretrained(self, slot: Slot, model: str) -> dict:
        """The generator that ships for `model` (mnist.pretrained) in a new, paused run at its
        budget: the sliders and code controls work at once; ↺ Reset trains one from scratch."""
        if model not in MODELS:
            return {"note": f"⚠️ unknown model {shown(model)}"}
        try:
            config, weights = load_pretrained(model)
            run = MnistRun(config.replace(device="auto"), load_embedded())
            apply_pretrained(run.trainer, weights)
        except (CheckpointError, ConfigError, RuntimeError) as err:
            return {"status": f"⚠️ **No pretrained model.** {err}", "note": f"⚠️ {err}"}
        run.trainer.iteration = run.budget   # trained to its budget, as its card says
        self.code = None
        self.codes_set += 1
        message = (f"Pretrained {MODEL_NAMES[model]} ({config.epochs} epochs, trained in advance): explore it; "
                   f"▶ Train trains a new one live.")
        return self._take(slot, run, message, pretrained=True)

    # ------------------------------------------------------------------ codes
    def _code_labels(self) -> list[str]:
        """The names of the 10 digit or code buttons: the digit itself (conditional), or InfoGAN's
        code with the digit the classifier calls it, from the latest measurement (the network
        chooses its own order)."""
        run = self.run
        if run is None or not run.trainer.layout.categories:
            return []
        if run.config.model == "conditional":
            return [str(d) for d in range(10)]
        latest = run.history.quality[-1] if run.history.quality else {}
        digits = latest.get("code_digits")
        return [f"c{c}: a {digits[c]}" if digits else f"c{c}" for c in range(10)]

    def _codes_note(self) -> str:
        run = self.run
        if run is None or not run.trainer.layout.categories:
            return ""
        what = "digit" if run.config.model == "conditional" else "categorical code c"
        code = "0-9 across the columns" if self.code is None else str(self.code)
        text = f" {what.capitalize()}: {code}."
        if run.trainer.layout.continuous:
            text += " Continuous codes: " + ", ".join(f"c{i + 10} = {v:+.2f}" for i, v in enumerate(self.continuous)) + "."
        return text

    def _set_codes(self, request: dict) -> dict:
        """The digit (or code; None: in turn across the columns) and continuous codes of the grid
        and the single sample; the grid is drawn anew on the next live frame."""
        layout = self.run.trainer.layout
        if not layout.categories:
            return {"note": "The DCGAN has no codes: choose the conditional GAN or InfoGAN."}
        code = request.get("code")
        if code is not None and (not isinstance(code, int) or not 0 <= code < layout.categories):
            return {"note": f"⚠️ the code is a whole number from 0 to {layout.categories - 1}; got {shown(code)}"}
        continuous = request.get("continuous")
        if continuous is not None:
            try:
                continuous = [max(-3.0, min(3.0, float(v))) for v in continuous][:layout.continuous]
            except (TypeError, ValueError):
                return {"note": f"⚠️ continuous codes are numbers; got {shown(continuous)}"}
            self.continuous = continuous + [0.0] * (2 - len(continuous))
        self.code = code
        self.codes_set += 1
        return {"note": self._codes_note().strip()}

    def _traversal(self, request: dict) -> dict:
        """A traversal grid (Chen et al. 2016, Figure 2): rows the values of one code, columns
        samples, from the seed's z."""
        run = self.run
        layout = run.trainer.layout
        vary = request.get("vary")
        if not layout.categories:
            return {"note": "The DCGAN has no codes to traverse: choose the conditional GAN or InfoGAN."}
        if not isinstance(vary, int) or not -1 <= vary < layout.continuous:
            return {"note": f"⚠️ this model can vary the categorical code{' or c10, c11' if layout.continuous else ''}"}
        seed = int(request.get("seed") or 0)
        z = seeded_noise(TRAVERSAL_COLUMNS, layout.noise_dim, seed)
        values = torch.linspace(-2, 2, TRAVERSAL_VALUES).tolist()
        latent = traversal(layout, z, vary, values, code=self.code, continuous=self.continuous)
        images = to_uint8(run.trainer.generate(latent))
        if vary < 0:
            names = self._code_labels()
            rows = "rows: " + ", ".join(names)
        else:
            rows = f"rows: c{10 + vary} = " + ", ".join(f"{v:+.1f}" for v in values) + " (trained on -1 to 1)"
        note = f"Columns: {TRAVERSAL_COLUMNS} samples (z from seed {seed}); {rows}."
        return {"traversal": enlarge(tile(images, columns=TRAVERSAL_COLUMNS), STRIP_SCALE), "note": note}


LIVE_TAB = MnistTab
