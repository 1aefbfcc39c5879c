"""A small MNIST classifier, trained by the project itself, that the quality metrics look through.

The Inception Score of Salimans et al. (2016) and the Frechet Inception Distance of Heusel et
al. (2017) use an ImageNet Inception network; for digits the usual practice (e.g. Odena et al.
2017, Lucic et al. 2018) is a classifier trained on MNIST. This one is a plain CNN:

    1x28x28 -> conv3x3 32, ReLU, maxpool -> 32x14x14
            -> conv3x3 64, ReLU, maxpool -> 64x7x7
            -> linear 128, ReLU (the features for the Frechet distance) -> linear 10 (logits)

Small on purpose (4.2 M multiply-adds per digit): the app scores 2,000 samples while it
trains, on a CPU.

It is trained on the embedded digits less a held-out tenth (100 per class), with random
shifts, rotations and scalings, by ``python -m explorer.mnist.classifier``, which writes
``assets/mnist/classifier.pt`` (loaded with ``torch.load(weights_only=True)``) and
``assets/mnist/classifier.json`` (how it was made and how well it does).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .data import ASSETS, Digits, load_embedded, load_idx_folder, to_model_range

CLASSIFIER_WEIGHTS = ASSETS / "classifier.pt"
CLASSIFIER_CARD = ASSETS / "classifier.json"
FEATURE_DIM = 128
HELD_OUT_PER_CLASS = 100


class DigitClassifier(nn.Module):
    """Takes images in [-1, 1], N x 1 x 28 x 28; returns logits N x 10 (and features N x 128)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # 32 x 14 x 14
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 64 x 7 x 7
        )
        self.features = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, FEATURE_DIM), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.25), nn.Linear(FEATURE_DIM, 10))

    def forward_features(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits N x 10, features N x 128) of images in [-1, 1], N x 1 x 28 x 28."""
        feats = self.features(self.conv(images))   # N x 128
        return self.head(feats), feats

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """The logits, N x 10."""
        return self.forward_features(images)[0]


def held_out_split(digits: Digits) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out): the last HELD_OUT_PER_CLASS digits of each class are held out."""
    held = np.concatenate([np.flatnonzero(digits.labels == c)[-HELD_OUT_PER_CLASS:] for c in range(10)])
    train = np.setdiff1d(np.arange(len(digits)), held)
    return train, np.sort(held)


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random affine jitter: rotation +-12 degrees, scale 0.9-1.1, shift +-2 pixels."""
    n = images.shape[0]
    u = torch.rand(n, 4, generator=generator) * 2 - 1
    angle = u[:, 0] * math.radians(12)
    scale = 1 + 0.1 * u[:, 1]
    shift = u[:, 2:] * (2 / 14)   # affine_grid works in [-1, 1]: 2 pixels of 28
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images + 1, grid, align_corners=False, padding_mode="zeros") - 1


def train_classifier(images: np.ndarray, labels: np.ndarray, epochs: int = 40, batch: int = 128,
                     seed: int = 0, log: Callable[[str], object] = print) -> DigitClassifier:
    """Adam 1e-3 with a cosine schedule, cross-entropy, augmented batches."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = DigitClassifier()
    x = to_model_range(images)
    y = torch.from_numpy(labels.astype(np.int64))
    steps = epochs * math.ceil(len(x) / batch)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=steps)
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            loss = F.cross_entropy(model(augment(x[idx], generator)), y[idx])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item() * len(idx)
        log(f"epoch {epoch + 1}/{epochs}: loss {total / len(x):.4f}")
    return model.eval()


def load_classifier(path: Path = CLASSIFIER_WEIGHTS, device: str | torch.device = "cpu") -> DigitClassifier:
    """The shipped classifier, in eval mode (weights only: nothing in the file is executed)."""
    model = DigitClassifier()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.to(device).eval()


@torch.no_grad()
def classify(model: DigitClassifier, images: torch.Tensor, batch: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (N x 10) and features (N x 128) of images in [-1, 1], N x 1 x 28 x 28."""
    device = next(model.parameters()).device
    probs, feats = [], []
    for start in range(0, len(images), batch):
        logits, f = model.forward_features(images[start:start + batch].to(device, torch.float32))
        probs.append(torch.softmax(logits.double(), 1).cpu().numpy())
        feats.append(f.double().cpu().numpy())
    return np.concatenate(probs), np.concatenate(feats)


def accuracy(model: DigitClassifier, digits: Digits, indices: np.ndarray | None = None) -> float:
    """The fraction of the digits (all, or those at `indices`) that the model classifies correctly."""
    images, labels = digits.images, digits.labels
    if indices is not None:
        images, labels = images[indices], labels[indices]
    probs, _ = classify(model, to_model_range(images))
    return float((probs.argmax(1) == labels).mean())


def main(argv: list[str] | None = None) -> int:
    """Train the classifier, write its weights and its card (JSON), print the card; returns 0."""
    parser = argparse.ArgumentParser(description="Train the quality classifier on the embedded digits.")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=CLASSIFIER_WEIGHTS)
    parser.add_argument("--test-dir", type=Path, help="a folder of MNIST IDX files to report accuracy on")
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    digits = load_embedded()
    train_idx, held_idx = held_out_split(digits)
    start = time.perf_counter()
    model = train_classifier(digits.images[train_idx], digits.labels[train_idx], args.epochs, seed=args.seed)
    card = {
        "trained_on": f"embedded MNIST digits less {HELD_OUT_PER_CLASS} held out per class "
                      f"({len(train_idx)} digits)",
        "epochs": args.epochs, "seed": args.seed, "seconds": round(time.perf_counter() - start, 1),
        "torch": torch.__version__,
        "held_out_accuracy": accuracy(model, digits, held_idx),
    }
    if args.test_dir:
        test = load_idx_folder(args.test_dir)
        card["test_accuracy"] = accuracy(model, test)
        card["test_source"] = test.source
    torch.save(model.state_dict(), args.out)
    args.out.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
