"""A live figure: a Plotly figure that the page redraws itself, as fast as it can draw.

The page lays the figure out once (its layout comes with the first frame) and then asks the
server for the next frame as soon as it has drawn the last (`server.frame`, a direct call that
skips Gradio's event queue), so a slow browser never builds a backlog and a fast one gets as
many frames as the run produces. A frame carries only the traces' data and the title; the
server answers "no change" at once when the run has not moved, and the page then waits a
little before asking again. The iteration shown is also text in the figure's element
(`.live-iteration`), for tests and for screen readers. Plotly.js comes from the installed plotly
package, served by this app: the page loads nothing from outside.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import gradio as gr
import plotly

from .engine import LiveEngine, WorkerLost, WorkerPool
from .live_scripts import CSS, IMAGE_SCRIPT, IMAGE_TEMPLATE, SCRIPT, TEMPLATE

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

def figure_server(pool: WorkerPool, pane: str = "main") -> list[Callable[[dict], dict]]:
    """A live figure's server functions, which find the page's engine by the page's key:
    `frame` asks its worker for the frame of `pane`; `pause` pauses the run (ahead of the page's
    other commands) and answers the final frame of `pane`, whatever the pacing, which the page
    draws before its Pause handler says "paused". `server_ms`: the time an answer took here."""

    def answered(data: object, ask: Callable[[LiveEngine, dict], dict]) -> dict:
        started = time.perf_counter()
        data = data if isinstance(data, dict) else {}
        engine = pool.engine_of(data.get("token"))
        if engine is None:
            return {"playing": False}
        try:
            answer = ask(engine, data)
        except (WorkerLost, RuntimeError):
            return {"playing": False}
        answer["server_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return answer

    def frame(data: dict) -> dict:
        return answered(data, lambda engine, data: engine.frame(pane, data.get("version")))

    def pause(data: dict) -> dict:
        return answered(data, lambda engine, data: engine.pause_frame(pane, data.get("version")))

    return [frame, pause]


def pause_first(*figure_ids: str) -> str:
    """The js of a Pause button: each live figure named pauses the run and draws its final frame
    before the button's handler runs (at most 2 s), so that once the status says "paused", no
    frame is drawn after it (`window.ganPausedAt`: when they were, for benchmarks). The
    handler's inputs pass through unchanged."""
    ids = json.dumps(list(figure_ids))
    return ("async (...args) => { const live = window.ganLive || {}; window.ganPausing = Promise.race(["
            f"Promise.all({ids}.map((id) => (live[id] ? live[id].pause() : null))), "
            "new Promise((resolve) => setTimeout(resolve, 2000))]); await window.ganPausing;"
            " window.ganPausedAt = performance.now(); return args; }")


def after_pause() -> str:
    """The js of a status timer's tick: a tick that fires while a Pause is drawing its final
    frames waits for them (else its status, "paused", could come first). A tick already on its
    way when Pause is pressed is cancelled by the Pause (`cancels`)."""
    return "async (...args) => { if (window.ganPausing) await window.ganPausing; return args; }"


def serve_plotly() -> None:
    """Let the app serve the installed plotly.js (call before the app launches)."""
    gr.set_static_paths([str(PLOTLY_JS.parent)])


def live_figure(elem_id: str, functions: list[Callable[[dict], dict]], height: int = 600,
                click_sets: tuple[str, str, str] | None = None, aspect: float | None = None) -> gr.HTML:
    """The live figure; `functions` (figure_server's): `frame({'token', 'version'})` answers the page's frame requests with
    {'version', 'data', 'layout' (when the page has none or an old one), 'title', 'label',
    'playing'}, or {'playing'} alone when nothing changed. Its value is the page's token, an
    unguessable key to the page's run, which a handler sets when the page loads (the frame
    requests skip Gradio's queue, so they carry no session of their own); `pause` as
    figure_server says, called by a Pause button's js (pause_first). `click_sets`: (the elem_id
    of a number box, of another, of a button): a click in the first subplot puts its x and y
    into the boxes and presses the button (the Dirac GAN's start). `aspect`: the figure is as
    tall as its width times this, up to `height` (a square plot in a narrow column)."""
    serve_plotly()
    return gr.HTML(
        value="",
        html_template=TEMPLATE,
        css_template=CSS,
        js_on_load=SCRIPT,
        head=f'<script src="/gradio_api/file={PLOTLY_JS}"></script>',
        server_functions=functions,
        elem_id=elem_id,
        figure_id=elem_id,
        click_sets=json.dumps(list(click_sets)) if click_sets else "",
        height=height,
        aspect=aspect or "",
        padding=False,
    )


def live_image(elem_id: str, functions: list[Callable[[dict], dict]], height: int = 330, alt: str = "") -> gr.HTML:
    """A live picture: `frame({'token', 'version'})` answers with {'version', 'png' (base64),
    'label', 'playing', 'wait_ms'}, or without 'png' when nothing changed; its value is the
    page's token, and `pause` pauses, as for `live_figure`."""
    return gr.HTML(value="", html_template=IMAGE_TEMPLATE, css_template=CSS, js_on_load=IMAGE_SCRIPT,
                   server_functions=functions, elem_id=elem_id, figure_id=elem_id, height=height, alt=alt,
                   padding=False)
