"""Learning-rate schedules shared by the trainers."""

from __future__ import annotations

import torch


def linear_decay(iteration: int, total: int, final_fraction: float) -> float:
    """The learning-rate factor: 1 at the start, falling linearly to `final_fraction` at
    iteration `total`, then constant (1 throughout when final_fraction is 1)."""
    if final_fraction >= 1.0 or total <= 0:
        return 1.0
    return 1.0 - (1.0 - final_fraction) * min(iteration / total, 1.0)


def set_learning_rates(pairs: list[tuple[torch.optim.Optimizer, float]], factor: float) -> None:
    """Set every parameter group of each (optimiser, base learning rate) pair to base * factor."""
    for optimizer, base in pairs:
        for group in optimizer.param_groups:
            group["lr"] = base * factor
