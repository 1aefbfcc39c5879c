"""The configuration of a run on MNIST (a DCGAN, a conditional GAN or an InfoGAN, all on the
DCGAN networks): one frozen dataclass, validated, that round-trips to JSON and to a URL; every
run directory and checkpoint stores it."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import ConfigBase
from ..core.devices import DEVICES
from ..core.errors import ConfigError
from .codes import MODELS, LatentLayout, latent_layout

MNIST_SOURCES = ("embedded", "full")   # or the path of a folder of IDX files
DCGAN_LOSSES = ("non-saturating", "minimax", "least-squares", "hinge")
# how the conditional model's D is told the label (networks.py, codes.py)
CONDITIONINGS = ("auxiliary", "projection")


@dataclass(frozen=True)
class DcganConfig(ConfigBase):
    """Everything that defines a run on MNIST (networks.py, codes.py, trainer.py)."""

    # 'dcgan' (z alone), 'conditional' (z and the digit's label) or 'infogan' (z, a 10-way
    # code and 2 continuous codes, learnt without labels): codes.py
    model: str = "dcgan"
    # the conditional model's D: 'projection' (the label's embedding dotted with D's features,
    # Miyato and Koyama 2018) or 'auxiliary' (AC-GAN's classifier head, Odena et al. 2017).
    # Measured, 36 epochs, seed 0: class accuracy 99.4 % and 99.3 %, IS 9.81 both, FD 4.0 and
    # 5.1: projection, for the closer digits and one head fewer (README, "MNIST models")
    conditioning: str = "projection"
    # lambda of InfoGAN's mutual-information term (Chen et al. 2016, eq. 5), and the weight of
    # AC-GAN's class log-likelihood
    info_lambda: float = 1.0
    # the weight of InfoGAN's continuous codes within that term (Chen et al. 2016, sec. 6: a
    # smaller lambda for continuous codes); at 1 a continuous code takes the digit's width so
    # far that it turns 1s into 0s, and the categorical code loses the 1s
    info_continuous_weight: float = 0.1
    # G sees noise_scale * z beside the codes: under 1, the codes dominate G's input, so that the
    # largest variation of the digits (their class) goes to the categorical code (the latent of
    # ClusterGAN, Mukherjee et al. 2019: z ~ N(0, 0.1^2) beside a one-hot code)
    noise_scale: float = 1.0

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
    # G's depth: 3 (z -> 3x3 -> 7x7 -> 14 -> 28) or 2 (z -> 7x7 -> 14 -> 28), networks.py
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
    # on CUDA only: autocast (bfloat16 where supported, else float16 with loss scaling)
    mixed_precision: bool = True
    # channels-last tensors for the convolutions, on CUDA and on the CPU (bench/bench_step.py)
    channels_last: bool = True
    # evaluation: samples scored at the end of a run, and during it (app and CLI curve)
    eval_samples: int = 10_000
    live_eval_samples: int = 2000
    grid_samples: int = 64

    def __post_init__(self) -> None:
        self._check_choice("model", MODELS)
        self._check_choice("conditioning", CONDITIONINGS)
        self._check_float("info_lambda", 0.0, 100.0)
        self._check_float("noise_scale", 0.0, 10.0, open_low=True)
        self._check_float("info_continuous_weight", 0.0, 100.0)
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
        self._check_optimisation(lr_high=1.0)
        self._check_float("g_ema_decay", 0.0, 1.0, open_high=True)
        self._check_int("augment_shift", 0, 8)
        self._check_minibatch_discrimination(max_kernels=512)
        self._check_int("seed", 0, 2**31 - 1)
        self._check_choice("device", DEVICES)
        self._check_bool("mixed_precision")
        self._check_bool("channels_last")
        self._check_int("eval_samples", 100, 1_000_000)
        self._check_int("live_eval_samples", 100, 100_000)
        self._check_int("grid_samples", 1, 400)

    def latent_layout(self) -> LatentLayout:
        """Where z and the model's codes sit in G's input vector (codes.py)."""
        return latent_layout(self.model, self.noise_dim)

    def remedies(self) -> tuple[str, ...]:
        """The names of the remedies for mode collapse that are switched on (minibatch discrimination only)."""
        return ("minibatch-discrimination",) if self.minibatch_discrimination else ()


# what each model changes from the defaults above (measured in README, "MNIST models")
MODEL_RECIPES: dict[str, dict] = {
    "dcgan": {},
    "conditional": {},
    "infogan": {"noise_scale": 0.1},
}


def model_config(model: str, **changes: object) -> DcganConfig:
    """The default config of `model` (its recipe over the DCGAN's defaults), with `changes`."""
    if model not in MODEL_RECIPES:
        raise ConfigError(f"model must be one of {', '.join(MODEL_RECIPES)}; got {model!r}")
    return DcganConfig(model=model, **(MODEL_RECIPES[model] | changes))
