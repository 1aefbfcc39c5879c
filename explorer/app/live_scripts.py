"""The page's side of the live figure and the live image (live_figure.py): their HTML
templates, CSS and scripts, run by gr.HTML in the browser (`element`, `server` and `props` are
Gradio's). No Python logic here: strings only."""

TEMPLATE = """
<div class="live-figure">
  <div class="live-plot" style="height: ${height}px"></div>
  <canvas class="live-layer"></canvas>
  <div class="live-iteration" aria-live="off"></div>
</div>
"""

CSS = """
.live-figure { position: relative; width: 100%; }
.live-layer { position: absolute; left: 0; top: 0; pointer-events: none; }
.live-iteration { position: absolute; right: 8px; bottom: 2px; font-size: 11px; color: #666; }
"""

# asking the server for a frame, shared by the live figure and the live image: `version` is
# what the page shows, `server_ms` and `worker_ms` what the answer cost there (for benchmarks)
ASK = r"""
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let version = null;
let lastAsked = 0;
// a page whose run stands still asks less and less often (every 150 ms at first, at most every
// second after a few quiet seconds), and at once again on any click or key on the page: the
// button that starts or steps the run, a remedy switched, a setting changed
let wake = null;
let quietSince = performance.now();
// after a Pause the figure holds its final frame until the page has said "paused" (HOLD_MS, or
// the next click or key), then lays it out again as a still figure (`settling`)
const HOLD_MS = 600;
let holdUntil = 0;
let settling = false;
const nudge = () => { quietSince = performance.now(); holdUntil = 0; if (wake) wake(); };
for (const type of ['pointerdown', 'keydown', 'change']) document.addEventListener(type, nudge, {capture: true, passive: true});
function rest() {
  const ms = Math.min(1000, Math.max(150, (performance.now() - quietSince) / 4));
  return new Promise((resolve) => {
    const timer = setTimeout(() => { wake = null; resolve(); }, ms);
    wake = () => { clearTimeout(timer); wake = null; resolve(); };
  });
}

// Pause, pressed on the page, first pauses the run from here (`onPause`'s pause, called by the button's
// js before its handler runs) and draws the final frame: no frame asked before it is drawn after
// it (each frame keeps the `epoch` it was asked in), so once the page says "paused" the figure
// is final. `drawing` is the frame being drawn, which the final one waits for.
let epoch = 0;
let pausing = false;
let drawing = Promise.resolve();
const current = (frame) => frame && frame.epoch === epoch && !pausing;
// `drawFinal(frame)`: how this element draws the final frame (a promise; nothing to draw: null)
function onPause(drawFinal) {
  window.ganLive = window.ganLive || {};
  window.ganLive[props.figure_id] = {pause: async () => {
    const token = props.value;
    if (!token) return;
    epoch += 1;
    pausing = true;
    try {
      // the run pauses while the frame in hand is drawn; the final frame is drawn after it
      const started = performance.now();
      const answer = server.pause({token: token, version: version});
      await drawing;
      const frame = await answer;
      const answered = performance.now();
      const drawn = frame ? drawFinal(frame) : null;
      if (drawn) { drawing = drawn; await drawing; }
      // for benchmarks: the final frame's wait (ask and the frame in hand) and its drawing
      element.dataset.pauseAskMs = (answered - started).toFixed(1);
      element.dataset.pauseDrawMs = (performance.now() - answered).toFixed(1);
      if (frame) element.dataset.pauseServerMs = `${frame.server_ms}/${frame.worker_ms}`;
    } catch (error) {
      /* the page's Pause handler still runs and says what happened */
    } finally {
      epoch += 1;
      pausing = false;
      nudge();
      holdUntil = performance.now() + HOLD_MS;
    }
  }};
}

async function ask(token) {
  const asked = lastAsked = performance.now();
  const askedIn = epoch;
  try {
    const frame = await server.frame({token: token, version: version});
    if (frame) frame.epoch = askedIn;
    element.dataset.askMs = (performance.now() - asked).toFixed(1);
    if (frame && frame.server_ms !== undefined) element.dataset.serverMs = String(frame.server_ms);
    if (frame && frame.worker_ms !== undefined) element.dataset.workerMs = String(frame.worker_ms);
    return frame;
  } catch (error) {
    return null;
  }
}
"""

