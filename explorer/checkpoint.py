"""DCGAN checkpoints: the weights and the config in one file, loaded without running its code.

A checkpoint is written by `torch.save` as a dictionary of tensors, strings and numbers, and
read back by `torch.load(weights_only=True)`, whose unpickler accepts only those types: a file
that tries to build any other object (or to run code) is refused. What comes back is checked
before it is used: the format tag, the config (validated like any other), and the weights'
names and shapes against the networks that config builds.
"""

from __future__ import annotations

import io
import pickle
import re
import warnings
import zipfile
from pathlib import Path

import torch

from .config import ConfigError, DcganConfig

FORMAT = "gan-explorer/dcgan"
VERSION = 1
MAX_CHECKPOINT_BYTES = 512 * 2**20


class CheckpointError(ValueError):
    """A file is not a usable checkpoint; the message says why."""


def save_checkpoint(path: str | Path, config: DcganConfig, state: dict) -> None:
    payload = {"format": FORMAT, "version": VERSION, "config": config.to_json(), **state}
    torch.save(payload, Path(path))


def read_checkpoint(source: str | Path | bytes) -> tuple[DcganConfig, dict]:
    """(config, state) from a checkpoint file (or its bytes); CheckpointError with a clear
    message for anything else: another format, a damaged file, a pickle with code in it."""
    name = "the file" if isinstance(source, bytes) else Path(source).name
    try:
        if isinstance(source, bytes):
            blob = source
        else:
            if Path(source).stat().st_size > MAX_CHECKPOINT_BYTES:
                raise CheckpointError(f"{name} is over {MAX_CHECKPOINT_BYTES >> 20} MB: not a DCGAN checkpoint")
            blob = Path(source).read_bytes()
    except OSError as err:
        raise CheckpointError(f"cannot read {name}: {err.strerror or err}") from None
    if not blob:
        raise CheckpointError(f"{name} is empty")
    if not zipfile.is_zipfile(io.BytesIO(blob)):
        # torch.save has written zip archives since PyTorch 1.6; anything else is not ours
        raise CheckpointError(f"{name} is not a PyTorch checkpoint (not the zip archive torch.save writes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # e.g. torch's note on a foreign pickle protocol
            payload = torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        # weights_only refuses any object but tensors and plain containers; name the culprit,
        # and leave out torch's advice to load it unsafely
        found = re.search(r"Unsupported global: GLOBAL (\S+)", str(err))
        culprit = f" (it refers to {found.group(1)})" if found else ""
        raise CheckpointError(f"{name} holds Python objects other than weights{culprit}, so it was not "
                              f"loaded: loading it could run code from the file") from None
    except Exception as err:  # noqa: BLE001 - whatever torch.load trips on, the file is not ours
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise CheckpointError(f"{name} is not a PyTorch checkpoint ({first})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{name} is a PyTorch file but not a GAN Explorer DCGAN checkpoint "
                              f"(no format tag {FORMAT!r})")
    if payload.get("version") != VERSION:
        raise CheckpointError(f"{name} is checkpoint version {payload.get('version')!r}; this "
                              f"GAN Explorer reads version {VERSION}")
    try:
        config = DcganConfig.from_json(payload["config"])
    except (ConfigError, KeyError, TypeError) as err:
        raise CheckpointError(f"{name} has no valid config: {err}") from None
    state = {k: v for k, v in payload.items() if k not in ("format", "version", "config")}
    for part in ("generator", "discriminator"):
        if not isinstance(state.get(part), dict):
            raise CheckpointError(f"{name} has no {part} weights")
    _check_shapes(config, state, name)
    return config, state


def _check_shapes(config: DcganConfig, state: dict, name: str) -> None:
    from .dcgan import build_discriminator, build_generator

    expected = {
        "generator": build_generator(config).state_dict(),
        "discriminator": build_discriminator(config).state_dict(),
    }
    if "generator_ema" in state:
        expected["generator_ema"] = expected["generator"]
    for part, reference in expected.items():
        got = state[part]
        missing = sorted(set(reference) - set(got))
        extra = sorted(set(got) - set(reference))
        if missing or extra:
            raise CheckpointError(f"{name}: the {part} weights do not match its config "
                                  f"(missing {missing[:3]}, unexpected {extra[:3]})")
        for key, tensor in reference.items():
            if not isinstance(got[key], torch.Tensor) or got[key].shape != tensor.shape:
                raise CheckpointError(f"{name}: {part} weight {key} has shape "
                                      f"{tuple(getattr(got[key], 'shape', ()))}, its config needs {tuple(tensor.shape)}")
