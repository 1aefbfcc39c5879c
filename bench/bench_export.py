"""How long an animation for slides takes to draw: each frame drawn whole against the frames
drawn over one background (core.animation_draw), side by side in one run.

    python bench/bench_export.py [--blocks 5] [--width 1000]

Cases: Figure 1's timeline (40 frames), the ring's twins side by side (20 frames) and the MNIST
sample grid as training went (20 frames). For each, alternating blocks of the two ways, each
block drawing every frame of the case; prints milliseconds per frame (wall and thread CPU time,
min / median / max over the blocks) and the ratio of the medians. The pictures are the same
(tests/core/test_export.py compares them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_step import compare  # noqa: E402

from explorer.core.animation_draw import animation_frames  # noqa: E402
from explorer.core.figure_draw import figure_pixels  # noqa: E402


def fig1_frames(width: int) -> list[dict]:
    from explorer.toy.presets import PRESETS_1D
    from explorer.toy.report import timeline_figures
    from explorer.toy.run import ToyRun

    run = ToyRun(PRESETS_1D["goodfellow-fig1"].config.replace(steps=1000))
    run.advance(1000)
    return timeline_figures([("", run.history.snapshots)], width, max_frames=40)


def twin_frames(width: int) -> list[dict]:
    from explorer.toy.presets import PRESETS_2D
    from explorer.toy.report import timeline_figures
    from explorer.toy.run import TwinRun

    config = PRESETS_2D["ring-collapse"].config.replace(steps=500)
    twins = TwinRun(config, config.replace(minibatch_discrimination=True))
    twins.advance(500)
    named = [("plain", twins.left.history.snapshots), ("minibatch discrimination", twins.right.history.snapshots)]
    return timeline_figures(named, width, max_frames=20)


def mnist_frames(width: int) -> list[dict]:
    from explorer.mnist.config import DcganConfig
    from explorer.mnist.plots import grid_timeline_figures
    from explorer.mnist.run import MnistRun

    run = MnistRun(DcganConfig(epochs=1, g_width=16, d_width=16), measure=False)
    run.keep_grids()
    run.grid_every = 2
    run.train(38)
    return grid_timeline_figures(run.grids[:20], "DCGAN")


def _spread(values: list[float], frames: int) -> str:
    values = [v / frames for v in values]
    return f"{min(values):7.1f} / {statistics.median(values):7.1f} / {max(values):7.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--width", type=int, default=1000)
    args = parser.parse_args(argv)
    for name, make in (("Figure 1 timeline", fig1_frames), ("ring twins side by side", twin_frames),
                       ("MNIST sample grid", mnist_frames)):
        frames = make(args.width)
        loops = {"whole": lambda: [figure_pixels(f, args.width) for f in frames],
                 "background": lambda: list(animation_frames(frames, args.width))}
        times = compare(loops, args.blocks, 1, warmup=1)
        print(f"{name}: {len(frames)} frames, {args.width} px  (ms/frame, min / median / max over {args.blocks} blocks)")
        for way, t in times.items():
            print(f"  {way:<10} wall {_spread(t['wall'], len(frames))}   cpu {_spread(t['cpu'], len(frames))}")
        ratio = statistics.median(times["whole"]["wall"]) / statistics.median(times["background"]["wall"])
        cpu = statistics.median(times["whole"]["cpu"]) / statistics.median(times["background"]["cpu"])
        print(f"  whole / background: {ratio:4.1f}x wall, {cpu:4.1f}x cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
