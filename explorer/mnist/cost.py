"""What a DCGAN run will cost the machine (core.cost), estimated from its config before any
network is built: G, D and the quality classifier run on the meta device at the run's batches."""

from __future__ import annotations

import torch

from ..core.cost import GIB, RunCost, RunLimits, forward
from .classifier import DigitClassifier
from .config import DcganConfig
from .networks import build_dcgan_discriminator, build_dcgan_generator
from .run import SCORING_PART

# the most one DCGAN run may cost on a shared server (times --max-run-cost): it trains on every
# core with convolutions far faster per FLOP than the toys' small products (the default
# recipe: 6.4 GFLOP an iteration, 2.7 a frame, 0.84 GiB; batch 128 at width 64: 45, 4, 0.9)
DCGAN_LIMITS = RunLimits(iteration_flops=60e9, frame_flops=10e9, memory_bytes=2.0 * GIB)
# a backward pass costs about twice its forward pass, and keeps as much again in gradients
BACKWARD = 2.0
# the whole measurements (at the budget, on a loaded checkpoint) generate and classify this many at a time
MEASURE_BATCH = 1000


def dcgan_run_cost(config: DcganConfig) -> RunCost:
    """The cost of one iteration (k D updates, each D on a real and a fake batch, one G update;
    R1 on real digits counted) and of one frame (the sample grid and a part of a quality
    measurement); memory: an iteration's tensors or a whole measurement's batch, the larger."""
    batch = config.batch_size
    with torch.device("meta"):
        generator, discriminator = build_dcgan_generator(config), build_dcgan_discriminator(config)
        classifier = DigitClassifier()
        images = torch.empty(batch, 1, 28, 28)
        g_batch = forward(generator, torch.empty(batch, config.noise_dim))
        d_batch = forward(discriminator, images)
        grid = forward(generator, torch.empty(config.grid_samples, config.noise_dim))
        part = forward(generator, torch.empty(SCORING_PART, config.noise_dim)) + forward(
            classifier, torch.empty(SCORING_PART, 1, 28, 28))
        measure = min(config.live_eval_samples, MEASURE_BATCH)
        whole = forward(generator, torch.empty(measure, config.noise_dim)) + forward(
            classifier, torch.empty(measure, 1, 28, 28))
    penalty = 2.0 if config.r1_gamma else 1.0  # R1: a gradient of a gradient, on real digits
    d_update = d_batch * (1 + BACKWARD) * (1 + penalty) + g_batch
    g_update = (g_batch + d_batch) * (1 + BACKWARD)
    iteration = d_update * config.k_d_steps + g_update
    held = max(d_batch.bytes * (1 + penalty) + g_batch.bytes, g_batch.bytes + d_batch.bytes) * (1 + BACKWARD)
    return RunCost(iteration_flops=iteration.flops, frame_flops=(grid + part).flops,
                   memory_bytes=max(held, whole.bytes))
