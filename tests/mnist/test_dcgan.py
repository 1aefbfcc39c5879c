"""The DCGAN: shapes and initialisation, a short seeded run whose measured quality rises, the
CLI's run directory, and torchrun with gloo keeping the replicas equal."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from explorer.core.errors import ConfigError
from explorer.mnist.checkpoint import read_checkpoint
from explorer.mnist.config import DcganConfig
from explorer.mnist.data import load_embedded
from explorer.mnist.networks import (
    DcganDiscriminator,
    build_dcgan_discriminator,
    build_dcgan_generator,
    dcgan_init,
)
from explorer.mnist.run import MnistRun
from explorer.mnist.trainer import DcganTrainer

REPO = Path(__file__).resolve().parents[2]
TINY = DcganConfig(g_width=8, d_width=8, noise_dim=16, batch_size=32, epochs=1, live_eval_samples=200,
                   eval_samples=500, grid_samples=16)


@pytest.mark.parametrize("depth", [2, 3])
def test_networks_have_the_dcgan_shapes_and_initialisation(depth):
    config = DcganConfig(g_depth=depth, d_depth=depth)
    g, d = build_dcgan_generator(config), build_dcgan_discriminator(config)
    g.apply(dcgan_init)
    d.apply(dcgan_init)
    images = g(torch.randn(5, 100))
    assert images.shape == (5, 1, 28, 28) and images.abs().max() <= 1.0
    assert d(images).shape == (5,)
    conv = g.net[0].weight
    assert abs(conv.std().item() - 0.02) < 0.002 and abs(conv.mean().item()) < 0.002
    batchnorm = g.net[1].weight
    assert abs(batchnorm.mean().item() - 1.0) < 0.01
    # Radford et al.: no batch norm on D's input layer nor on G's output layer; BN after every
    # other layer; no pooling, no fully connected hidden layer
    assert not isinstance(d.body[1], torch.nn.BatchNorm2d)
    assert isinstance(g.net[-1], torch.nn.Tanh) and isinstance(g.net[-2], torch.nn.ConvTranspose2d)
    layers = [m for m in d.body if isinstance(m, torch.nn.Conv2d)]
    norms = [m for m in d.body if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(layers) == depth and len(norms) == depth - 1
    assert len([m for m in g.net if isinstance(m, torch.nn.ConvTranspose2d)]) == depth + 1
    assert not any(isinstance(m, (torch.nn.MaxPool2d, torch.nn.AvgPool2d, torch.nn.Linear)) for m in g.net)
    maps = {2: 49, 3: 16}[depth] * {2: 2, 3: 4}[depth] * config.d_width
    assert d.head.in_features == maps
    with_mbd = DcganDiscriminator(16, minibatch_kernels=8, minibatch_kernel_dim=4, depth=depth)
    assert with_mbd(torch.randn(6, 1, 28, 28)).shape == (6,) and with_mbd.head.in_features == maps // config.d_width * 16 + 8


def test_k_discriminator_steps_take_k_batches_per_iteration():
    digits = load_embedded()
    trainer = DcganTrainer(TINY.replace(k_d_steps=2), digits)
    assert trainer.iterations_per_epoch == len(digits) // (2 * TINY.batch_size)
    trainer.step()
    assert trainer.iteration == 1 and trainer.images_seen == 2 * TINY.batch_size
    with pytest.raises(ConfigError, match="k_d_steps 3"):
        DcganTrainer(TINY.replace(batch_size=2000, k_d_steps=3), digits)


def test_a_seeded_run_is_reproducible_and_config_errors_are_clear():
    digits = load_embedded()
    a, b = DcganTrainer(TINY, digits), DcganTrainer(TINY, digits)
    for _ in range(3):
        ra, rb = a.step(), b.step()
    assert ra == rb
    assert torch.equal(a.grid_images(), b.grid_images())
    with pytest.raises(ConfigError, match="more than the 5,000 digits"):
        DcganTrainer(TINY.replace(batch_size=6000), digits)
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="no CUDA GPU"):
            DcganTrainer(TINY.replace(device="cuda"), digits)


@pytest.mark.slow
def test_a_short_run_learns_digits_its_score_rises():
    """Default networks and recipe, 468 iterations of batch 32 (3 epochs of the embedded digits),
    at a constant learning rate (the default decays it to 0 over the run's epochs)."""
    torch.set_num_threads(2)
    config = DcganConfig(epochs=3, seed=0, live_eval_samples=1000, lr_final_fraction=1.0)
    run = MnistRun(config)
    before = run.measure()
    run.train(run.budget)
    after = run.measure()
    assert run.iteration == run.budget == 3 * (5000 // config.batch_size)
    assert before["inception_score"] < 2.0
    assert after["inception_score"] > before["inception_score"] + 2.0
    assert after["frechet_distance"] < 0.5 * before["frechet_distance"]
    assert after["classes_covered"] >= 6


def test_cli_writes_the_run_directory(tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "explorer.cli", "mnist", "--epochs", "1", "--no-progress", "--out", str(out),
         "--remedy", "minibatch-discrimination", "--set", "g_width=8", "--set", "d_width=8",
         "--set", "batch_size=100", "--set", "eval_samples=10000", "--eval-every", "0.5"],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("inception_score", "frechet_distance", "classes_covered"):
        assert key in metrics
    assert len(metrics["quality_curve"]) == 2 and metrics["remedies"] == ["minibatch-discrimination"]
    samples = np.load(out / "samples.npy")
    assert samples.shape == (10000, 28, 28) and samples.dtype == np.uint8
    assert (out / "samples.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    config, state = read_checkpoint(out / "checkpoint.pt")
    assert config == DcganConfig.from_json((out / "config.json").read_text())
    assert config.minibatch_discrimination and state["iteration"] == 50

    # --resume trains on from the checkpoint, here for a second epoch
    resumed = tmp_path / "resumed"
    result = subprocess.run(
        [sys.executable, "-m", "explorer.cli", "mnist", "--resume", str(out / "checkpoint.pt"), "--epochs", "2",
         "--no-progress", "--eval-every", "0", "--set", "eval_samples=1000", "--out", str(resumed)],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    config, state = read_checkpoint(resumed / "checkpoint.pt")
    assert state["iteration"] == 100 and config.epochs == 2 and config.minibatch_discrimination
    assert json.loads((resumed / "metrics.json").read_text())["iterations"] == 100


@pytest.mark.parametrize("args, message", [
    (["--data", "/no/such/folder"], "is not a folder"),
    (["--remedy", "pack4"], "unknown remedy"),
    (["--set", "batch_size=1"], "batch_size must be between"),
    (["--epochs", "-2"], "epochs must be between"),
])
def test_cli_refuses_bad_input_with_exit_2(tmp_path, args, message):
    result = subprocess.run([sys.executable, "-m", "explorer.cli", "mnist", "--out", str(tmp_path / "r"), *args],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def _replica(rank: int, world: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE=str(world),
                      LOCAL_RANK=str(rank))
    from explorer.mnist.distributed import init_from_env, shutdown

    torch.set_num_threads(1)
    group = init_from_env("cpu")
    trainer = DcganTrainer(TINY.replace(minibatch_discrimination=True), load_embedded(), group.rank,
                           group.world_size, group.device)
    batches = [trainer._next_batch()[0] for _ in range(2)]
    trainer._cursor = 0
    for _ in range(5):
        trainer.step()
    torch.save({"state": trainer.state(), "batches": batches}, f"{out}/rank{rank}.pt")
    shutdown(group)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_processes_keep_the_replicas_equal(tmp_path):
    mp.spawn(_replica, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    zero, one = (torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    # each process trained on its own batches...
    assert not torch.equal(zero["batches"][0], one["batches"][0])
    # ...and their weights (and BatchNorm statistics, broadcast from rank 0) stayed equal
    for part in ("generator", "discriminator"):
        for key, value in zero["state"][part].items():
            assert torch.allclose(value.float(), one["state"][part][key].float(), atol=1e-6), (part, key)
    # and they moved: the replicas are equal because they were trained together, not idle
    fresh = DcganTrainer(TINY.replace(minibatch_discrimination=True), load_embedded())
    assert not torch.equal(fresh.generator.state_dict()["net.0.weight"], zero["state"]["generator"]["net.0.weight"])


def test_torchrun_runs_the_same_command_line(tmp_path):
    out = tmp_path / "ddp"
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-port", str(_free_port()),
         "-m", "explorer.cli", "mnist", "--epochs", "1", "--no-progress", "--device", "cpu", "--out", str(out),
         "--set", "g_width=8", "--set", "d_width=8", "--set", "batch_size=250", "--set", "eval_samples=500",
         "--eval-every", "0"],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["processes"] == 2 and metrics["iterations"] == 10   # 5,000 / (250 x 2)
