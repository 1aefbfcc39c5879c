"""Toy checkpoints resume a run exactly, and load weights only."""

from __future__ import annotations

import pickle

import pytest
import torch

from explorer.core.checkpoint import CheckpointError
from explorer.toy.checkpoint import load_toy_checkpoint, save_toy_checkpoint
from explorer.toy.presets import preset_config
from explorer.toy.trainer import ToyTrainer


def _weights(trainer: ToyTrainer) -> list[torch.Tensor]:
    return [p.detach().clone() for p in (*trainer.generator.parameters(), *trainer.discriminator.parameters())]


@pytest.mark.parametrize(
    "config",
    [
        # 1-D: lazy R1 every 4th D update, k = 3, stratified noise, Adam with decaying rates
        preset_config("goodfellow-fig1").replace(steps=40),
        # 2-D: minibatch discrimination (its cdist and, with R1, its direct form)
        preset_config("ring-collapse").replace(batch_size=64, minibatch_discrimination=True, steps=40),
        # 2-D: packing and an unrolled D, which draws from the extra random stream
        preset_config("grid-collapse").replace(batch_size=32, pack=2, unroll_steps=2, steps=40),
    ],
    ids=["fig1", "ring-minibatch", "grid-pack-unrolled"],
)
def test_train_save_load_and_go_on_is_the_same_as_training_straight(tmp_path, config):
    straight = ToyTrainer(config)
    straight.train(13)

    first = ToyTrainer(config)
    first.train(6)
    save_toy_checkpoint(tmp_path / "run.pt", first)
    del first
    resumed = load_toy_checkpoint(tmp_path / "run.pt")
    assert resumed.iteration == 6 and resumed.config == config
    resumed.train(7)

    assert resumed.iteration == straight.iteration == 13
    assert resumed.d_updates == straight.d_updates
    for a, b in zip(_weights(resumed), _weights(straight), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-7)
    assert resumed.last == pytest.approx(straight.last)


def test_a_run_resumed_from_fresh_adam_moments_would_differ(tmp_path):
    """The resume test above would fail if the optimisers' states were left out."""
    config = preset_config("goodfellow-fig1").replace(steps=40)
    straight = ToyTrainer(config)
    straight.train(13)
    first = ToyTrainer(config)
    first.train(6)
    state = first.state()
    fresh = ToyTrainer(config)
    state["g_optimizer"], state["d_optimizer"] = fresh.g_optimizer.state_dict(), fresh.d_optimizer.state_dict()
    fresh.load_state(state)
    fresh.train(7)
    assert any(not torch.allclose(a, b) for a, b in zip(_weights(fresh), _weights(straight)))


def test_a_fork_never_moves_the_runs_optimiser_moments():
    trainer = ToyTrainer(preset_config("goodfellow-fig1"))
    trainer.train(3)
    before = [s["exp_avg"].clone() for s in trainer.d_optimizer.state.values()]
    fork = trainer.fork()
    for _ in range(5):
        fork.step_d()
    after = [s["exp_avg"] for s in trainer.d_optimizer.state.values()]
    for a, b in zip(before, after, strict=True):
        assert torch.equal(a, b)


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path):
    class Payload:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    torch.save({"format": "gan-explorer/toy", "version": 1, "config": "{}", "x": Payload()}, path)
    with pytest.raises(CheckpointError, match="could run code"):
        load_toy_checkpoint(path)


def test_a_dcgan_checkpoint_is_not_a_toy_checkpoint(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"format": "gan-explorer/dcgan", "version": 2, "config": "{}"}, path)
    with pytest.raises(CheckpointError, match="not a GAN Explorer toy checkpoint"):
        load_toy_checkpoint(path)
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(CheckpointError, match="not a PyTorch checkpoint"):
        load_toy_checkpoint(path)
