"""The Dirac GAN tab in a real browser (Debian's headless Chromium): Play draws both paths step
by step, Pause stops them with the figure final, a click on the plane starts the game there,
and R1 after Reset spirals in."""

from __future__ import annotations

import re

from browser_helpers import (
    figure_iteration,
    frames_since_paused,
    pause_and_settle,
    wait_past,
)

FIGURE_TITLE = "#dirac-figure .gtitle"






def test_play_draws_the_paths_pause_stops_and_r1_spirals_in(browser, app):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    try:
        page.goto(app.url)
        page.get_by_role("tab", name=re.compile("circle")).click()
        page.wait_for_selector(FIGURE_TITLE, timeout=30_000)
        assert figure_iteration(page, FIGURE_TITLE) == 0
        legend = page.locator("#dirac-figure").inner_text()
        assert "simultaneous descent" in legend and "alternating descent" in legend
        page.click("#dirac-play")
        wait_past(page, FIGURE_TITLE, 0)
        wait_past(page, FIGURE_TITLE, figure_iteration(page, FIGURE_TITLE))
        stopped_at = pause_and_settle(page, "dirac", FIGURE_TITLE)
        page.wait_for_timeout(1000)
        assert figure_iteration(page, FIGURE_TITLE) == stopped_at and frames_since_paused(page, "#dirac-figure") == 0
        assert "spirals out" in page.locator("#dirac-readout").inner_text()
        # a click on the plane: the start moves there and the game plays from it
        box = page.evaluate(
            "() => { const p = document.querySelector('#dirac-figure .live-plot'), r = p.getBoundingClientRect(),"
            " xa = p._fullLayout.xaxis, ya = p._fullLayout.yaxis;"
            " return [r.left + xa._offset + xa.l2p(-1.5), r.top + ya._offset + ya.l2p(0.5)]; }")
        page.mouse.click(*box)
        page.wait_for_function(
            "() => document.querySelector('#dirac-status').innerText.includes('started again')", timeout=15_000)
        theta = float(page.locator("#dirac-theta input").input_value())
        psi = float(page.locator("#dirac-psi input").input_value())
        assert abs(theta + 1.5) < 0.2 and abs(psi - 0.5) < 0.2, (theta, psi)  # a few pixels, a grid cell
        pause_and_settle(page, "dirac", FIGURE_TITLE)
        # R1, then Reset: the eigenvalues say it spirals in
        page.locator("#dirac-regulariser input").fill("R1")
        page.keyboard.press("Enter")
        page.click("#dirac-reset")
        page.wait_for_function(
            "() => document.querySelector('#dirac-readout').innerText.includes('spirals in')", timeout=15_000)
    finally:
        context.close()
