"""The Dirac GAN of Mescheder, Geiger and Nowozin (2018), "Which training methods for GANs do
actually converge?", sec. 2: the smallest GAN, and why plain gradient play circles.

The data are a point mass at 0; the generator is a point mass at θ; the discriminator is linear,
D_ψ(x) = ψ x. The game (the paper's eq. 4) is

    L(θ, ψ) = f(ψ θ) + f(0),    f(t) = −log(1 + exp(−t)),

which G minimises over θ and D maximises over ψ. Its gradient vector field (eq. 5) is

    v(θ, ψ) = (−∂L/∂θ, ∂L/∂ψ) = (−ψ f'(ψ θ), θ f'(ψ θ)),

with its only equilibrium at (0, 0), where the Jacobian [[0, −f'(0)], [f'(0), 0]] has the purely
imaginary eigenvalues ±i f'(0) = ±i/2 (Lemma 2.2). So simultaneous gradient descent, whose update
has eigenvalues 1 ± i h/2 of modulus √(1 + h²/4) > 1, spirals out for every learning rate h;
alternating descent stays on a bounded orbit but does not converge either (Lemma 2.3). What
makes it converge changes the Jacobian (sec. 3-4):

- R1 and R2 (eq. 9, 10): γ/2 E‖∇ₓD_ψ(x)‖², on the data (R1) or on the generator's samples
  (R2), is γ/2 ψ² for a linear D: D's field gets −γ ψ, and the Jacobian [[0, −½], [½, −γ]]
  has eigenvalues (−γ ± √(γ² − 1))/2, with negative real parts: both converge (Theorem 4.1);
- instance noise (sec. 3.3): data and samples blurred by N(0, σ²) (σ is `gamma` here), so that
  L_σ = E f(ψ(θ + ε)) + E f(−ψ ε); D's entry of the Jacobian becomes 2σ² f''(0) = −σ²/2;
- WGAN-GP (Gulrajani et al. 2017; sec. 3.2): the critic's linear objective f(t) = t and the
  penalty γ/2 (|∇ₓD| − 1)² = γ/2 (|ψ| − 1)² on D: it does not converge to (0, 0);
- consensus optimisation (Mescheder, Nowozin and Geiger 2017): the field v − γ ∇(½‖v‖²),
  whose Jacobian at the equilibrium is J − γ JᵀJ;
- two time-scale learning rates (TTUR, Heusel et al. 2017): `d_lr` beside `g_lr`; and k D
  steps before each G step when the updates alternate.

Everything here is NumPy on two numbers: a trajectory of 100,000 steps takes well under a
second, so the app and the CLI draw the whole field and the trajectory at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.config import ConfigBase
from ..core.errors import ConfigError

METHODS = ("simultaneous", "alternating")
REGULARISERS = ("none", "r1", "r2", "wgan-gp", "instance-noise", "consensus")
REGULARISER_TITLES = {
    "none": "none (the plain game)",
    "r1": "R1: γ/2 ψ², a gradient penalty on the data",
    "r2": "R2: γ/2 ψ², a gradient penalty on the generator's samples",
    "wgan-gp": "WGAN-GP: linear critic, γ/2 (|ψ| − 1)²",
    "instance-noise": "instance noise of standard deviation σ = γ",
    "consensus": "consensus optimisation: v − γ ∇½‖v‖²",
}
# Gauss-Hermite nodes for instance noise's expectations over ε ~ N(0, σ²): exact for
# polynomials of degree 79, far beyond what f's smooth curve needs
_HERMITE_NODES, _HERMITE_WEIGHTS = np.polynomial.hermite_e.hermegauss(40)
_HERMITE_WEIGHTS = _HERMITE_WEIGHTS / _HERMITE_WEIGHTS.sum()
# the step of the central differences that give the Jacobians
_DIFFERENCE = 1e-5


@dataclass(frozen=True)
class DiracConfig(ConfigBase):
    """One Dirac GAN run: how the two players update, the regulariser, the learning rates, the
    number of steps and the start (θ, ψ)."""

    method: str = "simultaneous"  # simultaneous or alternating gradient descent
    regulariser: str = "none"  # one of REGULARISERS
    gamma: float = 1.0  # the regulariser's strength (instance noise: its σ)
    g_lr: float = 0.1  # the generator's learning rate h (θ)
    d_lr: float = 0.1  # the discriminator's (ψ): different from g_lr for TTUR
    k_d_steps: int = 1  # D steps before each G step (alternating updates only)
    steps: int = 1000  # updates of G (each after k D updates when alternating)
    start_theta: float = 1.0
    start_psi: float = 1.0

    def __post_init__(self) -> None:
        self._check_choice("method", METHODS)
        self._check_choice("regulariser", REGULARISERS)
        self._check_float("gamma", 0.0, 100.0)
        self._check_float("g_lr", 0.0, 10.0, open_low=True)
        self._check_float("d_lr", 0.0, 10.0, open_low=True)
        self._check_int("k_d_steps", 1, 100)
        self._check_int("steps", 1, 100_000)
        self._check_float("start_theta", -10.0, 10.0)
        self._check_float("start_psi", -10.0, 10.0)
        if self.k_d_steps > 1 and self.method == "simultaneous":
            raise ConfigError("k_d_steps above 1 needs alternating updates (simultaneous updates move both "
                              "players at once); choose method alternating")


def _f_prime(t: np.ndarray | float) -> np.ndarray | float:
    """f'(t) for f(t) = −log(1 + e^(−t)): the logistic σ(−t), computed without overflow."""
    return 0.5 * (1.0 - np.tanh(np.asarray(t) / 2.0))


