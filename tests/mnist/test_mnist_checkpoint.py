"""Checkpoints: weights and config round-trip; foreign, damaged or code-carrying files are refused."""

import io
import pickle
import zipfile

import pytest
import torch

from explorer.core.checkpoint import CheckpointError
from explorer.mnist.checkpoint import read_checkpoint, save_checkpoint
from explorer.mnist.config import DcganConfig
from explorer.mnist.networks import build_dcgan_discriminator, build_dcgan_generator

SMALL = DcganConfig(g_width=8, d_width=8, noise_dim=16, epochs=1)


def _state(config=SMALL):
    torch.manual_seed(0)
    g, d = build_dcgan_generator(config), build_dcgan_discriminator(config)
    return {"generator": g.state_dict(), "discriminator": d.state_dict(), "iteration": 12}


def test_round_trip_keeps_config_and_weights(tmp_path):
    config = SMALL.replace(minibatch_discrimination=True, seed=5)
    state = _state(config)
    save_checkpoint(tmp_path / "c.pt", config, state)
    loaded_config, loaded = read_checkpoint(tmp_path / "c.pt")
    assert loaded_config == config and loaded["iteration"] == 12
    for key, value in state["generator"].items():
        assert torch.equal(loaded["generator"][key], value)
    # from bytes too (the app gets an upload's bytes)
    assert read_checkpoint((tmp_path / "c.pt").read_bytes())[0] == config


class Exploit:
    def __reduce__(self):
        return (print, ("this would have run",))


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_text("hello, I am a text file"), "not a PyTorch checkpoint"),
    (lambda p: torch.save({"weights": torch.zeros(3)}, p), "not a GAN Explorer DCGAN checkpoint"),
    (lambda p: torch.save({"format": "gan-explorer/dcgan", "version": 99}, p), "version 99"),
    (lambda p: torch.save({"format": "gan-explorer/dcgan", "version": 1, "config": '{"epochs": -1}'}, p),
     "no valid config: epochs"),
    (lambda p: torch.save({"format": "gan-explorer/dcgan", "version": 1, "config": SMALL.to_json(),
                           **_state(SMALL.replace(g_width=16))}, p), "do not match its config|has shape"),
    (lambda p: torch.save({"payload": Exploit()}, p), "objects other than weights \\(it refers to print\\)"),
    (lambda p: p.write_bytes(pickle.dumps(Exploit())), "not the zip archive"),
])
def test_bad_files_get_a_clear_message_and_run_nothing(tmp_path, capsys, make, message):
    path = tmp_path / "bad.pt"
    make(path)
    with pytest.raises(CheckpointError, match=message):
        read_checkpoint(path)
    assert "this would have run" not in capsys.readouterr().out


def test_a_truncated_checkpoint_is_refused(tmp_path):
    save_checkpoint(tmp_path / "c.pt", SMALL, _state())
    blob = (tmp_path / "c.pt").read_bytes()
    with pytest.raises(CheckpointError, match="not a PyTorch checkpoint"):
        read_checkpoint(blob[: len(blob) // 2])
    assert zipfile.is_zipfile(io.BytesIO(blob))


def _digits(n: int = 128):
    from explorer.mnist.data import Digits, load_embedded

    every = load_embedded()
    return Digits(every.images[:n], every.labels[:n], "the first 128 embedded digits")


def _trained(config: DcganConfig, iterations: int):
    from explorer.mnist.trainer import DcganTrainer

    trainer = DcganTrainer(config, _digits())
    for _ in range(iterations):
        trainer.step()
    return trainer


@pytest.mark.parametrize("changes", [
    {},  # lazy R1 every 4th D update, G's moving average, linear LR decay
    {"augment_shift": 2, "k_d_steps": 2, "minibatch_discrimination": True, "minibatch_kernels": 4},
    {"model": "conditional"},
    {"model": "conditional", "conditioning": "auxiliary"},
    {"model": "infogan", "noise_scale": 0.1},
], ids=["default", "augment-k2-minibatch", "conditional", "auxiliary", "infogan"])
def test_train_save_load_and_go_on_is_the_same_as_training_straight(tmp_path, changes):
    """N + M iterations straight, against N, a checkpoint file, a fresh trainer and M more: the
    same weights, G's average, optimiser moments and digit order (the run crosses an epoch)."""
    from explorer.mnist.trainer import DcganTrainer

    torch.set_num_threads(1)
    config = SMALL.replace(batch_size=16, epochs=3, **changes)
    straight = _trained(config, 13)
    first = _trained(config, 6)
    save_checkpoint(tmp_path / "run.pt", config, first.state())
    loaded_config, state = read_checkpoint(tmp_path / "run.pt")
    resumed = DcganTrainer(loaded_config, _digits())
    resumed.load_state(state)
    assert resumed.iteration == 6
    for _ in range(7):
        resumed.step()
    assert resumed.iteration == straight.iteration == 13 and resumed.images_seen == straight.images_seen
    assert resumed.epoch > 1  # the digits' order of the second epoch came from the checkpoint too
    for name in ("generator", "discriminator", "generator_ema"):
        for (key, a), b in zip(getattr(resumed, name).state_dict().items(),
                               getattr(straight, name).state_dict().values(), strict=True):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6, msg=f"{name}.{key}")


def test_a_version_1_checkpoint_still_loads_its_weights(tmp_path):
    torch.save({"format": "gan-explorer/dcgan", "version": 1, "config": SMALL.to_json(), **_state()},
               tmp_path / "old.pt")
    config, state = read_checkpoint(tmp_path / "old.pt")
    trainer = _trained(config, 0)
    trainer.load_state(state)
    assert trainer.iteration == 12
    assert torch.equal(trainer.generator.state_dict()["net.0.weight"], state["generator"]["net.0.weight"])
