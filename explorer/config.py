"""The configuration of a toy GAN run: one frozen dataclass, validated, that round-trips to JSON.

The CLI, the app, the benchmarks and the tests all build a :class:`ToyConfig`; every run
directory stores it as ``config.json`` so that the run can be rebuilt exactly.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field, fields
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode

# The names below are the public vocabulary of the config; each module that implements one of
# them keeps a registry keyed by the same names (data1d.DATASETS, objectives.OBJECTIVES, ...).
DATASETS_1D = ("gaussian", "bimodal", "uniform", "skewed")
# 2-D toy data (data2d.DATASETS_2D); 'custom' is the user's own points, read from data_path
DATASETS_2D = ("ring8", "grid25", "moons", "spiral", "checkerboard", "custom")
DATASETS = DATASETS_1D + DATASETS_2D
NOISE_DISTRIBUTIONS = ("uniform", "gaussian")
NOISE_SAMPLING = ("iid", "stratified")
# objectives.OBJECTIVES; the 1-D figure draws D(x) as a probability, so it takes the first two
LOSSES = ("non-saturating", "minimax", "least-squares", "hinge", "wgan-gp")
LOSSES_1D = ("non-saturating", "minimax")
OPTIMIZERS = ("adam", "sgd")
ACTIVATIONS = ("tanh", "elu", "relu", "leaky-relu")
DEVICES = ("auto", "cpu", "cuda")


class ConfigError(ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    The message names the field and the allowed values, so that the CLI can print it and the
    app can show it as it is.
    """


