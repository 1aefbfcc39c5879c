"""Benchmark of the live tabs, as a lecturer sees them: the app in headless Chromium against the
same run trained headless, measured side by side in one run.

    python bench/bench_live.py                       # every scenario, 2 blocks of 8 s (DCGAN: 16 s) each
    python bench/bench_live.py --scenario toy1d --blocks 3 --seconds 10
    python bench/bench_live.py --scenario toy2d-twin

Scenarios: toy1d (Goodfellow Figure 1), toy2d (the ring), toy2d-twin (the ring side by side,
minibatch discrimination on the right), mnist (the DCGAN's live sample grid). For each, in
alternating blocks:
  - headless: the tab's own run (built as its worker builds it) trained in this process for
    --seconds, wall time beside this thread's CPU time;
  - live: the app (`launch.py`) in headless Chromium, Play pressed for --seconds: frames per
    second of each live figure (counted from the iteration text each figure keeps), training
    iterations per second read from the figure, and the server's time per frame;
then, once: Pause reaching the server to training stopped (both traced), the click to the page saying
"paused", frames drawn after that, and the time a Step button takes to answer.
Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from running_app import start_app  # noqa: E402

from explorer.app import live_mnist, live_toy1d, live_toy2d  # noqa: E402
from explorer.app.worker import TRACE_ENV, Slot  # noqa: E402
from explorer.toy.presets import PRESETS_1D, PRESETS_2D  # noqa: E402

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LONG = 1_000_000  # iterations: no scenario reaches its budget while measured
DEFAULT_SECONDS = 8.0
# the DCGAN tab scores G every live_mnist.MEASURE_EVERY_SECONDS, in the worker as in a headless
# block: a block a little longer than that holds one measurement, live or headless alike
MNIST_SECONDS = live_mnist.MEASURE_EVERY_SECONDS + 1.0


def _toy2d_request(twin: bool) -> dict:
    config = PRESETS_2D["ring-collapse"].config.replace(steps=LONG)
    remedies = [getattr(config, n) for n in live_toy2d.REMEDY_NAMES]
    if twin:
        remedies[live_toy2d.REMEDY_NAMES.index("minibatch_discrimination")] = True
    return {"preset": "ring-collapse", "twin": twin, "layers": list(live_toy2d.DEFAULT_LAYERS),
            "settings": [getattr(config, n) for n in live_toy2d.SETTING_NAMES], "remedies": remedies}


SCENARIOS = {
    # name: (tab id, LiveTab, build request, figures on the page, step button)
    "toy1d": ("toy1d", live_toy1d.Toy1DTab, {"preset": "goodfellow-fig1", "values": live_toy1d.controls_from_config(
        PRESETS_1D["goodfellow-fig1"].config.replace(steps=LONG))}, ["toy1d-figure"], "#toy1d-step"),
    "toy2d": ("toy2d", live_toy2d.Toy2DTab, _toy2d_request(False), ["toy2d-figure"], "#toy2d-step"),
    "toy2d-twin": ("toy2d", live_toy2d.Toy2DTab, _toy2d_request(True), ["toy2d-figure-plain", "toy2d-figure"],
                   "#toy2d-step"),
    "mnist": ("mnist", live_mnist.MnistTab, {"data_choice": "embedded", "data_folder": "",
                                             "values": [1000, 32, 48, 48, 2e-3, 2e-3, 0, "auto", False, "dcgan"]},
              ["mnist-grid"], None),
}


def headless_block(scenario: str, seconds: float) -> dict:
    """The tab's run trained here as its worker trains it (slices, no frames)."""
    _, tab_class, request, _, _ = SCENARIOS[scenario]
    tab = tab_class()
    slot = Slot("bench", tab)
    slot.build(request)
    slot.play(request)
    torch.set_num_threads(tab.training_threads)
    slot.train_slice(0.2)  # warm-up
    first = tab.run.iteration
    wall, cpu = time.perf_counter(), time.thread_time()
    while time.perf_counter() - wall < seconds:
        slot.train_slice(0.02)
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    return {"its": (tab.run.iteration - first) / wall, "cpu_share": cpu / wall}


# each live figure writes the iteration it shows into its .live-iteration element: watch only
# those elements (watching the whole figure's SVG would slow the page being measured)
OBSERVER = """
([tab, figures]) => {
  window.__frames = {};
  window.__serverMs = [];
  for (const id of figures) {
    const label = document.querySelector(`#${id} .live-iteration`);
    const frames = window.__frames[id] = [];
    new MutationObserver(() => {
      const text = label.textContent;
      if (!frames.length || frames[frames.length - 1].text !== text) frames.push({time: performance.now(), text});
    }).observe(label, {subtree: true, childList: true, characterData: true});
    const holder = label.closest('.live-figure').parentElement;  // the component's element, where frames are counted
    new MutationObserver(() => {
      if (holder.dataset.serverMs) window.__serverMs.push(Number(holder.dataset.serverMs));
    })
      .observe(holder, {attributes: true, attributeFilter: ['data-server-ms']});
  }
  const status = document.querySelector(`#${tab}-status`);
  window.__status = [];
  new MutationObserver(() => window.__status.push({time: performance.now(), text: status.innerText}))
    .observe(status, {subtree: true, childList: true, characterData: true});
  document.querySelector(`#${tab}-pause`).addEventListener('click', () => {
    window.__pauseClicked = performance.now(); window.__pauseEpoch = Date.now() / 1000;
  }, {capture: true});
}
"""


