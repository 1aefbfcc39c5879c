"""The Dirac GAN (Mescheder et al. 2018, sec. 2): simultaneous gradient descent spirals out,
alternating circles on a bounded orbit, R1 converges; the eigenvalues at the equilibrium match
the paper's closed forms; and the CLI writes its run directory."""

import json

import numpy as np
import pytest

from explorer.cli import main
from explorer.core.errors import ConfigError
from explorer.toy.dirac import (
    DiracConfig,
    closed_form_eigenvalues,
    distances,
    field_jacobian,
    summary,
    trajectory,
)

START = dict(start_theta=1.0, start_psi=1.0, g_lr=0.1, d_lr=0.1, steps=1000)


def test_simultaneous_descent_spirals_out():
    path = trajectory(DiracConfig(method="simultaneous", **START))
    d = distances(path)
    assert d[-1] >= 1.5 * d[0]
    assert d[-1] > d[-100] > d[-200]  # and still growing


def test_alternating_descent_stays_on_a_bounded_orbit():
    d = distances(trajectory(DiracConfig(method="alternating", **START)))
    assert 0.8 * d[0] <= d.min() and d.max() <= 1.25 * d[0]
    assert d[-1] > 0.8 * d[0]  # it does not converge either


@pytest.mark.parametrize("method", ["simultaneous", "alternating"])
def test_r1_with_gamma_one_converges(method):
    d = distances(trajectory(DiracConfig(method=method, regulariser="r1", gamma=1.0, **START)))
    assert d[-1] < 1e-3


def test_the_eigenvalues_at_the_equilibrium_are_the_papers():
    plain = np.linalg.eigvals(field_jacobian(DiracConfig()))
    assert np.allclose(sorted(plain, key=np.imag), [-0.5j, 0.5j], atol=1e-8)  # Lemma 2.2: ±i f'(0)
    for gamma in (0.3, 1.0, 3.0):
        config = DiracConfig(regulariser="r1", gamma=gamma)
        numeric = np.sort_complex(np.linalg.eigvals(field_jacobian(config)))
        closed = np.sort_complex(np.array([(-gamma + np.sqrt(complex(gamma**2 - 1))) / 2,
                                           (-gamma - np.sqrt(complex(gamma**2 - 1))) / 2]))
        assert np.allclose(numeric, closed, atol=1e-6), (gamma, numeric, closed)
        assert np.allclose(np.sort_complex(closed_form_eigenvalues(config)), closed)
    for regulariser in ("instance-noise", "consensus", "r2"):
        config = DiracConfig(regulariser=regulariser, gamma=0.7)
        assert np.allclose(np.sort_complex(np.linalg.eigvals(field_jacobian(config))),
                           np.sort_complex(closed_form_eigenvalues(config)), atol=1e-6), regulariser


def test_the_update_of_simultaneous_descent_expands_by_the_closed_form():
    # I + hJ: eigenvalues 1 ± i h/2, modulus sqrt(1 + h^2/4) > 1 for every h
    for lr in (0.01, 0.1, 0.5):
        moduli = summary(DiracConfig(g_lr=lr, d_lr=lr, steps=10), trajectory(DiracConfig(g_lr=lr, d_lr=lr, steps=10)))[
            "update_eigenvalue_moduli"]
        assert np.allclose(moduli, np.sqrt(1 + lr**2 / 4), atol=1e-6)


def test_bad_settings_are_refused_with_a_message():
    with pytest.raises(ConfigError, match="alternating"):
        DiracConfig(method="simultaneous", k_d_steps=3)
    with pytest.raises(ConfigError, match="regulariser"):
        DiracConfig(regulariser="magic")


def test_the_cli_writes_the_trajectory_and_its_metrics(tmp_path):
    out = tmp_path / "dirac"
    code = main(["dirac", "--method", "alternating", "--regulariser", "r1", "--gamma", "0.5", "--lr", "0.1",
                 "--steps", "300", "--start", "1,1", "--out", str(out)])
    assert code == 0
    config = DiracConfig.from_json((out / "config.json").read_text())
    assert config.method == "alternating" and config.regulariser == "r1" and config.steps == 300
    path = np.load(out / "trajectory.npy")
    assert path.shape == (301, 2) and np.allclose(path[0], [1.0, 1.0])
    assert np.allclose(path, trajectory(config))
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["final_distance"] == pytest.approx(float(np.hypot(*path[-1])))
    assert metrics["field_eigenvalues"] and metrics["update_eigenvalue_moduli"][1] < 1
    assert main(["dirac", "--start", "1", "--out", str(tmp_path / "bad")]) == 2
