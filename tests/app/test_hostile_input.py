"""What a careless or hostile student can type or link: every value a message repeats stays
text (no HTML, no link, no formatting on the page), one tab's link cannot set another's data or a
path on the server, huge numbers stay readable, and a fraction for a whole number is refused."""

import re

import pytest

from explorer.app import live_toy1d, live_toy2d
from explorer.app import tab_toy1d as tab
from explorer.app.engine import LiveEngine
from explorer.core.errors import ConfigError, shown
from explorer.mnist.config import DcganConfig
from explorer.toy.config import ToyConfig
from explorer.toy.presets import PRESETS_1D, config_from_url

STATUS = 1
PHISH = "<a id=pwn href=http://phish.invalid/login>Log in again</a>"


class _Request:
    def __init__(self, query: str):
        self.query_params = query


def _outside_code_spans(markdown: str) -> str:
    """The text of a Markdown string with its code spans taken out (what the page may format)."""
    return re.sub(r"`[^`]*`", "", markdown)


def test_a_value_is_shown_as_literal_text_on_one_line_and_short():
    assert shown("<b>x</b>") == "`<b>x</b>`"
    assert shown("a`b\nc") == "`a'b c`"
    assert len(shown("x" * 500)) <= 42 and shown("x" * 500).endswith("…`")
    assert shown(10**300) == "`1e+300`" and shown(1e300) == "`1e+300`" and shown(7) == "`7`"


@pytest.mark.parametrize("field", ["seed", "d_lr", "k_d_steps", "noise", "dataset", "steps", PHISH])
def test_html_in_any_field_of_a_link_stays_text(pool, field):
    query = f"{field}={PHISH}" if field != PHISH else f"{PHISH}=1"
    out = tab.on_load(LiveEngine(pool, "toy1d"), True, True, _Request(query))
    status = out[STATUS]
    assert "link's settings were refused" in status
    outside = _outside_code_spans(status)
    for dangerous in ("<", ">", "href", "phish", "](", "http"):
        assert dangerous not in outside, status


def test_a_link_for_the_other_tab_leaves_this_one_at_its_defaults(pool):
    """?preset=ring-collapse is the 2-D tab's link: the 1-D tab opens with its defaults, no
    message, and works."""
    engine = LiveEngine(pool, "toy1d")
    out = tab.on_load(engine, True, True, _Request("preset=ring-collapse"))
    status = out[STATUS]
    assert "refused" not in status and "Invalid" not in status and "Error" not in status
    *out, _token = out
    values = out[-len(tab.CONTROL_NAMES):]
    assert out[-len(tab.CONTROL_NAMES) - 2] == live_toy1d.DEFAULT_PRESET
    # the page works: the 1-D default run takes a step
    stepped = tab._manual_step("step")(engine, live_toy1d.DEFAULT_PRESET, True, True, *values)
    assert "iteration 1 /" in stepped[STATUS]
    with pytest.raises(ConfigError, match="other tab"):
        config_from_url("?preset=ring-collapse", PRESETS_1D)


def test_a_link_naming_no_tab_of_the_page_gets_a_message_and_the_defaults(pool):
    out = tab.on_load(LiveEngine(pool, "toy1d"), True, True, _Request(f"tab={PHISH}&seed=3"))
    assert "names no tab" in out[STATUS] and "using the defaults" in out[STATUS]
    assert "href" not in _outside_code_spans(out[STATUS])
    *out, _token = out
    assert out[-len(tab.CONTROL_NAMES) + tab.CONTROL_NAMES.index("seed")] == 0  # the default seed, not the link's


def test_a_link_cannot_name_a_file_on_the_server_nor_2d_data_for_the_1d_tab(pool):
    with pytest.raises(ConfigError, match="cannot set data_path"):
        config_from_url("?dataset=custom&data_path=/etc/passwd", PRESETS_1D)
    out = tab.on_load(LiveEngine(pool, "toy1d"), True, True, _Request("dataset=ring8"))
    assert "is 2-D" in out[STATUS] and "using the defaults" in out[STATUS]
    with pytest.raises(ConfigError, match="is 2-D"):
        live_toy1d.config_from_controls("goodfellow-fig1", live_toy1d.controls_from_config(
            ToyConfig(dataset="ring8")))
    toy2d = live_toy2d.Toy2DTab()
    settings = [getattr(ToyConfig(dataset="gaussian"), n) for n in live_toy2d.SETTING_NAMES]
    with pytest.raises(ConfigError, match="is 1-D"):
        toy2d.config_from_controls({"preset": "ring-collapse", "settings": settings})


def test_huge_numbers_stay_readable_and_fractions_are_refused():
    with pytest.raises(ConfigError) as huge:
        DcganConfig.from_dict({"batch_size": 1e300})
    assert "1e+300" in str(huge.value) and len(str(huge.value)) < 120
    with pytest.raises(ConfigError) as big_int:
        ToyConfig.from_dict({"batch_size": int(1e300)})
    assert "1e+300" in str(big_int.value) and len(str(big_int.value)) < 120
    with pytest.raises(ConfigError, match="steps must be a whole number; got `1.5`"):
        ToyConfig.from_dict({"steps": 1.5})


def test_the_greediest_settings_are_refused_before_any_memory_is_taken(pool):
    greedy = ToyConfig(batch_size=65536, g_width=1024, d_width=1024, g_layers=8, d_layers=8, k_d_steps=100,
                       eval_samples=1_000_000)
    engine = LiveEngine(pool, "toy1d")
    out = tab.on_reset(engine, live_toy1d.DEFAULT_PRESET, True, True, *live_toy1d.controls_from_config(greedy))
    assert "GiB of memory" in out[STATUS] and "--max-run-cost" in out[STATUS]
    out = tab.on_play(engine, live_toy1d.DEFAULT_PRESET, True, True, *live_toy1d.controls_from_config(greedy))
    assert "GiB of memory" in out[STATUS] and "training…" not in out[STATUS]