class ConfigBase:
    """What every configuration dataclass shares: field checks with clear messages, and the
    JSON round trip (unknown keys refused, JSON's one number type coerced to the field's)."""

    def _check_bool(self, name: str) -> None:
        value = getattr(self, name)
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false; got {value!r}")

    def _check_choice(self, name: str, choices: tuple[str, ...]) -> None:
        value = getattr(self, name)
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {value!r}")

    def _check_int(self, name: str, low: int, high: int) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name} must be a whole number; got {value!r}")
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high}; got {value}")

    def _check_float(
        self, name: str, low: float, high: float, open_low: bool = False, open_high: bool = False
    ) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name} must be a number; got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number; got {value!r}")
        too_low = value <= low if open_low else value < low
        too_high = value >= high if open_high else value > high
        if too_low or too_high:
            lo = "(" if open_low else "["
            hi = ")" if open_high else "]"
            raise ConfigError(f"{name} must lie in {lo}{low}, {high}{hi}; got {value}")

    # ------------------------------------------------------------------ round trips
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        if not isinstance(data, dict):
            raise ConfigError(f"a configuration must be a JSON object; got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys: {', '.join(unknown)}")
        coerced = {}
        for f in fields(cls):
            if f.name in data:
                value = data[f.name]
                # JSON has one number type: accept 3.0 for an int field, 3 for a float field
                if f.type == "int" and isinstance(value, float) and value.is_integer():
                    value = int(value)
                if f.type == "float" and isinstance(value, int) and not isinstance(value, bool):
                    value = float(value)
                coerced[f.name] = value
        return cls(**coerced)

    @classmethod
    def from_json(cls, text: str) -> Self:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"configuration is not valid JSON: {err}") from None
        return cls.from_dict(data)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ToyConfig(ConfigBase):
    """Everything that defines a toy GAN run; nothing else changes its behaviour."""

    # data
    dataset: str = "gaussian"
    # the CSV of x,y rows for dataset 'custom' (the app writes the points drawn or uploaded here)
    data_path: str = ""
    # noise z ~ p_z: 'uniform' on [-1, 1]^noise_dim (as in Goodfellow et al. 2014, Fig. 1) or N(0, I)
    noise: str = "uniform"
    noise_dim: int = 1
    # how a training batch draws z: 'iid', or 'stratified' (Latin hypercube: same p_z, less noise)
    noise_sampling: str = "stratified"
    # networks: hidden layers and units per hidden layer
    g_layers: int = 2
    g_width: int = 32
    d_layers: int = 2
    d_width: int = 32
    g_activation: str = "leaky-relu"
    d_activation: str = "leaky-relu"
    # objective (objectives.OBJECTIVES): D's and G's losses; the first two share D's loss, -V(D, G)
    loss: str = "non-saturating"
    # weight lambda of the WGAN-GP gradient penalty (Gulrajani et al. 2017)
    gp_weight: float = 10.0
    # remedies for mode collapse (2-D), all off by default:
    # minibatch discrimination (Salimans et al. 2016, sec. 3.2): B kernels of dimension C,
    # compared within groups of minibatch_group samples (0 = the whole batch)
    minibatch_discrimination: bool = False
    minibatch_kernels: int = 16
    minibatch_kernel_dim: int = 8
    minibatch_group: int = 64
    # minibatch standard deviation (Karras et al. 2018, sec. 3)
    minibatch_stddev: bool = False
    # PacGAN packing (Lin et al. 2018): D judges `pack` samples at once; 1 = off
    pack: int = 1
    # unrolled GAN (Metz et al. 2017): G's loss looks unroll_steps D updates ahead; 0 = off
    unroll_steps: int = 0
    # optimisation (Algorithm 1: k discriminator steps per generator step)
    g_optimizer: str = "adam"
    d_optimizer: str = "adam"
    g_lr: float = 5e-3
    d_lr: float = 1e-2
    adam_beta1: float = 0.0
    adam_beta2: float = 0.99
    k_d_steps: int = 3
    # R1 gradient penalty on D at real data (Mescheder et al. 2018, eq. 9); 0 = off
    r1_gamma: float = 0.1
    # lazy regularisation (Karras et al. 2020, StyleGAN2, sec. 3.1): the penalty is applied on
    # every r1_every-th D update only, scaled by r1_every; same expected penalty, less compute
    r1_every: int = 4
    batch_size: int = 256
    # learning rates decay linearly to lr_final_fraction * lr over `steps` (1.0 = constant)
    lr_final_fraction: float = 0.02
    # run
    steps: int = 3000
    seed: int = 0
    device: str = "auto"
    # evaluation: fixed noise, drawn once per run, for the density estimate and the arrows
    eval_samples: int = 20000
    grid_points: int = 401
    # 2-D drawing: D on a heatmap_points^2 grid, warp_lines^2 z-grid lines, drawn_samples points
    heatmap_points: int = 48
    warp_lines: int = 15
    drawn_samples: int = 400
    arrows: int = 31
    snapshot_every: int = 25
    # the paper's panels (a)-(d): (a) when JS first falls below panel_near_js; (b) and (c) on a
    # fork of the run, after panel_inner_d_steps D updates, then panel_g_steps G updates
    panel_near_js: float = 0.05
    panel_inner_d_steps: int = 200
    panel_g_steps: int = 5

    # ------------------------------------------------------------------ validation
    def __post_init__(self) -> None:
        self._check_choice("dataset", DATASETS)
        self._check_choice("noise", NOISE_DISTRIBUTIONS)
        self._check_choice("noise_sampling", NOISE_SAMPLING)
        self._check_choice("loss", LOSSES)
        self._check_choice("g_optimizer", OPTIMIZERS)
        self._check_choice("d_optimizer", OPTIMIZERS)
        self._check_choice("g_activation", ACTIVATIONS)
        self._check_choice("d_activation", ACTIVATIONS)
        self._check_choice("device", DEVICES)
        self._check_int("noise_dim", 1, 64)
        self._check_int("g_layers", 1, 8)
        self._check_int("d_layers", 1, 8)
        self._check_int("g_width", 1, 1024)
        self._check_int("d_width", 1, 1024)
        self._check_int("k_d_steps", 1, 100)
        self._check_int("batch_size", 2, 65536)
        self._check_int("steps", 0, 10_000_000)
        self._check_int("seed", 0, 2**31 - 1)
        self._check_int("eval_samples", 100, 1_000_000)
        self._check_int("grid_points", 11, 10001)
        self._check_int("arrows", 2, 1000)
        self._check_int("snapshot_every", 1, 1_000_000)
        self._check_int("panel_inner_d_steps", 0, 100_000)
        self._check_int("panel_g_steps", 0, 100_000)
        self._check_float("panel_near_js", 0.0, 1.0)
        self._check_float("g_lr", 0.0, 10.0, open_low=True)
        self._check_float("d_lr", 0.0, 10.0, open_low=True)
        self._check_float("adam_beta1", 0.0, 1.0, open_high=True)
        self._check_float("adam_beta2", 0.0, 1.0, open_high=True)
        self._check_float("lr_final_fraction", 0.0, 1.0)
        self._check_float("r1_gamma", 0.0, 1000.0)
        self._check_int("r1_every", 1, 1000)
        self._check_float("gp_weight", 0.0, 1e4)
        self._check_bool("minibatch_discrimination")
        self._check_bool("minibatch_stddev")
        self._check_int("minibatch_kernels", 1, 256)
        self._check_int("minibatch_kernel_dim", 1, 64)
        self._check_int("minibatch_group", 0, 65536)
        if self.minibatch_group == 1:
            raise ConfigError("minibatch_group must be 0 (the whole batch) or at least 2; got 1")
        self._check_int("pack", 1, 8)
        self._check_int("unroll_steps", 0, 20)
        self._check_int("heatmap_points", 5, 400)
        self._check_int("warp_lines", 2, 60)
        self._check_int("drawn_samples", 10, 5000)
        if not isinstance(self.data_path, str):
            raise ConfigError(f"data_path must be a file path; got {self.data_path!r}")
        if self.dataset == "custom" and not self.data_path:
            raise ConfigError("dataset 'custom' needs data_path: a CSV file of x,y rows")
        if self.data_dim == 1:
            if self.loss not in LOSSES_1D:
                raise ConfigError(
                    f"the 1-D figure draws D(x) as a probability: loss must be one of "
                    f"{', '.join(LOSSES_1D)} on 1-D data; got {self.loss!r}"
                )
            if self.remedies():
                raise ConfigError(
                    f"remedies for mode collapse ({', '.join(self.remedies())}) are for the 2-D datasets "
                    f"({', '.join(DATASETS_2D)}); got dataset {self.dataset!r}"
                )

    @property
    def data_dim(self) -> int:
        return 1 if self.dataset in DATASETS_1D else 2

    def remedies(self) -> tuple[str, ...]:
        """The names of the remedies for mode collapse that are switched on (see remedies.py)."""
        on = []
        if self.minibatch_discrimination:
            on.append("minibatch-discrimination")
        if self.minibatch_stddev:
            on.append("minibatch-stddev")
        if self.pack > 1:
            on.append(f"pack{self.pack}")
        if self.unroll_steps > 0:
            on.append(f"unrolled{self.unroll_steps}")
        return tuple(on)

    def to_query(self, base: ToyConfig | None = None) -> str:
        """The fields that differ from `base` (the defaults), as a URL query string."""
        base = base or ToyConfig()
        changed = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(base, f.name)
        }
        return urlencode(changed)

    @classmethod
    def from_query(cls, query: str, base: ToyConfig | None = None) -> ToyConfig:
        """`base` (the defaults) with the fields a URL query string sets."""
        types = {f.name: f.type for f in fields(cls)}
        data: dict[str, Any] = (base or cls()).to_dict()
        for key, raw in parse_qsl(query.lstrip("?"), keep_blank_values=True):
            if key not in types:
                raise ConfigError(f"unknown configuration key in URL: {key}")
            data[key] = parse_field_value(key, raw, types[key])
        return cls.from_dict(data)