# `element`, `server` and `props` are given by gr.HTML (Gradio's custom HTML components).
# While the run trains, Plotly keeps what moves slowly or not at all (axes, legend, heatmap,
# data) and the traces that move with every update (`frame.moving`) are drawn on a canvas over
# it, in the same axes: a canvas draws them in a millisecond where Plotly's SVG needs tens, so the
# page keeps up with training and leaves the cores to it. Paused, the whole figure is Plotly's
# again, with its hover and zoom.
SCRIPT = ASK + r"""
const painted = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
const config = {displayModeBar: false, responsive: true};
const DASHES = {dot: [2, 3], dash: [6, 4], dashdot: [6, 3, 2, 3], longdash: [10, 5], longdashdot: [10, 4, 2, 4]};
let layout = null;
let full = [];            // every trace as last sent, complete
let shown = [];           // what Plotly was last given
let stubs = [];            // each moving trace's stand-in in Plotly (its legend entry), by index

function stub(trace, index) {
  // the same object from frame to frame, so that Plotly sees nothing to redraw; one point
  // with no y keeps the trace, and so its legend entry, without drawing anything
  if (!stubs[index]) {
    stubs[index] = Object.assign({}, trace, {x: [trace.x && trace.x.length ? trace.x[0] : 0], y: [null],
                                             customdata: undefined, hovertemplate: undefined});
  }
  return stubs[index];
}

function axis(plot, name, letter) {
  const key = name && name !== letter ? letter + 'axis' + name.slice(1) : letter + 'axis';
  return plot._fullLayout[key];
}

function paint(plot, canvas, traces, moving) {
  const width = plot.clientWidth, height = plot.clientHeight, ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
    canvas.style.width = width + 'px'; canvas.style.height = height + 'px';
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!plot._fullLayout) return;
  for (const index of moving) {
    const t = traces[index];
    if (!t || t.visible === false || t.visible === 'legendonly' || !t.x) continue;
    const xa = axis(plot, t.xaxis, 'x'), ya = axis(plot, t.yaxis, 'y');
    if (!xa || !ya || !xa.c2p || !ya.c2p) continue;
    // c2p: data to pixels, a log axis included (l2p alone takes the log already taken)
    const px = (v) => xa._offset + xa.c2p(v), py = (v) => ya._offset + ya.c2p(v);
    ctx.save();
    ctx.beginPath(); ctx.rect(xa._offset, ya._offset, xa._length, ya._length); ctx.clip();
    ctx.globalAlpha = t.opacity === undefined ? 1 : t.opacity;
    const mode = t.mode || 'lines';
    const line = t.line || {};
    if (mode.includes('lines')) {
      ctx.strokeStyle = line.color || '#444'; ctx.lineWidth = line.width === undefined ? 2 : line.width;
      ctx.setLineDash(DASHES[line.dash] || []);
      ctx.beginPath();
      let open = false;
      for (let i = 0; i < t.x.length; i++) {
        const x = t.x[i], y = t.y[i];
        if (x === null || y === null || Number.isNaN(x) || Number.isNaN(y)) { open = false; continue; }
        if (open) ctx.lineTo(px(x), py(y)); else { ctx.moveTo(px(x), py(y)); open = true; }
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const marker = t.marker || {};
    if (mode.includes('markers')) {
      const symbols = Array.isArray(marker.symbol) ? marker.symbol : null;
      const sizes = Array.isArray(marker.size) ? marker.size : null;
      ctx.fillStyle = marker.color || line.color || '#444';
      if (marker.opacity !== undefined) ctx.globalAlpha *= marker.opacity;
      for (let i = 0; i < t.x.length; i++) {
        const x = t.x[i], y = t.y[i];
        if (x === null || y === null || Number.isNaN(x) || Number.isNaN(y)) continue;
        const size = sizes ? sizes[i] : (marker.size === undefined ? 6 : marker.size);
        if (!size) continue;
        const cx = px(x), cy = py(y);
        if (symbols && symbols[i] === 'arrow' && i > 0 && t.x[i - 1] !== null) {
          // an arrowhead pointing along the segment from the previous point
          const angle = Math.atan2(cy - py(t.y[i - 1]), cx - px(t.x[i - 1]));
          ctx.save(); ctx.translate(cx, cy); ctx.rotate(angle);
          ctx.beginPath(); ctx.moveTo(0, 0); ctx.lineTo(-size, -size / 2.4); ctx.lineTo(-size, size / 2.4);
          ctx.closePath(); ctx.fill(); ctx.restore();
        } else {
          ctx.beginPath(); ctx.arc(cx, cy, size / 2, 0, 2 * Math.PI); ctx.fill();
        }
      }
    }
    ctx.restore();
  }
}

// a click in the first subplot sets two number boxes to its x and y and presses a button
// (props.click_sets: their elem_ids), as if typed and pressed
function hookClicks(plot) {
  const [xId, yId, buttonId] = JSON.parse(props.click_sets);
  plot.clickSets = true;
  plot.on('plotly_click', (event) => {
    const point = event.points && event.points[0];
    if (!point || (point.xaxis && point.xaxis._id !== 'x')) return;
    for (const [id, value] of [[xId, point.x], [yId, point.y]]) {
      const box = document.querySelector(`#${id} input`);
      if (!box) return;
      box.value = String(Math.round(value * 100) / 100);
      box.dispatchEvent(new Event('input', {bubbles: true}));
      box.dispatchEvent(new Event('change', {bubbles: true}));
    }
    setTimeout(() => { const button = document.getElementById(buttonId); if (button) button.click(); }, 50);
  });
}

// a figure with an aspect (props.aspect: height / width) is as tall as its width asks, up to its
// height: square plots in a narrow column (side by side at 800 px) leave no bands above and below
function fitted() {
  const aspect = Number(props.aspect || 0);
  if (!aspect || !element.clientWidth) return null;
  return Math.round(Math.min(Number(props.height), Math.max(280, element.clientWidth * aspect)));
}
function fitHeight(plot) {
  const height = fitted();
  if (height === null) return false;
  plot.style.height = height + 'px';
  if (!layout || layout.height === height) return false;
  layout = Object.assign({}, layout, {height: height});   // a new object: Plotly.react sees the change
  return true;
}

// `final`: the final frame of a Pause, drawn as the frames before it (its moving traces on the
// canvas); the next frame drawn is then the same one laid out as a still figure, which is not
// counted in `frames` (the frames that showed something new) when it shows the same iteration
async function draw(frame, plot, final = false) {
  const started = performance.now();
  if (frame.layout) { layout = JSON.parse(frame.layout); stubs = []; }
  fitHeight(plot);
  const sent = JSON.parse(frame.data);
  // null: the trace the page has already, kept as the same object (Plotly skips its work)
  full = sent.map((trace, i) => (trace === null && full[i] ? full[i] : trace));
  const moving = frame.playing || final ? (frame.moving || []) : [];
  const still = new Set(moving);
  const given = full.map((trace, i) => (still.has(i) ? stub(trace, i) : trace));
  const canvas = element.querySelector('.live-layer');
  const same = !frame.layout && given.length === shown.length && given.every((t, i) => t === shown[i]);
  const title = plot.querySelector('.gtitle');
  if (same && plot._fullLayout && title) {
    title.textContent = frame.title;  // the title alone: no need to wake Plotly
  } else {
    if (frame.title !== undefined && layout) layout.title = Object.assign({}, layout.title, {text: frame.title});
    await window.Plotly.react(plot, given, layout, config);
    shown = given;
    if (props.click_sets && !plot.clickSets) hookClicks(plot);
  }
  if (canvas) paint(plot, canvas, full, moving);
  version = frame.version;
  const label = element.querySelector('.live-iteration');
  const redrawn = settling && !final && label && label.textContent === (frame.label || '');
  settling = final;
  if (label) label.textContent = frame.label || '';
  if (!redrawn) element.dataset.frames = String(Number(element.dataset.frames || 0) + 1);
  await painted();
  element.dataset.drawMs = (performance.now() - started).toFixed(1);
}
// the figure follows its column's width (Plotly's own "responsive" follows only the window:
// a column that narrows when the side-by-side pane appears would leave the plot overflowing)
new ResizeObserver(() => {
  const plot = element.querySelector('.live-plot');
  if (!plot || !plot._fullLayout || !window.Plotly) return;
  if (fitHeight(plot)) window.Plotly.relayout(plot, {height: layout.height}).then(() => paint(plot, element.querySelector('.live-layer'), full, []));
  else window.Plotly.Plots.resize(plot);
}).observe(element);

async function run() {
  while (!window.Plotly) await sleep(50);
  let next = null;  // the frame asked for while the last one was drawn: at most one in flight
  while (element.isConnected) {
    // the page's key to its run comes with the page's first answer (props.value)
    const token = props.value;
    const plot = element.querySelector('.live-plot');
    if (!token || !plot || document.hidden || plot.offsetParent === null) { next = null; await sleep(300); continue; }
    if (performance.now() < holdUntil) { next = null; await sleep(Math.min(50, holdUntil - performance.now())); continue; }
    if (!plot._fullLayout) version = null;  // a new plot element: lay it out again
    const frame = await (next || ask(token));
    next = null;
    if (pausing) { await sleep(20); continue; }
    if (!frame) { await sleep(1000); continue; }
    if (!current(frame)) continue;  // asked before a Pause: the final frame has replaced it
    if (frame.data) {
      quietSince = performance.now();
      // while this frame is drawn, the next is made, no sooner than the server asks
      // (`wait_ms`: frames beyond what the eye needs would only take cores from training)
      if (frame.playing) {
        const wait = Math.max(0, lastAsked + (frame.wait_ms || 0) - performance.now());
        next = sleep(wait).then(() => ask(token)).then((answer) => answer, () => null);
      }
      const sent = version;
      drawing = draw(frame, plot);
      await drawing;
      if (next && sent !== version) {
        // the next frame was asked for with the version before this one: ask again if stale
        next = next.then((answer) => (answer && answer.version === version ? {playing: answer.playing, epoch: answer.epoch} : answer));
      }
    } else if (frame.playing) {
      await sleep(Math.max(150, frame.wait_ms || 0));
    } else {
      await rest();
    }
  }
}
onPause((frame) => {
  const plot = element.querySelector('.live-plot');
  return frame.data && plot && plot.offsetParent !== null && window.Plotly ? draw(frame, plot, true) : null;
});
run();
"""


