"""Lecture mode: the page for a projector, and a guided sequence of steps a teacher clicks through.

`?lecture=1` (or the switch at the top of the page) folds the controls away except Play, Pause,
Step, Reset and the preset, and sizes the text for a projector. The sequence is data, a TOML
file (`assets/lecture.toml`, or `python launch.py --lecture FILE`) of steps, each a tab, the
query of a link to it (links.py) and two or three sentences. Each step is a link: Next opens the
next step's tab with its settings, so a step starts from a fresh run of its preset.
"""

from __future__ import annotations

import html
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from ..core.errors import ConfigError
from .links import PAGE_KEYS, TAB_IDS

DEFAULT_LECTURE = Path(__file__).resolve().parents[2] / "assets" / "lecture.toml"
MAX_STEPS = 100


@dataclass(frozen=True)
class LectureStep:
    """One step of a lecture: its title, its tab, the query of its link, its sentences."""

    title: str
    tab: str
    link: str
    text: str

    def query(self, index: int) -> str:
        """The step's link as a query, in lecture mode, at step `index` (0-based)."""
        pairs = [(k, v) for k, v in parse_qsl(self.link.lstrip("?"), keep_blank_values=True) if k not in PAGE_KEYS]
        twin = [("twin", "1")] if "twin=1" in self.link else []
        return "?" + urlencode([("tab", self.tab), *pairs, *twin, ("lecture", "1"), ("step", str(index + 1))])


def load_lecture(path: str | Path = DEFAULT_LECTURE) -> list[LectureStep]:
    """The steps of a lecture file; ConfigError saying what is wrong with a bad one."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"cannot read the lecture file {path}: {err.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"the lecture file {path} is not valid TOML: {err}") from None
    steps = data.get("step")
    if not isinstance(steps, list) or not steps:
        raise ConfigError(f"the lecture file {path} has no [[step]] tables")
    if len(steps) > MAX_STEPS:
        raise ConfigError(f"the lecture file {path} has {len(steps)} steps; at most {MAX_STEPS}")
    found = []
    for number, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            raise ConfigError(f"step {number} of {path} is not a table")
        missing = [key for key in ("title", "tab", "text") if not isinstance(step.get(key), str) or not step[key].strip()]
        if missing:
            raise ConfigError(f"step {number} of {path} needs {', '.join(missing)} (text)")
        if step["tab"] not in TAB_IDS:
            raise ConfigError(f"step {number} of {path}: tab {step['tab']!r} is not one of {', '.join(TAB_IDS)}")
        found.append(LectureStep(step["title"].strip(), step["tab"], str(step.get("link", "")).strip(),
                                 " ".join(step["text"].split())))
    return found


def lecture_step(query: str, steps: list[LectureStep]) -> int | None:
    """The 0-based step a page in lecture mode shows (the first when its link names none, the
    nearest when out of range); None when the page is not in lecture mode."""
    values = dict(parse_qsl(str(query or "").lstrip("?")))
    if values.get("lecture") != "1" or not steps:
        return None
    try:
        number = int(values.get("step", "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), len(steps)) - 1


def lecture_bar(steps: list[LectureStep], index: int | None) -> str:
    """The lecture bar's HTML: the step's number, title and sentences, and links to the steps
    before and after it (empty outside lecture mode)."""
    if index is None:
        return ""
    step = steps[index]
    back = (f'<a class="lecture-nav" id="lecture-previous" href="{html.escape(steps[index - 1].query(index - 1))}">'
            f"◀ {html.escape(steps[index - 1].title)}</a>") if index > 0 else ""
    on = (f'<a class="lecture-nav" id="lecture-next" href="{html.escape(steps[index + 1].query(index + 1))}">'
          f"{html.escape(steps[index + 1].title)} ▶</a>") if index + 1 < len(steps) else ""
    return (f'<div id="lecture-step"><div class="lecture-count">step {index + 1} of {len(steps)}</div>'
            f"<h2>{html.escape(step.title)}</h2><p>{html.escape(step.text)}</p>"
            f'<div class="lecture-navs">{back}{on}</div></div>')


# the page's CSS for lecture mode: the body gets the class on ?lecture=1 or from the switch
LECTURE_CSS = """
body.lecture-on .lecture-hide, body.lecture-on #toy1d-link, body.lecture-on #toy2d-link,
body.lecture-on #toy2d-twin, body.lecture-on #toy2d-layers, body.lecture-on #dirac-regulariser,
body.lecture-on #dirac-gamma, body.lecture-on #dirac-g-lr, body.lecture-on #dirac-d-lr, body.lecture-on #dirac-k,
body.lecture-on #dirac-steps, body.lecture-on #dirac-theta, body.lecture-on #dirac-psi { display: none !important; }
body:not(.lecture-on) #lecture-bar { display: none !important; }
body.lecture-on .gradio-container { font-size: 1.25rem; }
body.lecture-on .gradio-container button { font-size: 1.2rem; }
#lecture-step { border: 2px solid #1a9e3f; border-radius: 8px; padding: 0.6rem 1rem; }
#lecture-step h2 { margin: 0.2rem 0; }
.lecture-count { color: #555; }
.lecture-navs { display: flex; justify-content: space-between; margin-top: 0.4rem; }
.lecture-nav { font-weight: bold; font-size: 1.1rem; }
"""
def lecture_on_load_js(steps: list[LectureStep]) -> str:
    """The page's script on load: lecture mode when the address asks for it (the switch's value
    follows); an address of lecture mode that names no tab (?lecture=1, ?lecture=1&step=3) is
    replaced by its step's own link, so the step opens on its tab with its settings."""
    queries = json.dumps([step.query(index) for index, step in enumerate(steps)])
    return f"""() => {{
  const params = new URLSearchParams(window.location.search);
  const on = params.get('lecture') === '1';
  const queries = {queries};
  if (on && !params.has('tab') && queries.length) {{
    const number = Math.min(Math.max(parseInt(params.get('step') || '1', 10) || 1, 1), queries.length);
    window.location.replace(window.location.pathname + queries[number - 1]);
  }}
  document.body.classList.toggle('lecture-on', on);
  return on;
}}"""


LECTURE_SWITCH_JS = "(on) => { document.body.classList.toggle('lecture-on', on); return on; }"