def parse_field_value(name: str, raw: str, type_name: str) -> Any:
    """Parse a string (from a URL or a text box) into the field's type, with a clear message."""
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            words = {"true": True, "1": True, "yes": True, "on": True,
                     "false": False, "0": False, "no": False, "off": False}
            return words[raw.strip().lower()]
    except (ValueError, KeyError):
        kind = {"int": "a whole number", "float": "a number", "bool": "true or false"}[type_name]
        raise ConfigError(f"{name} must be {kind}; got {raw!r}") from None
    return raw


def changes_from_pairs(pairs: list[str], option: str = "--set", config_class: type | None = None) -> dict[str, Any]:
    """KEY=VALUE strings (from a command line) as field changes, each parsed to its field's
    type; ConfigError for a malformed pair or an unknown field."""
    types = {f.name: f.type for f in fields(config_class or ToyConfig)}
    changes: dict[str, Any] = {}
    for item in pairs:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"{option} takes KEY=VALUE; got {item!r}")
        if key not in types:
            raise ConfigError(f"unknown config field {key!r}; fields: {', '.join(types)}")
        changes[key] = parse_field_value(key, raw, types[key])
    return changes


# ---------------------------------------------------------------------- presets
@dataclass(frozen=True)
class Preset:
    """A named configuration with a short CLI name and a sentence for the UI."""

    name: str
    title: str
    description: str
    config: ToyConfig = field(default_factory=ToyConfig)
    # for 2-D presets: the remedy (remedies.REMEDIES) that the side-by-side view switches on
    remedy: str = ""


