"""The project's training step against a plain eager PyTorch loop, and against the arithmetic floor.

    python bench/bench_step.py                          # every case, 1 thread
    python bench/bench_step.py --cases fig1 ring --blocks 9 --iterations 40
    python bench/bench_step.py --cases dcgan --threads 2

For each case, the project's step (`ToyTrainer.step()`, two trainers in lockstep for twins,
`DcganTrainer.step()`) and a reference loop written below for the same networks and batch run
in alternating blocks (ABAB..., after a warm-up), so that both see the same machine. Printed per
case: milliseconds per iteration (per model for twins) as min / median / max over the blocks,
wall time and this thread's CPU time side by side (a busy machine shows as wall >> CPU), the
ratio of the medians, and the arithmetic floor: the step's matrix-product FLOPs (counted by
torch.utils.flop_counter on one step of the project's) over the rate of a 512 x 128 x 128
matrix product measured in the same run. The floor counts only matrix products: the minibatch
similarities, the activations and the optimiser come on top.

The reference is the plainest eager loop (the pytorch/examples style): torch.optim.Adam with
its defaults, real and fake batches through D one after the other, BCE on logits against label
tensors, R1 by autograd.grad(create_graph=True) on the same lazy schedule, and each loss read
back with .item() as a loop that logs does. Its networks are the project's modules for the
case (so a remedy inside D, such as minibatch discrimination, runs inside the reference too;
unrolling, which lives in the trainer, does not). Remedy cases also print their cost against
the project's own plain ring step.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch.nn.functional import binary_cross_entropy_with_logits as bce
from torch.utils.flop_counter import FlopCounterMode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from explorer.toy.config import ToyConfig  # noqa: E402
from explorer.toy.networks import build_toy_discriminator, build_toy_generator  # noqa: E402
from explorer.toy.presets import preset_config  # noqa: E402
from explorer.toy.trainer import ToyTrainer  # noqa: E402

RING = preset_config("ring-collapse")
TOY_CASES: dict[str, ToyConfig] = {
    "fig1": preset_config("goodfellow-fig1"),
    "ring": RING,
    "ring+minibatch-discrimination": RING.replace(minibatch_discrimination=True),
    "ring+minibatch-stddev": RING.replace(minibatch_stddev=True),
    "ring+pack4": RING.replace(pack=4),
    "ring+unroll5": RING.replace(unroll_steps=5),
}
# the ring-collapse preset side by side, as the 2-D tab shows it: plain | minibatch discrimination
TWIN_CASES = {"twins": (RING, RING.replace(minibatch_discrimination=True))}
ALL_CASES = [*TOY_CASES, *TWIN_CASES, "dcgan"]


class ReferenceToyLoop:
    """Algorithm 1 of Goodfellow et al. (2014) as a plain eager loop, for `config`'s networks."""

    def __init__(self, config: ToyConfig) -> None:
        self.config = config
        source = ToyTrainer(config)   # for its data and noise samplers only
        self.sample_real = lambda n: source.dataset.sample(n, source.data_rng)
        self.sample_noise = lambda n: source.sample_noise(n, source.noise_rng)
        torch.manual_seed(config.seed)
        self.netG, self.netD = build_toy_generator(config), build_toy_discriminator(config)
        betas = (config.adam_beta1, config.adam_beta2)
        self.optimizerG = torch.optim.Adam(self.netG.parameters(), lr=config.g_lr, betas=betas)
        self.optimizerD = torch.optim.Adam(self.netD.parameters(), lr=config.d_lr, betas=betas)
        self.d_updates = 0

    def step(self) -> None:
        c = self.config
        n = c.batch_size * c.pack
        for _ in range(c.k_d_steps):
            real = self.sample_real(n)
            penalise = c.r1_gamma > 0 and self.d_updates % c.r1_every == 0
            real.requires_grad_(penalise)
            self.optimizerD.zero_grad()
            real_out = self.netD(real)
            fake_out = self.netD(self.netG(self.sample_noise(n)).detach())
            errD = bce(real_out, torch.ones_like(real_out)) + bce(fake_out, torch.zeros_like(fake_out))
            if penalise:
                (grad,) = torch.autograd.grad(real_out.sum(), real, create_graph=True)
                errD = errD + 0.5 * c.r1_gamma * c.r1_every * grad.pow(2).sum(1).mean()
            errD.backward()
            self.optimizerD.step()
            self.d_updates += 1
            errD.item()
        self.optimizerG.zero_grad()
        fake_out = self.netD(self.netG(self.sample_noise(n)))
        errG = bce(fake_out, torch.ones_like(fake_out))
        errG.backward()
        self.optimizerG.step()
        errG.item()


def _twin_step(left: ToyTrainer, right: ToyTrainer) -> Callable[[], None]:
    def step() -> None:
        left.step()
        right.step()
    return step


def _flops(step: Callable[[], None]) -> int:
    counter = FlopCounterMode(display=False)
    with counter:
        step()
    return counter.get_total_flops()


def matmul_rate() -> float:
    """FLOP/s of a 512 x 128 by 128 x 128 float32 matrix product on this thread (median of 5)."""
    a, b = torch.randn(512, 128), torch.randn(128, 128)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(200):
            a.mm(b)
        rates.append(200 * 2 * 512 * 128 * 128 / (time.perf_counter() - start))
    return statistics.median(rates)


