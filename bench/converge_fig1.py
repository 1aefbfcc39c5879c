"""Does the "Goodfellow Figure 1" preset converge on its own, within 30 s on this CPU?

    python bench/converge_fig1.py [--seeds 0 1 2 3 4] [--preset goodfellow-fig1]

Runs the preset headless, one seed after another (one thread, as the CLI does), and prints for
each seed the wall-clock time of the whole run and its final JS divergence and mean
|D(x) - 1/2| over the data's support, against the criterion JS < 0.01 nats and
mean |D - 1/2| < 0.05.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--preset", default="goodfellow-fig1")
    args = parser.parse_args()
    torch.set_num_threads(1)
    passed = 0
    print(f"preset {args.preset}: criterion JS < {EQUILIBRIUM_JS} nats and mean|D-1/2| < {EQUILIBRIUM_D_DEVIATION}")
    for seed in args.seeds:
        config = preset_config(args.preset).replace(seed=seed)
        start = time.perf_counter()
        run = ToyRun(config)
        run.advance(config.steps)
        final = run.current()
        seconds = time.perf_counter() - start
        ok = is_equilibrium(final)
        passed += ok
        print(f"seed {seed:3d}: {seconds:5.1f} s, {config.steps} iterations, JS {final.js:.4f} nats, "
              f"mean|D-1/2| {final.d_deviation:.3f}, panels {''.join(sorted(run.panels.panels)) or '-'}"
              f"  {'converged' if ok else 'NOT converged'}")
    print(f"{passed} of {len(args.seeds)} seeds converged")
    return 0 if passed == len(args.seeds) else 1


if __name__ == "__main__":
    sys.exit(main())
