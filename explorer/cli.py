"""The headless command line: the same trainer as the app, for scripts and benchmarks.

    gan-explorer toy --preset goodfellow-fig1 --out runs/fig1
    gan-explorer toy --dataset bimodal --steps 6000 --seed 3 --loss minimax --out runs/bimodal
    gan-explorer toy --preset ring-collapse --remedy minibatch-discrimination --seed 3 --out runs/ring
    gan-explorer toy --data-csv my_points.csv --remedy pack4 --out runs/mine
    gan-explorer mnist --epochs 40 --out runs/dcgan
    gan-explorer mnist --model infogan --out runs/infogan
    gan-explorer mnist --model conditional --init pretrained --epochs 0 --out runs/cgan
    gan-explorer mnist --data full --remedy minibatch-discrimination --out runs/dcgan-mbd
    torchrun --nproc-per-node 2 -m explorer.cli mnist --data full --out runs/ddp
    gan-explorer dirac --method simultaneous --regulariser none --lr 0.1 --steps 1000 --start 1,1 --out runs/dirac

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

from .cli_mnist import add_mnist_parser, run_mnist
from .core.config import changes_from_pairs
from .core.errors import (
    EXIT_BAD_INPUT,
    EXIT_DIVERGED,
    ConfigError,
    TrainingDiverged,
    shown,
)
from .toy.config import DATASETS_1D, DATASETS_2D, LOSSES, ToyConfig
from .toy.data2d import DataError
from .toy.dirac import METHODS, REGULARISERS, DiracConfig
from .toy.dirac import summary as dirac_summary
from .toy.dirac import trajectory as dirac_trajectory
from .toy.presets import PRESETS_1D, PRESETS_2D, preset_config
from .toy.remedies import REMEDIES, apply_remedies, parse_remedies


def _presets_epilog() -> str:
    lines = ["presets (--preset NAME), 1-D:"]
    lines += [f"  {p.name:<18} {p.title}" for p in PRESETS_1D.values()]
    lines.append("presets, 2-D:")
    lines += [f"  {p.name:<18} {p.title}" for p in PRESETS_2D.values()]
    lines.append("remedies for mode collapse (--remedy NAME, repeatable or comma-separated; 2-D only):")
    lines += [f"  {r.name:<26} {r.title}" for r in REMEDIES.values()]
    return "\n".join(lines)


def add_animation_arguments(command: argparse.ArgumentParser) -> None:
    """--animation FILE.gif|FILE.mp4, its width and frame rate: the run's timeline for slides."""
    command.add_argument("--animation", type=Path, metavar="FILE",
                         help="also write the run's timeline as an animation for slides: FILE.gif or FILE.mp4")
    command.add_argument("--animation-width", type=int, default=1000, metavar="PX",
                         help="the animation's width in pixels (default 1000)")
    command.add_argument("--fps", type=float, default=10.0, help="the animation's frames a second (default 10)")


