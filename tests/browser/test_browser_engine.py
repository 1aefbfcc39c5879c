"""The live engine in a real browser: a diverging run says so on each toy tab within seconds,
Step and Reset answer on the 2-D tab, the DCGAN tab gives one message for a bad setting, and a
training process killed mid-run is reported on its page while the server keeps serving."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def _page(browser, url, tab=None):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.goto(url)
    if tab:
        page.get_by_role("tab", name=re.compile(tab)).click()
    return context, page


def _status_has(page, tab: str, text: str, timeout: float = 15_000) -> str:
    page.wait_for_function(f"(t) => document.querySelector('#{tab}-status').innerText.includes(t)", arg=text,
                           timeout=timeout)
    return page.locator(f"#{tab}-status").inner_text()


FRAMES_DRAWN = ("(id) => Number(document.querySelector(`#${id} .live-figure`).parentElement.dataset.frames || 0)")


def _reset_and_wait(page, tab: str) -> None:
    """Press Reset and wait until the page has drawn the new run's first frame: the status of a
    fresh page already says "new run ready", and Reset and Play may reach the server in either
    order if Play is pressed before Reset's answer."""
    figure = f"{tab}-figure"
    drawn = page.evaluate(FRAMES_DRAWN, figure)
    page.click(f"#{tab}-reset")
    page.wait_for_function(f"([id, n]) => ({FRAMES_DRAWN})(id) > n", arg=[figure, drawn], timeout=15_000)
    _status_has(page, tab, "new run ready")


def _set(page, selector: str, value: str) -> None:
    box = page.locator(f"{selector} input")
    box.fill(value)
    box.press("Enter")


@pytest.mark.parametrize("tab, label", [("toy1d", None), ("toy2d", "2-D")])
def test_learning_rates_of_ten_are_reported_as_divergence_within_seconds(browser, app, tab, label):
    context, page = _page(browser, app.url, label)
    try:
        page.wait_for_selector(f"#{tab}-figure .gtitle", timeout=30_000)
        if tab == "toy2d":
            page.get_by_text("data, networks and optimisation").click()
        _status_has(page, tab, "new run ready")  # the page has its settings
        _set(page, f"#{tab}-d-lr", "10")
        _set(page, f"#{tab}-g-lr", "10")
        _reset_and_wait(page, tab)
        started = time.monotonic()
        page.click(f"#{tab}-play")
        status = _status_has(page, tab, "Training diverged", timeout=10_000)
        # a frame or two of the page in practice (about 1 s here); slack for a busy machine
        assert time.monotonic() - started < 8.0
        assert "smaller learning rates" in status and "Reset" in status
        _set(page, f"#{tab}-d-lr", "0.001")
        _set(page, f"#{tab}-g-lr", "0.001")
        page.click(f"#{tab}-reset")
        _status_has(page, tab, "new run ready")
    finally:
        context.close()


def test_step_and_reset_answer_on_the_2d_tab(browser, app):
    context, page = _page(browser, app.url, "2-D")
    try:
        page.wait_for_selector("#toy2d-figure .gtitle", timeout=30_000)
        page.click("#toy2d-step")
        _status_has(page, "toy2d", "iteration 1 /")
        page.wait_for_function("() => document.querySelector('#toy2d-figure .live-iteration').textContent"
                               ".startsWith('iteration 1')", timeout=10_000)
        page.click("#toy2d-reset")
        _status_has(page, "toy2d", "new run ready")
        assert "iteration 0 /" in page.locator("#toy2d-status").inner_text()
    finally:
        context.close()


def test_a_bad_dcgan_setting_gets_one_message_in_the_status(browser, app):
    context, page = _page(browser, app.url, "DCGAN")
    try:
        page.wait_for_selector("#mnist-play", timeout=30_000)
        page.get_by_text("training settings").click()
        _set(page, "#mnist-batch", "-5")
        page.click("#mnist-reset")
        status = _status_has(page, "mnist", "Invalid setting")
        assert "batch_size must be between 2 and" in status
        assert page.locator(".toast-body, [data-testid=toast-body]").count() == 0  # no pop-up beside it
    finally:
        context.close()


def _workers(pid: int) -> list[int]:
    """The training processes of the app `pid` (its spawned children, not multiprocessing's
    resource tracker)."""
    found = subprocess.run(["pgrep", "-P", str(pid), "-f", "spawn_main"], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def _shown_iteration(page) -> int:
    text = page.locator("#toy1d-figure .live-iteration").text_content() or ""
    match = re.search(r"iteration (\d+)", text)
    return int(match.group(1)) if match else 0


def test_a_killed_training_process_is_reported_and_the_other_pages_train_on(browser, fresh_app):
    pages = [_page(browser, fresh_app.url) for _ in range(2)]
    try:
        for _, page in pages:
            page.wait_for_selector("#toy1d-figure .gtitle", timeout=60_000)
            page.click("#toy1d-play")
            _status_has(page, "toy1d", "training")
        workers = _workers(fresh_app.pid)
        assert len(workers) == 2  # --workers 2; the least busy worker took each page's run
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 20
        lost = []
        while not lost and time.monotonic() < deadline:
            lost = [page for _, page in pages if "This run was lost" in page.locator("#toy1d-status").inner_text()]
            time.sleep(0.2)
        assert len(lost) == 1, "the page whose training process was killed is told"
        status = lost[0].locator("#toy1d-status").inner_text()
        assert "stopped unexpectedly" in status and "Reset" in status
        survivor = next(page for _, page in pages if page is not lost[0])
        before = _shown_iteration(survivor)
        survivor.wait_for_function(
            "(n) => Number((document.querySelector('#toy1d-figure .live-iteration').textContent.match(/\\d+/) "
            "|| [0])[0]) > n", arg=before, timeout=10_000)  # the other page trains on
        assert urllib.request.urlopen(fresh_app.url, timeout=10).status == 200  # the server answers
        page = lost[0]
        page.click("#toy1d-reset")
        _status_has(page, "toy1d", "new run ready", timeout=60_000)  # on a fresh training process
        page.click("#toy1d-play")
        page.wait_for_function("() => /iteration [1-9]/.test(document.querySelector('#toy1d-figure .live-iteration')"
                               ".textContent)", timeout=60_000)
        assert len(_workers(fresh_app.pid)) == 2
    finally:
        for context, _ in pages:
            context.close()