def _iteration(text: str) -> int:
    match = re.search(r"iteration (\d+)", text)
    return int(match.group(1)) if match else 0


class LiveApp:
    """The app in a subprocess and a Chromium page on one tab."""

    def __init__(self, playwright, scenario: str) -> None:
        self.tab, _, request, self.figures, self.step = SCENARIOS[scenario]
        self.trace = Path(tempfile.mkdtemp()) / "training-trace.txt"
        self.pauses: list[dict] = []  # the Pause measurements, one per pause
        self.finals: list[list] = []  # per pause, each figure's final frame: ms asked, ms drawn, 'server/worker' ms
        self.server, url = start_app(env={TRACE_ENV: str(self.trace)})
        self.browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                                  args=CHROMIUM_ARGS)
        page = self.page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        names = {"toy2d": "2-D", "mnist": "DCGAN"}
        if self.tab in names:
            page.get_by_role("tab", name=re.compile(names[self.tab])).click()
        if request.get("twin"):
            page.check("#toy2d-mbd input")
            page.wait_for_function("() => document.querySelector('#toy2d-status').innerText.includes('now:')")
            page.check("#toy2d-twin input")
        for figure in self.figures:
            page.wait_for_selector(f"#{figure} .live-iteration", state="attached", timeout=60_000)
        if self.tab != "mnist":
            page.wait_for_function("(id) => document.querySelector(`#${id} .live-iteration`).textContent !== ''",
                                   arg=self.figures[-1], timeout=60_000)
        # a budget long enough for every block (Play applies a new budget at once), set once the
        # page has loaded its settings (which would overwrite it)
        if self.tab == "mnist":
            page.get_by_text("training settings").click()
            page.locator("#mnist-epochs input").fill("1000")
        else:
            if self.tab == "toy2d":
                page.get_by_text("data, networks and optimisation").click()
            page.locator(f"#{self.tab}-steps input").fill(str(LONG))
        page.evaluate(OBSERVER, [self.tab, self.figures])

    def block(self, seconds: float) -> dict:
        """Play for `seconds`, pause; frames per second of each figure, iterations per second."""
        page = self.page
        page.evaluate("() => { for (const f of Object.values(window.__frames)) f.length = 0; window.__serverMs = []; }")
        page.click(f"#{self.tab}-play")
        page.wait_for_timeout(seconds * 1000)
        frames = page.evaluate("window.__frames")
        server_ms = page.evaluate("window.__serverMs")
        self.pauses.append(self.pause())
        rates, its = {}, []
        for figure, seen in frames.items():
            moving = [f for f in seen if _iteration(f["text"]) > 0]
            if len(moving) < 2:
                rates[figure] = 0.0
                continue
            span = (moving[-1]["time"] - moving[0]["time"]) / 1000
            rates[figure] = (len(moving) - 1) / span
            its.append((_iteration(moving[-1]["text"]) - _iteration(moving[0]["text"])) / span)
        return {"fps": rates, "its": max(its) if its else 0.0,
                "server_ms_p50": statistics.median(server_ms) if server_ms else float("nan"),
                "server_ms_max": max(server_ms) if server_ms else float("nan")}

    def pause(self) -> dict:
        """Pause; when training stopped and the page said so (s after the click reached the page)."""
        page = self.page
        page.evaluate("() => { window.__status.length = 0; }")
        page.click(f"#{self.tab}-pause")
        page.wait_for_timeout(1500)
        clicked, epoch, drawn = page.evaluate("[window.__pauseClicked, window.__pauseEpoch, window.ganPausedAt]")
        said = [s["time"] for s in page.evaluate("window.__status") if "paused" in s["text"] and s["time"] >= clicked]
        lines = self.trace.read_text().splitlines() if self.trace.exists() else []
        events = [(line.rsplit(" ", 1)[0], float(line.rsplit(" ", 1)[1])) for line in lines]
        reached = [t for name, t in events if name == "pause reached the server" and t >= epoch - 0.5]
        stopped = [t - reached[0] for name, t in events if name == "training stopped" and reached and t >= reached[0]]
        frames = page.evaluate("window.__frames")
        status = [s["text"] for s in page.evaluate("window.__status") if "paused" in s["text"]]
        final = _iteration(status[0]) if status else 0
        after = [f for seen in frames.values() for f in seen if said and f["time"] > said[0] + 50]
        finals = page.evaluate("(ids) => ids.map((id) => { const e = document.querySelector(`#${id} .live-figure`)"
                               ".parentElement; return [id, e.dataset.pauseAskMs, e.dataset.pauseDrawMs, e.dataset.pauseServerMs]; })",
                               self.figures)
        self.finals.append(finals)
        if after:
            print(f"  (frames after 'paused' ({final}): " + ", ".join(
                f"{f['text']} at +{f['time'] - said[0]:.0f} ms" for f in after) + ")")
        if not stopped:
            print(f"  (no 'training stopped' traced after the Pause reached the server: {events[-4:]}, click at {epoch:.3f})")
        return {"stopped_s": stopped[0] if stopped else float("nan"),
                "reached_s": reached[0] - epoch if reached else float("nan"),
                "said_s": (said[0] - clicked) / 1000 if said else float("nan"), "frames_after": len(after),
                "finals_drawn_s": (drawn - clicked) / 1000 if drawn and drawn >= clicked else float("nan"),
                "frames_beyond": sum(1 for f in after if _iteration(f["text"]) > final)}

    def pause_after_play(self, seconds: float) -> dict:
        """Play for `seconds`, then the Pause measurements."""
        self.page.click(f"#{self.tab}-play")
        self.page.wait_for_timeout(seconds * 1000)
        self.pauses.append(self.pause())
        return self.pauses[-1]

    def step_latency(self, times: int = 3) -> float:
        """Median seconds from a Step click to the status reporting the step's iteration."""
        page = self.page
        latencies = []
        for _ in range(times):
            before = page.evaluate(f"() => document.querySelector('#{self.tab}-status').innerText")
            page.evaluate("() => { window.__status.length = 0; window.__stepClicked = performance.now(); }")
            page.click(self.step)
            page.wait_for_function(f"(b) => document.querySelector('#{self.tab}-status').innerText !== b",
                                   arg=before, timeout=10_000)
            answered = page.evaluate("() => window.__status.length ? window.__status[0].time : performance.now()")
            latencies.append((answered - page.evaluate("window.__stepClicked")) / 1000)
        return statistics.median(latencies)

    def close(self) -> None:
        self.browser.close()
        self.server.terminate()
        self.server.wait(10)


