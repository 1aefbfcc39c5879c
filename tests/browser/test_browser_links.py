"""Links in a real browser: a link copied from a tab, opened in a fresh browser, shows the same
tab and settings; a 2-D preset's link opens the 2-D tab and leaves the 1-D tab working."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from explorer.toy.presets import PRESETS_2D

pytestmark = pytest.mark.browser

LINK_BOX = "#{tab}-link textarea, #{tab}-link input"


@contextmanager
def _fresh_page(browser):
    """A page in a browser context of its own (no cookies, no storage), closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


def _link_with(page, tab: str, part: str) -> str:
    """The tab's link once it carries `part` (it follows the controls as they change)."""
    box = LINK_BOX.format(tab=tab)
    page.wait_for_function(
        f"() => (document.querySelector({box!r})?.value || '').includes({part!r})", timeout=30_000)
    return page.locator(box).first.input_value()


def _selected_tab(page) -> str:
    return page.get_by_role("tab", selected=True).inner_text()


def test_a_link_copied_from_the_1d_tab_opens_the_same_settings(browser, app):
    with _fresh_page(browser) as page:
        page.goto(app.url)
        _link_with(page, "toy1d", "tab=toy1d")  # the page has loaded: what is typed now stays
        page.fill("#toy1d-seed input", "11")
        page.locator("#toy1d-seed input").press("Enter")
        link = _link_with(page, "toy1d", "seed=11")
        assert link.startswith(app.url.rstrip("/") + "/?tab=toy1d&preset=goodfellow-fig1")
    with _fresh_page(browser) as page:
        page.goto(link)
        page.wait_for_function("() => document.querySelector('#toy1d-seed input')?.value === '11'", timeout=30_000)
        assert "1-D" in _selected_tab(page)
        assert "seed=11" in _link_with(page, "toy1d", "seed=11")


def test_a_link_copied_from_the_2d_tab_opens_that_tab_side_by_side(browser, app):
    with _fresh_page(browser) as page:
        page.goto(app.url)
        page.get_by_role("tab", name=re.compile("2-D")).click()
        _link_with(page, "toy2d", "tab=toy2d")  # the page has loaded: what is ticked now stays
        page.locator("#toy2d-twin input").check()
        _link_with(page, "toy2d", "twin=1")
        page.locator("#toy2d-mbstd input").check()
        link = _link_with(page, "toy2d", "minibatch_stddev=")
        assert "twin=1" in link and "tab=toy2d" in link
    with _fresh_page(browser) as page:
        page.goto(link)
        page.wait_for_function("() => document.querySelector('#toy2d-mbstd input')?.checked === true",
                               timeout=30_000)
        assert "2-D" in _selected_tab(page)
        assert page.locator("#toy2d-twin input").is_checked()
        page.wait_for_selector("#toy2d-figure-plain", state="visible", timeout=30_000)  # the plain twin's pane


def test_a_2d_presets_link_opens_the_2d_tab_and_the_1d_tab_keeps_working(browser, app):
    with _fresh_page(browser) as page:
        page.goto(app.url + "?preset=grid-collapse")
        page.wait_for_function(
            "() => (document.querySelector('#toy2d-link textarea, #toy2d-link input')?.value || '')"
            ".includes('preset=grid-collapse')", timeout=30_000)
        assert "2-D" in _selected_tab(page)
        assert page.locator("#toy2d-preset input").first.input_value() == PRESETS_2D["grid-collapse"].title
        page.get_by_role("tab", name=re.compile("1-D")).click()
        page.click("#toy1d-step")
        page.wait_for_function(
            "() => (document.querySelector('#toy1d-status')?.innerText || '').includes('iteration 1 /')",
            timeout=30_000)
        status = page.locator("#toy1d-status").inner_text()
        assert "refused" not in status and "Error" not in status