def vector_field(theta: np.ndarray | float, psi: np.ndarray | float, config: DiracConfig) -> tuple[np.ndarray, np.ndarray]:
    """The gradient vector field (−∂L/∂θ, ∂L/∂ψ) of the regularised game at (θ, ψ), arrays of
    any shape alike (the module docstring gives each regulariser's)."""
    theta, psi = np.asarray(theta, dtype=np.float64), np.asarray(psi, dtype=np.float64)
    kind = config.regulariser
    if kind == "instance-noise":
        sigma = config.gamma
        eps = sigma * _HERMITE_NODES.reshape((-1,) + (1,) * theta.ndim)
        w = _HERMITE_WEIGHTS.reshape((-1,) + (1,) * theta.ndim)
        fake = _f_prime(psi * (theta + eps))
        real = _f_prime(-psi * eps)
        g = -(w * psi * fake).sum(axis=0)
        d = (w * ((theta + eps) * fake - eps * real)).sum(axis=0)
        return g, d
    if kind == "wgan-gp":
        g = -psi + 0.0 * theta
        d = theta - config.gamma * (np.abs(psi) - 1.0) * np.sign(psi)
        return g, d
    slope = _f_prime(psi * theta)
    g, d = -psi * slope, theta * slope
    if kind in ("r1", "r2"):
        d = d - config.gamma * psi
    if kind == "consensus":
        # v − γ Jᵀ v, with J the Jacobian of the plain field (closed form)
        curve = -0.25 / np.cosh(psi * theta / 2.0) ** 2  # f''(ψθ)
        j11, j12 = -psi * psi * curve, -(slope + psi * theta * curve)
        j21, j22 = slope + psi * theta * curve, theta * theta * curve
        g, d = g - config.gamma * (j11 * g + j21 * d), d - config.gamma * (j12 * g + j22 * d)
    return g, d


def step(theta: float, psi: float, config: DiracConfig) -> tuple[float, float]:
    """One update of G (after k D updates when alternating): simultaneous descent moves both
    players along the field at the same point; alternating moves D first, then G at D's new ψ."""
    if config.method == "simultaneous":
        g, d = vector_field(theta, psi, config)
        return theta + config.g_lr * float(g), psi + config.d_lr * float(d)
    for _ in range(config.k_d_steps):
        psi = psi + config.d_lr * float(vector_field(theta, psi, config)[1])
    return theta + config.g_lr * float(vector_field(theta, psi, config)[0]), psi


def _overflowed(theta: float, psi: float) -> bool:
    """True once a point has left any meaningful range (not finite, or beyond 1e12)."""
    return not (math.isfinite(theta) and math.isfinite(psi)) or abs(theta) + abs(psi) > 1e12


