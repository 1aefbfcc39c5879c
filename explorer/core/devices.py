"""Device choice, one resolver for every family: 'auto' is CUDA when present, otherwise the CPU."""

from __future__ import annotations

import torch

from .errors import ConfigError, shown

# the config vocabulary of a device choice
DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str) -> torch.device:
    """The torch device for a config's `device`: 'auto' is CUDA when torch sees a GPU and the
    CPU otherwise; 'cuda' without a GPU is a ConfigError (never assert a GPU)."""
    if name not in DEVICES:
        raise ConfigError(f"device must be one of {', '.join(DEVICES)}; got {shown(name)}")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' asked for, but torch sees no CUDA GPU here; use --device auto or cpu")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def describe_device(device: torch.device, threads: int | None = None) -> str:
    """'CUDA: <GPU name>' or 'CPU (n threads)'; torch's thread count is per thread, so a caller
    that is not the training thread passes the training thread's count."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    threads = threads or torch.get_num_threads()
    return f"CPU ({threads} thread{'s' if threads != 1 else ''})"