def test_lecture_mode_hides_the_controls_and_steps_through_the_sequence(browser, app):
    with _fresh_page(browser) as page:
        page.goto(app.url + "?lecture=1")
        page.wait_for_selector("#lecture-step", timeout=30_000)
        assert "step 1 of 8" in page.locator("#lecture-step").inner_text()
        page.wait_for_selector("#toy1d-play", state="visible", timeout=30_000)
        # the figure is sized for a projector: Plotly's 12-pixel text at 1.5 times
        font = "document.querySelector('#toy1d-figure .live-plot')?._fullLayout?.font?.size"
        page.wait_for_function(f"() => ({font} || 0) >= 18", timeout=30_000)
        assert page.locator("#toy1d-preset").is_visible() and not page.locator("#toy1d-seed").is_visible()
        assert not page.locator("#toy1d-link").is_visible() and not page.locator("#toy1d-export").is_visible()
        page.click("#lecture-next")  # step 2: the saturating loss, on the same tab
        page.wait_for_function(
            "() => (document.querySelector('#lecture-step')?.innerText || '').includes('step 2 of 8')", timeout=30_000)
        page.wait_for_function(
            "() => (document.querySelector('#toy1d-link textarea, #toy1d-link input')?.value || '')"
            ".includes('preset=saturating')", timeout=30_000)
        # the switch brings the controls back, without leaving the step
        page.locator("#lecture-switch input").uncheck()
        page.wait_for_selector("#toy1d-seed", state="visible", timeout=10_000)
        page.wait_for_function(f"() => ({font} || 0) === 12", timeout=30_000)   # and the figure is the screen's
        assert "step 2 of 8" in page.locator("#lecture-step").text_content()
        # the last step opens the MNIST tab with its pretrained InfoGAN ready
        page.goto(app.url + "?lecture=1&step=8")
        # the pretrained run is at its budget at once ("iteration 5616 / 5616"), not "Press ▶ Train"
        page.wait_for_function(
            "() => /iteration (\\d+) \\/ \\1/.test(document.querySelector('#mnist-status')?.innerText || '')",
            timeout=60_000)
        assert "MNIST" in _selected_tab(page) and "step 8 of 8" in page.locator("#lecture-step").inner_text()
        # the tab's own default model first, then the link's (the model choice follows it)
        page.wait_for_function("() => (document.querySelector('#mnist-model input:checked')?.closest('label')"
                               "?.innerText || '').includes('InfoGAN')", timeout=60_000)
        assert page.locator("#lecture-previous").is_visible() and page.locator("#lecture-next").count() == 0


def test_links_copied_from_the_dirac_and_mnist_tabs_open_the_same_settings(browser, app):
    with _fresh_page(browser) as page:
        page.goto(app.url)
        page.get_by_role("tab", name=re.compile("circle")).click()
        _link_with(page, "dirac", "tab=dirac")
        page.wait_for_selector("#dirac-gamma input", state="visible", timeout=30_000)
        page.fill("#dirac-gamma input", "0.7")
        page.locator("#dirac-gamma input").press("Enter")
        dirac_link = _link_with(page, "dirac", "gamma=0.7")
        page.get_by_role("tab", name=re.compile("MNIST")).click()
        _link_with(page, "mnist", "tab=mnist")
        page.wait_for_selector("#mnist-model", state="visible", timeout=30_000)
        page.locator("#mnist-model").get_by_label("InfoGAN").check()
        mnist_link = _link_with(page, "mnist", "model=infogan")
    with _fresh_page(browser) as page:
        page.goto(dirac_link)
        page.wait_for_function("() => document.querySelector('#dirac-gamma input')?.value === '0.7'", timeout=30_000)
        assert "circle" in _selected_tab(page)
        page.goto(mnist_link)
        expect(page.locator("#mnist-model").get_by_label("InfoGAN")).to_be_checked(timeout=60_000)
        assert "MNIST" in _selected_tab(page)
        page.wait_for_function("() => (document.querySelector('#mnist-codes')?.innerText || '').includes('c0')",
                               timeout=60_000)  # InfoGAN's pretrained codes, ready
