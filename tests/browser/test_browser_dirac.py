"""The Dirac GAN tab in a real browser (Debian's headless Chromium): Play draws both paths step
by step, Pause stops them with the figure final, and R1 after Reset spirals in."""

from __future__ import annotations

import re

from browser_helpers import frames_since_paused, pause_and_settle

FIGURE_TITLE = "#dirac-figure .gtitle"


def _iteration(page) -> int:
    match = re.search(r"iteration (\d+)", page.locator(FIGURE_TITLE).text_content() or "")
    assert match
    return int(match.group(1))


def _wait_past(page, iteration: int) -> None:
    page.wait_for_function(
        "([sel, n]) => { const m = (document.querySelector(sel).textContent || '').match(/iteration (\\d+)/);"
        " return m && Number(m[1]) > n; }",
        arg=[FIGURE_TITLE, iteration], timeout=30_000,
    )


def test_play_draws_the_paths_pause_stops_and_r1_spirals_in(browser, app):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    try:
        page.goto(app.url)
        page.get_by_role("tab", name=re.compile("Dirac")).click()
        page.wait_for_selector(FIGURE_TITLE, timeout=30_000)
        assert _iteration(page) == 0
        legend = page.locator("#dirac-figure").inner_text()
        assert "simultaneous descent" in legend and "alternating descent" in legend
        page.click("#dirac-play")
        _wait_past(page, 0)
        _wait_past(page, _iteration(page))
        stopped_at = pause_and_settle(page, "dirac", FIGURE_TITLE)
        page.wait_for_timeout(1000)
        assert _iteration(page) == stopped_at and frames_since_paused(page, "#dirac-figure") == 0
        assert "spirals out" in page.locator("#dirac-readout").inner_text()
        # R1, then Reset: the eigenvalues say it spirals in
        page.locator("#dirac-regulariser input").fill("R1")
        page.keyboard.press("Enter")
        page.click("#dirac-reset")
        page.wait_for_function(
            "() => document.querySelector('#dirac-readout').innerText.includes('spirals in')", timeout=15_000)
    finally:
        context.close()
