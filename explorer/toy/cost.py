"""What a toy run will cost the machine (core.cost), estimated from its config before any
network is built: its G and D run on the meta device at the run's batch sizes."""

from __future__ import annotations

import torch

from ..core.cost import GIB, RunCost, RunLimits, forward
from .config import ToyConfig
from .measure1d import VALUE_SAMPLES
from .modes import METRIC_SAMPLES
from .networks import build_toy_discriminator, build_toy_generator

# the most one toy run may cost on a shared server (times --max-run-cost): about five times the
# costliest preset's memory and frame, twelve times its iteration (unrolling and minibatch
# discrimination included); bench/bench_run_cost.py measured 50-90 GFLOP/s for these products
# on one core here, so an iteration stays under about 0.2 s and a frame under 0.1 s
TOY_LIMITS = RunLimits(iteration_flops=10e9, frame_flops=4e9, memory_bytes=1.0 * GIB)
# a backward pass costs about twice its forward pass, and keeps as much again in gradients
BACKWARD = 2.0


def toy_run_cost(config: ToyConfig) -> RunCost:
    """The cost of one iteration of Algorithm 1 (k D updates on a real and a fake batch, one G
    update, unrolled D steps and a gradient penalty counted), and of one frame: G on every
    evaluation sample (2-D: those of the mode metrics), D on the 1-D grid or the 2-D heatmap
    (with its gradient arrows)."""
    batch = config.batch_size
    with torch.device("meta"):
        generator, discriminator = build_toy_generator(config), build_toy_discriminator(config)
        noise = torch.empty(batch, config.noise_dim)
        g_batch = forward(generator, noise)
        d_both = forward(discriminator, torch.empty(2 * batch, config.data_dim))
        d_batch = forward(discriminator, torch.empty(batch, config.data_dim))
        if config.data_dim == 1:  # measure1d: p_g from every evaluation sample
            g_view = forward(generator, torch.empty(config.eval_samples, config.noise_dim))
            d_view = forward(discriminator, torch.empty(config.grid_points, 1)) + forward(
                discriminator, torch.empty(min(config.eval_samples, VALUE_SAMPLES), 1))
        else:  # measure2d: the mode metrics' samples, and D over the heatmap with its arrows
            g_view = forward(generator, torch.empty(min(config.eval_samples, METRIC_SAMPLES), config.noise_dim))
            d_view = forward(discriminator, torch.empty(config.heatmap_points**2, 2)) * (1 + BACKWARD)
    penalty = 2.0 if (config.loss == "wgan-gp" or config.r1_gamma) else 1.0  # a gradient of a gradient
    d_update = (d_both * (1 + BACKWARD) * penalty) + g_batch
    g_update = (g_batch + d_batch) * (1 + BACKWARD) + d_update * config.unroll_steps
    iteration = d_update * config.k_d_steps + g_update
    held = max(d_both.bytes + g_batch.bytes, g_batch.bytes + d_batch.bytes) * (1 + BACKWARD) * penalty
    frame = g_view + d_view
    return RunCost(iteration_flops=iteration.flops, frame_flops=frame.flops,
                   memory_bytes=max(held, frame.bytes))

