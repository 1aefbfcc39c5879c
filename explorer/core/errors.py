"""The errors every family raises: a bad configuration value, and a run that diverged."""

from __future__ import annotations

import math


class ConfigError(ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    The message names the field and the allowed values, so that the CLI can print it and the
    app can show it as it is.
    """


# a loss this large (in magnitude) means the run has diverged, whether or not it has reached
# infinity yet: every objective here is O(1) to O(100) on a healthy run (a diverging one passes
# 1e6 within a few iterations, e.g. learning rates of 10), and a bound lets the app say so at once
DIVERGED_LOSS = 1e6


def check_loss(what: str, value: float, iteration: int, advice: str) -> float:
    """`value`, or TrainingDiverged when it is NaN, infinite or beyond DIVERGED_LOSS; the message
    names the loss and the iteration and ends with `advice`."""
    if not math.isfinite(value) or abs(value) > DIVERGED_LOSS:
        shown = f"{value:.3g}" if math.isfinite(value) else str(value)
        raise TrainingDiverged(f"training diverged: the {what} reached {shown} at iteration {iteration}; {advice}")
    return value


class TrainingDiverged(RuntimeError):
    """A loss, a parameter or a sample became NaN or infinite; the run must be reset.

    The message says where (which loss, which iteration) and what to try instead."""