def check_animation_arguments(args: argparse.Namespace) -> None:
    """Refuse a bad --animation before any training time is spent on it."""
    if args.animation is None:
        return
    from .core.export import ANIMATION_FORMATS

    if args.animation.suffix.lower() not in ANIMATION_FORMATS:
        raise ConfigError(f"--animation must name a .gif or .mp4 file; got {shown(str(args.animation))}")
    if not 200 <= args.animation_width <= 4000:
        raise ConfigError(f"--animation-width must be between 200 and 4000 pixels; got {args.animation_width}")
    if not (math.isfinite(args.fps) and 1 <= args.fps <= 60):
        raise ConfigError(f"--fps must be between 1 and 60; got {args.fps:g}")
    folder = args.animation.parent
    if str(folder) and not folder.is_dir():
        raise ConfigError(f"--animation's folder {shown(str(folder))} does not exist")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gan-explorer", description="GAN Explorer, headless.")
    commands = parser.add_subparsers(dest="command", required=True)
    toy = commands.add_parser(
        "toy",
        help="train a toy GAN (1-D or 2-D) and write a run directory",
        description="Train a toy GAN headless and write DIR/config.json, metrics.json, samples.npy "
        "(2,500 samples from the final generator), curves.npz and figure.html.",
        epilog=_presets_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = toy.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", help="a named preset (listed below)")
    source.add_argument("--dataset", help=f"a dataset: {', '.join(DATASETS_1D)} (1-D); "
                        f"{', '.join(d for d in DATASETS_2D if d != 'custom')} (2-D)")
    source.add_argument("--data-csv", type=Path, help="your own 2-D points: a CSV file of x,y rows")
    source.add_argument("--config", type=Path, help="a config.json (e.g. from an earlier run)")
    source.add_argument("--resume", type=Path, metavar="CHECKPOINT",
                        help="an earlier run's checkpoint.pt: train on from where it stopped, exactly as "
                        "if it had not (give --steps to go further than its budget)")
    toy.add_argument("--steps", type=int, help="training iterations (each k D updates and one G update)")
    toy.add_argument("--seed", type=int, help="random seed")
    toy.add_argument("--loss", help=f"objective: {', '.join(LOSSES)} (1-D: the first two)")
    toy.add_argument("--remedy", action="append", default=[], metavar="NAME",
                     help="switch on a remedy for mode collapse (listed below); repeatable")
    toy.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="set any config field, e.g. --set k_d_steps=3 --set d_lr=2e-3 (repeatable)")
    toy.add_argument("--out", type=Path, required=True, help="run directory to write")
    toy.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_animation_arguments(toy)

    add_animation_arguments(add_mnist_parser(commands))

    dirac = commands.add_parser(
        "dirac",
        help="the Dirac GAN (Mescheder et al. 2018): why gradient play circles its equilibrium",
        description="Follow the Dirac GAN's gradient play from a start (theta, psi) and write DIR/config.json, "
        "trajectory.npy ((steps + 1) x 2: theta, psi) and metrics.json (the final distance to the equilibrium "
        "and the eigenvalues there).",
    )
    dirac.add_argument("--method", choices=METHODS, default="simultaneous")
    dirac.add_argument("--regulariser", choices=REGULARISERS, default="none")
    dirac.add_argument("--gamma", type=float, default=1.0,
                       help="the regulariser's strength (R1, R2, WGAN-GP, consensus; instance noise: its sigma)")
    dirac.add_argument("--lr", type=float, default=0.1, help="the learning rate of both players")
    dirac.add_argument("--d-lr", type=float, help="the discriminator's own learning rate (TTUR)")
    dirac.add_argument("--k", type=int, default=1, help="D steps before each G step (alternating only)")
    dirac.add_argument("--steps", type=int, default=1000)
    dirac.add_argument("--start", default="1,1", metavar="THETA,PSI", help="where the players start")
    dirac.add_argument("--out", type=Path, required=True, help="run directory to write")
    add_animation_arguments(dirac)
    return parser


def config_from_args(args: argparse.Namespace, resumed: ToyConfig | None = None) -> ToyConfig:
    """The toy run's config: a preset, a config.json, the user's points, a dataset or the
    `resumed` checkpoint's config, with the command line's changes on top."""
    if resumed is not None:
        config = resumed
    elif args.preset is not None:
        config = preset_config(args.preset)
    elif args.config is not None:
        try:
            config = ToyConfig.from_json(args.config.read_text())
        except OSError as err:
            raise ConfigError(f"cannot read {args.config}: {err.strerror}") from None
    elif args.data_csv is not None:
        config = PRESETS_2D["moons"].config.replace(dataset="custom", data_path=str(args.data_csv.resolve()))
    elif args.dataset in DATASETS_2D:
        base = next((p.config for p in PRESETS_2D.values() if p.config.dataset == args.dataset), None)
        if base is None:
            raise ConfigError(f"dataset {args.dataset!r} takes --data-csv FILE instead")
        config = base
    else:
        config = ToyConfig(dataset=args.dataset)
    changes = changes_from_pairs(args.set, ToyConfig)
    for key in ("steps", "seed", "loss"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    return apply_remedies(config.replace(**changes), parse_remedies(args.remedy))


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_toy(args: argparse.Namespace) -> int:
    # imported here so that `--help` and input errors answer at once
    import torch

    from .toy.checkpoint import save_toy_checkpoint
    from .toy.metrics import is_equilibrium
    from .toy.remedies import remedied_name
    from .toy.report import timeline_figure, write_figure_html, write_timeline_animation
    from .toy.run import ToyRun
    from .toy.trainer import ToyTrainer

    trainer = None
    if args.resume is not None:
        from .core.checkpoint import CheckpointError
        from .toy.checkpoint import load_toy_checkpoint

        try:
            trainer = load_toy_checkpoint(args.resume)
        except CheckpointError as err:
            raise ConfigError(str(err)) from None
    config = config_from_args(args, trainer.config if trainer is not None else None)
    check_animation_arguments(args)
    if trainer is not None and config != trainer.config:
        # the command line changed the run (--steps, --set): a trainer of the new config takes
        # the saved state, as long as the networks keep their shapes
        state, trainer = trainer.state(), ToyTrainer(config)
        try:
            trainer.load_state(state)
        except (RuntimeError, ValueError) as err:
            first = str(err).strip().splitlines()[0][:200]
            raise ConfigError(f"the changes do not fit the checkpoint's networks ({first})") from None
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(f"cannot create the run directory {args.out}: {err.strerror}") from None
    (args.out / "config.json").write_text(config.to_json() + "\n")
    torch.set_num_threads(1)  # toy networks are overhead-bound: one thread is fastest
    try:
        run = ToyRun(config, trainer=trainer)
    except DataError as err:
        raise ConfigError(str(err)) from None
    started, first_iteration = time.perf_counter(), run.iteration
    from tqdm import tqdm

    bar = tqdm(total=config.steps, initial=first_iteration, unit="it", disable=args.no_progress,
               file=sys.stderr, desc=f"toy {config.dataset}")
    try:
        chunk = config.snapshot_every
        while run.iteration < config.steps:
            todo = min(chunk, config.steps - run.iteration)
            run.advance(todo)
            bar.update(todo)
            bar.set_postfix(_progress_fields(run.history.traces), refresh=False)
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
        iterations_per_second=round((run.iteration - first_iteration) / seconds, 1) if seconds > 0 else None,
        remedies=list(config.remedies()),
        trace={k: [_json_safe(v) for v in values] for k, values in run.history.traces.items()},
    )
    if not run.is_2d:
        metrics.update(equilibrium=is_equilibrium(final), panels_captured="".join(sorted(run.panels.panels)))
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    save_toy_checkpoint(args.out / "checkpoint.pt", run.trainer)
    np.save(args.out / "samples.npy", run.trainer.final_samples(2500))
    np.savez(args.out / "curves.npz", **final.curves())
    write_figure_html(timeline_figure(run.history.snapshots), args.out / "figure.html")
    animated = ""
    if args.animation is not None:
        frames = write_timeline_animation(run.history.snapshots, args.animation, remedied_name(config),
                                          fps=args.fps, width=args.animation_width)
        animated = f" and {args.animation} ({frames} frames, {args.animation_width} px wide, {args.fps:g} a second)"
    if run.is_2d:
        summary = ", ".join(f"{k} {v}" for k, v in _progress_fields(run.history.traces).items())
    else:
        summary = f"JS {final.js:.4f} nats · mean|D-1/2| {final.d_deviation:.3f}"
    print(f"{run.iteration} iterations in {seconds:.1f} s · {summary} · wrote {args.out}{animated}", file=sys.stderr)
    return 0


