"""Toy checkpoints: a toy run's config and everything its trainer changed, in one file loaded
without running its code (the format of `core.checkpoint`). A loaded trainer resumes the run
exactly: the same weights, optimiser moments, counters and random streams (`ToyTrainer.state`).
"""

from __future__ import annotations

from pathlib import Path

from ..core.checkpoint import (
    CheckpointError,
    check_shapes,
    checkpoint_name,
    read_checkpoint_file,
    save_checkpoint_file,
)
from .config import ToyConfig
from .networks import build_toy_discriminator, build_toy_generator
from .trainer import ToyTrainer

FORMAT = "gan-explorer/toy"
VERSION = 1


def save_toy_checkpoint(path: str | Path, trainer: ToyTrainer) -> None:
    """Write a checkpoint of `trainer` (its current config, remedies switched live included)."""
    save_checkpoint_file(path, FORMAT, VERSION, trainer.config, trainer.state())


def load_toy_checkpoint(source: str | Path | bytes) -> ToyTrainer:
    """A trainer rebuilt from a toy checkpoint file (or its bytes), ready to train on where the
    saved one stopped; CheckpointError with a clear message for anything else."""
    config, _, state = read_checkpoint_file(source, FORMAT, (VERSION,), ToyConfig, "toy")
    name = checkpoint_name(source)
    check_shapes(state, {"generator": build_toy_generator(config).state_dict(),
                         "discriminator": build_toy_discriminator(config).state_dict()}, name)
    try:
        trainer = ToyTrainer(config)
        trainer.load_state(state)
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(f"{name} does not hold a complete toy run ({type(err).__name__}: {err})") from None
    return trainer
