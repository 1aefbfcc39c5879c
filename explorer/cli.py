"""The headless command line: the same trainer as the app, for scripts and benchmarks.

    gan-explorer toy --preset goodfellow-fig1 --out runs/fig1
    gan-explorer toy --dataset bimodal --steps 6000 --seed 3 --loss minimax --out runs/bimodal

Exit status: 0 on success, 2 for bad input (with a message), 3 when training diverged.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from .config import DATASETS_1D, LOSSES, PRESETS_1D, ConfigError, ToyConfig, parse_field_value, preset_config

EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3


def _presets_epilog() -> str:
    lines = ["presets (--preset NAME):"]
    for p in PRESETS_1D.values():
        lines.append(f"  {p.name:<18} {p.title}: {p.description}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gan-explorer", description="GAN Explorer, headless.")
    commands = parser.add_subparsers(dest="command", required=True)
    toy = commands.add_parser(
        "toy",
        help="train a toy GAN (1-D) and write a run directory",
        description="Train a toy GAN headless and write DIR/config.json, metrics.json, samples.npy, "
        "curves.npz (1-D) and figure.html.",
        epilog=_presets_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = toy.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", help="a named preset (listed below)")
    source.add_argument("--dataset", help=f"a dataset: {', '.join(DATASETS_1D)}")
    source.add_argument("--config", type=Path, help="a config.json (e.g. from an earlier run)")
    toy.add_argument("--steps", type=int, help="training iterations (each k D updates and one G update)")
    toy.add_argument("--seed", type=int, help="random seed")
    toy.add_argument("--loss", help=f"generator loss: {', '.join(LOSSES)}")
    toy.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="set any config field, e.g. --set k_d_steps=3 --set d_lr=2e-3 (repeatable)")
    toy.add_argument("--out", type=Path, required=True, help="run directory to write")
    toy.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def config_from_args(args: argparse.Namespace) -> ToyConfig:
    if args.preset is not None:
        config = preset_config(args.preset)
    elif args.config is not None:
        try:
            config = ToyConfig.from_json(args.config.read_text())
        except OSError as err:
            raise ConfigError(f"cannot read {args.config}: {err.strerror}") from None
    else:
        config = ToyConfig(dataset=args.dataset)
    changes = {}
    types = {name: f.type for name, f in ToyConfig.__dataclass_fields__.items()}
    for item in args.set:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"--set takes KEY=VALUE; got {item!r}")
        if key not in types:
            raise ConfigError(f"unknown config field {key!r}; fields: {', '.join(types)}")
        changes[key] = parse_field_value(key, raw, types[key])
    for key in ("steps", "seed", "loss"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    return config.replace(**changes)


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_toy(args: argparse.Namespace) -> int:
    # imported here so that `--help` and input errors answer at once
    import torch

    from .metrics import is_equilibrium
    from .report import timeline_figure, write_figure_html
    from .toyrun import ToyRun
    from .training import TrainingDiverged

    config = config_from_args(args)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(f"cannot create the run directory {args.out}: {err.strerror}") from None
    (args.out / "config.json").write_text(config.to_json() + "\n")
    torch.set_num_threads(1)  # toy networks are overhead-bound: one thread is fastest
    run = ToyRun(config)
    started = time.perf_counter()
    from tqdm import tqdm

    bar = tqdm(total=config.steps, unit="it", disable=args.no_progress, file=sys.stderr,
               desc=f"toy {config.dataset}")
    try:
        chunk = config.snapshot_every
        while run.iteration < config.steps:
            todo = min(chunk, config.steps - run.iteration)
            run.advance(todo)
            bar.update(todo)
            bar.set_postfix(js=f"{run.history.traces['js_divergence'][-1]:.4f}", refresh=False)
    except TrainingDiverged as err:
        bar.close()
        print(f"error: {err}", file=sys.stderr)
        return EXIT_DIVERGED
    bar.close()
    seconds = time.perf_counter() - started
    final = run.record("final")
    metrics = {k: _json_safe(v) for k, v in final.measurements().items()}
    metrics.update(
        iterations=run.iteration,
        seconds=round(seconds, 3),
        iterations_per_second=round(run.iteration / seconds, 1) if seconds > 0 else None,
        equilibrium=is_equilibrium(final),
        panels_captured="".join(sorted(run.panels.panels)),
        trace={k: [_json_safe(v) for v in values] for k, values in run.history.traces.items()},
    )
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    np.save(args.out / "samples.npy", run.trainer.final_samples(2500))
    np.savez(args.out / "curves.npz", **final.curves())
    write_figure_html(timeline_figure(run.history.snapshots), args.out / "figure.html")
    print(
        f"{run.iteration} iterations in {seconds:.1f} s · JS {final.js:.4f} nats · "
        f"mean|D-1/2| {final.d_deviation:.3f} · wrote {args.out}",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "toy":
            return run_toy(args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parser.error(f"unknown command {args.command}")
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
