"""The notebook API and its example: `examples/quickstart.ipynb` runs headless in a real kernel,
its figure is the app's for the same preset, seed and iterations, and the API's bad input gets
a clear message."""

import re
from pathlib import Path

import imageio.v3 as iio
import nbclient
import nbformat
import numpy as np
import pytest

from explorer.app.engine import LiveEngine, WorkerPool
from explorer.app.live_toy1d import controls_from_config
from explorer.core.plotly_schema import decoded
from explorer.notebook import ToyExperiment
from explorer.toy.presets import PRESETS_1D

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart.ipynb"
ITERATIONS = 300  # as the example trains


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(EXAMPLE, as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    return notebook, folder


def _plotly_outputs(notebook) -> list[dict]:
    return [decoded(output["data"]["application/vnd.plotly.v1+json"])
            for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
            if "application/vnd.plotly.v1+json" in output.get("data", {})]


def _trace(figure: dict, starts: str) -> np.ndarray:
    trace = next(t for t in figure["data"] if str(t.get("name", "")).startswith(starts))
    return np.asarray(trace["y"], dtype=float)


@pytest.mark.slow
def test_the_example_notebook_runs_and_writes_its_animation(executed):
    notebook, folder = executed
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = _plotly_outputs(notebook)
    assert len(figures) == 3  # Figure 1, its measurements, the twins side by side
    assert f"iteration {ITERATIONS}" in figures[0]["layout"]["title"]["text"]
    twins = {t.get("xaxis") for t in figures[2]["data"]}
    assert twins == {"x", "x2"}  # two panes: plain and minibatch discrimination
    frames = iio.imread(folder / "fig1.gif", index=None)
    assert frames.shape[0] == ITERATIONS // 25 + 1 and frames.shape[2] == 800  # a snapshot every 25 iterations


@pytest.mark.slow
def test_the_notebooks_figure_is_the_apps_for_the_same_seed(executed):
    notebook, _ = executed
    in_notebook = _plotly_outputs(notebook)[0]
    pool = WorkerPool(1, in_process=True)
    try:
        engine = LiveEngine(pool, "toy1d")
        request = {"preset": "goodfellow-fig1", "values": controls_from_config(PRESETS_1D["goodfellow-fig1"].config)}
        engine.call("reset", request)
        for _ in range(ITERATIONS):
            engine.call("step", request)  # Step D+G: one iteration, as the notebook's train does
        in_app = engine.call("export", {"what": "now"})["figures"][0]
    finally:
        pool.close()
    for name in ("p_g(x)", "D(x)", "D*(x)", "p_data(x)"):
        assert np.allclose(_trace(in_notebook, name), _trace(in_app, name), atol=1e-6, equal_nan=True), name
    # the same title, but for the phase a manual Step names ("(after 3 D update(s) and 1 G update)")
    titles = [re.sub(r" \(after .*? update\)", "", f["layout"]["title"]["text"]) for f in (in_notebook, in_app)]
    assert titles[0] == titles[1] and "JS(p_data‖p_g)" in titles[0]


def test_the_api_trains_by_iterations_or_seconds_and_refuses_both_or_neither(tmp_path):
    run = ToyExperiment.from_preset("goodfellow-fig1", seed=1, steps=50)
    assert run.train(iterations=10).iteration == 10
    started = run.iteration
    run.train(seconds=0.3)
    assert run.iteration > started
    with pytest.raises(ValueError, match="either iterations or seconds"):
        run.train()
    with pytest.raises(ValueError, match="either iterations or seconds"):
        run.train(iterations=1, seconds=1)
    assert run.panels_figure().layout.title.text.startswith("The paper's panels")
    assert run.save_image(tmp_path / "now.svg").read_text().count("<svg") == 1
    with pytest.raises(ValueError, match="ring-collapse|preset"):
        ToyExperiment.from_preset("no-such-preset")
    with pytest.raises(ValueError, match="1-D runs"):
        ToyExperiment.from_preset("ring-collapse", steps=10).panels_figure()
