"""What the browser tests share: reading a live figure's iteration and pausing a tab until its
figure shows where the run stopped (no fixed sleeps: a busy machine only makes them slower)."""

from __future__ import annotations

import re


def figure_iteration(page, figure_title: str) -> int:
    """The iteration in a live figure's title (`figure_title` is the title's CSS selector)."""
    title = page.locator(figure_title).text_content()
    match = re.search(r"iteration (\d+)", title or "")
    assert match, title
    return int(match.group(1))


def wait_past(page, figure_title: str, iteration: int, timeout_ms: int = 30_000) -> None:
    """Wait until the live figure whose title is `figure_title` shows an iteration beyond `iteration`."""
    page.wait_for_function(
        "([sel, n]) => { const m = (document.querySelector(sel).textContent || '').match(/iteration (\\d+)/);"
        " return m && Number(m[1]) > n; }",
        arg=[figure_title, iteration], timeout=timeout_ms,
    )


def pause_and_settle(page, tab: str, figure_title: str, timeout_ms: int = 20_000) -> int:
    """Press the tab's Pause, wait until its status says 'paused' and check that the figure
    shows, that very moment, the iteration the status names (the run's last: the figure draws
    its final frame before the status says paused, and nothing after); that iteration. The
    frames the figure had drawn by then are kept in the page (`window.framesWhenPaused`)."""
    page.click(f"#{tab}-pause")
    seen = page.wait_for_function(
        "([status, title]) => { const text = document.querySelector(status).innerText;"
        " if (!/iteration \\d+ \\/.*paused/.test(text)) return null;"
        " const shown = (document.querySelector(title).textContent || '').match(/iteration (\\d+)/);"
        " window.framesWhenPaused = Number(document.querySelector(title).closest('.live-figure').parentElement.dataset.frames || 0);"
        " return [Number(text.match(/iteration (\\d+) \\//)[1]), shown ? Number(shown[1]) : -1]; }",
        arg=[f"#{tab}-status", figure_title], timeout=timeout_ms, polling="raf",
    ).json_value()
    stopped_at, shown = seen
    assert shown == stopped_at, f"the status says paused at iteration {stopped_at} while the figure shows {shown}"
    return stopped_at


def frames_since_paused(page, figure: str) -> int:
    """How many frames the live figure `figure` (its CSS selector) drew since pause_and_settle
    saw the status say paused."""
    return page.evaluate(
        "(sel) => Number(document.querySelector(sel + ' .live-figure').parentElement.dataset.frames || 0) - window.framesWhenPaused",
        figure)