def trajectory(config: DiracConfig) -> np.ndarray:
    """(θ, ψ) from the start and after each of the config's steps: an array (steps + 1) x 2.
    A run that overflows stops there (its remaining rows are NaN)."""
    path = np.full((config.steps + 1, 2), np.nan)
    theta, psi = config.start_theta, config.start_psi
    path[0] = theta, psi
    for i in range(1, config.steps + 1):
        theta, psi = step(theta, psi, config)
        if _overflowed(theta, psi):
            break
        path[i] = theta, psi
    return path


def distances(path: np.ndarray) -> np.ndarray:
    """Each point's distance to the equilibrium (0, 0)."""
    return np.hypot(path[:, 0], path[:, 1])


def _jacobian(map_: Callable[[float, float], tuple[float, float]], point: tuple[float, float]) -> np.ndarray:
    theta, psi = point
    h = _DIFFERENCE
    columns = []
    for dt, dp in ((h, 0.0), (0.0, h)):
        plus = np.array(map_(theta + dt, psi + dp), dtype=np.float64)
        minus = np.array(map_(theta - dt, psi - dp), dtype=np.float64)
        columns.append((plus - minus) / (2 * h))
    return np.stack(columns, axis=1)


def field_jacobian(config: DiracConfig, point: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The Jacobian of the vector field at `point` (the equilibrium by default), by central
    differences (WGAN-GP's |ψ| has no derivative at ψ = 0: its one-sided slopes average)."""
    return _jacobian(lambda t, p: tuple(float(x) for x in vector_field(t, p, config)), point)


def update_jacobian(config: DiracConfig, point: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The Jacobian of one whole update (`step`) at `point`: its eigenvalues' moduli say whether
    the iterates spiral in (< 1), circle (= 1) or spiral out (> 1)."""
    return _jacobian(lambda t, p: step(t, p, config), point)


def closed_form_eigenvalues(config: DiracConfig) -> np.ndarray | None:
    """The eigenvalues of the field's Jacobian at (0, 0) in closed form (Mescheder et al. 2018:
    ±i/2 for the plain game, Lemma 2.2; (−γ ± √(γ² − 1))/2 with R1 or R2, Theorem 4.1), with
    instance noise (−σ²/2 on D's diagonal) and consensus (J − γ JᵀJ); None for WGAN-GP, whose
    field has no derivative there."""
    a = 0.5  # f'(0)
    kind, gamma = config.regulariser, config.gamma
    if kind == "wgan-gp":
        return None
    damping = {"none": 0.0, "r1": gamma, "r2": gamma, "instance-noise": gamma**2 / 2, "consensus": 0.0}[kind]
    if kind == "consensus":  # J − γ JᵀJ = [[−γa², −a], [a, −γa²]]
        return np.array([-gamma * a * a + 1j * a, -gamma * a * a - 1j * a])
    root = np.sqrt(complex(damping**2 - 4 * a * a))
    return np.array([(-damping + root) / 2, (-damping - root) / 2])


def _pairs(values: np.ndarray | None) -> list[list[float]] | None:
    """Complex values as [real, imaginary] pairs, the positive imaginary part first."""
    if values is None:
        return None
    return [[float(np.real(v)), float(np.imag(v))] for v in sorted(values, key=lambda v: -np.imag(v))]


def eigenvalues(config: DiracConfig) -> dict:
    """At the equilibrium: the field's Jacobian's eigenvalues ('field', numerically, and
    'closed', the closed form) as [real, imaginary] pairs, and the moduli of one update's
    eigenvalues ('update'); None for WGAN-GP, whose field jumps at ψ = 0."""
    smooth = config.regulariser != "wgan-gp"
    update = np.linalg.eigvals(update_jacobian(config)) if smooth else None
    return {"field": _pairs(np.linalg.eigvals(field_jacobian(config))) if smooth else None,
            "closed": _pairs(closed_form_eigenvalues(config)),
            "update": _pairs(update),
            "update_moduli": sorted(float(abs(v)) for v in update) if update is not None else None}


def summary(config: DiracConfig, path: np.ndarray) -> dict:
    """What a run measured: the start and final distance to the equilibrium, their ratio,
    whether it was still growing over the last tenth, whether it overflowed, and the
    eigenvalues at the equilibrium (`eigenvalues`)."""
    d = distances(path)
    finite = np.isfinite(d)
    last = int(np.flatnonzero(finite)[-1])
    tenth = max(1, last // 10)
    eigen = eigenvalues(config)
    return {
        "start_distance": float(d[0]),
        "final_distance": float(d[last]),
        "final_over_start": float(d[last] / d[0]) if d[0] > 0 else float("inf"),
        "growing_at_the_end": bool(d[last] > d[last - tenth]),
        "steps_done": last,
        "overflowed": bool(last < len(d) - 1),
        "final_theta": float(path[last, 0]),
        "final_psi": float(path[last, 1]),
        "field_eigenvalues": eigen["field"],
        "field_eigenvalues_closed_form": eigen["closed"],
        "update_eigenvalues": eigen["update"],
        "update_eigenvalue_moduli": eigen["update_moduli"],
    }


# the app's live view plays the game at this many steps a second (a person can follow a spiral
# of a few hundred steps; the whole of 1,000 steps takes about 8 s)
STEPS_PER_SECOND = 120.0


class DiracRun:
    """Simultaneous and alternating descent on the same regularised game from the same start,
    played step by step at STEPS_PER_SECOND of wall time (the run protocol of core.run, paced:
    `wait_seconds` says when its next step is due, so a worker trains other runs meanwhile).
    The alternating one takes the config's k D steps; simultaneous descent always one."""

    def __init__(self, config: DiracConfig, steps_per_second: float = STEPS_PER_SECOND) -> None:
        self.config = config
        self.steps_per_second = steps_per_second
        self.configs = {"simultaneous": config.replace(method="simultaneous", k_d_steps=1),
                        "alternating": config.replace(method="alternating")}
        start = (config.start_theta, config.start_psi)
        self.paths: dict[str, list[tuple[float, float]]] = {name: [start] for name in self.configs}
        self.overflowed: dict[str, bool] = {name: False for name in self.configs}
        self._next_due = 0.0  # time.monotonic() of the next step while playing

    @property
    def iteration(self) -> int:
        """Steps taken so far."""
        return len(self.paths["simultaneous"]) - 1

    @property
    def budget(self) -> int:
        """The config's steps."""
        return self.config.steps

    @property
    def finished(self) -> bool:
        """True once the config's steps are taken."""
        return self.iteration >= self.config.steps

    def step(self) -> None:
        """One step of each method (a run that overflowed stays where it was)."""
        for name, config in self.configs.items():
            theta, psi = self.paths[name][-1]
            if not self.overflowed[name]:
                theta, psi = step(theta, psi, config)
                if _overflowed(theta, psi):
                    self.overflowed[name] = True
                    theta, psi = self.paths[name][-1]
            self.paths[name].append((theta, psi))

    def wait_seconds(self) -> float:
        """Seconds until the next step is due (0: now)."""
        return max(0.0, self._next_due - time.monotonic())

    def advance_for(self, seconds: float, until: int | None = None) -> int:
        """Take the steps due by now (at least one), at most to `until`; returns how many. After a
        pause the pace starts again from now (no burst for the time paused)."""
        now = time.monotonic()
        behind = now - self._next_due
        if 0.0 <= behind < 0.5:  # on pace: the steps due since the last
            base, due = self._next_due, 1 + int(behind * self.steps_per_second)
        else:  # a start, or back from a pause: from now on
            base, due = now, 1
        limit = self.config.steps if until is None else min(until, self.config.steps)
        done = 0
        while done < due and self.iteration < limit:
            self.step()
            done += 1
        self._next_due = base + max(done, 1) / self.steps_per_second
        return done

    def path(self, name: str) -> np.ndarray:
        """The (θ, ψ) so far of `name` ('simultaneous' or 'alternating'), steps + 1 x 2."""
        return np.asarray(self.paths[name], dtype=np.float64)


def field_grid(config: DiracConfig, extent: float, points: int = 15) -> tuple[np.ndarray, ...]:
    """The vector field on a points x points grid over [−extent, extent]²: (θ, ψ, v_θ, v_ψ),
    each points x points."""
    axis = np.linspace(-extent, extent, points)
    theta, psi = np.meshgrid(axis, axis)
    g, d = vector_field(theta, psi, config)
    return theta, psi, np.asarray(g), np.asarray(d)


def plane_extent(config: DiracConfig) -> float:
    """The half-width of the (θ, ψ) plane a view shows: the start and room for a spiral."""
    return max(2.5, 2.6 * max(abs(config.start_theta), abs(config.start_psi)))
