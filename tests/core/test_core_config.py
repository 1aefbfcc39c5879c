"""The shared configuration base, device choice and run protocol, on a config of their own."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
import torch

from explorer.core.config import ConfigBase, changes_from_pairs
from explorer.core.devices import describe_device, resolve_device
from explorer.core.errors import ConfigError
from explorer.core.run import Run, train_for


@dataclass(frozen=True)
class LittleConfig(ConfigBase):
    """A config as a family writes one: fields with defaults, checked in __post_init__."""

    rate: float = 0.5
    steps: int = 10
    name: str = "plain"
    on: bool = False

    def __post_init__(self) -> None:
        self._check_float("rate", 0.0, 1.0, open_low=True)
        self._check_int("steps", 0, 100)
        self._check_choice("name", ("plain", "fancy"))
        self._check_bool("on")


def test_json_and_url_round_trips_keep_every_field():
    config = LittleConfig(rate=0.25, steps=3, name="fancy", on=True)
    assert LittleConfig.from_json(config.to_json()) == config
    assert config.to_query() == "rate=0.25&steps=3&name=fancy&on=True"
    assert LittleConfig.from_query(config.to_query()) == config
    assert LittleConfig(steps=3).to_query(base=LittleConfig(steps=3)) == ""


@pytest.mark.parametrize(("make", "message"), [
    (lambda: LittleConfig(rate=0.0), r"rate must lie in \(0, 1\]; got `0`"),
    (lambda: LittleConfig(steps=101), "steps must be between 0 and 100; got `101`"),
    (lambda: LittleConfig(steps=2.5), "steps must be a whole number"),
    (lambda: LittleConfig(name="odd"), "name must be one of plain, fancy"),
    (lambda: LittleConfig(on="yes"), "on must be true or false"),
    (lambda: LittleConfig.from_dict({"speed": 1}), "unknown configuration keys: `speed`"),
    (lambda: LittleConfig.from_json("{"), "not valid JSON"),
    (lambda: LittleConfig.from_query("?steps=many"), "steps must be a whole number; got `many`"),
    (lambda: changes_from_pairs(["steps"], LittleConfig), "--set takes KEY=VALUE"),
    (lambda: changes_from_pairs(["speed=3"], LittleConfig), "unknown config field `speed`"),
])
def test_bad_values_are_refused_with_a_message_that_names_the_field(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_command_line_pairs_are_parsed_to_each_fields_type():
    assert changes_from_pairs(["rate=0.1", "steps=7", "on=off", "name=fancy"], LittleConfig) == {
        "rate": 0.1, "steps": 7, "on": False, "name": "fancy"}


def test_device_auto_is_the_cpu_without_a_gpu_and_cuda_is_refused_there():
    assert resolve_device("cpu") == torch.device("cpu")
    if torch.cuda.is_available():
        assert resolve_device("auto").type == "cuda"
        return
    assert resolve_device("auto") == torch.device("cpu")
    with pytest.raises(ConfigError, match="no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(ConfigError, match="device must be one of auto, cpu, cuda"):
        resolve_device("tpu")
    assert describe_device(torch.device("cpu"), threads=1) == "CPU (1 thread)"


class CountingRun:
    """The run protocol at its smallest: each iteration adds one; a budget of 100."""

    def __init__(self, stop_at: int | None = None, stop: threading.Event | None = None) -> None:
        self.iteration, self.stop_at, self.stop = 0, stop_at, stop

    @property
    def budget(self) -> int:
        return 100

    @property
    def finished(self) -> bool:
        return self.iteration >= self.budget

    def train_iteration(self) -> None:
        self.iteration += 1
        if self.stop is not None and self.iteration == self.stop_at:
            self.stop.set()


def test_train_for_stops_at_until_and_at_the_stop_flag_and_trains_at_least_once():
    run = CountingRun()
    assert isinstance(run, Run)
    assert train_for(run, seconds=10.0, until=7) == 7 and run.iteration == 7
    assert train_for(run, seconds=0.0) == 1 and run.iteration == 8  # a slice always trains once
    stop = threading.Event()
    flagged = CountingRun(stop_at=3, stop=stop)
    assert train_for(flagged, seconds=10.0, stop=stop) == 3 and stop.is_set()
