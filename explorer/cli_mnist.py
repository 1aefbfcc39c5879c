"""The command line's `mnist` command: a DCGAN, a conditional GAN or an InfoGAN on MNIST digits,
headless, from the same run as the app's tab (explorer.mnist.run); also under torchrun.

    gan-explorer mnist --model infogan --out runs/infogan
    gan-explorer mnist --model conditional --init pretrained --epochs 0 --out runs/cgan
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core.config import changes_from_pairs
from .core.errors import EXIT_DIVERGED, ConfigError, TrainingDiverged
from .mnist.codes import MODEL_NAMES, MODELS
from .mnist.config import MODEL_RECIPES, DcganConfig, model_config


def add_mnist_parser(commands) -> argparse.ArgumentParser:
    """The `mnist` command's arguments, on the main parser's subcommands."""
    mnist = commands.add_parser(
        "mnist",
        help="train a DCGAN, conditional GAN or InfoGAN on MNIST digits and write a run directory",
        description="Train a GAN on MNIST with the DCGAN networks (Radford et al. 2016): the DCGAN, a "
        "conditional GAN (a projection discriminator, Miyato and Koyama 2018, or AC-GAN's classifier) or "
        "InfoGAN (Chen et al. 2016), and write DIR/config.json, "
        "metrics.json (inception_score, frechet_distance, classes_covered, the quality curve; class_accuracy "
        "for the conditional model, code_agreement for InfoGAN), checkpoint.pt, samples.png and samples.npy "
        "(uint8, N x 28 x 28 from the final generator, with labels.npy: the digit asked for each, or codes.npy: "
        "InfoGAN's categorical code of each). Under torchrun each process trains on its own shard with "
        "DistributedDataParallel.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mnist.add_argument("--model", choices=MODELS, help="default dcgan; " + "; ".join(
        f"{m}: {MODEL_NAMES[m]}" for m in MODELS))
    mnist.add_argument("--init", choices=("random", "pretrained"), default="random",
                       help="pretrained: start from the generator that ships with the project for --model "
                       "(its config; D starts afresh). With --epochs 0 the run only scores it")
    mnist.add_argument("--config", type=Path, help="a config.json (e.g. from an earlier run)")
    mnist.add_argument("--resume", type=Path, metavar="CHECKPOINT",
                       help="an earlier run's checkpoint.pt: train on from where it stopped (give --epochs "
                       "to go further than its budget)")
    mnist.add_argument("--epochs", type=int, help="passes over the digits (default 36)")
    mnist.add_argument("--data", help="'embedded' (5,000 digits that ship with the project; the "
                       "default), 'full' (70,000, downloaded once and checksummed) or a folder of IDX files")
    mnist.add_argument("--device", choices=("auto", "cpu", "cuda"), help="default auto: CUDA when present")
    mnist.add_argument("--seed", type=int, help="random seed")
    mnist.add_argument("--remedy", action="append", default=[], metavar="NAME",
                       help="minibatch-discrimination (Salimans et al. 2016)")
    mnist.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="set any config field, e.g. --set batch_size=128 (repeatable)")
    mnist.add_argument("--eval-every", type=float, default=3.0, metavar="EPOCHS",
                       help="score the generator every this many epochs (the quality curve; 0 = only at the end)")
    mnist.add_argument("--out", type=Path, required=True, help="run directory to write")
    mnist.add_argument("--no-progress", action="store_true", help="no progress bar")
    return mnist


def mnist_config_from_args(args: argparse.Namespace, resumed: DcganConfig | None = None) -> DcganConfig:
    """The run's config: the defaults, a config.json or the `resumed` checkpoint's (or the
    pretrained generator's) config, with the command line's changes on top."""
    config = model_config(args.model or "dcgan") if resumed is None else resumed
    if args.config is not None:
        try:
            config = DcganConfig.from_json(args.config.read_text())
        except OSError as err:
            raise ConfigError(f"cannot read {args.config}: {err.strerror}") from None
    changes = changes_from_pairs(args.set, config_class=DcganConfig)
    if args.model is not None and args.model != config.model:
        # a config file of another model: take the chosen model's recipe, keep the rest
        changes = {"model": args.model, **MODEL_RECIPES[args.model], **changes}
    for key in ("epochs", "data", "device", "seed"):
        if getattr(args, key) is not None:
            changes[key] = getattr(args, key)
    remedies = [r.strip() for item in args.remedy for r in item.split(",") if r.strip()]
    for remedy in remedies:
        if remedy != "minibatch-discrimination":
            raise ConfigError(f"unknown remedy {remedy!r} for the DCGAN; it takes minibatch-discrimination")
        changes["minibatch_discrimination"] = True
    if args.eval_every < 0:
        raise ConfigError(f"--eval-every must be 0 or more epochs; got {args.eval_every}")
    return config.replace(**changes)


def write_grid_animation(run, args: argparse.Namespace) -> str:
    """With --animation: the sample grid as training went (MnistRun.grids), written as a GIF or
    MP4 for slides; the words for the summary line ('' without)."""
    if args.animation is None:
        return ""
    from .core.export import write_animation
    from .mnist.plots import grid_timeline_figures

    frames = write_animation(grid_timeline_figures(run.grids, MODEL_NAMES[run.config.model]), args.animation,
                             fps=args.fps, width=args.animation_width)
    return f" and {args.animation} ({frames} frames of the sample grid, {args.animation_width} px wide)"


def run_mnist(args: argparse.Namespace) -> int:
    import torch
    from tqdm import tqdm

    from .core.checkpoint import CheckpointError
    from .core.devices import describe_device
    from .mnist.data import MnistDataError, load_digits
    from .mnist.distributed import barrier, init_from_env, shutdown
    from .mnist.run import MnistRun

    state = pretrained = base = None
    if sum(x is not None for x in (args.resume, args.config)) + (args.init == "pretrained") > 1:
        raise ConfigError("give one of --config, --resume and --init pretrained")
    try:
        if args.resume is not None:
            from .mnist.checkpoint import read_checkpoint

            base, state = read_checkpoint(args.resume, model=args.model)
        elif args.init == "pretrained":
            from .mnist.pretrained import load_pretrained

            base, pretrained = load_pretrained(args.model or "dcgan")
    except CheckpointError as err:
        raise ConfigError(str(err)) from None
    config = mnist_config_from_args(args, base)
    group = init_from_env(config.device)
    try:
        if group.is_main:
            try:
                args.out.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise ConfigError(f"cannot create the run directory {args.out}: {err.strerror}") from None
        try:
            if not group.is_main:
                barrier(group)        # rank 0 fetches 'full' once; the others read its cache
            digits = load_digits(config.data)
            if group.is_main:
                barrier(group)
        except MnistDataError as err:
            raise ConfigError(str(err)) from None
        if group.world_size > 1 and group.device.type == "cpu":
            torch.set_num_threads(max(1, torch.get_num_threads() // group.world_size))
        run = MnistRun(config, digits, group.rank, group.world_size, group.device, measure=group.is_main)
        if args.animation is not None and group.is_main:
            run.keep_grids()
        trainer = run.trainer
        if state is not None:
            try:
                trainer.load_state(state)
            except (RuntimeError, ValueError, KeyError) as err:
                first = str(err).strip().splitlines()[0][:200]
                raise ConfigError(f"the changes do not fit the checkpoint's networks ({first})") from None
        if pretrained is not None:
            from .mnist.pretrained import apply_pretrained

            try:
                apply_pretrained(trainer, pretrained)
            except RuntimeError as err:
                first = str(err).strip().splitlines()[0][:200]
                raise ConfigError(f"the changes do not fit the pretrained generator ({first})") from None
        if group.is_main:
            print(f"{MODEL_NAMES[config.model]} on {digits.source}; device {describe_device(trainer.device)}"
                  f"{f' x {group.world_size} processes' if group.world_size > 1 else ''}; "
                  f"{trainer.total_iterations} iterations of batch {config.batch_size}", file=sys.stderr)
        eval_every = max(1, round(args.eval_every * trainer.iterations_per_epoch)) if args.eval_every else 0
        bar = tqdm(total=trainer.total_iterations, initial=trainer.iteration, unit="it",
                   disable=args.no_progress or not group.is_main, file=sys.stderr, desc=config.model)
        try:
            while not trainer.done:
                todo = eval_every or trainer.total_iterations
                bar.update(run.train(min(todo - trainer.iteration % todo, 50)))
                fields = {"epoch": f"{trainer.epoch:.1f}/{config.epochs}",
                          "img/s": f"{run.progress()['images_per_second']:.0f}"}
                if eval_every and trainer.iteration % eval_every == 0 and group.is_main:
                    q = run.measure()
                    fields.update(IS=f"{q['inception_score']:.2f}", FD=f"{q['frechet_distance']:.1f}",
                                  classes=q["classes_covered"])
                elif run.history.quality:
                    q = run.history.quality[-1]
                    fields.update(IS=f"{q['inception_score']:.2f}", classes=q["classes_covered"])
                bar.set_postfix(fields, refresh=False)
        except TrainingDiverged as err:
            bar.close()
            print(f"error: {err}", file=sys.stderr)
            return EXIT_DIVERGED
        bar.close()
        if group.is_main:
            metrics = run.write(args.out)
            model_score = ""
            if "class_accuracy" in metrics:
                model_score = f", class accuracy {metrics['class_accuracy']:.1%}"
            elif "code_agreement" in metrics:
                model_score = f", code agreement {metrics['code_agreement']:.1%}"
            print(f"{trainer.iteration} iterations in {metrics['wall_seconds']:.0f} s "
                  f"({metrics['images_per_second']:.0f} images/s): IS {metrics['inception_score']:.2f}, "
                  f"FD {metrics['frechet_distance']:.2f}, {metrics['classes_covered']}/10 classes among the "
                  f"{metrics.get('confident_share', 1.0):.0%} recognisable{model_score}; "
                  f"wrote {args.out}{write_grid_animation(run, args)}", file=sys.stderr)
        barrier(group)
        return 0
    finally:
        shutdown(group)


