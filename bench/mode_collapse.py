"""Mode collapse on the ring and the grid, measured as in PacGAN (Lin et al. 2018), Table 1.

For each preset (ring-collapse: 8 Gaussians on a circle of radius 1, std 0.01; grid-collapse:
25 Gaussians on {-4, -2, 0, 2, 4}^2, std 0.05) and each remedy (by default the plain GAN,
"none", and its twin with minibatch discrimination), every seed is trained from scratch for
the preset's `steps` iterations on the CPU with one thread, then 2,500 samples drawn from fixed
noise are scored by explorer.toy.modes.mode_metrics:

- modes: modes with at least one high-quality sample (PacGAN's "Modes");
- high quality: percentage of samples within 3 std of their nearest mode centre;
- reverse KL: KL(histogram of high-quality samples over modes || uniform), nats.

It prints a line per run as it goes, then a table in the layout of PacGAN's Table 1 (mean ±
standard error over seeds), with the medians of modes and high-quality samples and the mean
CPU seconds per run (training plus the one evaluation, on its one thread: what a run costs
however busy the machine), and PacGAN's published PacGAN4
row for reference. Remedy names come from explorer.toy.remedies.REMEDIES and combine with commas
("pack4", "minibatch-discrimination,least-squares"); "none" is the preset as it is.

The figures in the presets' descriptions (explorer/toy/preset_texts.py) were produced on 1 CPU thread by

    python bench/mode_collapse.py --seeds 100-109 --json /tmp/mode_collapse.json

(the seeds 100..109 are not used by the tests). Results of that command (2 cores, 1 thread,
the two presets run as two processes side by side, so each run had one core):

    preset  run     modes (mean ± s.e., median)   high quality % (mean ± s.e., median)   reverse KL    s/run
    ring    GAN      0.5 ± 0.2, median  0.5        1.7 ± 0.8, median  0.3                2.08 ± 0.00   20-31
    ring    MBD      8.0 ± 0.0, median  8         91.5 ± 0.6, median 91.9                0.05 ± 0.03   83-109
    grid    GAN     10.4 ± 2.0, median 11.5        2.2 ± 0.4, median  1.8                1.43 ± 0.31   28-32
    grid    MBD     24.9 ± 0.1, median 25         76.4 ± 5.6, median 82.0                0.05 ± 0.03   104-114
    PacGAN4 (Lin et al. 2018, Table 1): ring 7.8 modes, 95.9 %; grid 24.8 modes, 93.6 %

On seeds the presets were not tuned on, `--preset ring-collapse --seeds 200-209` (2026-12-02,
one process, the machine otherwise busy with the test suite): GAN 0.4 ± 0.2 modes (at most 1 on
every seed), 0.7 ± 0.5 % high quality; MBD 8.0 ± 0.0 modes on every seed, 92.3 ± 1.5 % (79.2 %
on seed 205, 92-95 % on the others), 61 s a run.

Twenty fresh seeds, `--preset ring-collapse --seeds 300-319` (2026-12-02, one process beside
others): GAN 0.9 ± 0.5 modes, collapsed (at most 6 of 8 modes) on 18 of 20 (seed 302 found all
8 with 85.9 % high quality, seed 306 all 8 with 7.9 %); MBD 8 of 8 on every seed, 91.5 ± 0.6 %
(85.7-94.5 %). The grid preset at batch 512 (chosen on seeds 100-102: MBD 89.8 % against 82.5 %
at batch 256; batch 256 for 5,000 iterations gave 93.4 % but the plain GAN then found 24-25
modes): see README, "Mode collapse, and the remedy, measured".

`--set key=value` overrides a config field of
every run (for tuning, e.g. `--set steps=1500 --set g_lr=2e-4`).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PRESET_NAMES = ("ring-collapse", "grid-collapse")
DEFAULT_REMEDIES = ("none", "minibatch-discrimination")
# PacGAN (Lin et al. 2018), Table 1, the PacGAN4 row: modes and high-quality samples (%)
PACGAN4 = {"ring-collapse": (7.8, 95.9), "grid-collapse": (24.8, 93.6)}
# a run that covers at most this share of the modes has collapsed
COLLAPSED_SHARE = 0.75


def parse_seeds(text: str) -> list[int]:
    """'100-109' or '100,101,105' or a mix: a list of seeds."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            low, high = part.split("-", 1)
            seeds.extend(range(int(low), int(high) + 1))
        else:
            seeds.append(int(part))
    if not seeds:
        raise argparse.ArgumentTypeError(f"no seeds in {text!r}")
    return seeds


def remedy_config(base, remedy: str):
    from explorer.toy.remedies import apply_remedies, parse_remedies

    if remedy == "none":
        return base
    return apply_remedies(base, parse_remedies([remedy]))


