"""The hand-written backpropagation (toy.backprop) gives autograd's gradients, update by update,
for every activation, objective, packing and R1; and a run trained by hand stays on the run
trained by autograd."""

from __future__ import annotations

import pytest
import torch

from explorer.toy.backprop import optimizer_step
from explorer.toy.config import ToyConfig
from explorer.toy.presets import preset_config
from explorer.toy.trainer import ToyTrainer


def _twins(config: ToyConfig) -> tuple[ToyTrainer, ToyTrainer]:
    by_hand, by_autograd = ToyTrainer(config), ToyTrainer(config)
    by_autograd.hand_backprop = False
    return by_hand, by_autograd


def _gradients(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.grad.clone() for p in module.parameters()]


def _assert_same_gradients(mine: list[torch.Tensor], reference: list[torch.Tensor]) -> None:
    assert len(mine) == len(reference)
    for a, b in zip(mine, reference):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


CASES = [
    ("goodfellow-fig1", {}),
    ("goodfellow-fig1", {"loss": "minimax", "d_activation": "tanh", "g_activation": "elu"}),
    ("ring-collapse", {}),
    ("ring-collapse", {"pack": 4, "loss": "least-squares"}),
    ("moons", {"loss": "hinge", "d_activation": "relu"}),
    ("moons", {"loss": "wgan-gp", "gp_weight": 0.0}),
    ("ring-collapse", {"minibatch_discrimination": True, "minibatch_group": 16}),
    ("ring-collapse", {"minibatch_discrimination": True, "minibatch_group": 0, "pack": 2}),
    ("grid-collapse", {"minibatch_discrimination": True, "minibatch_group": 24}),   # 64 = 24 + 24 + 16
    ("ring-collapse", {"minibatch_stddev": True}),
    ("moons", {"minibatch_stddev": True, "pack": 2, "loss": "least-squares"}),
]


@pytest.mark.parametrize(("preset", "changes"), CASES)
def test_each_update_by_hand_has_autograds_gradients(preset, changes):
    config = preset_config(preset).replace(r1_gamma=0.0, batch_size=64, **changes)
    by_hand, by_autograd = _twins(config)
    for _ in range(3):   # D, then G, then D: the same state before each, compared after
        for step in ("step_d", "step_g"):
            # one update's gradients, each trainer from the same weights and random streams
            by_autograd.load_state(by_hand.state())
            getattr(by_hand, step)()
            getattr(by_autograd, step)()
            module = "discriminator" if step == "step_d" else "generator"
            _assert_same_gradients(_gradients(getattr(by_hand, module)), _gradients(getattr(by_autograd, module)))
            torch.testing.assert_close(torch.tensor([by_hand.last.d_loss, by_hand.last.g_loss]),
                                       torch.tensor([by_autograd.last.d_loss, by_autograd.last.g_loss]),
                                       rtol=1e-5, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize(("preset", "changes"), [("goodfellow-fig1", {}), ("ring-collapse", {"pack": 2}),
                                                 ("goodfellow-fig1", {"d_activation": "relu"})])
def test_r1_penalty_by_hand_has_autograds_gradients(preset, changes):
    """R1 (Mescheder et al. 2018, eq. 9) through a piecewise-linear D: every D update penalised."""
    config = preset_config(preset).replace(r1_gamma=2.0, r1_every=1, batch_size=64, **changes)
    by_hand, by_autograd = _twins(config)
    by_hand.train(2)
    by_autograd.load_state(by_hand.state())
    by_hand.step_d()
    by_autograd.step_d()
    _assert_same_gradients(_gradients(by_hand.discriminator), _gradients(by_autograd.discriminator))


def test_r1_through_a_smooth_or_minibatch_d_takes_autograd():
    """tanh has phi'' != 0, and a minibatch layer is not a plain perceptron: the hand-written
    penalty does not apply to them, so autograd computes it."""
    trainer = ToyTrainer(preset_config("goodfellow-fig1").replace(d_activation="tanh", r1_every=1))
    assert not trainer._by_hand_d(r1_weight=1.0)
    assert trainer._by_hand_d(r1_weight=0.0)
    trainer = ToyTrainer(preset_config("grid-collapse").replace(minibatch_discrimination=True))
    assert not trainer._by_hand_d(r1_weight=1.0)
    assert trainer._by_hand_d(r1_weight=0.0)


def test_a_run_by_hand_stays_on_the_run_by_autograd():
    """The Figure 1 preset, R1 included: 30 iterations each way end at the same weights and
    losses, to rounding (a GAN amplifies rounding: over hundreds of iterations the two runs
    drift apart by ~1e-3, as two autograd runs with different summation orders would)."""
    by_hand, by_autograd = _twins(preset_config("goodfellow-fig1"))
    by_hand.train(30)
    by_autograd.train(30)
    for a, b in zip(by_hand.state()["generator"].values(), by_autograd.state()["generator"].values()):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-4)
    assert abs(by_hand.last.g_loss - by_autograd.last.g_loss) < 1e-3


def test_the_direct_fused_adam_step_equals_torchs():
    """backprop.optimizer_step moves the weights and the moments exactly as Adam.step() does."""
    torch.manual_seed(0)
    modules = [torch.nn.Linear(4, 3), torch.nn.Linear(4, 3)]
    modules[1].load_state_dict(modules[0].state_dict())
    optimizers = [torch.optim.Adam(m.parameters(), lr=1e-2, betas=(0.5, 0.99), fused=True) for m in modules]
    for _ in range(4):
        grads = [torch.randn_like(p) for p in modules[0].parameters()]
        for module, optimizer, direct in zip(modules, optimizers, (False, True)):
            for p, g in zip(module.parameters(), grads):
                p.grad = g.clone()
            optimizer_step(optimizer) if direct else optimizer.step()
    for a, b in zip(modules[0].parameters(), modules[1].parameters()):
        assert torch.equal(a, b)
    for a, b in zip(optimizers[0].state.values(), optimizers[1].state.values()):
        assert all(torch.equal(a[key], b[key]) for key in ("step", "exp_avg", "exp_avg_sq"))
