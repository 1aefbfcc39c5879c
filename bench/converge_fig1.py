"""When does the "Goodfellow Figure 1" preset converge for good, and how long does it take?

    python bench/converge_fig1.py [--seeds 0 1 2 3 4] [--preset goodfellow-fig1]

Runs the preset headless, one seed after another (one thread, as the CLI does), recording a
snapshot every `snapshot_every` iterations as the CLI and the app do, and prints for each seed:
the first iteration (and the wall-clock time since the run was built) from which every
snapshot meets the criterion JS < 0.01 nats and mean |D(x) - 1/2| < 0.05 over the data's
support ("converged for good"), the first iteration that met it at all, the run's final JS and
mean |D - 1/2|, and the whole run's time. Exits 1 unless every seed converges for good within
--within seconds (10 by default: issue 15's bar).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.toy.metrics import EQUILIBRIUM_D_DEVIATION, EQUILIBRIUM_JS, is_equilibrium  # noqa: E402
from explorer.toy.presets import preset_config  # noqa: E402
from explorer.toy.run import ToyRun  # noqa: E402


def converge(config) -> dict:
    """Train `config` to its budget; the iteration and time from which it held the criterion."""
    start = time.perf_counter()
    run = ToyRun(config)
    held_from = first = None   # (iteration, seconds)
    while not run.finished:
        run.train_iteration()
        if run.iteration % config.snapshot_every == 0:
            snapshot = run.latest
            if is_equilibrium(snapshot):
                now = (run.iteration, time.perf_counter() - start)
                first = first or now
                held_from = held_from or now
            else:
                held_from = None
    final = run.current()
    return dict(held_from=held_from, first=first, final=final, seconds=time.perf_counter() - start,
                panels="".join(sorted(run.panels.panels)) or "-")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--preset", default="goodfellow-fig1")
    parser.add_argument("--within", type=float, default=10.0, help="seconds allowed to converge for good")
    args = parser.parse_args()
    torch.set_num_threads(1)
    passed = 0
    config = preset_config(args.preset)
    print(f"preset {args.preset}, {config.steps} iterations, a snapshot every {config.snapshot_every}: "
          f"criterion JS < {EQUILIBRIUM_JS} nats and mean|D-1/2| < {EQUILIBRIUM_D_DEVIATION} at every snapshot "
          f"from then on, within {args.within:g} s")
    for seed in args.seeds:
        result = converge(config.replace(seed=seed))
        held, first, final = result["held_from"], result["first"], result["final"]
        ok = held is not None and held[1] <= args.within
        passed += ok
        held_text = f"from iteration {held[0]:5d} ({held[1]:5.1f} s)" if held else "never for good    "
        first_text = f"first met at {first[0]:5d} ({first[1]:5.1f} s)" if first else "never met"
        print(f"seed {seed:3d}: held {held_text}; {first_text}; final JS {final.js:.4f} nats, "
              f"mean|D-1/2| {final.d_deviation:.3f}; whole run {result['seconds']:5.1f} s, "
              f"panels {result['panels']}  {'ok' if ok else 'NOT within ' + format(args.within, 'g') + ' s'}")
    print(f"{passed} of {len(args.seeds)} seeds converged for good within {args.within:g} s")
    return 0 if passed == len(args.seeds) else 1


if __name__ == "__main__":
    sys.exit(main())
