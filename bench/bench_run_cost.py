"""The run-cost estimates (core.cost) beside what the runs really take: for each config, a fresh
process builds the run, trains a few iterations and takes a frame's snapshot, and reports its
peak resident memory above the process's baseline and its time per iteration and per frame.

    python bench/bench_run_cost.py

An estimate is an upper bound by design (it counts every tensor an operation makes, as if none
were freed): the ratio measured / estimated says how much room it leaves.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
import torch
torch.set_num_threads(1)
from explorer.toy.config import ToyConfig
from explorer.toy.run import ToyRun
config = ToyConfig.from_json(sys.argv[1])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
run = ToyRun(config)
run.advance(2)
start = time.perf_counter(); run.advance(5); iteration = (time.perf_counter() - start) / 5
start = time.perf_counter(); run.snapshot(); frame = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mib": (peak - base) / 1024, "iteration_s": iteration, "frame_s": frame}))
"""


def main() -> None:
    from explorer.toy.cost import toy_run_cost
    from explorer.toy.presets import PRESETS

    ring = PRESETS["ring-collapse"].config
    configs = {
        "goodfellow-fig1": PRESETS["goodfellow-fig1"].config,
        "ring-collapse": ring,
        "ring + minibatch discrimination": ring.replace(minibatch_discrimination=True),
        "ring, batch 8192": ring.replace(batch_size=8192),
        "ring, batch 4096, widths 512": ring.replace(batch_size=4096, g_width=512, d_width=512),
        "ring + MBD, whole batch of 2048": ring.replace(minibatch_discrimination=True, minibatch_group=0,
                                                        batch_size=2048),
    }
    print(f"{'config':34s} {'estimate':>40s}   measured: peak MiB above baseline, s/iteration, s/frame")
    for name, config in configs.items():
        cost = toy_run_cost(config)
        result = subprocess.run([sys.executable, "-c", CHILD, config.to_json()], capture_output=True, text=True,
                                cwd=ROOT, timeout=600)
        if result.returncode != 0:
            print(f"{name:34s} failed: {result.stderr.strip().splitlines()[-1]}")
            continue
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        ratio = measured["peak_mib"] * 2**20 / cost.memory_bytes
        print(f"{name:34s} {cost.describe():>40s}   {measured['peak_mib']:7.0f} MiB ({ratio:.2f} of the estimate), "
              f"{measured['iteration_s']:.3f} s, {measured['frame_s']:.3f} s")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
