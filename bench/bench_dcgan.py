"""Images per second of GAN Explorer's DCGAN trainer against a plain reference loop, in one run.

The reference is the training loop of pytorch/examples' dcgan/main.py, written out for the same
networks (our DcganGenerator and DcganDiscriminator, same widths, same batch): a DataLoader
over the digits, D ending in a sigmoid with nn.BCELoss on label tensors, errD_real.backward()
then errD_fake.backward(), then the G step. Ours: `DcganTrainer.step()` (digits kept on the
device as one tensor, BCE on logits, D's weights frozen in G's update, and on CUDA autocast and
channels-last), with the default recipe (lazy R1, a moving average of G) and as the plain
update the reference does ("ours-plain").

The two alternate in blocks (ABAB...) after a warm-up, so that both see the same machine state;
the median block rate of each and their ratio are printed.

    python bench/bench_dcgan.py                      # CPU (or the GPU when there is one)
    python bench/bench_dcgan.py --blocks 6 --iterations 40 --set batch_size=128
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.config import changes_from_pairs  # noqa: E402
from explorer.core.devices import describe_device, resolve_device  # noqa: E402
from explorer.core.errors import ConfigError  # noqa: E402
from explorer.mnist.config import DcganConfig  # noqa: E402
from explorer.mnist.data import load_embedded  # noqa: E402
from explorer.mnist.networks import (  # noqa: E402
    build_dcgan_discriminator,
    build_dcgan_generator,
    dcgan_init,
)
from explorer.mnist.trainer import DcganTrainer  # noqa: E402


class ReferenceLoop:
    """pytorch/examples dcgan/main.py's loop, for our networks."""

    def __init__(self, config: DcganConfig, digits, device: torch.device):
        torch.manual_seed(config.seed)
        self.device, self.nz, self.batch = device, config.noise_dim, config.batch_size
        self.netG = build_dcgan_generator(config).to(device)
        self.netG.apply(dcgan_init)
        discriminator = build_dcgan_discriminator(config.replace(minibatch_discrimination=False))
        discriminator.apply(dcgan_init)
        self.netD = nn.Sequential(discriminator, nn.Sigmoid()).to(device)
        self.criterion = nn.BCELoss()
        betas = (config.adam_beta1, config.adam_beta2)
        self.optimizerD = torch.optim.Adam(self.netD.parameters(), lr=config.d_lr, betas=betas)
        self.optimizerG = torch.optim.Adam(self.netG.parameters(), lr=config.g_lr, betas=betas)
        dataset = torch.utils.data.TensorDataset(torch.from_numpy(digits.as_tensor_range()))
        self.loader = torch.utils.data.DataLoader(dataset, batch_size=self.batch, shuffle=True, drop_last=True)
        self.batches = iter(self.loader)

    def _next(self) -> torch.Tensor:
        try:
            return next(self.batches)[0]
        except StopIteration:
            self.batches = iter(self.loader)
            return next(self.batches)[0]

    def step(self) -> None:
        real_cpu = self._next().to(self.device)
        b_size = real_cpu.size(0)
        # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
        self.netD.zero_grad()
        label = torch.full((b_size,), 1.0, device=self.device)
        output = self.netD(real_cpu)
        errD_real = self.criterion(output, label)
        errD_real.backward()
        noise = torch.randn(b_size, self.nz, device=self.device)
        fake = self.netG(noise)
        label.fill_(0.0)
        output = self.netD(fake.detach())
        errD_fake = self.criterion(output, label)
        errD_fake.backward()
        self.optimizerD.step()
        # (2) Update G network: maximize log(D(G(z)))
        self.netG.zero_grad()
        label.fill_(1.0)
        output = self.netD(fake)
        errG = self.criterion(output, label)
        errG.backward()
        self.optimizerG.step()
        # the reference prints losses every 50 iterations, which reads them back (a sync)
        errD_real.item(), errG.item()


def _rate(step, iterations: int, batch: int, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iterations):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return iterations * batch / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=5, help="timed blocks of each loop")
    parser.add_argument("--iterations", type=int, default=30, help="iterations per block")
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a DcganConfig field")
    args = parser.parse_args(argv)
    try:
        config = DcganConfig(device=args.device).replace(**changes_from_pairs(args.set, config_class=DcganConfig))
        device = resolve_device(config.device)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    digits = load_embedded()
    loops = {
        "ours": DcganTrainer(config, digits, device=device).step,
        # the same update as the reference: no R1 penalty, no moving average of G
        "ours-plain": DcganTrainer(config.replace(r1_gamma=0.0, g_ema_decay=0.0), digits, device=device).step,
        "reference": ReferenceLoop(config, digits, device).step,
    }
    for loop in loops.values():
        _rate(loop, 5, config.batch_size, device)   # warm-up
    rates: dict[str, list[float]] = {name: [] for name in loops}
    for _ in range(args.blocks):
        for name, loop in loops.items():
            rates[name].append(_rate(loop, args.iterations, config.batch_size, device))
    ref_rate = statistics.median(rates["reference"])
    print(f"device: {describe_device(device)}; G width {config.g_width}, D width {config.d_width}, "
          f"batch {config.batch_size}; {args.blocks} blocks of {args.iterations} iterations each, alternating")
    for name, values in rates.items():
        print(f"  {name:<10} median {statistics.median(values):7.0f} images/s  "
              f"(blocks: {', '.join(f'{v:.0f}' for v in values)})")
    print(f"ratio ours / reference: {statistics.median(rates['ours']) / ref_rate:.2f} "
          f"(with R1 every {config.r1_every} D updates and the average of G); "
          f"ours-plain / reference: {statistics.median(rates['ours-plain']) / ref_rate:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
