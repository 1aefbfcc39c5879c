"""The mode metrics of VEEGAN and PacGAN on hand-made sample sets, the 2-D datasets as PacGAN
defines them, and the checks on the user's own points."""

import math

import numpy as np
import pytest
import torch

from explorer.toy.data2d import (
    DATASETS_2D,
    MAX_POINTS,
    DataError,
    grid_modes,
    parse_points_csv,
    points_from_drawing,
    ring_modes,
)
from explorer.toy.modes import binned_js, mode_metrics

RING = DATASETS_2D["ring8"]
GRID = DATASETS_2D["grid25"]


def test_ring_and_grid_are_pacgans():
    assert RING.mode_std == 0.01 and GRID.mode_std == 0.05
    assert np.allclose(np.linalg.norm(RING.modes, axis=1), 1.0)
    angles = np.sort(np.mod(np.arctan2(RING.modes[:, 1], RING.modes[:, 0]), 2 * np.pi))
    assert np.allclose(angles, 2 * np.pi * np.arange(8) / 8)
    assert sorted(set(GRID.modes[:, 0])) == [-4, -2, 0, 2, 4] and len(GRID.modes) == 25
    samples = RING.sample(20000, torch.Generator().manual_seed(0)).numpy()
    offsets = samples - RING.modes[np.argmin(((samples[:, None] - RING.modes) ** 2).sum(2), axis=1)]
    assert offsets.std() == pytest.approx(0.01, rel=0.05)


def test_samples_on_every_centre_cover_all_modes_evenly():
    samples = np.repeat(ring_modes(), 10, axis=0)
    m = mode_metrics(samples, ring_modes(), 0.01)
    assert (m.modes_covered, m.high_quality, m.low_quality) == (8, 1.0, 0)
    assert m.mode_kl == pytest.approx(0.0, abs=1e-12)
    assert list(m.counts) == [10] * 8


def test_a_collapsed_generator_scores_one_mode_and_kl_log_k():
    samples = np.tile(grid_modes()[7], (100, 1)) + 0.01
    m = mode_metrics(samples, grid_modes(), 0.05)
    assert m.modes_covered == 1 and m.high_quality == 1.0
    assert m.mode_kl == pytest.approx(math.log(25))


def test_high_quality_is_within_three_standard_deviations():
    centre = ring_modes()[0]
    inside = centre + np.array([0.0299, 0.0])
    outside = centre + np.array([0.0301, 0.0])
    m = mode_metrics(np.stack([inside, outside]), ring_modes(), 0.01)
    assert m.high_quality == 0.5 and m.low_quality == 1 and m.modes_covered == 1
    # one high-quality sample is enough to cover a mode; low-quality ones never cover
    far = np.array([[0.0, 0.0]] * 50 + [list(ring_modes()[3])])
    m = mode_metrics(far, ring_modes(), 0.01)
    assert m.modes_covered == 1 and m.counts[3] == 1 and m.high_quality == pytest.approx(1 / 51)


def test_mode_kl_of_an_uneven_split():
    centres = ring_modes()
    samples = np.concatenate([np.tile(centres[0], (30, 1)), np.tile(centres[1], (10, 1))])
    m = mode_metrics(samples, centres, 0.01)
    p = np.array([0.75, 0.25])
    assert m.mode_kl == pytest.approx(float(np.sum(p * np.log(p * 8))))


def test_non_finite_samples_are_low_quality():
    samples = np.array([[np.nan, 0.0], [1.0, 0.0]])
    m = mode_metrics(samples, ring_modes(), 0.01)
    assert m.high_quality == 0.5 and m.modes_covered == 1


def test_binned_js_is_near_zero_for_one_distribution_and_log_2_for_disjoint_ones():
    rng = torch.Generator().manual_seed(1)
    box = RING.plot_range
    a = RING.sample(2500, rng).numpy()
    b = RING.sample(2500, rng).numpy()
    assert binned_js(a, b, box) < 0.02
    assert binned_js(a, a + 10.0, box) == pytest.approx(math.log(2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y\n1,2\nfoo,3\n", "row 2 should be two numbers"),
        ("1,2,3\n" * 20, "row 1 should be two numbers"),
        ("1,2\n" * 5, "at least 10 points"),
        ("1,2\n" * 20 + "nan,1\n", "finite"),
        ("1,2\n" * 20, "all the points are the same"),
        ("1,2\n" * (MAX_POINTS + 1), "at most 100,000 points"),
    ],
)
def test_malformed_csv_files_are_refused_with_a_reason(text, message):
    with pytest.raises(DataError, match=message):
        parse_points_csv(text.encode())


def test_binary_and_huge_files_are_refused():
    with pytest.raises(DataError, match="not a text CSV"):
        parse_points_csv(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(DataError, match="larger than 5 MB"):
        parse_points_csv(b"1,2\n" * 1_300_000)


def test_a_good_csv_with_a_header_is_read():
    text = "x,y\n" + "".join(f"{i},{i * i}\n" for i in range(12))
    points = parse_points_csv(text.encode())
    assert points.shape == (12, 2) and points[3].tolist() == [3.0, 9.0]


def test_a_drawing_becomes_points_where_it_was_painted():
    with pytest.raises(DataError, match="nothing was drawn"):
        points_from_drawing(np.zeros((100, 100, 4), dtype=np.uint8))  # transparent
    canvas = np.full((100, 100, 4), 255, dtype=np.uint8)  # an opaque white canvas
    with pytest.raises(DataError, match="nothing was drawn"):
        points_from_drawing(canvas)
    canvas[10:20, 80:90, :3] = 0  # a black stroke at the top right
    points = points_from_drawing(canvas)
    assert len(points) == 100
    assert np.all(points[:, 0] > 1.1) and np.all(points[:, 1] > 1.1)
