"""Links to a tab and its settings: '?tab=toy2d&preset=ring-collapse&seed=3&twin=1'.

A link names its tab (or implies it by its preset: each preset belongs to one tab), and carries
the preset and every field changed from it (toy.presets.url_for_config), plus the page's own
switches (side by side). Opening it selects that tab, which takes the settings; every other tab
opens with its defaults, undisturbed. The address a link starts with is the page's own, read
from the browser's request, so that a link works behind a proxy or on a Hugging Face Space.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..core.errors import shown
from ..toy.presets import PRESETS_1D, PRESETS_2D

TAB_IDS = ("toy1d", "toy2d", "dirac", "mnist")
# the page's own keys in a link, beside the config's fields
PAGE_KEYS = ("tab", "twin", "lecture", "step")


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(str(query or "").lstrip("?"), keep_blank_values=True)


def link_tab(query: str) -> str | None:
    """The tab a link is for: the one it names, else its preset's; None for no (or no known) tab."""
    values = dict(_pairs(query))
    if values.get("tab") in TAB_IDS:
        return values["tab"]
    if "tab" in values:
        return None
    preset = values.get("preset")
    if preset in PRESETS_1D:
        return "toy1d"
    if preset in PRESETS_2D:
        return "toy2d"
    return "toy1d" if values else None  # a link of the first version: the 1-D tab's fields


def unknown_tab(query: str) -> str:
    """A message for a link that names a tab there is not; '' otherwise."""
    values = dict(_pairs(query))
    if "tab" in values and values["tab"] not in TAB_IDS:
        return (f"⚠️ The link names no tab of this page ({shown(values['tab'])}; the tabs are "
                f"{', '.join(TAB_IDS)}): using the defaults.")
    return ""


def settings_query(query: str) -> str:
    """The link's query without the page's own keys: the preset and the config's fields."""
    return urlencode([(k, v) for k, v in _pairs(query) if k not in PAGE_KEYS])


def page_flag(query: str, key: str) -> bool:
    """A page switch of the link (e.g. twin=1) is on."""
    return dict(_pairs(query)).get(key, "").lower() in ("1", "true", "yes", "on")


def page_address(request: Any) -> str:
    """The page's address without its query, as the browser sees it (the Referer of its
    requests), else as the server was reached."""
    headers = getattr(request, "headers", None) or {}
    for header in ("referer", "origin"):
        value = headers.get(header) if hasattr(headers, "get") else None
        if value:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https") and parts.netloc:
                return f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    host = headers.get("host") if hasattr(headers, "get") else None
    return f"http://{host}/" if host else "/"


def full_link(request: Any, tab: str, query: str, **switches: bool) -> str:
    """The whole address of `tab` with the settings of `query` ('?preset=...&seed=3') and the
    page's switches that are on."""
    pairs = [("tab", tab)] + _pairs(query) + [(key, "1") for key, on in switches.items() if on]
    return page_address(request) + "?" + urlencode(pairs)
