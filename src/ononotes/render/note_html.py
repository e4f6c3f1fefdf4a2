"""Note text as HTML, rendered by mistune rather than by hand: its emphasis, code, lists and
links show as they read in any Markdown editor, and nothing in it can run. Raw HTML is escaped,
images are shown as their text (the pages load nothing from the network), and links go only to
http(s), mailto and relative addresses.

Two entry points: ``inline_html`` for one line (an item, a talking point) and ``note_body_html``
for a whole note below its front matter (a person's page of the HTML site).
"""

from __future__ import annotations

import functools
import posixpath
import re
from typing import Any

import mistune
from markupsafe import Markup, escape

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
# a relative link of a note, as a path in the vault: no note can write this scheme (it is not
# one of SAFE_SCHEMES), so only the renderer makes it, and the page resolves it
VAULT_LINK = "ono-vault:"
HEADING_SHIFT = 3  # a note's "# 1:1" is an <h4> on a page whose own headings are h1 to h3


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


class _NoteRenderer(_SafeRenderer):
    """A whole note inside a page: headings three levels down, task items as marks, not inputs,
    and a relative link made relative to the vault (``VAULT_LINK``): the page that shows the
    note is elsewhere, so ``NoteLinks.resolve_vault_links`` turns it into the file's address."""

    def __init__(self, folder: str) -> None:
        super().__init__(escape=True)
        self.folder = folder

    def sanitize_url(self, url: str) -> str:
        safe = super().sanitize_url(url)
        if safe != url or _SCHEME.match(url) or url.startswith(("#", "/", "?")):
            return safe
        return VAULT_LINK + posixpath.normpath(posixpath.join(self.folder, url))

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        level = min(level + HEADING_SHIFT, 6)
        return f"<h{level}>{text}</h{level}>\n"


def _task_item(renderer: Any, text: str, checked: bool = False) -> str:
    mark = (
        '<span class="box done" title="done">☑</span> '
        if checked
        else '<span class="box" title="open">☐</span> '
    )
    text = text.replace("<p>", "<p>" + mark, 1) if text.startswith("<p>") else mark + text
    return f'<li class="task{" done" if checked else ""}">{text}</li>\n'


@functools.cache
def _markdown() -> Any:
    return mistune.create_markdown(
        escape=True, renderer=_SafeRenderer(escape=True), plugins=["strikethrough"]
    )


def _note_markdown(folder: str) -> Any:
    renderer = _NoteRenderer(folder)
    markdown = mistune.create_markdown(
        escape=True, renderer=renderer, plugins=["strikethrough", "table", "task_lists"]
    )
    renderer.register("task_list_item", _task_item)  # after the plugin's own
    return markdown


def inline_html(text: str) -> Markup:
    """One line of a note (an item, a talking point) as inline HTML. A line Markdown would read
    as a block of its own (``# x``, ``> x``, ``1. x``) is shown as its text, escaped."""
    html = str(_markdown()(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return escape(text)


def note_body_html(body: str, folder: str = "") -> Markup:
    """A note's body (the text below its front matter) as HTML blocks: escaped, no raw HTML,
    safe links only, headings shifted three levels down, ticked and open task items marked.
    ``folder``: where the note is in the vault (``bob/``), which its relative links start from."""
    return Markup(str(_note_markdown(folder)(body)))
