"""Mode collapse, and its remedy, in a real seeded training run on a small budget.

The ring preset's plain GAN and its twin with minibatch discrimination (same seed, same data and
noise batches, only the switch differs) are trained in lockstep; the plain one must collapse
and the twin must not. Seed 0 is the tests' own; the preset's claims over 10 other
seeds are measured by bench/mode_collapse.py.
"""

import pytest
import torch

from explorer.toy.presets import preset_config
from explorer.toy.run import TwinRun

BUDGET = 1200  # iterations: the learning rates decay over this budget


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_the_plain_gan_collapses_on_the_ring_and_minibatch_discrimination_does_not(seed):
    torch.set_num_threads(1)
    plain = preset_config("ring-collapse").replace(seed=seed, steps=BUDGET)
    twin = TwinRun(plain, plain.replace(minibatch_discrimination=True))
    twin.advance(BUDGET)
    collapsed, remedied = twin.left.current(), twin.right.current()
    assert collapsed.modes_covered <= 2, collapsed.measurements()
    assert remedied.modes_covered >= 7, remedied.measurements()
    # on this short budget the twin is still sharpening (42 % high quality on seed 0 at 1,200
    # iterations; 92 % at the preset's 2,500), the plain GAN has next to none
    assert remedied.high_quality >= 0.3 > 0.1 >= collapsed.high_quality, (remedied.measurements(),
                                                                          collapsed.measurements())
    # log 8 = 2.08 when all sit in one mode, log 4 = 1.39 at best with two; the twin spreads over
    # all eight, unevenly this early (0.84 on seed 0 with the packages of December 2026)
    assert remedied.mode_kl < 1.2 < collapsed.mode_kl
