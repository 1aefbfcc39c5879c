"""The errors every family raises: a bad configuration value, and a run that diverged."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is missing, of the wrong type or out of range.

    The message names the field and the allowed values, so that the CLI can print it and the
    app can show it as it is.
    """


class TrainingDiverged(RuntimeError):
    """A loss, a parameter or a sample became NaN or infinite; the run must be reset.

    The message says where (which loss, which iteration) and what to try instead."""
