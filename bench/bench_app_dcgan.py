"""The DCGAN tab's training rate while a page polls it for frames, against the same run trained
headless, in one run.

Three loops alternate in blocks after a warm-up, so that all see the same machine state:
- "headless": `MnistRun.advance_for` in a loop with one torch thread per core (what
  `gan-explorer mnist` does), in a thread that ends with the block;
- "app": the tab's own training thread (Play), while a pool of worker threads calls the tab's
  frame handler once per `FRAME_SECONDS`, as Gradio does for the page's timer, wired exactly as
  the app wires it (`one_torch_thread(on_tick)`);
- "app, handler unwired": the same without `one_torch_thread`, the way the tab ran before: the
  frame handler computes with the intra-op thread count the training thread set.
Each block uses fresh worker threads. All three score G every `MEASURE_EVERY_SECONDS` as the tab
does, so the rates are wall-clock images per second, scoring included. The median block rate of
each and the ratios to headless are printed.

    python bench/bench_app_dcgan.py                 # 3 blocks of 20 s each, about 4 minutes
    python bench/bench_app_dcgan.py --blocks 5 --seconds 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.app import tab_mnist  # noqa: E402
from explorer.app.session import one_torch_thread  # noqa: E402
from explorer.core.errors import TrainingDiverged  # noqa: E402
from explorer.mnist.config import DcganConfig  # noqa: E402
from explorer.mnist.data import load_embedded  # noqa: E402
from explorer.mnist.run import MnistRun  # noqa: E402


def _headless_block(run: MnistRun, seconds: float) -> float:
    """In a thread of its own that ends with the block: a thread keeps its OpenMP team after its
    last parallel region, and an idle team of two in this thread slowed the app's training
    thread by a third in the blocks that followed (measured while writing this bench)."""
    rate = []

    def train() -> None:
        torch.set_num_threads(tab_mnist.TRAINING_THREADS)
        start, first = time.perf_counter(), run.iteration
        while time.perf_counter() - start < seconds:
            run.advance_for(0.03)
        rate.append((run.iteration - first) / (time.perf_counter() - start))

    thread = threading.Thread(target=train)
    thread.start()
    thread.join()
    return rate[0]


def _app_block(session: tab_mnist.MnistSession, seconds: float, frame_handler) -> float:
    run = session.run
    with ThreadPoolExecutor(max_workers=4) as workers:  # fresh worker threads, as a new server has
        start, first = time.perf_counter(), run.iteration
        session.start(until=run.budget, on_error=TrainingDiverged)
        while time.perf_counter() - start < seconds:
            workers.submit(frame_handler, session).result()
            time.sleep(tab_mnist.FRAME_SECONDS)
        session.halt()
        return (run.iteration - first) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=3, help="timed blocks of each loop")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per block")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # as the app's launch() does; this thread only waits
    if args.blocks < 1 or args.seconds <= 0:
        parser.error("--blocks must be at least 1 and --seconds positive")

    config = DcganConfig(device="cpu")
    digits = load_embedded()
    headless = MnistRun(config, digits)
    session = tab_mnist.MnistSession()
    session.run = MnistRun(config, digits)
    for run in (headless, session.run):
        run.measure_every_seconds = tab_mnist.MEASURE_EVERY_SECONDS

    loops = {
        "headless": lambda: _headless_block(headless, args.seconds),
        "app": lambda: _app_block(session, args.seconds, one_torch_thread(tab_mnist.on_tick)),
        "app, handler unwired": lambda: _app_block(session, args.seconds, tab_mnist.on_tick),
    }
    # warm-up: the allocator, the first scoring of each run
    _headless_block(headless, 3.0)
    _app_block(session, 3.0, one_torch_thread(tab_mnist.on_tick))

    rates: dict[str, list[float]] = {name: [] for name in loops}
    for block in range(args.blocks):
        for name, loop in loops.items():
            rates[name].append(loop() * config.batch_size)
            print(f"block {block + 1}: {name:22s} {rates[name][-1]:7.1f} images/s", flush=True)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"\n{tab_mnist.TRAINING_THREADS} training threads, batch {config.batch_size}, "
          f"a frame every {tab_mnist.FRAME_SECONDS:g} s, G scored every {tab_mnist.MEASURE_EVERY_SECONDS:g} s")
    for name, rate in medians.items():
        print(f"{name:22s} {rate:7.1f} images/s (median of {args.blocks})   "
              f"ratio to headless {rate / medians['headless']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
