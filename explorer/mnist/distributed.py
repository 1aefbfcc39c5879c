"""torchrun support: one process per GPU (or several CPU processes with gloo), same command line.

torchrun sets RANK, WORLD_SIZE and LOCAL_RANK; without them a run is a single process and none
of this is used. NCCL is the backend on CUDA, gloo on the CPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class ProcessGroup:
    """This process's place in the run: its rank, the number of processes and its device."""

    rank: int = 0
    world_size: int = 1
    device: torch.device | None = None   # None: the config's device choice

    @property
    def is_main(self) -> bool:
        """True for rank 0, the main process."""
        return self.rank == 0


def launched_by_torchrun() -> bool:
    """True when the environment describes more than one process (WORLD_SIZE > 1)."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def init_from_env(device_choice: str) -> ProcessGroup:
    """Join the process group torchrun describes; each process takes the GPU of its LOCAL_RANK
    (or the CPU when there is none or device_choice is 'cpu')."""
    if not launched_by_torchrun():
        return ProcessGroup()
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = device_choice != "cpu" and torch.cuda.is_available()
    if use_cuda:
        torch.cuda.set_device(local)
    dist.init_process_group("nccl" if use_cuda else "gloo")
    return ProcessGroup(rank, world, torch.device("cuda", local) if use_cuda else torch.device("cpu"))


def barrier(group: ProcessGroup) -> None:
    """Wait for every process of the group; nothing to do for a single process."""
    if group.world_size > 1:
        dist.barrier()


def shutdown(group: ProcessGroup) -> None:
    """Leave the process group, when there is one to leave."""
    if group.world_size > 1 and dist.is_initialized():
        dist.destroy_process_group()
