"""The quality metrics against their formulas, and the shipped classifier against real digits."""

import json

import numpy as np
import pytest
import torch

from explorer.mnist.classifier import (
    CLASSIFIER_CARD,
    accuracy,
    held_out_split,
    load_classifier,
)
from explorer.mnist.config import DcganConfig
from explorer.mnist.data import load_embedded
from explorer.mnist.latent import interpolate, nearest_real
from explorer.mnist.plots import quality_text
from explorer.mnist.quality import (
    RECOGNISABLE_SHARE,
    QualityMeter,
    class_histogram,
    class_kl,
    classes_covered,
    frechet_distance,
    inception_score,
)
from explorer.mnist.run import MnistRun


def test_inception_score_bounds():
    one_hot = np.eye(10)[np.arange(1000) % 10]
    assert inception_score(one_hot, splits=1)[0] == pytest.approx(10.0, rel=1e-6)   # confident, all classes
    assert 9.0 < inception_score(one_hot)[0] < 10.0   # ten splits of 100: uneven class counts
    assert inception_score(np.tile(np.eye(10)[3], (1000, 1)))[0] == pytest.approx(1.0)   # one class
    assert inception_score(np.full((1000, 10), 0.1))[0] == pytest.approx(1.0)   # no confidence
    # two classes, each confidently: exp(log 2) = 2
    assert inception_score(np.eye(10)[np.arange(1000) % 2], splits=1)[0] == pytest.approx(2.0)


def test_frechet_distance_matches_the_closed_form():
    rng = np.random.default_rng(0)
    assert frechet_distance(np.zeros(3), np.eye(3), np.zeros(3), np.eye(3)) == pytest.approx(0.0, abs=1e-9)
    # diagonal covariances: |mu1-mu2|^2 + sum (s1 - s2)^2 in standard deviations
    s1, s2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    mu1, mu2 = rng.normal(size=3), rng.normal(size=3)
    expected = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(s1) - np.sqrt(s2)) ** 2).sum()
    assert frechet_distance(mu1, np.diag(s1), mu2, np.diag(s2)) == pytest.approx(expected)
    # singular covariances (dead ReLU features) stay finite and exact
    a = np.diag([1.0, 0.0, 2.0])
    assert frechet_distance(np.zeros(3), a, np.zeros(3), a) == pytest.approx(0.0, abs=1e-9)


def test_class_histogram_coverage_and_kl():
    probs = np.eye(10)[[0] * 50 + [1] * 45 + [2] * 5]
    histogram = class_histogram(probs)
    assert histogram.tolist() == [50, 45, 5] + [0] * 7
    assert classes_covered(histogram) == 3
    assert classes_covered(np.array([1000] * 9 + [10])) == 9      # 0.1 % is not "drawn"
    assert class_kl(np.full(10, 7)) == pytest.approx(0.0)
    assert class_kl(np.eye(10)[4] * 100) == pytest.approx(np.log(10))


def test_shipped_classifier_is_accurate_on_held_out_real_digits():
    digits = load_embedded()
    _, held = held_out_split(digits)
    assert len(held) == 1000 and np.bincount(digits.labels[held]).tolist() == [100] * 10
    model = load_classifier()
    assert accuracy(model, digits, held) >= 0.97
    card = json.loads(CLASSIFIER_CARD.read_text())
    assert card["held_out_accuracy"] == pytest.approx(accuracy(model, digits, held))


def test_real_digits_score_near_the_top_and_noise_scores_low():
    digits = load_embedded()
    _, held = held_out_split(digits)
    train = np.setdiff1d(np.arange(len(digits)), held)
    meter = QualityMeter(digits.images[train])
    real = meter.measure(digits.images[held])
    assert real["inception_score"] > 9.0 and real["classes_covered"] == 10
    noise = np.random.default_rng(0).integers(0, 256, size=(1000, 28, 28), dtype=np.uint8)
    fake = meter.measure(noise)
    assert fake["inception_score"] < 3.0
    assert fake["frechet_distance"] > 10 * real["frechet_distance"]
    assert real["confident_share"] > 0.9 and "10/10</b> classes among" in quality_text(real)


def test_an_untrained_generators_blobs_are_not_yet_called_digits():
    """Early samples get some class as the argmax too: the classes are counted among the
    confidently classified samples only, and the readout says the samples are not digits yet."""
    torch.manual_seed(0)
    run = MnistRun(DcganConfig(g_width=8, d_width=8, noise_dim=16, batch_size=32, eval_samples=500))
    blobs = run.meter.measure(run.trainer.generate(run.trainer.eval_noise[:500]))
    assert blobs["confident_share"] < RECOGNISABLE_SHARE and blobs["classes_covered"] <= 1
    assert "not yet recognisable digits" in quality_text(blobs) and "classes" not in quality_text(blobs)


def test_spherical_interpolation_keeps_the_norm_and_linear_shrinks_it():
    z0, z1 = torch.randn(100, generator=torch.Generator().manual_seed(0)), torch.randn(
        100, generator=torch.Generator().manual_seed(1))
    z1 = z1 / z1.norm() * z0.norm()
    spherical, linear = interpolate(z0, z1, 9, "spherical"), interpolate(z0, z1, 9, "linear")
    assert torch.allclose(spherical[0], z0, atol=1e-5) and torch.allclose(spherical[-1], z1, atol=1e-5)
    assert torch.allclose(spherical.norm(dim=1), z0.norm().expand(9), rtol=1e-4)
    assert linear[4].norm() < 0.8 * z0.norm()      # nearly orthogonal: the midpoint is ~0.71 as long
    with pytest.raises(ValueError, match="linear"):
        interpolate(z0, z1, 3, "cubic")


def test_nearest_real_finds_the_digit_itself():
    digits = load_embedded()
    index, distance = nearest_real(digits.images[1234], digits.images)
    assert index == 1234 and distance == pytest.approx(0.0, abs=1e-6)
    shifted = np.roll(digits.images[1234], 1, axis=1)
    index, distance = nearest_real(shifted, digits.images)
    assert distance > 0
