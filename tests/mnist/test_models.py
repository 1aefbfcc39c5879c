"""The conditional GAN and InfoGAN beside the DCGAN: the latent layout, InfoGAN's lower bound
against its formula, the label wiring, the matching of codes to digits, checkpoints that refuse
another model's file, and the CLI's run directory with labels.npy / codes.npy."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.distributions import Categorical, Normal

from explorer.core.checkpoint import CheckpointError
from explorer.mnist.checkpoint import read_checkpoint, save_checkpoint
from explorer.mnist.codes import code_entropy, latent_layout, mutual_information_bound
from explorer.mnist.config import DcganConfig
from explorer.mnist.data import load_embedded
from explorer.mnist.quality import class_accuracy, code_agreement
from explorer.mnist.trainer import DcganTrainer

REPO = Path(__file__).resolve().parents[2]
SMALL = dict(g_width=8, d_width=8, noise_dim=16, batch_size=32, epochs=1, live_eval_samples=200,
             eval_samples=500, grid_samples=20)


def test_the_latent_vector_holds_z_then_the_codes():
    layout = latent_layout("infogan", 62)
    assert layout.width == 62 + 10 + 2
    latent = layout.sample(1000, torch.Generator().manual_seed(0), balanced=True)
    z, onehot, continuous = layout.split(latent)
    assert z.shape == (1000, 62) and onehot.shape == (1000, 10) and continuous.shape == (1000, 2)
    assert torch.equal(onehot.sum(1), torch.ones(1000)) and torch.equal(layout.codes(latent), torch.arange(1000) % 10)
    assert continuous.min() >= -1 and continuous.max() <= 1 and abs(continuous.mean()) < 0.05
    assert latent_layout("dcgan", 100).width == 100 and latent_layout("conditional", 100).width == 110
    again = layout.compose(z, layout.codes(latent), continuous)
    assert torch.equal(again, latent)


def test_infogan_lower_bound_matches_its_formula():
    """L_I = E[log Q(c1|x)] + E[log Q(c2, c3|x)] + H(c) (Chen et al. 2016, eq. 4), with Q(c1|x) a
    softmax and Q(c2, c3|x) unit-variance Gaussians: against torch.distributions, by hand."""
    layout = latent_layout("infogan", 5)
    generator = torch.Generator().manual_seed(1)
    latent = layout.sample(64, generator)
    head = torch.randn(64, 12, generator=generator)
    codes, continuous = layout.codes(latent), layout.split(latent)[2]
    expected = (Categorical(logits=head[:, :10]).log_prob(codes).mean()
                + Normal(head[:, 10:], 1.0).log_prob(continuous).sum(1).mean()
                + math.log(10) + 2 * math.log(2))
    torch.testing.assert_close(mutual_information_bound(layout, head, latent), expected)
    assert code_entropy(layout) == pytest.approx(math.log(10) + 2 * math.log(2))
    # a Q that reads every code exactly attains the most the bound allows with unit variances
    perfect = torch.cat([100 * torch.nn.functional.one_hot(codes, 10).float(), continuous], dim=1)
    best = math.log(10) + 2 * (math.log(2) - 0.5 * math.log(2 * math.pi))
    assert mutual_information_bound(layout, perfect, latent).item() == pytest.approx(best, abs=1e-4)
    # and a Q that knows nothing of c1 gets nothing for it
    blind = torch.cat([torch.zeros(64, 10), continuous], dim=1)
    assert mutual_information_bound(layout, blind, latent).item() == pytest.approx(best - math.log(10), abs=1e-4)


@pytest.mark.parametrize("conditioning", ["auxiliary", "projection"])
def test_the_label_reaches_g_and_d(conditioning):
    """The conditional model's wiring: one z with two labels gives two images, and D's verdict
    or its class head depends on the label it is told."""
    config = DcganConfig(model="conditional", conditioning=conditioning, **SMALL)
    trainer = DcganTrainer(config, load_embedded())
    for _ in range(3):
        trainer.step()
    z = torch.randn(1, config.noise_dim).expand(2, -1)
    latent = trainer.layout.compose(z, torch.tensor([3, 7]))
    images = trainer.generate(latent)
    assert (images[0] - images[1]).abs().max() > 0.02 * images.abs().max()
    d = trainer.discriminator.eval()
    with torch.no_grad():
        if conditioning == "projection":
            same = images[:1].expand(2, -1, -1, -1)
            logits = d(same, torch.tensor([3, 7]))
            assert abs(logits[0] - logits[1]) > 1e-6
            with pytest.raises(ValueError, match="needs each image's label"):
                d(same)
        else:
            _, head = d(images, codes=True)
            assert head.shape == (2, 10)


def test_code_agreement_finds_the_best_matching():
    # codes 0..9 drawn as the digits 3, 1, 4, 0, 5, 9, 2, 6, 8, 7, with one code in ten wrong
    digit_of = np.array([3, 1, 4, 0, 5, 9, 2, 6, 8, 7])
    codes = np.arange(1000) % 10
    called = digit_of[codes].copy()
    wrong = (np.arange(1000) // 10) % 10 == 0      # a tenth of the samples of every code
    called[wrong] = (called[wrong] + 1) % 10
    probs = np.eye(10)[called]
    agreement, digits = code_agreement(probs, codes)
    assert agreement == pytest.approx(0.9) and digits == digit_of.tolist()
    assert class_accuracy(probs, digit_of[codes]) == pytest.approx(0.9)


@pytest.mark.parametrize("model", ["conditional", "infogan"])
def test_a_checkpoint_loads_back_and_refuses_another_models_file(tmp_path, model):
    config = DcganConfig(model=model, **SMALL)
    trainer = DcganTrainer(config, load_embedded())
    trainer.step()
    save_checkpoint(tmp_path / "run.pt", config, trainer.state())
    loaded, state = read_checkpoint(tmp_path / "run.pt", model=model)
    assert loaded == config and state["iteration"] == 1
    other = "infogan" if model == "conditional" else "dcgan"
    with pytest.raises(CheckpointError, match="run.pt holds a .*, not a .*: choose the"):
        read_checkpoint(tmp_path / "run.pt", model=other)
    fresh = DcganTrainer(loaded, load_embedded())
    fresh.load_state(state)
    assert torch.equal(fresh.grid_images(), trainer.grid_images())


@pytest.mark.parametrize("model, extra", [("conditional", "labels.npy"), ("infogan", "codes.npy")])
def test_cli_writes_each_models_samples_with_their_digits_or_codes(tmp_path, model, extra):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "explorer.cli", "mnist", "--model", model, "--epochs", "1", "--no-progress",
         "--eval-every", "0", "--set", "g_width=8", "--set", "d_width=8", "--set", "batch_size=250",
         "--set", "eval_samples=1000", "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    codes = np.load(out / extra)
    assert codes.dtype == np.int64 and np.bincount(codes).tolist() == [100] * 10
    assert np.load(out / "samples.npy").shape == (1000, 28, 28)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == model
    key = "class_accuracy" if model == "conditional" else "code_agreement"
    assert 0.0 <= metrics[key] <= 1.0 and key in result.stderr.replace(" ", "_")
    # another model's --resume is refused with the message and exit 2
    refused = subprocess.run(
        [sys.executable, "-m", "explorer.cli", "mnist", "--model", "dcgan", "--resume", str(out / "checkpoint.pt"),
         "--out", str(tmp_path / "again")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert refused.returncode == 2 and "not a DCGAN" in refused.stderr, refused.stderr


def _pretrained_generator(model: str):
    from explorer.mnist.networks import build_dcgan_generator
    from explorer.mnist.pretrained import load_pretrained

    config, weights = load_pretrained(model)
    generator = build_dcgan_generator(config)
    generator.load_state_dict(weights)
    return config, generator.eval()


def test_the_pretrained_conditional_gan_draws_the_digit_it_is_asked_for():
    """One z with the labels 0..9 gives ten different digits, each the one asked for (as the
    project's classifier calls them), for nearly every z."""
    from explorer.mnist.classifier import classify, load_classifier
    from explorer.mnist.latent import seeded_noise

    config, generator = _pretrained_generator("conditional")
    layout = config.latent_layout()
    z = seeded_noise(50, layout.noise_dim, 11).repeat_interleave(10, dim=0)
    labels = torch.arange(10).repeat(50)
    with torch.no_grad():
        images = generator(layout.compose(z, labels))
    probs, _ = classify(load_classifier(), images)
    assert class_accuracy(probs, labels.numpy()) >= 0.95


def test_each_infogan_continuous_code_moves_a_measured_property_monotonically():
    """Across -2..2 (a traversal, 9 values, 200 samples each), the mean slant (image moments) or
    the mean ink (stroke width) of the pretrained InfoGAN's digits rises or falls at every step,
    for each continuous code, and the two codes do not move the same property the most."""
    from scipy.stats import spearmanr

    from explorer.mnist.codes import traversal
    from explorer.mnist.latent import seeded_noise
    from explorer.mnist.quality import ink_mass, slant, to_uint8

    config, generator = _pretrained_generator("infogan")
    layout = config.latent_layout()
    z = seeded_noise(200, layout.noise_dim, 3)
    values = torch.linspace(-2, 2, 9).tolist()
    strongest = []
    for code in range(layout.continuous):
        with torch.no_grad():
            images = to_uint8(generator(traversal(layout, z, code, values))).reshape(9, 200, 28, 28)
        means = {"slant": np.array([slant(row).mean() for row in images]),
                 "ink": np.array([ink_mass(row).mean() for row in images])}
        # each property's change across the traversal, in units of its spread over the samples
        spread = {name: np.std([slant, ink_mass][i](images[4])) for i, name in enumerate(means)}
        effect = {name: abs(m[-1] - m[0]) / spread[name] for name, m in means.items()}
        name = max(effect, key=effect.get)
        steps = np.diff(means[name])
        assert np.all(steps > 0) or np.all(steps < 0), (code, name, means[name])
        assert abs(spearmanr(values, means[name]).statistic) == pytest.approx(1.0)
        strongest.append(name)
    assert len(set(strongest)) == 2, strongest


def test_cli_init_pretrained_scores_the_shipped_generator(tmp_path):
    """`--init pretrained --epochs 0`: no training, the shipped conditional generator's samples
    and scores, as its card records them."""
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "explorer.cli", "mnist", "--model", "conditional", "--init", "pretrained",
         "--epochs", "0", "--no-progress", "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    card = json.loads((REPO / "assets" / "mnist" / "pretrained.json").read_text())["conditional"]
    assert metrics["iterations"] == 0 and metrics["class_accuracy"] >= 0.95
    assert metrics["class_accuracy"] == pytest.approx(card["scores"]["class_accuracy"], abs=0.01)
    assert np.bincount(np.load(out / "labels.npy")).tolist() == [1000] * 10
    refused = subprocess.run(
        [sys.executable, "-m", "explorer.cli", "mnist", "--init", "pretrained", "--config", str(out / "config.json"),
         "--out", str(tmp_path / "again")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert refused.returncode == 2 and "give one of" in refused.stderr


@pytest.mark.parametrize("model, score, floor", [("conditional", "class_accuracy", 0.6),
                                                  ("infogan", "code_agreement", 0.25)])
def test_a_short_seeded_run_of_each_model_learns(model, score, floor):
    """Two epochs of the embedded digits at widths 32 and a constant learning rate (312
    iterations): the Inception Score rises, and so does the model's own score, well above the
    chance level of 0.1 (a tenth of the samples called the asked digit or matched code)."""
    from explorer.mnist.config import model_config
    from explorer.mnist.run import MnistRun

    torch.set_num_threads(2)
    config = model_config(model, epochs=2, g_width=32, d_width=32, seed=0, live_eval_samples=1000,
                          lr_final_fraction=1.0)
    run = MnistRun(config)
    before = run.measure()
    run.train(run.budget)
    after = run.measure()
    assert after["inception_score"] > before["inception_score"] + 2.0
    assert before[score] < 0.2 and after[score] >= floor, (before[score], after[score])