def run_one(config) -> dict:
    """Train one seed and score it; returns the raw figures."""
    from explorer.core.errors import TrainingDiverged
    from explorer.toy.modes import mode_metrics
    from explorer.toy.trainer import ToyTrainer

    start, cpu_start = time.perf_counter(), time.thread_time()
    trainer = ToyTrainer(config)
    diverged = ""
    try:
        trainer.train(config.steps)
    except TrainingDiverged as err:  # score what is there (NaNs count as low quality)
        diverged = str(err)
    samples = trainer.final_samples(2500)
    m = mode_metrics(samples, trainer.dataset.modes, trainer.dataset.mode_std)
    seconds, cpu_seconds = time.perf_counter() - start, time.thread_time() - cpu_start
    return {
        "seed": config.seed,
        "modes": m.modes_covered,
        "total_modes": m.total_modes,
        "high_quality": m.high_quality,
        "mode_kl": m.mode_kl,
        "counts": m.counts.tolist(),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,   # this thread's CPU time (one torch thread): the run's cost on a busy machine
        "iterations": trainer.iteration,
        "diverged": diverged,
    }


def collapsed_run(run: dict) -> bool:
    """A run collapsed when it covers at most COLLAPSED_SHARE of the modes (ring: 6 of 8; grid:
    18 of 25, about PacGAN's plain GAN, 17.3)."""
    return run["modes"] <= COLLAPSED_SHARE * run["total_modes"]


def mean_se(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return mean, se


def summary_row(label: str, runs: list[dict]) -> str:
    modes = [r["modes"] for r in runs]
    hq = [100 * r["high_quality"] for r in runs]
    kl = [r["mode_kl"] for r in runs]
    (mm, ms), (hm, hs), (km, ks) = mean_se(modes), mean_se(hq), mean_se(kl)
    secs = statistics.fmean(r["cpu_seconds"] for r in runs)
    return (f"  {label:<28} {mm:5.1f} ± {ms:3.1f}   {hm:5.1f} ± {hs:3.1f}   {km:5.2f} ± {ks:4.2f}"
            f"   {statistics.median(modes):6.1f}   {statistics.median(hq):6.1f}   {secs:6.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", action="append", choices=PRESET_NAMES,
                        help="ring-collapse or grid-collapse (repeatable; default both)")
    parser.add_argument("--seeds", type=parse_seeds, default=list(range(100, 110)),
                        help="e.g. 100-109 (default) or 100,103")
    parser.add_argument("--remedies", action="append",
                        help="a remedy per run set, 'none' for the plain GAN, combined with commas "
                             "(repeatable; default: none and minibatch-discrimination)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config field of every run (tuning)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--json", type=Path, help="write the raw per-seed results here")
    args = parser.parse_args(argv)

    import torch

    from explorer.core.config import changes_from_pairs
    from explorer.toy.config import ToyConfig
    from explorer.toy.presets import PRESETS_2D

    torch.set_num_threads(args.threads)
    presets = args.preset or list(PRESET_NAMES)
    remedies = args.remedies or list(DEFAULT_REMEDIES)
    for remedy in remedies:  # fail early on a bad name
        remedy_config(PRESETS_2D[presets[0]].config, remedy)
    try:
        overrides = changes_from_pairs(args.overrides, ToyConfig)
    except ValueError as err:  # ConfigError
        parser.error(str(err))

    results: dict[str, dict[str, list[dict]]] = {}
    for preset in presets:
        base = PRESETS_2D[preset].config.replace(**overrides)
        results[preset] = {}
        for remedy in remedies:
            config = remedy_config(base, remedy)
            runs = results[preset][remedy] = []
            for seed in args.seeds:
                run = run_one(config.replace(seed=seed))
                runs.append(run)
                note = f"  DIVERGED: {run['diverged']}" if run["diverged"] else ""
                print(f"{preset:<14} {remedy:<26} seed {seed:>4}: {run['modes']:>2}/{run['total_modes']} modes, "
                      f"{100 * run['high_quality']:5.1f} % high quality, KL {run['mode_kl']:.3f}, "
                      f"{run['seconds']:5.1f} s ({run['cpu_seconds']:5.1f} s CPU){note}", flush=True)

    print()
    for preset in presets:
        config = PRESETS_2D[preset].config.replace(**overrides)
        print(f"{preset}: {config.dataset}, {config.steps} iterations, batch {config.batch_size}, "
              f"{len(args.seeds)} seeds ({args.seeds[0]}..{args.seeds[-1]}), mean ± s.e.")
        print(f"  {'':<28} {'Modes':>11}   {'high qual. %':>11}   {'reverse KL':>11}"
              f"   {'med.modes':>6} {'med.HQ%':>6}  {'CPU s/run':>6}")
        for remedy in remedies:
            print(summary_row("GAN" if remedy == "none" else remedy, results[preset][remedy]))
        for remedy in remedies:
            runs = results[preset][remedy]
            collapsed = [r["seed"] for r in runs if collapsed_run(r)]
            print(f"  {'GAN' if remedy == 'none' else remedy}: collapsed (at most {COLLAPSED_SHARE:.0%} of the "
                  f"modes covered) on {len(collapsed)} of {len(runs)} seeds"
                  f"{': ' + ', '.join(map(str, collapsed)) if 0 < len(collapsed) < len(runs) else ''}")
        modes, hq = PACGAN4[preset]
        print(f"  {'PacGAN4 (Lin et al. 2018)':<28} {modes:5.1f}         {hq:5.1f}         (published)")
        print()

    if args.json:
        args.json.write_text(json.dumps({"seeds": args.seeds, "overrides": overrides, "results": results},
                                        indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
