"""The Jinja2 environment of our own HTML pages (the dashboard, the site's pages, the review
digest), and how a page links a note: ``NoteLinks``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path, PurePath
from urllib.parse import quote, unquote

_LINE_RE = re.compile(r"^(.*):([0-9]+)$")
_VAULT_HREF_RE = re.compile(r'href="ono-vault:([^"]*)"')  # note_html.VAULT_LINK


@functools.cache
def page_environment():
    """Autoescaped and strict: note text is data, and a typo in a page template is an error.
    One a process, so each template is compiled once (the site renders one page a person)."""
    import jinja2

    from ononotes.render.note_html import inline_html

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = inline_html  # note text: rendered by mistune, never by hand
    return env


def split_source(source: str) -> tuple[str, int | None]:
    """``path:line`` as (path, line); a bare path as (path, None)."""
    found = _LINE_RE.match(source)
    return (found.group(1), int(found.group(2))) if found else (source, None)


@dataclass(frozen=True)
class NoteLinks:
    """Where a page sends a click on a note's ``path:line``: the absolute file (a ``file://``
    address), or the ``editor_url`` of ono.toml with ``{path}`` (absolute) and ``{line}``.

    ``roots`` maps a path prefix to the vault folder it is relative to: ``("", "/home/d/notes")``
    for one vault, ``("platform/", ...)`` for each vault of a roll-up (absolute paths, as the
    command resolved them). Without a root for a path, there is no link (``href`` is None)."""

    roots: tuple[tuple[str, str], ...] = ()
    editor_url: str | None = None

    def absolute(self, path: str) -> PurePath | None:
        for prefix, root in sorted(self.roots, key=lambda pair: -len(pair[0])):
            if path.startswith(prefix):
                return PurePath(root, path[len(prefix) :])
        return None

    def href(self, source: str | None) -> str | None:
        """The address of ``source`` (``path:line`` or a path), or None."""
        if not source:
            return None
        path, line = split_source(source)
        return _href(self, path, line)

    def resolve_vault_links(self, html: str) -> str:
        """``html`` (a note rendered by ``note_body_html``) with each of its relative links,
        kept as a path in the vault, made the address of that file."""
        return _VAULT_HREF_RE.sub(lambda found: self._vault_href(found.group(1)), html)

    def _vault_href(self, value: str) -> str:
        path, _, fragment = unescape(value).partition("#")
        absolute = self.absolute(unquote(path))
        if absolute is None or not absolute.is_absolute():
            return 'href="#"'
        uri = absolute.as_uri() + (f"#{quote(fragment)}" if fragment else "")
        return f'href="{escape(uri)}"'


@functools.lru_cache(maxsize=4096)  # a page links the same few notes again and again
def _href(links: NoteLinks, path: str, line: int | None) -> str | None:
    absolute = links.absolute(path)
    if absolute is None:
        return None
    if links.editor_url:
        editor = links.editor_url.replace("{path}", quote(absolute.as_posix(), safe="/:"))
        return editor.replace("{line}", str(line or 1))
    return absolute.as_uri()
