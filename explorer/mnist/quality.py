"""How good are generated digits? Measured through the project's own MNIST classifier.

- Inception Score (Salimans et al. 2016, section 4): IS = exp(E_x KL(p(y|x) || p(y))), with
  p(y) the mean of p(y|x) over the samples; computed on 10 splits and averaged, as in their
  code. High when each digit is classified confidently and all classes are drawn equally:
  at most 10 for ten classes; real test digits score about 9.9 with a good classifier.
- Frechet distance (Heusel et al. 2017, eq. 6) between Gaussians fitted to the classifier's
  128 penultimate features of generated and of real digits:
  ||mu_g - mu_r||^2 + Tr(S_g + S_r - 2 (S_g S_r)^(1/2)). Lower is better; 0 for identical.
- Recognisable share: the share of samples the classifier calls with at least CONFIDENT
  probability. Early blobs get some class as argmax too; counting them would report "10/10
  classes" for noise, so the classes are counted among the confidently classified samples only,
  and below RECOGNISABLE_SHARE the app says the samples are not yet recognisable digits. (The
  classifier is also sure of some images that are no digit at all, uniform noise for one: the
  Frechet distance, not this share, tells those apart.)
- Class histogram of the confidently classified samples (argmax), the number of classes drawn
  (at least MIN_CLASS_SHARE of them), and KL(histogram || uniform) in nats: the collapse meter.
  A collapsed DCGAN draws few digit classes.
- Class accuracy (conditional GAN): the share of samples the classifier calls the digit G was
  asked for, as AC-GAN (Odena et al. 2017, sec. 4.1) measures it with a pretrained classifier.
- Code agreement (InfoGAN): the share of samples whose categorical code maps to the digit the
  classifier calls them, under the best one-to-one matching of codes to digits (the Hungarian
  method, as unsupervised clustering accuracy is measured); InfoGAN's authors report about 95 %
  (Chen et al. 2016, sec. 7.1: a 5 % error rate).
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

from .classifier import DigitClassifier, classify, load_classifier
from .data import to_model_range

# a class counts as drawn when it gets at least a fifth of its fair share (10 %) of the samples
MIN_CLASS_SHARE = 0.02
# a sample is classified confidently when its class gets at least this probability
CONFIDENT = 0.9
# below this share of confidently classified samples, the samples are not yet recognisable
RECOGNISABLE_SHARE = 0.25


def inception_score(probs: np.ndarray, splits: int = 10) -> tuple[float, float]:
    """(mean, std) of exp(E KL(p(y|x) || p(y))) over `splits` equal parts of the samples.

    The samples are shuffled (with a fixed seed) before they are split: generated samples are
    in random order anyway, but a set of real digits sorted by class would otherwise give
    splits of one class each, and a score near 1."""
    probs = np.asarray(probs, dtype=np.float64)
    probs = probs[np.random.default_rng(0).permutation(len(probs))]
    splits = max(1, min(splits, len(probs)))
    scores = []
    for part in np.array_split(probs, splits):
        marginal = part.mean(0, keepdims=True)
        kl = (part * (np.log(part + 1e-12) - np.log(marginal + 1e-12))).sum(1)
        scores.append(float(np.exp(kl.mean())))
    return float(np.mean(scores)), float(np.std(scores))


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, covariance) of features N x d: the Gaussian of the Frechet distance (Heusel et al. 2017, eq. 6)."""
    features = np.asarray(features, dtype=np.float64)
    return features.mean(0), np.cov(features, rowvar=False)


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """Frechet distance between N(mu1, sigma1) and N(mu2, sigma2) (Heusel et al. 2017, eq. 6).

    Tr((S1 S2)^(1/2)) is computed as the sum of the square roots of the eigenvalues of
    A S2 A, A = S1^(1/2): the same spectrum as S1 S2, but a symmetric matrix, so it stays
    exact where ReLU features make the covariances singular (scipy's sqrtm of S1 S2 warns).
    """
    diff = mu1 - mu2
    root = _sqrt_psd(sigma1)
    middle = root @ sigma2 @ root
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    return float(max(0.0, diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_sqrt))


def class_histogram(probs: np.ndarray) -> np.ndarray:
    """Samples per digit class (argmax of p(y|x)), a length-10 int array."""
    return np.bincount(np.asarray(probs).argmax(1), minlength=10)


def classes_covered(histogram: np.ndarray, min_share: float = MIN_CLASS_SHARE) -> int:
    """The number of classes that get at least `min_share` of the samples."""
    total = max(1, int(np.sum(histogram)))
    return int((np.asarray(histogram) / total >= min_share).sum())


def class_kl(histogram: np.ndarray) -> float:
    """KL(class shares || uniform over 10) in nats: 0 when every digit is drawn equally,
    log 10 = 2.30 when only one is; NaN for an empty histogram."""
    if int(np.sum(histogram)) == 0:
        return float("nan")
    share = np.asarray(histogram, dtype=np.float64) / max(1, int(np.sum(histogram)))
    nz = share > 0
    return float((share[nz] * np.log(share[nz] * 10)).sum())


def class_accuracy(probs: np.ndarray, asked: np.ndarray) -> float:
    """The share of samples whose most probable class is the digit asked for (conditional GAN)."""
    probs = np.asarray(probs)
    return float((probs.argmax(1) == np.asarray(asked)).mean()) if len(probs) else float("nan")


