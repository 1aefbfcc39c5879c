"""Benchmark of the live tabs: training iterations per second and figure updates per second.

    python bench/bench_live.py [--seconds 10] [--preset goodfellow-fig1]
    python bench/bench_live.py --preset ring-collapse --remedy minibatch-discrimination [--side-by-side]

The preset picks the tab (1-D or 2-D).
Measures, in one run on this machine:
  1. headless training: iterations per second of the trainer alone (no snapshots), and of a
     ToyRun that records a snapshot every config.snapshot_every iterations, as the CLI does;
  2. drawing: milliseconds to take a snapshot, build the Plotly figure and serialise it;
  3. live: the app in headless Chromium, Play pressed for --seconds: figure redraws per second
     seen in the page, training iterations per second reached while drawing, and the time from
     pressing Pause to the status saying so and to the last redraw;
and prints the ratios between them. Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import plotly.io as pio
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explorer.toy import plots1d, plots2d  # noqa: E402
from explorer.toy.presets import PRESETS_2D, preset_config  # noqa: E402
from explorer.toy.remedies import apply_remedies, parse_remedies  # noqa: E402
from explorer.toy.run import ToyRun  # noqa: E402
from explorer.toy.trainer import ToyTrainer  # noqa: E402

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def headless_rates(preset: str, remedies: list[str], seconds: float) -> dict[str, float]:
    config = apply_remedies(preset_config(preset), parse_remedies(remedies))
    draw = plots2d.figure_2d if config.data_dim == 2 else plots1d.figure_1d
    trainer = ToyTrainer(config)
    trainer.train(20)  # warm-up
    start, done = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        trainer.train(25)
        done += 25
    bare = done / (time.perf_counter() - start)

    run = ToyRun(config)
    start, done = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        run.advance(config.snapshot_every)
        done += config.snapshot_every
    recorded = done / (time.perf_counter() - start)

    timings = {"snapshot": [], "figure": [], "json": []}
    for _ in range(20):
        t0 = time.perf_counter()
        snapshot = run.snapshot()
        t1 = time.perf_counter()
        figure = draw(snapshot)
        t2 = time.perf_counter()
        pio.to_json(figure, validate=False)
        t3 = time.perf_counter()
        timings["snapshot"].append(t1 - t0)
        timings["figure"].append(t2 - t1)
        timings["json"].append(t3 - t2)
    median = {k: sorted(v)[len(v) // 2] * 1000 for k, v in timings.items()}
    return {"bare_its": bare, "recorded_its": recorded, **{f"{k}_ms": v for k, v in median.items()}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OBSERVER = """
