"""The four panels of Goodfellow et al. (2014), Figure 1, captured automatically from a run.

(a) an adversarial pair near convergence: p_g is similar to p_data and D is a partially
    accurate classifier;
(b) in the inner loop of the algorithm D is trained to discriminate samples from data,
    converging to D*(x) = p_data(x) / (p_data(x) + p_g(x));
(c) after an update to G, the gradient of D has guided G(z) to flow to regions that are more
    likely to be classified as data;
(d) after several steps of training, if G and D have enough capacity, they reach a point at
    which both cannot improve because p_g = p_data: the discriminator is unable to
    differentiate between the two distributions, D(x) = 1/2.

(a) and (d) are snapshots of the live run, taken the first time its JS divergence falls below
`config.panel_near_js` and the first time it meets the equilibrium criterion. (b) and (c) are
computed on a fork of the run at (a), so the live run is not disturbed: the fork trains D alone
for `config.panel_inner_d_steps` updates, without the R1 penalty (which holds D back from D* on
purpose: it is what lets the live run settle), then G alone for `config.panel_g_steps` updates
against that D. Each says in its phase what changed: (b) D's distance to D*, (c) the JS
divergence. Measured on the Figure 1 preset, seeds 0-4, (a) at JS 0.26-0.29: mean |D - D*| 0.01-0.03
after 500 D updates. One G update then moves JS by a factor of 0.05-2 (seeds 0-9, one thread:
0.94, 0.30, 1.56, 1.61, 0.36, 0.23, 1.70, 0.40, 0.35, 0.47 of its value at (b)): down on most
seeds, up on some, where the fixed, sharp D sends G past the data (even a small plain gradient
step raises it on 2 seeds of 12); the phase says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .measure1d import Measurement1D
from .metrics import is_equilibrium, optimal_discriminator_gap
from .snapshots import Snapshot1D
from .trainer import ToyTrainer

PANEL_TITLES = {
    "a": "(a) near convergence",
    "b": "(b) after the inner D loop",
    "c": "(c) after a G update",
    "d": "(d) equilibrium: D(x) = 1/2",
}


@dataclass
class PaperPanels:
    """The panels captured so far, by letter (see the module docstring)."""

    panels: dict[str, Snapshot1D] = field(default_factory=dict)

    def observe(self, trainer: ToyTrainer, snapshot: Snapshot1D, measurement: Measurement1D) -> list[str]:
        """Look at the run's newest snapshot; returns the letters of the panels it captured."""
        captured = []
        config = trainer.config
        if "a" not in self.panels and snapshot.js < config.panel_near_js:
            self.panels["a"] = snapshot.with_label(PANEL_TITLES["a"])
            fork = trainer.fork(r1_gamma=0.0)
            before = self._gap(snapshot, measurement)
            for _ in range(config.panel_inner_d_steps):
                fork.step_d()
            inner = measurement.snapshot(fork)
            self.panels["b"] = replace(inner, label=PANEL_TITLES["b"], phase=(
                f"D alone, {config.panel_inner_d_steps} updates: mean|D−D*| {before:.2f} → "
                f"{self._gap(inner, measurement):.2f}"))
            for _ in range(config.panel_g_steps):
                fork.step_g()
            updates = "1 G update" if config.panel_g_steps == 1 else f"{config.panel_g_steps} G updates"
            after = measurement.snapshot(fork)
            self.panels["c"] = replace(after, label=PANEL_TITLES["c"],
                                       phase=f"{updates} against it: JS {inner.js:.3f} → {after.js:.3f} nats")
            captured += ["a", "b", "c"]
        if "d" not in self.panels and is_equilibrium(snapshot):
            self.panels["d"] = snapshot.with_label(PANEL_TITLES["d"])
            captured.append("d")
        return captured

    @staticmethod
    def _gap(snapshot: Snapshot1D, measurement: Measurement1D) -> float:
        return optimal_discriminator_gap(snapshot.x, snapshot.d, snapshot.d_star, measurement.support)

    def ordered(self) -> list[Snapshot1D]:
        """The captured panels in the paper's order, (a) to (d)."""
        return [self.panels[k] for k in "abcd" if k in self.panels]
