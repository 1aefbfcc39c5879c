"""Remedies for mode collapse, by name: the vocabulary of the CLI's `--remedy` and the app's
switches. Each remedy is a change to a ToyConfig; they combine (one objective at a time).

The implementations live where they act: packing, minibatch standard deviation and minibatch
discrimination in networks.ToyDiscriminator, unrolling in trainer.ToyTrainer.step_g, the
objectives in objectives.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.errors import ConfigError, shown
from .config import ToyConfig
from .run import ToyRun, TwinRun

DEFAULT_UNROLL_STEPS = 5


@dataclass(frozen=True)
class Remedy:
    """A remedy for mode collapse: its name, a title that cites its paper, and the config changes it makes."""

    name: str
    title: str
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_objective(self) -> bool:
        """True when the remedy is an objective (it changes the loss): a run takes one at most."""
        return "loss" in self.changes


REMEDIES: dict[str, Remedy] = {
    r.name: r
    for r in (
        Remedy("minibatch-discrimination", "minibatch discrimination (Salimans et al. 2016)",
               {"minibatch_discrimination": True}),
        Remedy("minibatch-stddev", "minibatch standard deviation (Karras et al. 2018)", {"minibatch_stddev": True}),
        Remedy("pack2", "PacGAN, 2 samples per pack (Lin et al. 2018)", {"pack": 2}),
        Remedy("pack3", "PacGAN, 3 samples per pack", {"pack": 3}),
        Remedy("pack4", "PacGAN, 4 samples per pack", {"pack": 4}),
        Remedy("unrolled", f"unrolled D, {DEFAULT_UNROLL_STEPS} steps (Metz et al. 2017)",
               {"unroll_steps": DEFAULT_UNROLL_STEPS}),
        Remedy("least-squares", "least-squares loss (Mao et al. 2017)", {"loss": "least-squares"}),
        Remedy("hinge", "hinge loss (Lim & Ye 2017)", {"loss": "hinge"}),
        Remedy("wgan-gp", "WGAN with gradient penalty (Gulrajani et al. 2017)", {"loss": "wgan-gp"}),
        Remedy("non-saturating", "non-saturating loss (Goodfellow et al. 2014)", {"loss": "non-saturating"}),
        Remedy("saturating", "saturating minimax loss (Goodfellow et al. 2014, eq. 1)", {"loss": "minimax"}),
    )
}


def parse_remedies(values: list[str]) -> list[Remedy]:
    """Remedy names from the command line (repeatable, or comma-separated), checked: known
    names only, at most one objective."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    chosen = []
    for name in names:
        if name not in REMEDIES:
            raise ConfigError(f"unknown remedy {shown(name)}; choose from {', '.join(REMEDIES)}")
        chosen.append(REMEDIES[name])
    objectives = [r.name for r in chosen if r.is_objective]
    if len(objectives) > 1:
        raise ConfigError(f"choose one objective at a time; got {', '.join(objectives)}")
    packs = [r.name for r in chosen if "pack" in r.changes]
    if len(packs) > 1:
        raise ConfigError(f"choose one pack size; got {', '.join(packs)}")
    return chosen


def apply_remedies(config: ToyConfig, remedies: list[Remedy]) -> ToyConfig:
    """The config with the changes of every remedy applied, in order."""
    changes: dict[str, Any] = {}
    for remedy in remedies:
        changes.update(remedy.changes)
    return config.replace(**changes) if changes else config


def without_remedies(config: ToyConfig, loss: str = "non-saturating") -> ToyConfig:
    """The plain GAN of a config: every remedy off, the given objective (the twin's left side)."""
    return config.replace(minibatch_discrimination=False, minibatch_stddev=False, pack=1, unroll_steps=0, loss=loss)


def remedied_name(config: ToyConfig) -> str:
    """A run's name from its remedies and objective ('plain' for none)."""
    parts = list(config.remedies())
    if config.loss != "non-saturating":
        parts.append(config.loss)
    return " + ".join(parts) if parts else "plain"


def named_runs(run: ToyRun | TwinRun) -> list[tuple[str, ToyRun]]:
    """A run's (name, ToyRun) pairs as the views title them: one, by its remedies; or twins,
    the plain run first, then the remedied one."""
    if isinstance(run, TwinRun):
        return [("plain", run.left), (remedied_name(run.right.config), run.right)]
    return [(remedied_name(run.config), run)]
