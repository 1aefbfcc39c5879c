"""The configuration of a toy GAN run: one frozen dataclass, validated, that round-trips to JSON
and to a URL.

The CLI, the app, the benchmarks and the tests all build a :class:`ToyConfig`; every run
directory stores it as ``config.json`` so that the run can be rebuilt exactly. The named
presets are in `presets.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import ConfigBase
from ..core.devices import DEVICES
from ..core.errors import ConfigError, shown

# The names below are the public vocabulary of the config; each module that implements one of
# them keeps a registry keyed by the same names (data1d.DATASETS, objectives.OBJECTIVES, ...).
DATASETS_1D = ("gaussian", "gaussian-far", "bimodal", "uniform", "skewed")
# 2-D toy data (data2d.DATASETS_2D); 'custom' is the user's own points, read from data_path
DATASETS_2D = ("ring8", "grid25", "moons", "spiral", "checkerboard", "custom")
DATASETS = DATASETS_1D + DATASETS_2D
NOISE_DISTRIBUTIONS = ("uniform", "gaussian")
# the z range drawn (the 1-D z line, the 2-D warped grid): all of U[-1, 1]; for N(0, 1), its central 98.8 %
NOISE_DRAW_RANGE = {"uniform": (-1.0, 1.0), "gaussian": (-2.5, 2.5)}
NOISE_SAMPLING = ("iid", "stratified")
# objectives.OBJECTIVES; the 1-D figure draws D(x) as a probability, so it takes the first two
LOSSES = ("non-saturating", "minimax", "least-squares", "hinge", "wgan-gp")
LOSSES_1D = ("non-saturating", "minimax")
OPTIMIZERS = ("adam", "sgd")
ACTIVATIONS = ("tanh", "elu", "relu", "leaky-relu")



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
    # the paper's panels (a)-(d): (a) when JS first falls below panel_near_js (p_g near p_data,
    # not on it); (b) and (c) on a fork of the run, after panel_inner_d_steps D updates (no R1:
    # D reaches D*), then panel_g_steps G updates against that D (see panels.py)
    panel_near_js: float = 0.3
    panel_inner_d_steps: int = 500
    panel_g_steps: int = 1

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
        self._check_optimisation(lr_high=10.0)
        self._check_float("gp_weight", 0.0, 1e4)
        self._check_minibatch_discrimination(max_kernels=256)
        self._check_bool("minibatch_stddev")
        self._check_int("pack", 1, 8)
        self._check_int("unroll_steps", 0, 20)
        self._check_int("heatmap_points", 5, 400)
        self._check_int("warp_lines", 2, 60)
        self._check_int("drawn_samples", 10, 5000)
        if not isinstance(self.data_path, str):
            raise ConfigError(f"data_path must be a file path; got {shown(self.data_path)}")
        if self.dataset == "custom" and not self.data_path:
            raise ConfigError("dataset 'custom' needs data_path: a CSV file of x,y rows")
        if self.data_dim == 1:
            if self.loss not in LOSSES_1D:
                raise ConfigError(
                    f"the 1-D figure draws D(x) as a probability: loss must be one of "
                    f"{', '.join(LOSSES_1D)} on 1-D data; got {shown(self.loss)}"
                )
            if self.remedies():
                raise ConfigError(
                    f"remedies for mode collapse ({', '.join(self.remedies())}) are for the 2-D datasets "
                    f"({', '.join(DATASETS_2D)}); got dataset {shown(self.dataset)}"
                )

    @property
    def data_dim(self) -> int:
        """1 for the 1-D datasets, 2 for the 2-D ones (custom points included)."""
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
