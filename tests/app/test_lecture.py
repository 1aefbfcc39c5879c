"""Lecture mode's sequence is data: the shipped file is valid and every step's link opens its
tab with its settings; a bad file is refused with a message saying what is wrong (and launch.py
exits with status 2); the bar escapes the file's text."""

import importlib.util
import re
from pathlib import Path

import pytest

from explorer.app.lecture import (
    DEFAULT_LECTURE,
    lecture_bar,
    lecture_step,
    load_lecture,
)
from explorer.app.links import link_tab, page_flag, settings_query
from explorer.core.errors import ConfigError
from explorer.toy.presets import PRESETS_1D, PRESETS_2D, config_from_url

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_lecture_opens_each_step_on_its_tab_with_its_settings():
    steps = load_lecture(DEFAULT_LECTURE)
    assert [s.tab for s in steps] == ["toy1d", "toy1d", "toy2d", "toy2d", "dirac", "mnist", "mnist", "mnist"]
    assert [s.link for s in steps[-2:]] == ["model=conditional", "model=infogan"]
    for index, step in enumerate(steps):
        query = step.query(index)
        assert link_tab(query) == step.tab and f"step={index + 1}" in query and "lecture=1" in query
        if step.tab in ("toy1d", "toy2d"):
            presets = PRESETS_1D if step.tab == "toy1d" else PRESETS_2D
            preset, config = config_from_url(settings_query(query), presets)  # no refusal
            assert preset in presets
    remedy_step = steps[3]
    _, config = config_from_url(settings_query(remedy_step.query(3)), PRESETS_2D)
    assert config.minibatch_discrimination and page_flag(remedy_step.query(3), "twin")


def test_the_bar_shows_the_step_and_links_its_neighbours_and_escapes_the_text(tmp_path):
    lecture = tmp_path / "l.toml"
    lecture.write_text('[[step]]\ntitle = "<b>One</b>"\ntab = "toy1d"\ntext = "a <script>x</script>"\n'
                       '[[step]]\ntitle = "Two"\ntab = "toy2d"\nlink = "preset=ring-collapse"\ntext = "b"\n')
    steps = load_lecture(lecture)
    assert lecture_step("?seed=1", steps) is None and lecture_bar(steps, None) == ""
    assert lecture_step("?lecture=1", steps) == 0 and lecture_step("?lecture=1&step=9", steps) == 1
    assert lecture_step("?lecture=1&step=x", steps) == 0
    bar = lecture_bar(steps, 0)
    assert "step 1 of 2" in bar and "&lt;b&gt;One" in bar and "<script>" not in bar
    assert 'id="lecture-next" href="?tab=toy2d&amp;preset=ring-collapse&amp;lecture=1&amp;step=2"' in bar
    assert "lecture-previous" not in bar and "lecture-previous" in lecture_bar(steps, 1)


@pytest.mark.parametrize("text, message", [
    ("not toml [", "not valid TOML"),
    ("title = 'x'", "no [[step]] tables"),
    ('[[step]]\ntitle = "x"\ntab = "toy1d"\n', "needs text"),
    ('[[step]]\ntitle = "x"\ntab = "toy3d"\ntext = "y"\n', "is not one of toy1d"),
])
def test_a_bad_lecture_file_is_refused_with_a_message(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_lecture(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_lecture(tmp_path / "missing.toml")


def test_launch_refuses_a_bad_lecture_file(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("launch", ROOT / "launch.py")
    launch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launch)
    (tmp_path / "bad.toml").write_text("[[step]]\n")
    with pytest.raises(SystemExit) as exit_info:
        launch.parse_args(["--lecture", str(tmp_path / "bad.toml")], environ={})
    assert exit_info.value.code == 2 and "needs title, tab, text" in capsys.readouterr().err
    assert launch.parse_args(["--lecture", str(DEFAULT_LECTURE)], environ={}).lecture[0].tab == "toy1d"
