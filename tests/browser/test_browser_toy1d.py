"""The 1-D tab in a real browser (Debian's headless Chromium): Play, Pause, bad input, two
independent sessions, and no request leaving the machine."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from browser_helpers import (
    figure_iteration,
    frames_since_paused,
    pause_and_settle,
    wait_past,
)

pytestmark = pytest.mark.browser

FIGURE_TITLE = "#toy1d-figure .gtitle"


def _open(browser, app, requests=None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    page.goto(app.url)
    page.wait_for_selector(FIGURE_TITLE, timeout=30_000)
    return context, page






def _status(page) -> str:
    return page.locator("#toy1d-status").inner_text()


def test_play_trains_and_pause_stops(browser, app):
    requests: list[str] = []
    context, page = _open(browser, app, requests)
    try:
        assert figure_iteration(page, FIGURE_TITLE) == 0
        assert "p_data(x): real data density" in page.locator("#toy1d-figure").inner_text()
        page.click("#toy1d-play")
        # the figure's title carries the iteration: wait for it to move, twice
        wait_past(page, FIGURE_TITLE, 0)
        first = figure_iteration(page, FIGURE_TITLE)
        wait_past(page, FIGURE_TITLE, first)
        stopped_at = pause_and_settle(page, "toy1d", FIGURE_TITLE)
        page.wait_for_timeout(2000)
        assert figure_iteration(page, FIGURE_TITLE) == stopped_at, "the figure kept changing after Pause"
        assert frames_since_paused(page, "#toy1d-figure") == 0, "a frame was drawn after the page said paused"
        # the final frame was drawn as the live ones (p_g on the canvas); a moment later the
        # paused figure is Plotly's again, every trace whole, for hover and zoom
        points = page.evaluate("() => document.querySelector('#toy1d-figure .live-plot').data"
                               ".filter((t) => t.name && t.name.startsWith('p_g')).map((t) => t.y.filter((v) => v !== null).length)")
        assert points and min(points) > 10, f"the paused figure's p_g is not Plotly's again: {points} points"
        assert stopped_at > first
        # the D-only step moves D and not G: the iteration count (G updates) stays
        page.click("#toy1d-step-d")
        page.wait_for_function(
            "() => document.querySelector('#toy1d-figure .gtitle').textContent.includes('D update')",
            timeout=10_000,
        )
        assert figure_iteration(page, FIGURE_TITLE) == stopped_at
        page.click("#toy1d-step-g")
        page.wait_for_function(
            f"() => document.querySelector('#toy1d-figure .gtitle').textContent.includes('iteration {stopped_at + 1}')",
            timeout=10_000,
        )
    finally:
        context.close()
    outside = [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", "localhost")
               and not u.startswith(("data:", "blob:"))]
    assert outside == [], f"the page made outside requests: {outside[:5]}"
    assert app.outside_attempts() == [], f"the server tried to reach the network: {app.outside_attempts()}"


def test_bad_input_gives_a_message_and_the_server_keeps_serving(browser, app):
    context, page = _open(browser, app)
    try:
        box = page.locator("#toy1d-d-lr input")
        box.fill("-1")
        box.press("Enter")
        page.click("#toy1d-reset")
        page.wait_for_function(
            "() => document.querySelector('#toy1d-status').innerText.includes('Invalid setting')", timeout=10_000
        )
        assert "d_lr must lie in" in _status(page)
        box.fill("0.001")
        box.press("Enter")
        page.click("#toy1d-reset")
        page.wait_for_function(
            "() => document.querySelector('#toy1d-status').innerText.includes('new run ready')", timeout=10_000
        )
        assert figure_iteration(page, FIGURE_TITLE) == 0
    finally:
        context.close()


def test_two_sessions_train_independently(browser, app):
    context_a, page_a = _open(browser, app)
    context_b, page_b = _open(browser, app)
    try:
        page_a.click("#toy1d-play")
        wait_past(page_a, FIGURE_TITLE, 0)
        # B presses nothing: its run is still at iteration 0 while A trains
        page_b.wait_for_timeout(1000)
        assert figure_iteration(page_b, FIGURE_TITLE) == 0
        # B's Pause must not stop A
        page_b.click("#toy1d-pause")
        page_b.wait_for_function(
            "() => document.querySelector('#toy1d-status').innerText.includes('paused')", timeout=10_000
        )
        before = figure_iteration(page_a, FIGURE_TITLE)
        wait_past(page_a, FIGURE_TITLE, before)
        page_a.click("#toy1d-pause")
    finally:
        context_a.close()
        context_b.close()


def test_a_shared_link_opens_with_its_settings(browser, app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(app.url + "?preset=uniform&k_d_steps=4")
        page.wait_for_function(
            "() => (document.querySelector('#toy1d-link textarea, #toy1d-link input')?.value || '').includes('preset=uniform')",
            timeout=30_000,
        )
        assert "k_d_steps=4" in page.locator("#toy1d-link textarea, #toy1d-link input").first.input_value()
        assert page.locator("#toy1d-k input").input_value() == "4"
    finally:
        context.close()


def test_a_click_on_a_panel_shows_it_in_the_figure(browser, app):
    """Play until the paper's panels (a)-(c) are captured, pause, click panel (b) in the 2 x 2
    grid: the radio chooses it and the main figure shows it, titled with what changed."""
    context, page = _open(browser, app)
    try:
        page.click("#toy1d-play")
        page.wait_for_function(  # (a)-(c) come once JS first falls below 0.3 nats (tens of iterations)
            "() => { const p = document.querySelector('#toy1d-panels .js-plotly-plot');"
            " return p && p.data && p.data.some((t) => t.xaxis === 'x3'); }", timeout=60_000)
        pause_and_settle(page, "toy1d", FIGURE_TITLE)
        page.locator("#toy1d-panels").scroll_into_view_if_needed()
        box = page.evaluate(
            "() => { const p = document.querySelector('#toy1d-panels .js-plotly-plot'); const r = p.getBoundingClientRect();"
            " const a = p._fullLayout.xaxis2, b = p._fullLayout.yaxis2;"
            " return [r.left + a._offset + a._length / 2, r.top + b._offset + b._length / 2]; }")
        page.mouse.click(*box)
        page.wait_for_function(
            "() => document.querySelector('#toy1d-figure .gtitle').textContent.includes('(b) after the inner D loop')",
            timeout=15_000)
        assert "mean|D−D*|" in page.locator(FIGURE_TITLE).text_content()
        assert page.locator("#toy1d-view input[type=radio]").nth(2).is_checked()
    finally:
        context.close()


def test_export_for_slides_downloads_the_figure_and_the_run_as_a_gif(browser, app, tmp_path):
    """Step the run, export a PNG of the figure and a GIF of the run, and download them."""
    import imageio.v3 as iio

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(app.url)
        page.wait_for_selector(FIGURE_TITLE, timeout=30_000)
        for _ in range(3):
            page.click("#toy1d-step")
        page.wait_for_function("() => (document.querySelector('#toy1d-status')?.innerText || '').includes('3')",
                               timeout=30_000)
        page.click("#toy1d-export")
        for fmt, check in (("PNG", lambda image: image.ndim == 3 and image.shape[1] == 1000),
                           ("GIF", lambda frames: frames.ndim == 4 and frames.shape[0] >= 2)):
            page.locator("#toy1d-export-format").get_by_label(fmt, exact=True).check()
            page.click("#toy1d-export-button")
            page.wait_for_function(
                f"() => (document.querySelector('#toy1d-export-note')?.innerText || '').startsWith('{fmt}:')",
                timeout=120_000)
            link = page.locator(f"#toy1d-export-file a[href*='.{fmt.lower()}']").first
            with page.expect_download() as download:
                link.click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.suffix == f".{fmt.lower()}" and check(iio.imread(saved, index=None))
    finally:
        context.close()
