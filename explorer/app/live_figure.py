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

from collections.abc import Callable
from pathlib import Path

import gradio as gr
import plotly

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

TEMPLATE = """
<div class="live-figure">
  <div class="live-plot" style="height: ${height}px"></div>
  <div class="live-iteration" aria-live="off"></div>
</div>
"""

CSS = """
.live-figure { position: relative; width: 100%; }
.live-iteration { position: absolute; right: 8px; bottom: 2px; font-size: 11px; color: #666; }
"""

# `element`, `server` and `props` are given by gr.HTML (Gradio's custom HTML components)
SCRIPT = """
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const painted = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
let version = null;
let layout = null;
const config = {displayModeBar: false, responsive: true};

async function ask(token) {
  const asked = performance.now();
  try {
    const frame = await server.frame({token: token, version: version});
    element.dataset.askMs = (performance.now() - asked).toFixed(1);
    return frame;
  } catch (error) {
    return null;
  }
}

async function draw(frame, plot) {
  if (frame.layout) layout = JSON.parse(frame.layout);
  if (frame.title !== undefined && layout) layout.title = Object.assign({}, layout.title, {text: frame.title});
  const started = performance.now();
  await window.Plotly.react(plot, JSON.parse(frame.data), layout, config);
  version = frame.version;
  const label = element.querySelector('.live-iteration');
  if (label) label.textContent = frame.label || '';
  element.dataset.frames = String(Number(element.dataset.frames || 0) + 1);
  await painted();
  element.dataset.drawMs = (performance.now() - started).toFixed(1);
}

async function run() {
  while (!window.Plotly) await sleep(50);
  let next = null;  // the frame asked for while the last one was drawn: at most one in flight
  while (element.isConnected) {
    // the page's key to its run comes with the page's first answer (props.value)
    const token = props.value;
    const plot = element.querySelector('.live-plot');
    if (!token || !plot || document.hidden || plot.offsetParent === null) { next = null; await sleep(300); continue; }
    if (!plot._fullLayout) version = null;  // a new plot element: lay it out again
    const frame = await (next || ask(token));
    next = null;
    if (!frame) { await sleep(1000); continue; }
    if (frame.data) {
      // while this frame is drawn, the next is made: the page draws as often as it can
      if (frame.playing) next = ask(token).then((answer) => answer, () => null);
      const sent = version;
      await draw(frame, plot);
      if (next && sent !== version) {
        // the next frame was asked for with the version before this one: ask again if stale
        next = next.then((answer) => (answer && answer.version === version ? {playing: answer.playing} : answer));
      }
    } else {
      await sleep(150);
    }
  }
}
run();
"""


def serve_plotly() -> None:
    """Let the app serve the installed plotly.js (call before the app launches)."""
    gr.set_static_paths([str(PLOTLY_JS.parent)])


def live_figure(elem_id: str, frame: Callable[..., dict], height: int = 600) -> gr.HTML:
    """The live figure; `frame({'token', 'version'})` answers the page's frame requests with
    {'version', 'data', 'layout' (when the page has none or an old one), 'title', 'label',
    'playing'}, or {'playing'} alone when nothing changed. Its value is the page's token, an
    unguessable key to the page's run, which a handler sets when the page loads (the frame
    requests skip Gradio's queue, so they carry no session of their own)."""
    serve_plotly()
    return gr.HTML(
        value="",
        html_template=TEMPLATE,
        css_template=CSS,
        js_on_load=SCRIPT,
        head=f'<script src="/gradio_api/file={PLOTLY_JS}"></script>',
        server_functions=[frame],
        elem_id=elem_id,
        height=height,
        padding=False,
    )
