"""The DCGAN tab in a real browser (Debian's headless Chromium): train briefly, pause, move a
latent slider and see the generated digit change."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

READOUT = "#mnist-readout"
SAMPLE_SRC = "() => { const img = document.querySelector('#mnist-sample img'); return img ? img.src : null; }"


def _iteration(page) -> int:
    match = re.search(r"iteration (\d+)/", page.locator(READOUT).inner_text())
    return int(match.group(1)) if match else 0


def test_train_then_a_latent_slider_changes_the_digit(browser, app):
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = context.new_page()
    try:
        page.goto(app.url)
        page.get_by_role("tab", name=re.compile("DCGAN")).click()
        # the tab opens with the pretrained model; ▶ Train trains a new one live
        page.wait_for_function("() => document.querySelector('#mnist-status').innerText.includes('Pretrained')",
                               timeout=90_000)
        page.click("#mnist-play")
        # the live sample grid draws itself, with its iteration in its corner
        page.wait_for_function(
            "() => { const t = document.querySelector('#mnist-grid .live-iteration')?.textContent || '';"
            " const m = t.match(/iteration (\\d+)/); return m && Number(m[1]) > 0 && !t.includes('pretrained'); }",
            timeout=120_000)
        source = page.evaluate("() => document.querySelector('#mnist-grid img.live-img').src")
        assert source.startswith("data:image/png")
        page.wait_for_function(
            "() => { const m = document.querySelector('#mnist-readout').innerText.match(/iteration (\\d+)\\/(\\d+)/);"
            " return m && Number(m[1]) >= 25 && Number(m[1]) < Number(m[2]); }", timeout=120_000)
        readout = page.locator(READOUT).inner_text()
        assert "images/s" in readout and "device CPU" in readout and "left" in readout
        bar = page.locator("#mnist-readout [role=progressbar]")
        epochs_done = float(bar.get_attribute("aria-valuenow"))
        assert 0 < epochs_done < float(bar.get_attribute("aria-valuemax"))
        filled = bar.locator("div").bounding_box()["width"] / bar.bounding_box()["width"]
        assert filled > 0  # drawn, not only announced
        page.click("#mnist-pause")
        page.wait_for_function("() => document.querySelector('#mnist-status').innerText.includes('paused')",
                               timeout=60_000)

        page.click("#mnist-randomise")
        page.wait_for_function(f"() => ({SAMPLE_SRC})() !== null", timeout=90_000)
        page.wait_for_function("() => document.querySelector('#mnist-latent-note').innerText.includes('Nearest')",
                               timeout=90_000)
        first = page.evaluate(SAMPLE_SRC)
        assert page.locator("#mnist-nearest img").count() == 1

        # drag the first latent slider from one end to the other
        track = page.locator("#mnist-z0 input[type=range]")
        track.scroll_into_view_if_needed()
        box = track.bounding_box()
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
        page.wait_for_function(f"(old) => {{ const s = ({SAMPLE_SRC})(); return s && s !== old; }}", arg=first,
                               timeout=90_000)
        assert float(track.input_value()) > 2.5
        assert app.outside_attempts() == []
    finally:
        context.close()


GRID_SRC = "() => document.querySelector('#mnist-grid img.live-img')?.src || null"


def _drag_to_end(page, selector: str) -> None:
    track = page.locator(selector)
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()


def test_the_pretrained_models_answer_a_digit_button_and_a_code_slider(browser, app):
    """The tab opens with the pretrained DCGAN ready; the conditional GAN's digit buttons and
    InfoGAN's continuous code sliders redraw the sample grid at once, with no training."""
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = context.new_page()
    try:
        page.goto(app.url)
        page.get_by_role("tab", name=re.compile("DCGAN")).click()
        page.wait_for_function("() => (document.querySelector('#mnist-grid .live-iteration')?.textContent || '')"
                               ".includes('pretrained')", timeout=90_000)
        assert "Pretrained DCGAN" in page.locator("#mnist-status").inner_text()

        page.locator("#mnist-model").get_by_text("conditional GAN").click()
        page.wait_for_selector("#mnist-codes", state="visible", timeout=90_000)
        page.wait_for_function("() => document.querySelector('#mnist-status').innerText.includes('conditional')",
                               timeout=90_000)
        page.wait_for_function(f"() => ({GRID_SRC})() !== null", timeout=60_000)
        page.wait_for_timeout(500)
        before = page.evaluate(GRID_SRC)
        page.locator("#mnist-codes").get_by_text("3", exact=True).click()
        page.wait_for_function(f"(old) => {{ const s = ({GRID_SRC})(); return s && s !== old; }}", arg=before,
                               timeout=60_000)
        page.wait_for_function("() => document.querySelector('#mnist-latent-note').innerText.includes('Digit: 3')",
                               timeout=60_000)

        page.locator("#mnist-model").get_by_text("InfoGAN").click()
        page.wait_for_selector("#mnist-c10", state="visible", timeout=90_000)
        page.wait_for_function("() => document.querySelector('#mnist-status').innerText.includes('InfoGAN')",
                               timeout=90_000)
        page.wait_for_timeout(500)
        before = page.evaluate(GRID_SRC)
        _drag_to_end(page, "#mnist-c10 input[type=range]")
        page.wait_for_function(f"(old) => {{ const s = ({GRID_SRC})(); return s && s !== old; }}", arg=before,
                               timeout=60_000)
        assert float(page.locator("#mnist-c10 input[type=range]").input_value()) > 1.5
        codes = page.locator("#mnist-codes").inner_text()
        assert "c0: a " in codes
        assert app.outside_attempts() == []
    finally:
        context.close()