# Plain SGD for G on purpose: Adam rescales every gradient to unit size and so hides how small
# the minimax loss's gradient is; with SGD the step is proportional to it, as in the paper.
SATURATING_DEMO = ToyConfig(
    loss="minimax", k_d_steps=20, d_lr=1e-2, d_width=64, d_activation="leaky-relu", g_activation="tanh",
    g_optimizer="sgd", g_lr=1e-2, adam_beta1=0.5, adam_beta2=0.999, r1_gamma=0.0, noise_sampling="iid",
    lr_final_fraction=1.0,
)

PRESETS_1D: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "goodfellow-fig1",
            "Goodfellow Figure 1",
            "A Gaussian p_data, uniform z as in the paper, two small MLPs, k = 3 and the "
            "non-saturating loss: press Play and watch p_g slide onto p_data while D(x) "
            "flattens to 1/2 (JS < 0.01 nats within 3,000 iterations). What makes it settle "
            "rather than circle the equilibrium: a small R1 penalty on D (Mescheder et al. "
            "2018), Adam with beta1 = 0, learning rates that decay to 2 %, and stratified "
            "noise batches. Set R1 to 0 to see the circling.",
            ToyConfig(),
        ),
        Preset(
            "saturating",
            "Saturating loss stalls",
            "The minimax generator loss log(1 - D(G(z))) against a strong discriminator "
            "(k = 20): D rejects the fakes at once, the loss is flat there and G, trained by "
            "plain SGD, barely moves for a hundred iterations. Switch the loss to "
            "non-saturating and Reset: G reaches the data within fifty.",
            SATURATING_DEMO,
        ),
        Preset(
            "bimodal",
            "Two modes",
            "A mixture of two Gaussians: G must split its one noise interval in two, with a "
            "steep jump in G(z) where p_g has to be near zero.",
            ToyConfig(dataset="bimodal", g_width=64, d_width=64, steps=6000),
        ),
        Preset(
            "uniform",
            "Uniform target",
            "A uniform p_data: G must become a straight line from the z interval onto it.",
            ToyConfig(dataset="uniform"),
        ),
        Preset(
            "skewed",
            "Skewed target",
            "A log-normal p_data with a long right tail; Gaussian noise.",
            ToyConfig(dataset="skewed", noise="gaussian", steps=5000),
        ),
    )
}


# The 2-D networks and optimisation shared by the mode-collapse presets: PacGAN's toy
# architecture scaled to a CPU budget. Tuned by bench/mode_collapse.py (see its docstring).
TOY2D = dict(
    noise="gaussian", noise_dim=2, noise_sampling="iid", g_layers=3, g_width=128, d_layers=3, d_width=128,
    g_activation="relu", d_activation="leaky-relu", k_d_steps=1, g_lr=1e-3, d_lr=1e-3, adam_beta1=0.5,
    adam_beta2=0.999, r1_gamma=0.0, lr_final_fraction=1.0, batch_size=256, snapshot_every=25,
)

# The mode-collapse presets train G twice as fast as D (g_lr = 2 d_lr, k = 1): G outruns D and
# piles onto whichever region D currently rates highest, D then rejects it and G hops on (the
# "Helvetica scenario" of Goodfellow et al. 2014, sec. 6). Learning rates decay to 5 % for
# precision on the narrow modes. The twin differs only in minibatch_discrimination=True.
# Figures: bench/mode_collapse.py, seeds 100..109 (see its docstring).
COLLAPSE = dict(TOY2D, g_lr=2e-3, d_lr=1e-3, lr_final_fraction=0.05)

