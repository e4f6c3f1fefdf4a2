"""A line of a note as HTML, rendered by mistune rather than by hand: its emphasis, code and
links show as they read in any Markdown editor, and nothing in it can run. Raw HTML is escaped,
images are shown as their text (the pages load nothing from the network), and links go only to
http(s), mailto and relative addresses."""

from __future__ import annotations

import functools
import re
from typing import Any

import mistune
from markupsafe import Markup, escape

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")


def _unsafe(url: str) -> bool:
    scheme = _SCHEME.match(url)
    return scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES


class _SafeRenderer(mistune.HTMLRenderer):
    # mistune 3.4 sends a link's address through sanitize_url, earlier 3.x through safe_url
    def sanitize_url(self, url: str) -> str:
        return "#unsafe-link" if _unsafe(url) else str(super().sanitize_url(url))

    def safe_url(self, url: str) -> str:
        return "#unsafe-link" if _unsafe(url) else str(super().safe_url(url))

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return text  # the alt text, already rendered: an offline page fetches nothing


@functools.cache
def _markdown() -> Any:
    return mistune.create_markdown(
        escape=True, renderer=_SafeRenderer(escape=True), plugins=["strikethrough"]
    )


def inline_html(text: str) -> Markup:
    """One line of a note (an item, a talking point) as inline HTML. A line Markdown would read
    as a block of its own (``# x``, ``> x``, ``1. x``) is shown as its text, escaped."""
    html = str(_markdown()(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return escape(text)
