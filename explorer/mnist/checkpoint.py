"""MNIST checkpoints (DCGAN, conditional GAN, InfoGAN): the config and everything training changed, in one file loaded without
running its code (the format of `core.checkpoint`).

Version 2, written now, holds what resumes a run exactly: both networks, the moving average of
G, both optimisers' states, the loss scaler, the iteration, the counters, the epoch's order of
digits and the training random stream (`DcganTrainer.state`). Version 1 files (weights and the
iteration only) still load: their optimisers start afresh.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.checkpoint import (
    CheckpointError,
    check_shapes,
    checkpoint_name,
    read_checkpoint_file,
    save_checkpoint_file,
)
from .codes import MODEL_NAMES
from .config import DcganConfig
from .networks import build_dcgan_discriminator, build_dcgan_generator

FORMAT = "gan-explorer/dcgan"
VERSION = 2
READABLE_VERSIONS = (1, 2)

__all__ = ["CheckpointError", "read_checkpoint", "save_checkpoint"]


def save_checkpoint(path: str | Path, config: DcganConfig, state: dict[str, Any]) -> None:
    """Write a DCGAN checkpoint of `state` (from `DcganTrainer.state()`) and its config."""
    save_checkpoint_file(path, FORMAT, VERSION, config, state)


def read_checkpoint(source: str | Path | bytes, model: str | None = None) -> tuple[DcganConfig, dict[str, Any]]:
    """(config, state) from an MNIST checkpoint file (or its bytes), its weights checked against
    the networks its config builds; CheckpointError with a clear message for anything else, and
    for a file of another model than `model` ('dcgan', 'conditional', 'infogan'; None: any)."""
    config, _, state = read_checkpoint_file(source, FORMAT, READABLE_VERSIONS, DcganConfig, "DCGAN")
    if model is not None and config.model != model:
        raise CheckpointError(f"{checkpoint_name(source)} holds a {MODEL_NAMES[config.model]}, not a "
                              f"{MODEL_NAMES[model]}: choose the {MODEL_NAMES[config.model]} to load it")
    expected = {
        "generator": build_dcgan_generator(config).state_dict(),
        "discriminator": build_dcgan_discriminator(config).state_dict(),
    }
    if "generator_ema" in state:
        expected["generator_ema"] = expected["generator"]
    check_shapes(state, expected, checkpoint_name(source))
    return config, state