PRESETS_2D: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "ring-collapse",
            "Mode collapse on the ring",
            "Eight Gaussians on a circle of radius 1 (std 0.01, as in PacGAN). The plain GAN "
            "settles on a few modes, or hops from one to the next: watch the occupancy timeline. "
            "Tick minibatch discrimination (or view both side by side) and the collapse vanishes "
            "(bench/mode_collapse.py, seeds 100-109: plain 0.5 of 8 modes; twin 8 of 8, 92 % of "
            "samples within 3 std of a mode).",
            ToyConfig(dataset="ring8", steps=2500, **COLLAPSE),
            remedy="minibatch-discrimination",
        ),
        Preset(
            "grid-collapse",
            "Mode collapse on the grid",
            "25 Gaussians on a 5 x 5 grid (std 0.05, as in PacGAN). The plain GAN, its G three "
            "times as fast as D, piles onto a few modes at a time; minibatch discrimination "
            "spreads it over the whole grid. A small R1 penalty (Mescheder et al. 2018) keeps D "
            "smooth, which is what lets the remedied G settle precisely on the modes "
            "(bench/mode_collapse.py, seeds 100-109: plain 11.5 of 25 modes on median; twin 25 of "
            "25, 82 % of samples within 3 std of a mode on median, 76 % on average).",
            ToyConfig(dataset="grid25", steps=3000,
                      **(COLLAPSE | dict(g_lr=3e-3, r1_gamma=0.1, lr_final_fraction=0.01, minibatch_group=32))),
            remedy="minibatch-discrimination",
        ),
        Preset(
            "moons",
            "Two moons",
            "Two interleaved half circles: G must bend its noise plane into two arcs.",
            ToyConfig(dataset="moons", steps=3000, **TOY2D),
            remedy="minibatch-discrimination",
        ),
        Preset(
            "spiral",
            "Spiral",
            "One long curved arm: the warped grid shows G rolling the noise plane up.",
            ToyConfig(dataset="spiral", steps=4000, **TOY2D),
            remedy="minibatch-discrimination",
        ),
        Preset(
            "checkerboard",
            "Checkerboard",
            "Eight separate squares: G has to tear its noise plane apart, which a continuous "
            "map cannot do, so thin bridges of samples remain between the squares.",
            ToyConfig(dataset="checkerboard", steps=4000, **TOY2D),
            remedy="minibatch-discrimination",
        ),
    )
}

PRESETS: dict[str, Preset] = PRESETS_1D | PRESETS_2D


def preset_config(name: str) -> ToyConfig:
    try:
        return PRESETS[name].config
    except KeyError:
        raise ConfigError(
            f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}"
        ) from None


def config_from_url(query: str) -> tuple[str, ToyConfig]:
    """A shared link's query, e.g. '?preset=bimodal&k_d_steps=5': the preset (default
    goodfellow-fig1) and its config with the link's changes."""
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    preset = next((value for key, value in pairs if key == "preset"), "goodfellow-fig1")
    rest = urlencode([(key, value) for key, value in pairs if key != "preset"])
    return preset, ToyConfig.from_query(rest, base=preset_config(preset))


def url_for_config(preset: str, config: ToyConfig) -> str:
    """The query string that `config_from_url` turns back into (preset, config)."""
    changes = config.to_query(base=preset_config(preset))
    return "?" + urlencode({"preset": preset}) + (f"&{changes}" if changes else "")


# ---------------------------------------------------------------------- DCGAN on MNIST
MNIST_SOURCES = ("embedded", "full")   # or the path of a folder of IDX files
DCGAN_LOSSES = ("non-saturating", "minimax", "least-squares", "hinge")


