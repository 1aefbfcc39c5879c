"""The named toy presets: a configuration, a title and a paragraph each (the words are in
`preset_texts.py`), and the shared links that name a preset and the fields changed from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from ..core.errors import ConfigError, shown
from .config import ToyConfig
from .preset_texts import PRESET_TEXTS


@dataclass(frozen=True)
class Preset:
    """A named configuration with a short CLI name and a sentence for the UI."""

    name: str
    title: str
    description: str
    config: ToyConfig = field(default_factory=ToyConfig)
    # for 2-D presets: the remedy (remedies.REMEDIES) that the side-by-side view switches on
    remedy: str = ""


def _preset(name: str, config: ToyConfig, remedy: str = "") -> Preset:
    title, description = PRESET_TEXTS[name]
    return Preset(name, title, description, config, remedy)


# Plain SGD for G on purpose: Adam rescales every gradient to unit size and so hides how small
# the minimax loss's gradient is; with SGD the step is proportional to it, as in the paper.
# The data lie far from where a fresh G puts its samples (near 0), so that D rejects them with high
# confidence from the first iteration, the situation of Goodfellow et al. (2014), sec. 3; a
# leaky-ReLU G (a tanh G found the data with the non-saturating loss but, on some seeds, not its
# shape within 300 iterations). Measured (seeds 0-19): minimax JS ln 2 at iteration 300 on every
# seed (and at 3,000 on seeds 0-2, G's mean unmoved to 3 decimals, D(G(z)) ~ 1e-8), the
# non-saturating loss below 0.1 within 10-70 iterations and 0.016-0.038 at 300.
SATURATING_DEMO = ToyConfig(
    dataset="gaussian-far",
    loss="minimax", k_d_steps=20, d_lr=1e-2, d_width=64, d_activation="leaky-relu", g_activation="leaky-relu",
    g_optimizer="sgd", g_lr=1e-2, adam_beta1=0.5, adam_beta2=0.999, r1_gamma=0.0, noise_sampling="iid",
    lr_final_fraction=1.0,
)

PRESETS_1D: dict[str, Preset] = {
    p.name: p
    for p in (
        _preset("goodfellow-fig1", ToyConfig()),
        _preset("saturating", SATURATING_DEMO),
        _preset("bimodal", ToyConfig(dataset="bimodal", g_width=64, d_width=64, steps=6000)),
        _preset("uniform", ToyConfig(dataset="uniform")),
        _preset("skewed", ToyConfig(dataset="skewed", noise="gaussian", steps=5000)),
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
        _preset("ring-collapse", ToyConfig(dataset="ring8", steps=2500, **COLLAPSE),
                remedy="minibatch-discrimination"),
        _preset("grid-collapse",
                ToyConfig(dataset="grid25", steps=3000,
                          **(COLLAPSE | dict(g_lr=3e-3, r1_gamma=0.1, lr_final_fraction=0.01, minibatch_group=32,
                                             batch_size=512))),
                remedy="minibatch-discrimination"),
        _preset("moons", ToyConfig(dataset="moons", steps=3000, **TOY2D), remedy="minibatch-discrimination"),
        _preset("spiral", ToyConfig(dataset="spiral", steps=4000, **TOY2D), remedy="minibatch-discrimination"),
        _preset("checkerboard", ToyConfig(dataset="checkerboard", steps=4000, **TOY2D),
                remedy="minibatch-discrimination"),
    )
}

PRESETS: dict[str, Preset] = PRESETS_1D | PRESETS_2D


def preset_config(name: str) -> ToyConfig:
    """The configuration of the preset `name`; ConfigError naming the presets for any other."""
    try:
        return PRESETS[name].config
    except KeyError:
        raise ConfigError(
            f"unknown preset {shown(name)}; choose one of {', '.join(PRESETS)}"
        ) from None


# fields a shared link may not set: a path on the server (a link is anybody's to write)
NOT_IN_LINKS = ("data_path",)


def config_from_url(query: str, presets: dict[str, Preset] | None = None) -> tuple[str, ToyConfig]:
    """A shared link's query, e.g. '?preset=bimodal&k_d_steps=5': the preset (default: the
    first of `presets`, all of them when None) and its config with the link's changes.
    ConfigError for a preset not among `presets` (one tab's link is not another's), a field a
    link may not set (NOT_IN_LINKS), an unknown field or a bad value."""
    presets = presets if presets is not None else PRESETS
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    preset = next((value for key, value in pairs if key == "preset"), next(iter(presets)))
    if preset not in presets:
        other = " (a preset of the other tab)" if preset in PRESETS else ""
        raise ConfigError(f"unknown preset {shown(preset)}{other}; this tab's presets are {', '.join(presets)}")
    forbidden = [key for key, _ in pairs if key in NOT_IN_LINKS]
    if forbidden:
        raise ConfigError(f"a link cannot set {', '.join(sorted(set(forbidden)))}")
    rest = urlencode([(key, value) for key, value in pairs if key != "preset"])
    return preset, ToyConfig.from_query(rest, base=presets[preset].config)


def url_for_config(preset: str, config: ToyConfig) -> str:
    """The query string that `config_from_url` turns back into (preset, config)."""
    changes = config.to_query(base=preset_config(preset))
    return "?" + urlencode({"preset": preset}) + (f"&{changes}" if changes else "")
