"""The configuration base: what every family's frozen config dataclass shares.

Field checks with clear messages, the JSON round trip (unknown keys refused, JSON's one number
type coerced to the field's), the URL round trip's field parsing, and KEY=VALUE pairs from a
command line. A family's config (`ToyConfig`, `DcganConfig`) subclasses `ConfigBase`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import fields
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode

from .errors import ConfigError, shown


class ConfigBase:
    """What every configuration dataclass shares: field checks with clear messages, and the
    JSON round trip (unknown keys refused, JSON's one number type coerced to the field's)."""

    def _check_bool(self, name: str) -> None:
        value = getattr(self, name)
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false; got {shown(value)}")

    def _check_choice(self, name: str, choices: tuple[str, ...]) -> None:
        value = getattr(self, name)
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {shown(value)}")

    def _check_int(self, name: str, low: int, high: int) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name} must be a whole number; got {shown(value)}")
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low:,} and {high:,}; got {shown(value)}")

    def _check_float(
        self, name: str, low: float, high: float, open_low: bool = False, open_high: bool = False
    ) -> None:
        value = getattr(self, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name} must be a number; got {shown(value)}")
        if not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number; got {shown(value)}")
        too_low = value <= low if open_low else value < low
        too_high = value >= high if open_high else value > high
        if too_low or too_high:
            lo = "(" if open_low else "["
            hi = ")" if open_high else "]"
            raise ConfigError(f"{name} must lie in {lo}{low:g}, {high:g}{hi}; got {shown(value)}")

    # the fields both families' configs share, checked alike
    def _check_optimisation(self, lr_high: float) -> None:
        """g_lr and d_lr in (0, lr_high]; Adam's betas in [0, 1); lr_final_fraction in [0, 1];
        R1's gamma in [0, 1000] and its lazy interval r1_every in [1, 1000]."""
        self._check_float("g_lr", 0.0, lr_high, open_low=True)
        self._check_float("d_lr", 0.0, lr_high, open_low=True)
        self._check_float("adam_beta1", 0.0, 1.0, open_high=True)
        self._check_float("adam_beta2", 0.0, 1.0, open_high=True)
        self._check_float("lr_final_fraction", 0.0, 1.0)
        self._check_float("r1_gamma", 0.0, 1000.0)
        self._check_int("r1_every", 1, 1000)

    def _check_minibatch_discrimination(self, max_kernels: int) -> None:
        """The switch, kernels B in [1, max_kernels], kernel dimension C in [1, 64], and the
        comparison group: 0 (the whole batch) or at least 2 samples."""
        self._check_bool("minibatch_discrimination")
        self._check_int("minibatch_kernels", 1, max_kernels)
        self._check_int("minibatch_kernel_dim", 1, 64)
        self._check_int("minibatch_group", 0, 65536)
        if getattr(self, "minibatch_group") == 1:
            raise ConfigError("minibatch_group must be 0 (the whole batch) or at least 2; got 1")

    # ------------------------------------------------------------------ round trips
    def to_dict(self) -> dict[str, Any]:
        """Every field by name, as plain values."""
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """The config as a JSON object (sorted keys), as stored in every run directory."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The config of a dict of fields (defaults for those missing), validated; a
        ConfigError names an unknown key or a bad value."""
        if not isinstance(data, dict):
            raise ConfigError(f"a configuration must be a JSON object; got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys: {', '.join(shown(k) for k in unknown)}")
        coerced = {}
        for f in fields(cls):
            if f.name in data:
                value = data[f.name]
                # JSON has one number type: accept 3.0 for an int field, 3 for a float field
                if f.type == "int" and isinstance(value, float) and value.is_integer():
                    value = int(value)
                if f.type == "float" and isinstance(value, int) and not isinstance(value, bool):
                    value = float(value)
                coerced[f.name] = value
        return cls(**coerced)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """The config of a JSON object; ConfigError for bad JSON or a bad field."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"configuration is not valid JSON: {err}") from None
        return cls.from_dict(data)

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` applied, validated again."""
        return dataclasses.replace(self, **changes)

    def to_query(self, base: Self | None = None) -> str:
        """The fields that differ from `base` (the defaults), as a URL query string."""
        base = base if base is not None else type(self)()
        changed = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(base, f.name)
        }
        return urlencode(changed)

    @classmethod
    def from_query(cls, query: str, base: Self | None = None) -> Self:
        """`base` (the defaults) with the fields a URL query string sets."""
        types = {f.name: f.type for f in fields(cls)}
        data: dict[str, Any] = (base if base is not None else cls()).to_dict()
        for key, raw in parse_qsl(query.lstrip("?"), keep_blank_values=True):
            if key not in types:
                raise ConfigError(f"unknown configuration key in the link: {shown(key)}")
            data[key] = parse_field_value(key, raw, types[key])
        return cls.from_dict(data)


def parse_field_value(name: str, raw: str, type_name: str) -> Any:
    """Parse a string (from a URL or a text box) into the field's type, with a clear message."""
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            words = {"true": True, "1": True, "yes": True, "on": True,
                     "false": False, "0": False, "no": False, "off": False}
            return words[raw.strip().lower()]
    except (ValueError, KeyError):
        kind = {"int": "a whole number", "float": "a number", "bool": "true or false"}[type_name]
        raise ConfigError(f"{name} must be {kind}; got {shown(raw)}") from None
    return raw


def changes_from_pairs(pairs: list[str], config_class: type, option: str = "--set") -> dict[str, Any]:
    """KEY=VALUE strings (from a command line) as field changes, each parsed to its field's
    type; ConfigError for a malformed pair or an unknown field."""
    types = {f.name: f.type for f in fields(config_class)}
    changes: dict[str, Any] = {}
    for item in pairs:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"{option} takes KEY=VALUE; got {shown(item)}")
        if key not in types:
            raise ConfigError(f"unknown config field {shown(key)}; fields: {', '.join(types)}")
        changes[key] = parse_field_value(key, raw, types[key])
    return changes


