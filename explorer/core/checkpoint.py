"""The checkpoint file format of every family: a config and a state in one file, loaded without
running any of its code.

A checkpoint is written by `torch.save` as a dictionary of tensors, strings and numbers (and
lists, tuples and dicts of them), and read back by `torch.load(weights_only=True)`, whose
unpickler accepts only those types: a file that tries to build any other object (or to run
code) is refused. What comes back is checked before it is used: the format tag, the version and
the config (validated like any other); each family checks the weights' names and shapes against
the networks its config builds (`check_shapes`).
"""

from __future__ import annotations

import io
import pickle
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import torch

from .config import ConfigBase
from .errors import ConfigError

MAX_CHECKPOINT_BYTES = 512 * 2**20


class CheckpointError(ValueError):
    """A file is not a usable checkpoint; the message says why."""


def save_checkpoint_file(path: str | Path, format_tag: str, version: int, config: ConfigBase,
                         state: dict[str, Any]) -> None:
    """Write `state` (tensors and plain values only) with the config's JSON, a format tag and a
    version, so that `read_checkpoint_file` can tell the file for what it is."""
    payload = {"format": format_tag, "version": version, "config": config.to_json(), **state}
    torch.save(payload, Path(path))


def read_checkpoint_file(source: str | Path | bytes, format_tag: str, versions: tuple[int, ...],
                         config_class: type[ConfigBase], what: str) -> tuple[Any, int, dict[str, Any]]:
    """(config, version, state) from a checkpoint file or its bytes, where the file carries
    `format_tag` and one of `versions`; CheckpointError with a clear message for anything else:
    another format, a damaged file, a pickle with code in it. `what` names the kind of
    checkpoint in messages (e.g. 'DCGAN')."""
    name = checkpoint_name(source)
    try:
        if isinstance(source, bytes):
            blob = source
        else:
            if Path(source).stat().st_size > MAX_CHECKPOINT_BYTES:
                raise CheckpointError(f"{name} is over {MAX_CHECKPOINT_BYTES >> 20} MB: not a {what} checkpoint")
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
    if not isinstance(payload, dict) or payload.get("format") != format_tag:
        raise CheckpointError(f"{name} is a PyTorch file but not a GAN Explorer {what} checkpoint "
                              f"(no format tag {format_tag!r})")
    version = payload.get("version")
    if version not in versions:
        raise CheckpointError(f"{name} is checkpoint version {version!r}; this GAN Explorer reads "
                              f"version{'s' if len(versions) > 1 else ''} {', '.join(map(str, versions))}")
    try:
        config = config_class.from_json(payload["config"])
    except (ConfigError, KeyError, TypeError) as err:
        raise CheckpointError(f"{name} has no valid config: {err}") from None
    state = {k: v for k, v in payload.items() if k not in ("format", "version", "config")}
    return config, version, state


def check_shapes(state: dict[str, Any], expected: dict[str, dict[str, torch.Tensor]], name: str) -> None:
    """CheckpointError unless each part of `state` named in `expected` (e.g. 'generator') holds
    exactly the weights of that name and shape that its reference state dict holds."""
    for part, reference in expected.items():
        got = state.get(part)
        if not isinstance(got, dict):
            raise CheckpointError(f"{name} has no {part} weights")
        missing = sorted(set(reference) - set(got))
        extra = sorted(set(got) - set(reference))
        if missing or extra:
            raise CheckpointError(f"{name}: the {part} weights do not match its config "
                                  f"(missing {missing[:3]}, unexpected {extra[:3]})")
        for key, tensor in reference.items():
            if not isinstance(got[key], torch.Tensor) or got[key].shape != tensor.shape:
                shape = tuple(getattr(got[key], "shape", ()))
                raise CheckpointError(f"{name}: {part} weight {key} has shape {shape}, "
                                      f"its config needs {tuple(tensor.shape)}")


def checkpoint_name(source: str | Path | bytes) -> str:
    """How messages name a checkpoint: its file name, or 'the file' for bytes."""
    return "the file" if isinstance(source, bytes) else Path(source).name