IMAGE_TEMPLATE = """
<div class="live-figure">
  <img class="live-img" alt="${alt}" style="height: ${height}px; image-rendering: pixelated;">
  <div class="live-iteration" aria-live="off"></div>
</div>
"""

# a live image: the page asks for the next picture once it has shown the last, and waits what
# the server says (`wait_ms`) before asking again, so the pictures cost the run little
IMAGE_SCRIPT = ASK + r"""
async function run() {
  while (element.isConnected) {
    const token = props.value;
    const img = element.querySelector('.live-img');
    if (!token || !img || document.hidden || img.offsetParent === null) { await sleep(300); continue; }
    const frame = await ask(token);
    if (pausing) { await sleep(20); continue; }
    if (!frame) { await sleep(1000); continue; }
    if (!current(frame)) continue;
    if (frame.png) {
      drawing = show(frame, img);
      await drawing;
      quietSince = performance.now();
    }
    if (frame.png || frame.playing) await sleep(frame.wait_ms || 150); else await rest();
  }
}
async function show(frame, img) {
  img.src = 'data:image/png;base64,' + frame.png;
  try { await img.decode(); } catch (error) { /* a broken picture: the next one replaces it */ }
  version = frame.version;
  const label = element.querySelector('.live-iteration');
  if (label) label.textContent = frame.label || '';
  element.dataset.frames = String(Number(element.dataset.frames || 0) + 1);
}
onPause((frame) => {
  const img = element.querySelector('.live-img');
  return frame.png && img ? show(frame, img) : null;
});
run();
"""

# The 1-D tab's panels (a)-(d) (a 2 x 2 grid of subplots in one Plotly figure): a click on a
# panel chooses it in the "show in the figure" radio (its choices: live, then (a)-(d)), which
# fills the main figure with it. Run once when the page loads.
PANEL_CLICKS = r"""
() => {
  document.addEventListener('click', (event) => {
    const plot = event.target.closest && event.target.closest('#toy1d-panels .js-plotly-plot');
    if (!plot || !plot._fullLayout) return;
    const box = plot.getBoundingClientRect();
    const x = event.clientX - box.left, y = event.clientY - box.top;
    for (let i = 0; i < 4; i++) {
      const suffix = i ? String(i + 1) : '';
      const across = plot._fullLayout['xaxis' + suffix], down = plot._fullLayout['yaxis' + suffix];
      const drawn = (plot.data || []).some((trace) => (trace.xaxis || 'x') === 'x' + suffix);
      if (!across || !down || !drawn) continue;
      if (x >= across._offset && x <= across._offset + across._length && y >= down._offset && y <= down._offset + down._length) {
        const choice = document.querySelectorAll('#toy1d-view input[type=radio]')[i + 1];
        if (choice && !choice.checked) choice.click();
        return;
      }
    }
  }, true);
}
"""
