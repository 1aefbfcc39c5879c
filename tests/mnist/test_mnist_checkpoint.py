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
