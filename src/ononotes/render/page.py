"""The Jinja2 environment of our own HTML pages (the dashboard, the review digest)."""

from __future__ import annotations

from pathlib import Path


def page_environment():
    """Autoescaped and strict: note text is data, and a typo in a page template is an error."""
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