def run_scenario(playwright, scenario: str, blocks: int, seconds: float) -> None:
    print(f"\n== {scenario} ({os.cpu_count()} cores, torch {torch.__version__}), {blocks} blocks of {seconds:g} s")
    app = LiveApp(playwright, scenario)
    try:
        headless, live = [], []
        for _ in range(blocks):
            headless.append(headless_block(scenario, seconds))
            live.append(app.block(seconds))
        app.pause_after_play(seconds=3.0)
        step = app.step_latency() if app.step else float("nan")
    finally:
        app.close()
    h = statistics.median(b["its"] for b in headless)
    cpu = statistics.median(b["cpu_share"] for b in headless)
    its = statistics.median(b["its"] for b in live)
    print(f"headless                : {h:8.1f} iterations/s  (thread CPU {cpu:.2f} of wall)")
    print(f"live, training          : {its:8.1f} iterations/s  ratio to headless {its / h:.2f}")
    for figure in live[0]["fps"]:
        print(f"live, {figure:<18}: {statistics.median(b['fps'][figure] for b in live):8.2f} frames/s")
    print(f"server time per frame   : median {statistics.median(b['server_ms_p50'] for b in live):.0f} ms, "
          f"max {max(b['server_ms_max'] for b in live):.0f} ms")
    pauses = app.pauses  # one after each live block and one after a short play

    def spread(key: str) -> str:
        values = [p[key] for p in pauses]
        return f"{statistics.median(values):8.2f} s (max {max(values):.2f} of {len(values)})"

    print(f"Pause -> training stops : {spread('stopped_s')} after the click reached the server "
          f"({statistics.median(p['reached_s'] for p in pauses):.2f} s after the click)")
    for index, figure in enumerate(app.figures):
        asked = [float(f[index][1]) for f in app.finals if f[index][1]]
        drawn = [float(f[index][2]) for f in app.finals if f[index][2]]
        made = [tuple(float(v) for v in f[index][3].split("/")) for f in app.finals if f[index][3]]
        if asked:
            print(f"  {figure} final frame: asked {statistics.median(asked):.0f} ms (of which made: server "
                  f"{statistics.median(m[0] for m in made):.0f} ms, worker {statistics.median(m[1] for m in made):.0f} ms), "
                  f"drawn {statistics.median(drawn):.0f} ms (medians; the Pause's js waits for both)")
    print(f"Pause -> final frames   : {spread('finals_drawn_s')} (drawn; then the Pause handler's round trip)")
    print(f"Pause -> page 'paused'  : {spread('said_s')}; frames drawn after: "
          f"{sum(p['frames_after'] for p in pauses)} (the figure catching up to where training stopped), "
          f"{sum(p['frames_beyond'] for p in pauses)} beyond it")
    if app.step:
        print(f"Step -> answered        : {step:8.2f} s (median of 3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS), help="default: every scenario")
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=None,
                        help=f"each block's length (default: {DEFAULT_SECONDS:g} s; for mnist {MNIST_SECONDS:g} s, so "
                             "that every block, headless or live, holds one of the DCGAN's quality measurements)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        for scenario in args.scenario or list(SCENARIOS):
            seconds = args.seconds or (MNIST_SECONDS if scenario == "mnist" else DEFAULT_SECONDS)
            run_scenario(playwright, scenario, args.blocks, seconds)


if __name__ == "__main__":
    main()
