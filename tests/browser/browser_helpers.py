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


def pause_and_settle(page, tab: str, figure_title: str, timeout_ms: int = 20_000) -> int:
    """Press the tab's Pause, wait until its status says 'paused', and until the figure shows
    the iteration the status names (the run's last); that iteration."""
    page.click(f"#{tab}-pause")
    status = f"#{tab}-status"
    page.wait_for_function(
        "(sel) => /iteration \\d+ \\/.*paused/.test(document.querySelector(sel).innerText)",
        arg=status, timeout=timeout_ms,
    )
    stopped_at = int(re.search(r"iteration (\d+) /", page.locator(status).inner_text()).group(1))
    page.wait_for_function(
        "([sel, n]) => { const m = (document.querySelector(sel).textContent || '').match(/iteration (\\d+)/);"
        " return m && Number(m[1]) === n; }",
        arg=[figure_title, stopped_at], timeout=timeout_ms,
    )
    return stopped_at
