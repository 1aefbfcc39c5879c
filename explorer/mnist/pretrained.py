"""Pretrained generators for a lecture: one for each MNIST model, shipped in `assets/mnist/pretrained/`.

A lecturer needs a trained model the moment the page opens; training one live takes minutes
that a lecture may not have. Each file holds the config and the weights of the generator that
draws the samples (the moving average of G, in float16: 0.8 MB each), in the checkpoint format
of `core.checkpoint` (loaded without running code). D is not shipped: a run that trains on from
a pretrained G starts D afresh.

They are made by this module, whose card `assets/mnist/pretrained.json` records for each model
the command, seed, epochs, wall time on the machine that trained it, and the scores of the
shipped weights:

    python -m explorer.mnist.pretrained --model conditional
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import torch

from ..core.checkpoint import check_shapes, read_checkpoint_file, save_checkpoint_file
from .codes import MODEL_NAMES, MODELS
from .config import DcganConfig, model_config
from .data import ASSETS
from .networks import build_dcgan_generator
from .trainer import DcganTrainer

PRETRAINED_DIR = ASSETS / "pretrained"
PRETRAINED_CARD = ASSETS / "pretrained.json"
FORMAT = "gan-explorer/mnist-generator"
VERSION = 1


def pretrained_path(model: str) -> Path:
    """Where the pretrained generator of `model` ships."""
    if model not in MODELS:
        raise ValueError(f"model is one of {', '.join(MODELS)}; got {model!r}")
    return PRETRAINED_DIR / f"{model}.pt"


def save_pretrained(path: Path, config: DcganConfig, generator: torch.nn.Module, iteration: int) -> None:
    """Write `generator`'s weights (float16) and its run's config, for `load_pretrained`."""
    weights = {k: (v.half() if v.is_floating_point() else v).cpu() for k, v in generator.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint_file(path, FORMAT, VERSION, config, {"generator": weights, "iteration": iteration})


def load_pretrained(model: str, path: Path | None = None) -> tuple[DcganConfig, dict[str, Any]]:
    """(config, generator weights in float32) of the pretrained `model`; CheckpointError when the
    file is missing, damaged, or holds another model."""
    path = path or pretrained_path(model)
    config, _, state = read_checkpoint_file(path, FORMAT, (VERSION,), DcganConfig, "pretrained generator")
    if config.model != model:
        from ..core.checkpoint import CheckpointError

        raise CheckpointError(f"{path.name} holds a {MODEL_NAMES[config.model]}, not a {MODEL_NAMES[model]}")
    weights = {k: (v.float() if v.is_floating_point() else v) for k, v in state["generator"].items()}
    check_shapes({"generator": weights}, {"generator": build_dcgan_generator(config).state_dict()}, path.name)
    return config, weights


def apply_pretrained(trainer: DcganTrainer, weights: dict[str, torch.Tensor]) -> None:
    """Put pretrained generator weights into a fresh trainer's G (and its moving average)."""
    trainer.generator.load_state_dict(weights)
    if trainer.generator_ema is not None:
        trainer.generator_ema.load_state_dict(weights)


def main(argv: list[str] | None = None) -> int:
    """Train the model's generator for the lecture and write it with its card entry."""
    from .run import MnistRun

    parser = argparse.ArgumentParser(description="Train and write a pretrained generator (module docstring).")
    parser.add_argument("--model", choices=MODELS, required=True)
    parser.add_argument("--epochs", type=int, default=72, help="twice the live default of 36")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--out", type=Path, default=None, help="default: assets/mnist/pretrained/MODEL.pt")
    args = parser.parse_args(argv)
    from ..core.config import changes_from_pairs

    config = model_config(args.model, epochs=args.epochs, seed=args.seed).replace(
        **changes_from_pairs(args.set, config_class=DcganConfig))
    start = time.perf_counter()
    run = MnistRun(config)
    run.train(run.budget)
    wall = time.perf_counter() - start
    out = args.out or pretrained_path(args.model)
    save_pretrained(out, config, run.trainer.sampler, run.iteration)
    # score the weights as shipped (float16), as the app will load them
    _, weights = load_pretrained(args.model, out)
    apply_pretrained(run.trainer, weights)
    _, scores = run.score_final()
    card = json.loads(PRETRAINED_CARD.read_text()) if PRETRAINED_CARD.exists() else {}
    card[args.model] = {
        "command": "python -m explorer.mnist.pretrained " + " ".join(argv if argv is not None else sys.argv[1:]),
        "seed": args.seed, "epochs": args.epochs, "iterations": run.iteration,
        "wall_seconds": round(wall, 1), "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, "
                                                   f"{run.trainer.device}",
        "file_bytes": out.stat().st_size,
        "scores": {k: v for k, v in scores.items() if k not in ("class_histogram",)},
    }
    if args.out is None:
        PRETRAINED_CARD.write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card[args.model], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