@dataclass(frozen=True)
class DcganConfig(ConfigBase):
    """Everything that defines a DCGAN run on MNIST (dcgan.py, dcgan_training.py)."""

    # 'embedded' (5,000 digits that ship with the project), 'full' (70,000, downloaded once and
    # checked), or a folder of the standard IDX files
    data: str = "embedded"
    # 36 epochs of the embedded digits: ~8.5 minutes on a 2-core CPU (measured runs in README)
    epochs: int = 36
    # per process: under torchrun each of the N processes takes its own batch of this size.
    # 32 rather than the paper's 128: on the embedded digits a smaller batch (more updates per
    # epoch) scores higher at the same number of epochs, for ~7 % fewer images per second
    batch_size: int = 32
    noise_dim: int = 100
    g_width: int = 48
    d_width: int = 48
    loss: str = "non-saturating"
    # G's depth: 3 (z -> 3x3 -> 7x7 -> 14 -> 28) or 2 (z -> 7x7 -> 14 -> 28), dcgan.py
    g_depth: int = 3
    # D's strided convolutions: 3 (28 -> 14 -> 7 -> 4) or 2 (28 -> 14 -> 7)
    d_depth: int = 3
    # D updates per G update (k of Algorithm 1, Goodfellow et al. 2014)
    k_d_steps: int = 1
    # Adam with beta1 0.5 as in Radford et al. (2016, section 4), but 10x their lr of 2e-4,
    # decayed linearly to 0: on a CPU budget of ~3,500 iterations 2e-4 is far too slow
    # (tuning runs in the README)
    g_lr: float = 2e-3
    d_lr: float = 2e-3
    adam_beta1: float = 0.5
    adam_beta2: float = 0.999
    # both learning rates decay linearly to lr_final_fraction * lr over the run's epochs
    # (1.0 = constant)
    lr_final_fraction: float = 0.0
    # R1 penalty on D at real digits (Mescheder et al. 2018, eq. 9), weight gamma / 2, applied on
    # every r1_every-th D update only and scaled by it (lazy, as in StyleGAN2); 0 = off
    r1_gamma: float = 1.0
    r1_every: int = 4
    # DiffAugment (Zhao et al. 2020): every image D sees is shifted by up to this many pixels
    # (0 = off), against D memorising a small training set
    augment_shift: int = 0
    # samples come from an exponential moving average of G's weights (Yazici et al. 2019),
    # with this decay (0 = off: the trained G itself); the decay ramps up from 0 early in a run
    g_ema_decay: float = 0.999
    # minibatch discrimination (Salimans et al. 2016, sec. 3.2) on D's last features
    minibatch_discrimination: bool = False
    minibatch_kernels: int = 32
    minibatch_kernel_dim: int = 8
    minibatch_group: int = 0
    seed: int = 0
    device: str = "auto"
    # on CUDA only: autocast (bfloat16 where supported, else float16 with loss scaling) and
    # channels-last tensors for the convolutions
    mixed_precision: bool = True
    channels_last: bool = True
    # evaluation: samples scored at the end of a run, and during it (app and CLI curve)
    eval_samples: int = 10_000
    live_eval_samples: int = 2000
    grid_samples: int = 64

    def __post_init__(self) -> None:
        if not isinstance(self.data, str) or not self.data:
            raise ConfigError("data must be 'embedded', 'full' or a folder of MNIST IDX files")
        self._check_int("epochs", 0, 100_000)
        self._check_int("batch_size", 2, 65536)
        self._check_int("noise_dim", 1, 1024)
        self._check_int("g_width", 4, 1024)
        self._check_int("d_width", 4, 1024)
        self._check_choice("loss", DCGAN_LOSSES)
        self._check_int("d_depth", 2, 3)
        self._check_int("g_depth", 2, 3)
        self._check_int("k_d_steps", 1, 10)
        self._check_float("g_lr", 0.0, 1.0, open_low=True)
        self._check_float("d_lr", 0.0, 1.0, open_low=True)
        self._check_float("adam_beta1", 0.0, 1.0, open_high=True)
        self._check_float("adam_beta2", 0.0, 1.0, open_high=True)
        self._check_float("g_ema_decay", 0.0, 1.0, open_high=True)
        self._check_float("lr_final_fraction", 0.0, 1.0)
        self._check_int("augment_shift", 0, 8)
        self._check_float("r1_gamma", 0.0, 1000.0)
        self._check_int("r1_every", 1, 1000)
        self._check_bool("minibatch_discrimination")
        self._check_int("minibatch_kernels", 1, 512)
        self._check_int("minibatch_kernel_dim", 1, 64)
        self._check_int("minibatch_group", 0, 65536)
        if self.minibatch_group == 1:
            raise ConfigError("minibatch_group must be 0 (the whole batch) or at least 2; got 1")
        self._check_int("seed", 0, 2**31 - 1)
        self._check_choice("device", DEVICES)
        self._check_bool("mixed_precision")
        self._check_bool("channels_last")
        self._check_int("eval_samples", 100, 1_000_000)
        self._check_int("live_eval_samples", 100, 100_000)
        self._check_int("grid_samples", 1, 400)

    def remedies(self) -> tuple[str, ...]:
        return ("minibatch-discrimination",) if self.minibatch_discrimination else ()
