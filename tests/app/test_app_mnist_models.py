"""The MNIST tab's models, without a browser, the run in a worker: the pretrained generators that
ship with the project, the digit buttons of the conditional GAN, InfoGAN's codes, the traversal
grid, and Play after a pretrained model."""

import base64
import io
import time

import gradio as gr
import numpy as np
import pytest
from app_helpers import iteration_of, tab_of
from PIL import Image

from explorer.app import tab_mnist
from explorer.app.tab_mnist import MnistEngine
from explorer.mnist.classifier import classify, load_classifier
from explorer.mnist.codes import MODELS
from explorer.mnist.data import to_model_range
from explorer.mnist.pretrained import load_pretrained, pretrained_path

STATUS, CODES, C10 = 1, 6, 7
SMALL = [1, 32, 8, 8, 2e-4, 2e-4, 0, "cpu", False]


def _grid(engine) -> np.ndarray:
    frame = engine.call("live", {"version": None})
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(frame["png"]))))


def _digits_of(grid: np.ndarray, columns: int) -> np.ndarray:
    """The classifier's digit for each tile of a sample grid (2-pixel gaps, enlarged twice)."""
    tiles = []
    for row in range(grid.shape[0] // 60):
        for col in range(columns):
            y, x = 2 * (2 + row * 30), 2 * (2 + col * 30)
            tiles.append(grid[y:y + 56:2, x:x + 56:2])
    probs, _ = classify(load_classifier(), to_model_range(np.stack(tiles)))
    return probs.argmax(1)


@pytest.mark.parametrize("model", MODELS)
def test_each_pretrained_generator_ships_small_and_loads(model):
    config, weights = load_pretrained(model)
    assert config.model == model
    assert pretrained_path(model).stat().st_size < 1.5e6


def test_the_tab_opens_with_the_pretrained_model_and_play_trains_a_new_one(pool):
    engine = MnistEngine(pool)
    out = tab_mnist.on_tab_selected(engine, "dcgan")
    assert "Pretrained DCGAN" in out[STATUS] and "budget" not in out[STATUS]
    assert engine.call("live", {"version": None})["label"].endswith("(pretrained)")
    # a second visit keeps the run
    again = tab_mnist.on_tab_selected(engine, "dcgan")
    assert again[STATUS] is not None and tab_of(engine).pretrained
    out = tab_mnist.on_play(engine, "embedded", "", *SMALL, "dcgan")
    assert "training" in out[STATUS] and "/ 156" in out[STATUS]   # a new run of the settings: 1 epoch
    deadline = time.time() + 60
    while iteration_of(tab_mnist.on_tick(engine)[STATUS]) < 3 and time.time() < deadline:
        time.sleep(0.2)
    tab_mnist.on_pause(engine)
    assert not tab_of(engine).pretrained and 3 <= tab_of(engine).run.iteration < tab_of(engine).run.budget


def test_the_digit_buttons_set_the_digit_of_the_whole_grid(pool):
    """The pretrained conditional GAN: every column of the grid is the digit asked for; a button
    makes the whole grid one digit, the same z drawing a 3 and then a 7."""
    engine = MnistEngine(pool)
    out = tab_mnist.on_pretrained(engine, "conditional")
    assert out[CODES]["visible"] and out[C10]["visible"] is False
    columns = _digits_of(_grid(engine), 10)
    assert (columns == np.tile(np.arange(10), len(columns) // 10)).mean() >= 0.9
    for digit in (3, 7):
        _, _, note = tab_mnist.on_codes(engine, str(digit), 0, 0, 1, *[0.0] * tab_mnist.SLIDERS)
        assert f"Digit: {digit}" in note
        assert (_digits_of(_grid(engine), 10) == digit).mean() >= 0.9


def test_infogan_codes_and_their_traversal(pool):
    engine = MnistEngine(pool)
    out = tab_mnist.on_pretrained(engine, "infogan")
    assert out[CODES]["visible"] and out[C10]["visible"]
    labels = [label for label, _ in out[CODES]["choices"][1:]]
    assert len(labels) == 10 and all(label.startswith(f"c{i}: a ") for i, label in enumerate(labels))
    before = _grid(engine)
    tab_mnist.on_codes(engine, "all", 2.0, -2.0, 1, *[0.0] * tab_mnist.SLIDERS)
    assert not np.array_equal(before, _grid(engine))
    picture, note = tab_mnist.on_traversal(engine, 0, 5)
    assert picture.shape[0] == 3 * (9 * 30 + 2) and picture.shape[1] == 3 * (10 * 30 + 2)
    assert "c10 = -2.0" in note and "+2.0" in note
    picture, note = tab_mnist.on_traversal(engine, -1, 5)
    assert picture.shape[0] == 3 * (10 * 30 + 2) and "c0: a " in note


class _Request:
    def __init__(self, query: str):
        self.query_params = query


def test_a_link_opens_the_tab_with_its_model_settings_and_pretrained_generator(pool):
    values = SMALL[:1] + [64] + SMALL[2:] + ["infogan"]
    link = tab_mnist.on_link(_Request(""), *values)["value"]
    query = link.split("?", 1)[1]
    assert query.startswith("tab=mnist&model=infogan") and "batch_size=64" in query and "device=cpu" in query
    engine = MnistEngine(pool)
    defaults = SMALL + ["dcgan"]
    out = tab_mnist.on_linked_visit(_Request(query), engine, *defaults)
    opened = list(out[tab_mnist.RENDERED:])
    assert opened == values
    assert tab_of(engine).run.config.model == "infogan"  # the link's model, pretrained, ready
    assert "refused" not in out[STATUS]
    # a link may set only the tab's own settings (never a folder on the server)
    out = tab_mnist.on_linked_visit(_Request("tab=mnist&data_dir=/etc"), MnistEngine(pool), *defaults)
    assert "link's settings were refused" in out[STATUS] and "`data_dir`" in out[STATUS]
    assert list(out[tab_mnist.RENDERED:]) == defaults
    # another tab's link changes nothing here
    out = tab_mnist.on_linked_visit(_Request("preset=ring-collapse"), MnistEngine(pool), *defaults)
    assert all(value == gr.skip() for value in out)
