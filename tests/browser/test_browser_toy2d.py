"""The 2-D tab in a real browser (Debian's headless Chromium): train, switch minibatch
discrimination on and see the mode occupancy change, pause, and a malformed upload refused."""

from __future__ import annotations

import re

import pytest
from browser_helpers import figure_iteration, pause_and_settle

pytestmark = pytest.mark.browser

FIGURE_TITLE = "#toy2d-figure .gtitle"
OCCUPANCY_COUNTS = "() => document.querySelector('#toy2d-occupancy .js-plotly-plot').data.map(t => Array.from(t.y))"


def _open_tab(browser, app):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.goto(app.url)
    page.get_by_role("tab", name=re.compile("2-D")).click()
    page.wait_for_selector(FIGURE_TITLE, timeout=30_000)
    return context, page




def _status_has(page, text: str) -> None:
    page.wait_for_function(
        "(t) => document.querySelector('#toy2d-status').innerText.includes(t)", arg=text, timeout=15_000
    )


def _train_past(page, iterations: int) -> None:
    page.click("#toy2d-play")
    page.wait_for_function(
        "([sel, n]) => { const m = document.querySelector(sel).textContent.match(/iteration (\\d+)/);"
        " return m && Number(m[1]) >= n; }",
        arg=[FIGURE_TITLE, iterations], timeout=60_000,
    )
    pause_and_settle(page, "toy2d", FIGURE_TITLE)


def test_minibatch_discrimination_switched_on_changes_the_occupancy(browser, app):
    context, page = _open_tab(browser, app)
    try:
        assert figure_iteration(page, FIGURE_TITLE) == 0
        assert "ring-collapse" not in page.locator("#toy2d-status").inner_text()
        _train_past(page, 20)
        stopped_at = figure_iteration(page, FIGURE_TITLE)
        page.wait_for_timeout(1500)
        assert figure_iteration(page, FIGURE_TITLE) == stopped_at, "the figure kept changing after Pause"
        before = page.evaluate(OCCUPANCY_COUNTS)
        assert len(before[0]) == 8 and sum(before[0]) + sum(before[1]) == 2500
        page.check("#toy2d-mbd input")
        _status_has(page, "now: minibatch-discrimination")
        # the figure draws itself: it shows the switch with its next frame
        page.wait_for_function("(sel) => document.querySelector(sel).textContent.includes('minibatch-discrimination')",
                               arg=FIGURE_TITLE, timeout=10_000)
        _train_past(page, stopped_at + 20)
        # the bars are a plot of their own, drawn after the figure: wait for them to change
        page.wait_for_function(f"(before) => JSON.stringify(({OCCUPANCY_COUNTS})()) !== JSON.stringify(before)",
                               arg=before, timeout=20_000)
        legend = page.locator("#toy2d-occupancy").inner_text()
        assert "minibatch-discrimination:" in legend and "/8 modes" in legend
        assert re.search(r"\d/8 modes", page.locator("#toy2d-readout").inner_text())
    finally:
        context.close()


def test_a_malformed_upload_is_refused_with_a_message(browser, app, tmp_path):
    context, page = _open_tab(browser, app)
    try:
        bad = tmp_path / "points.csv"
        bad.write_text("x,y\n0.5,1.5\nnot-a-number,2\n")
        page.get_by_text("your own data: upload a CSV or draw").click()
        page.locator("#toy2d-upload input[type=file]").set_input_files(str(bad))
        page.wait_for_function(
            "() => (document.querySelector('#toy2d-data-note')?.innerText || '').includes('refused')",
            timeout=15_000,
        )
        assert "row 2 should be two numbers" in page.locator("#toy2d-data-note").inner_text()
        assert figure_iteration(page, FIGURE_TITLE) == 0  # the run was left alone
    finally:
        context.close()


def test_side_by_side_at_800_px_the_panes_are_as_tall_as_their_width_asks(browser, app):
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    try:
        page = context.new_page()
        page.goto(app.url + "?tab=toy2d&preset=ring-collapse&twin=1")
        page.wait_for_selector("#toy2d-figure-plain .gtitle", timeout=30_000)
        sizes = "(id) => { const p = document.querySelector(`#${id} .live-plot`); return [p.clientWidth, p.clientHeight]; }"
        # the plot follows its pane: no band above and below the square (520 px for a 300 px pane, before)
        page.wait_for_function(f"() => ({sizes})('toy2d-figure-plain')[1] < 460", timeout=30_000)
        for pane in ("toy2d-figure-plain", "toy2d-figure"):
            width, height = page.evaluate(sizes, pane)
            assert 250 < width < 420 and abs(height - round(width * 1.15)) <= 2 or height == 280, (width, height)
        # and the panes stand side by side
        left = page.locator("#toy2d-figure-plain").bounding_box()
        right = page.locator("#toy2d-figure").bounding_box()
        assert right["x"] >= left["x"] + left["width"] - 1 and abs(right["y"] - left["y"]) < 5
    finally:
        context.close()