def _block(step: Callable[[], None], iterations: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    for _ in range(iterations):
        step()
    return (time.perf_counter() - wall) / iterations * 1e3, (time.thread_time() - cpu) / iterations * 1e3


def compare(loops: dict[str, Callable[[], None]], blocks: int, iterations: int, warmup: int = 10
            ) -> dict[str, dict[str, list[float]]]:
    """Alternating timed blocks of each loop: {name: {"wall": [ms...], "cpu": [ms...]}}."""
    for loop in loops.values():
        _block(loop, warmup)
    times = {name: {"wall": [], "cpu": []} for name in loops}
    for _ in range(blocks):
        for name, loop in loops.items():
            wall, cpu = _block(loop, iterations)
            times[name]["wall"].append(wall)
            times[name]["cpu"].append(cpu)
    return times


def _spread(values: list[float], scale: float = 1.0) -> str:
    values = [v / scale for v in values]
    return f"{min(values):7.2f} / {statistics.median(values):7.2f} / {max(values):7.2f}"


def report(name: str, times: dict, per_model: int, floor_ms: float | None, plain_ms: float | None) -> None:
    ours, ref = times["ours"], times["reference"]
    ratio = statistics.median(ours["wall"]) / statistics.median(ref["wall"])
    unit = "ms/iteration" + (" per model" if per_model > 1 else "")
    print(f"{name}  ({unit}, min / median / max over {len(ours['wall'])} blocks)")
    for label, t in (("ours", ours), ("reference", ref)):
        print(f"  {label:<10} wall {_spread(t['wall'], per_model)}   cpu {_spread(t['cpu'], per_model)}")
    line = f"  ours / reference {ratio:5.2f}"
    if floor_ms is not None:
        ours_ms = statistics.median(ours["wall"]) / per_model
        line += f"   floor {floor_ms:6.2f} ms (ours {ours_ms / floor_ms:4.1f}x the floor)"
    if plain_ms is not None:
        line += f"   ours / our plain ring step {statistics.median(ours['wall']) / plain_ms:4.2f}"
    print(line)


def toy_case(name: str, args, rate: float, plain_ms: float | None) -> float:
    if name in TWIN_CASES:
        left_config, right_config = TWIN_CASES[name]
        ours = _twin_step(ToyTrainer(left_config), ToyTrainer(right_config))
        ref = _twin_step(ReferenceToyLoop(left_config), ReferenceToyLoop(right_config))
        models = 2
    else:
        ours = ToyTrainer(TOY_CASES[name]).step
        ref = ReferenceToyLoop(TOY_CASES[name]).step
        models = 1
    for _ in range(5):
        ours()
    floor_ms = _flops(ours) / rate * 1e3 / models   # one step of ours, counted (before the warm-up)
    times = compare({"ours": ours, "reference": ref}, args.blocks, args.iterations)
    remedy = plain_ms is not None and (name.startswith("ring+") or name in TWIN_CASES)
    report(name, times, models, floor_ms, plain_ms * models if remedy else None)
    return statistics.median(times["ours"]["wall"])


def dcgan_case(args) -> None:
    from bench_dcgan import ReferenceLoop

    from explorer.core.devices import resolve_device
    from explorer.mnist.config import DcganConfig
    from explorer.mnist.data import load_embedded
    from explorer.mnist.trainer import DcganTrainer

    config = DcganConfig(device="cpu")
    digits, device = load_embedded(), resolve_device("cpu")
    loops = {
        "ours": DcganTrainer(config, digits, device=device).step,   # the default recipe: lazy R1, EMA of G
        # the same update as the reference: no R1 penalty, no moving average of G
        "ours-plain": DcganTrainer(config.replace(r1_gamma=0.0, g_ema_decay=0.0), digits, device=device).step,
        "reference": ReferenceLoop(config, digits, device).step,
    }
    times = compare(loops, args.blocks, max(args.iterations // 4, 5), warmup=3)
    print(f"dcgan  (batch {config.batch_size}, {torch.get_num_threads()} thread(s); ms per iteration, "
          f"min / median / max over {args.blocks} blocks)")
    reference = statistics.median(times["reference"]["wall"])
    for label, t in times.items():
        walls = t["wall"]
        print(f"  {label:<10} wall {_spread(walls)}   cpu {_spread(t['cpu'])}   "
              f"{config.batch_size / statistics.median(walls) * 1e3:6.0f} images/s "
              f"({reference / statistics.median(walls):4.2f}x the reference's)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=ALL_CASES, choices=ALL_CASES)
    parser.add_argument("--blocks", type=int, default=7, help="timed blocks of each loop, alternating")
    parser.add_argument("--iterations", type=int, default=40, help="iterations per block")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rate = matmul_rate()
    print(f"torch {torch.__version__}, {args.threads} thread(s); matrix products at {rate / 1e9:.0f} GFLOP/s "
          f"(512 x 128 x 128); {args.blocks} alternating blocks of {args.iterations} iterations after a warm-up")
    plain_ms = None
    toy = [name for name in args.cases if name != "dcgan"]
    if any(name.startswith("ring+") or name in TWIN_CASES for name in toy) and "ring" not in toy:
        toy.insert(0, "ring")   # the remedies' costs are quoted against it
    for name in toy:
        ours_ms = toy_case(name, args, rate, plain_ms)
        if name == "ring":
            plain_ms = ours_ms
    if "dcgan" in args.cases:
        dcgan_case(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