def code_agreement(probs: np.ndarray, codes: np.ndarray, categories: int = 10) -> tuple[float, list[int]]:
    """(agreement, the digit matched to each code): the best one-to-one matching of InfoGAN's
    categorical codes to the classifier's digits (Hungarian method on the codes x digits counts)
    and the share of samples it gets right."""
    called = np.asarray(probs).argmax(1)
    counts = np.zeros((categories, 10), dtype=np.int64)
    np.add.at(counts, (np.asarray(codes), called), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    digits = [int(d) for _, d in sorted(zip(rows, cols))]
    return float(counts[rows, cols].sum() / max(1, counts.sum())), digits


# the shipped classifier's feature statistics of a set of real digits, by the digits' fingerprint:
# classifying 5,000 digits takes about 2 s on 2 cores, and every run on the same digits (a Reset,
# a pretrained model, another model) needs the same statistics
_REFERENCE_STATS: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_REFERENCE_STATS_KEPT = 4


class QualityMeter:
    """The classifier with the feature statistics of the real digits, ready to score samples."""

    def __init__(self, real_images: np.ndarray, classifier: DigitClassifier | None = None,
                 max_reference: int = 10_000, seed: int = 0):
        key = None
        if classifier is None:   # the shipped classifier: the statistics are kept for the next meter
            images = np.ascontiguousarray(real_images)
            key = (hashlib.blake2b(images.view(np.uint8), digest_size=16).hexdigest(), images.shape,
                   str(images.dtype), max_reference, seed)
        self.classifier = classifier if classifier is not None else load_classifier()
        if key in _REFERENCE_STATS:
            self.real_mu, self.real_sigma = _REFERENCE_STATS[key]
            return
        if len(real_images) > max_reference:
            pick = np.random.default_rng(seed).choice(len(real_images), max_reference, replace=False)
            real_images = real_images[np.sort(pick)]
        _, real_features = classify(self.classifier, to_model_range(real_images))
        self.real_mu, self.real_sigma = gaussian_stats(real_features)
        if key is not None:
            while len(_REFERENCE_STATS) >= _REFERENCE_STATS_KEPT:
                _REFERENCE_STATS.pop(next(iter(_REFERENCE_STATS)))
            _REFERENCE_STATS[key] = (self.real_mu, self.real_sigma)

    def measure(self, images: torch.Tensor | np.ndarray) -> dict:
        """Every metric for generated images (a tensor in [-1, 1], N x 1 x 28 x 28, or uint8
        N x 28 x 28), as plain numbers."""
        return self.metrics(*self.classify(images))

    def classify(self, images: torch.Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(class probabilities N x 10, features N x 128) of generated images, as `measure` takes them:
        a measurement may classify its samples a part at a time and score them together."""
        if isinstance(images, np.ndarray):
            images = to_model_range(images)
        return classify(self.classifier, images)

    def metrics(self, probs: np.ndarray, features: np.ndarray, asked: np.ndarray | None = None,
                codes: np.ndarray | None = None) -> dict:
        """Every metric from the classifier's outputs on all the samples of one measurement; with
        the digits G was `asked` for, their class accuracy; with InfoGAN's categorical `codes`,
        the code agreement and the digit matched to each code."""
        extra = {}
        if asked is not None:
            extra["class_accuracy"] = class_accuracy(probs, asked)
        if codes is not None:
            extra["code_agreement"], extra["code_digits"] = code_agreement(probs, codes)
        score, score_std = inception_score(probs)
        confident = np.asarray(probs).max(1) >= CONFIDENT
        histogram = class_histogram(np.asarray(probs)[confident])
        return {
            "confident_share": float(confident.mean()) if len(confident) else 0.0,
            "inception_score": score,
            "inception_score_std": score_std,
            "frechet_distance": frechet_distance(*gaussian_stats(features), self.real_mu, self.real_sigma),
            "classes_covered": classes_covered(histogram),
            "class_histogram": histogram.tolist(),
            "class_kl": class_kl(histogram),
            "samples": int(len(probs)),
            **extra,
        }


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """G's output in [-1, 1], N x 1 x 28 x 28 -> uint8 N x 28 x 28."""
    pixels = ((images.detach().float().cpu()[:, 0] + 1) * 127.5).round().clamp(0, 255)
    return pixels.to(torch.uint8).numpy()


def slant(images: np.ndarray) -> np.ndarray:
    """Each digit's slant from its image moments: the shear mu11 / mu02 of the ink (x to the
    right, y downwards), the deskewing measure of LeCun et al. (1998); positive when the top leans
    right. images: uint8 N x 28 x 28 -> (N,)."""
    ink = np.asarray(images, dtype=np.float64)
    mass = ink.sum(axis=(1, 2)) + 1e-9
    ys, xs = np.mgrid[0:ink.shape[1], 0:ink.shape[2]]
    mean_x = (ink * xs).sum(axis=(1, 2)) / mass
    mean_y = (ink * ys).sum(axis=(1, 2)) / mass
    dx = xs[None] - mean_x[:, None, None]
    dy = ys[None] - mean_y[:, None, None]
    mu11 = (ink * dx * dy).sum(axis=(1, 2)) / mass
    mu02 = (ink * dy * dy).sum(axis=(1, 2)) / mass
    return -mu11 / (mu02 + 1e-9)   # y grows downwards: a top leaning right has negative mu11


def ink_mass(images: np.ndarray) -> np.ndarray:
    """Each digit's ink: the sum of its pixels on a 0-1 scale (thicker strokes, more ink). (N,)"""
    return np.asarray(images, dtype=np.float64).sum(axis=(1, 2)) / 255.0
