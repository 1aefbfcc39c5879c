"""What a run will cost the machine, estimated before it is built: arithmetic per iteration and
per frame, and the memory of an iteration; and a server's limits on them.

The estimate runs the family's networks on PyTorch's "meta" device, which computes shapes and
nothing else (no memory, microseconds), at the run's real batch sizes: every tensor an operation
makes is tallied (an upper bound on what an iteration keeps for its backward pass: minibatch
discrimination's batch x batch differences included), and the arithmetic is FlopCounterMode's
count of the matrix products and convolutions plus one operation per element made otherwise.
A shared server refuses settings beyond its limits with a message, before any memory is taken:
one student's batch of 65,536 through eight layers of 1,024 would take 14 GiB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten
from torch.utils.flop_counter import FlopCounterMode

from .errors import ConfigError

GIB = 1024**3


@dataclass(frozen=True)
class Tally:
    """What one computation made: floating-point operations and bytes of tensors."""

    flops: float
    bytes: float

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.flops + other.flops, self.bytes + other.bytes)

    def __mul__(self, factor: float) -> Tally:
        return Tally(self.flops * factor, self.bytes * factor)


class _TensorsMade(TorchDispatchMode):
    """Sums the size of every tensor an operation returns, and their elements."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = 0
        self.elements = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001, ANN204 - torch's protocol
        out = func(*args, **(kwargs or {}))
        for value in tree_flatten(out)[0]:
            if isinstance(value, torch.Tensor):
                self.bytes += value.numel() * value.element_size()
                self.elements += value.numel()
        return out


def tally(compute: Callable[[], object]) -> Tally:
    """Run `compute` (which must work on meta tensors) and tally what it made."""
    made = _TensorsMade()
    counter = FlopCounterMode(display=False)
    with counter, made:
        compute()
    return Tally(float(counter.get_total_flops()) + made.elements, float(made.bytes))


def warm_up() -> None:
    """Make the first estimate's one-off setup (about a second: FlopCounterMode's first use)
    now, e.g. while a worker process starts, not on a page's first Reset."""
    with torch.device("meta"):
        forward(torch.nn.Linear(2, 2), torch.empty(2, 2))


def forward(network: torch.nn.Module, inputs: torch.Tensor) -> Tally:
    """A forward pass of `network` (built on the meta device) on `inputs` (meta), tallied."""
    return tally(lambda: network(inputs))


@dataclass(frozen=True)
class RunCost:
    """A run's estimated cost: arithmetic of one training iteration and of one live frame (or
    recorded snapshot), and the peak memory of an iteration's tensors."""

    iteration_flops: float
    frame_flops: float
    memory_bytes: float

    def describe(self) -> str:
        """The cost in words, for a message or a benchmark."""
        return (f"{self.iteration_flops / 1e9:.3g} GFLOP an iteration, {self.frame_flops / 1e9:.3g} GFLOP a frame, "
                f"{self.memory_bytes / GIB:.3g} GiB of memory")


@dataclass(frozen=True)
class RunLimits:
    """The most a shared server lets one run cost (each None: no limit), and `scale`, which
    multiplies them all (--max-run-cost: 1 by default; 0 turns every limit off)."""

    iteration_flops: float | None
    frame_flops: float | None
    memory_bytes: float | None
    scale: float = 1.0

    def scaled(self, scale: float) -> RunLimits:
        """These limits times `scale` (0: none)."""
        return RunLimits(self.iteration_flops, self.frame_flops, self.memory_bytes, scale)

    def check(self, cost: RunCost) -> None:
        """ConfigError, with the numbers and what to change, when `cost` exceeds a limit."""
        if not self.scale:
            return
        over = []
        memory, iteration, frame = (None if v is None else v * self.scale
                                    for v in (self.memory_bytes, self.iteration_flops, self.frame_flops))
        if memory is not None and cost.memory_bytes > memory:
            over.append(f"{cost.memory_bytes / GIB:.3g} GiB of memory (this server allows {memory / GIB:.3g} GiB a run)")
        if iteration is not None and cost.iteration_flops > iteration:
            over.append(f"{cost.iteration_flops / 1e9:.3g} GFLOP an iteration (it allows {iteration / 1e9:.3g})")
        if frame is not None and cost.frame_flops > frame:
            over.append(f"{cost.frame_flops / 1e9:.3g} GFLOP a frame (it allows {frame / 1e9:.3g})")
        if over:
            raise ConfigError(
                "these settings would take " + " and ".join(over) + ": use a smaller batch, narrower or "
                "fewer layers, fewer D steps or fewer evaluation samples (the lecturer can raise the "
                "limits with --max-run-cost)")