def _progress_fields(traces: dict[str, list[float]]) -> dict[str, str]:
    """The latest measurements for the progress bar and the summary line."""
    if "js_divergence" in traces:
        return {"js": f"{traces['js_divergence'][-1]:.4f}"}
    if "modes_covered" in traces:
        return {"modes": f"{traces['modes_covered'][-1]:.0f}/{traces['total_modes'][-1]:.0f}",
                "high_quality": f"{100 * traces['high_quality'][-1]:.1f}%"}
    return {"binned_js": f"{traces['binned_js'][-1]:.3f}"}


def run_dirac(args: argparse.Namespace) -> int:
    """The Dirac GAN's trajectory and what it measured, written to args.out."""
    try:
        theta, psi = (float(x) for x in args.start.split(","))
    except ValueError:
        raise ConfigError(f"--start must be two numbers THETA,PSI; got {shown(args.start)}") from None
    config = DiracConfig(method=args.method, regulariser=args.regulariser, gamma=args.gamma, g_lr=args.lr,
                         d_lr=args.d_lr if args.d_lr is not None else args.lr, k_d_steps=args.k, steps=args.steps,
                         start_theta=theta, start_psi=psi)
    check_animation_arguments(args)
    path = dirac_trajectory(config)
    metrics = dirac_summary(config, path)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "config.json").write_text(config.to_json())
    np.save(args.out / "trajectory.npy", path)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    animated = ""
    if args.animation is not None:
        from .core.export import evenly, write_animation
        from .toy.dirac import field_grid, plane_extent
        from .toy.plots_dirac import figure_dirac

        extent = plane_extent(config)
        field = field_grid(config, extent)
        frames = write_animation((figure_dirac(config, field, extent, {config.method: path[:step + 1]})
                                  for step in evenly(range(1, config.steps + 1))),
                                 args.animation, fps=args.fps, width=args.animation_width)
        animated = f" and {args.animation} ({frames} frames: the path growing)"
    print(f"{config.method} descent, regulariser {config.regulariser}: distance to the equilibrium {metrics['start_distance']:.3g}"
          f" -> {metrics['final_distance']:.3g} after {metrics['steps_done']} steps; wrote {args.out}{animated}",
          file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "toy":
            return run_toy(args)
        if args.command == "mnist":
            check_animation_arguments(args)
            return run_mnist(args)
        if args.command == "dirac":
            return run_dirac(args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parser.error(f"unknown command {args.command}")
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
