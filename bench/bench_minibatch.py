"""How much minibatch discrimination costs, and what making it fast saved.

    python bench/bench_minibatch.py [--iterations 40] [--preset ring-collapse]

Times one training iteration (k D updates and one G update, as the trainer runs them) of the
preset with batch 256, B = 16 kernels of C = 8 dimensions, on one CPU thread, for:

  plain     no minibatch discrimination (as shipped: backpropagated by hand);
  direct    minibatch discrimination written directly (Salimans et al. 2016, sec. 3.2): the
            N x N x B x C differences broadcast over the whole batch, through autograd;
  autograd  within groups of config.minibatch_group samples, the similarities by the compiled
            loops of core/l1_similarity.py, the rest of D through autograd;
  fast      as shipped: the same, the whole D backpropagated by hand (toy/backprop.py);

and prints milliseconds per iteration (median of repeats) and the ratios, all from one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer.toy.presets import preset_config  # noqa: E402
from explorer.toy.trainer import ToyTrainer  # noqa: E402


def time_iteration(trainer: ToyTrainer, iterations: int, direct: bool = False, autograd: bool = False) -> float:
    layer = trainer.discriminator.minibatch
    trainer.hand_backprop = not (direct or autograd)
    if direct:  # the broadcast form, which the layer otherwise keeps for second derivatives
        trainer._second_order = lambda needed: setattr(layer, "twice_differentiable", True)
    trainer.train(5)  # warm-up
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        trainer.step()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--preset", default="ring-collapse")
    args = parser.parse_args()
    torch.set_num_threads(1)
    base = preset_config(args.preset).replace(batch_size=256, minibatch_kernels=16, minibatch_kernel_dim=8)
    mbd = base.replace(minibatch_discrimination=True)
    results = {
        "plain": time_iteration(ToyTrainer(base), args.iterations),
        "direct": time_iteration(ToyTrainer(mbd.replace(minibatch_group=0)), args.iterations, direct=True),
        "autograd": time_iteration(ToyTrainer(mbd), args.iterations, autograd=True),
        "fast": time_iteration(ToyTrainer(mbd), args.iterations),
    }
    print(f"preset {args.preset}, batch 256, B = 16, C = 8, groups of {mbd.minibatch_group} (fast), "
          f"k = {base.k_d_steps}, torch {torch.__version__}, 1 thread")
    for name, ms in results.items():
        print(f"  {name:<7} {ms:7.1f} ms per iteration")
    print(f"  direct / fast  {results['direct'] / results['fast']:5.1f}x   "
          f"autograd / fast {results['autograd'] / results['fast']:5.1f}x   "
          f"fast / plain {results['fast'] / results['plain']:5.1f}x")


if __name__ == "__main__":
    main()