(tab) => {
  // each live figure writes the iteration it shows into its .live-iteration element: watch
  // only that element (watching the whole figure's SVG would slow the page being measured)
  window.__redraws = [];
  const label = document.querySelector(`#${tab}-figure .live-iteration`);
  new MutationObserver(() => {
    const text = label.textContent;
    const last = window.__redraws[window.__redraws.length - 1];
    if (!last || last.text !== text) window.__redraws.push({time: performance.now(), text});
  }).observe(label, {subtree: true, childList: true, characterData: true});
  window.__serverMs = [];
  const holder = label.closest('[data-frames]') || label.parentElement;
  new MutationObserver(() => {
    if (holder.dataset.serverMs) window.__serverMs.push(Number(holder.dataset.serverMs));
  }).observe(holder, {attributes: true, attributeFilter: ['data-server-ms']});
  new MutationObserver(() => {
    if (!window.__pausedShown && window.__pauseClicked
        && /paus(ing|ed)/.test(document.querySelector(`#${tab}-status`).innerText)) {
      window.__pausedShown = performance.now();
    }
  }).observe(document.querySelector(`#${tab}-status`), {subtree: true, childList: true, characterData: true});
  document.querySelector(`#${tab}-pause`).addEventListener('click', () => {
    window.__pauseClicked = performance.now(); window.__pauseEpoch = Date.now() / 1000;
  }, {capture: true});
}
"""


def live_rates(preset: str, remedies: list[str], side_by_side: bool, seconds: float) -> dict[str, float]:
    import tempfile

    from playwright.sync_api import sync_playwright

    port = _free_port()
    trace = Path(tempfile.mkdtemp()) / "training-trace.txt"
    env = dict(os.environ, GAN_EXPLORER_TRAINING_TRACE=str(trace))
    server = subprocess.Popen([sys.executable, str(ROOT / "launch.py"), "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                        args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            tab = "toy2d" if preset in PRESETS_2D else "toy1d"
            if tab == "toy2d":
                page.get_by_role("tab", name=re.compile("2-D")).click()
            page.wait_for_selector(f"#{tab}-figure .gtitle", timeout=60_000)
            if preset not in ("goodfellow-fig1", "ring-collapse"):
                page.locator(f"#{tab}-preset input").fill(preset_title(preset))
                page.keyboard.press("Enter")
                page.wait_for_timeout(2000)
            if side_by_side:
                page.check("#toy2d-twin input")
                page.wait_for_selector("#toy2d-figure-plain .gtitle", timeout=30_000)
            checkboxes = {"minibatch-discrimination": "#toy2d-mbd input", "minibatch-stddev": "#toy2d-mbstd input"}
            for name in remedies:
                if name not in checkboxes:
                    raise SystemExit(f"the live benchmark switches {', '.join(checkboxes)} only; got {name}")
                page.check(checkboxes[name])
                page.wait_for_timeout(1500)
            page.evaluate(OBSERVER, tab)
            page.click(f"#{tab}-play")
            page.wait_for_timeout(seconds * 1000)
            page.click(f"#{tab}-pause")
            page.wait_for_timeout(3000)
            redraws = page.evaluate("window.__redraws")
            pause_clicked = page.evaluate("window.__pauseClicked")  # when the page got the click
            paused_shown = page.evaluate("window.__pausedShown") or float("nan")
            pause_epoch = page.evaluate("window.__pauseEpoch")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)

    def iteration(text):
        m = re.search(r"iteration (\d+)", text)
        return int(m.group(1)) if m else 0

    stops = [float(line.split()[-1]) for line in trace.read_text().splitlines()] if trace.exists() else []
    after_click = [t for t in stops if t >= pause_epoch - 1.0]
    stopped_s = (after_click[0] - pause_epoch) if after_click else float("nan")
    during = [r for r in redraws if r["time"] <= pause_clicked and iteration(r["text"]) > 0]
    if len(during) < 2:
        raise RuntimeError(f"too few redraws seen while playing: {len(during)}")
    span = (during[-1]["time"] - during[0]["time"]) / 1000
    after = [r for r in redraws if r["time"] > pause_clicked]
    return {
        "redraws_per_s": (len(during) - 1) / span,
        "live_its": (iteration(during[-1]["text"]) - iteration(during[0]["text"])) / span,
        "pause_to_last_redraw_s": ((after[-1]["time"] - pause_clicked) / 1000) if after else 0.0,
        "pause_to_paused_status_s": (paused_shown - pause_clicked) / 1000,
        "pause_to_training_stopped_s": stopped_s,
        "redraws_after_pause": len(after),
    }


def preset_title(name: str) -> str:
    from explorer.toy.presets import PRESETS

    return PRESETS[name].title


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--preset", default="goodfellow-fig1")
    parser.add_argument("--remedy", action="append", default=[], help="2-D: a remedy to switch on (repeatable)")
    parser.add_argument("--side-by-side", action="store_true", help="2-D: plain and remedied twins in lockstep")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    h = headless_rates(args.preset, args.remedy, min(args.seconds, 5.0))
    print(f"preset {args.preset}, remedies {args.remedy or 'none'}{', side by side' if args.side_by_side else ''}, "
          f"torch {torch.__version__}, {os.cpu_count()} cores")
    print(f"headless training, trainer alone       : {h['bare_its']:8.1f} iterations/s")
    print(f"headless training, with snapshots (CLI): {h['recorded_its']:8.1f} iterations/s")
    print(f"snapshot {h['snapshot_ms']:.1f} ms · figure build {h['figure_ms']:.1f} ms · "
          f"JSON {h['json_ms']:.1f} ms (medians of 20)")
    if args.no_browser:
        return
    live = live_rates(args.preset, args.remedy, args.side_by_side, args.seconds)
    print(f"live in headless Chromium              : {live['redraws_per_s']:8.2f} figure updates/s")
    print(f"live training while drawing            : {live['live_its']:8.1f} iterations/s")
    print(f"Pause click -> training thread stopped : {live['pause_to_training_stopped_s']:8.2f} s")
    print(f"Pause click in the page -> 'pausing'   : {live['pause_to_paused_status_s']:8.2f} s")
    print(f"Pause click in the page -> last redraw : {live['pause_to_last_redraw_s']:8.2f} s "
          f"({live['redraws_after_pause']} redraws after the click)")
    if args.side_by_side:
        print("(side by side: each iteration above trains both twins)")
    print(f"ratio live / headless-with-snapshots   : {live['live_its'] / h['recorded_its']:8.2f}")
    print(f"ratio snapshots / trainer alone        : {h['recorded_its'] / h['bare_its']:8.2f}")


if __name__ == "__main__":
    main()
