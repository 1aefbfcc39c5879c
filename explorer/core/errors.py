"""The errors every family raises: a bad configuration value, and a run that diverged; and how a
message shows a value that came from a user."""

from __future__ import annotations

import math

# the command line's exit status for bad input (with a message) and for a run that diverged
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3

# the most characters of a user's value that a message repeats
SHOWN_LIMIT = 40


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """A value from a user (a link, a text box, a file, a command line) as a message shows it:
    a Markdown code span, in which the page reads nothing as HTML, a link or formatting (a link's
    `?seed=<a href=...>` stays text) and a terminal shows it plainly; on one line, at most `limit`
    characters, and numbers readable (1e+300, not 301 digits)."""
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, int):
        text = str(value) if abs(value) < 10**15 else f"{value:.3g}"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = str(value)
    text = " ".join(text.split()).replace("`", "'")
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return f"`{text}`"


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
