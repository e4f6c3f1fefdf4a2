"""``ono review``: the digest of one person's notes over a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ononotes.core.checks import check_slug
from ononotes.core.model import Problem
from ononotes.core.window import make_window
from ononotes.errors import UsageError
from ononotes.store.private import private_note_texts
from ononotes.store.vault import (
    load_config,
    load_vault,
    require_person,
)


@dataclass
class ReviewResult:
    text: str
    problems: list[Problem]


def review_digest(
    root: Path,
    slug: str,
    today: dt.date,
    since: str | None = None,
    until: str | None = None,
    fmt: str = "md",
    private: bool = False,
    output: str | None = None,
) -> ReviewResult:
    """The review digest of ``slug`` (see ``review.build_review``) as Markdown or HTML. The
    manager's private notes are read only with ``private``, and never in a shared repository.
    HTML links to the notes relative to ``output`` when given, else by absolute file URL."""
    import os
    from urllib.parse import quote

    from ononotes.core.review import build_review, render_review_md
    from ononotes.store.templates import template_placeholders

    check_slug(slug)
    config = load_config(root)
    if private and config.person:
        raise UsageError(
            f"--private: this is {config.person}'s shared repository, which holds no private "
            "notes; run ono review in your own vault"
        )

    window = make_window(today, None, since, until)
    vault = load_vault(root, config, person=slug)  # their notes alone are decoded
    require_person(vault, slug)
    review = build_review(
        slug,
        vault.profiles.get(slug),
        config,
        vault.notes_for(slug),
        window,
        template_placeholders(root / config.templates_dir),
        private=private_note_texts(vault, slug) if private else None,
    )
    if fmt != "html":
        return ReviewResult(render_review_md(review), list(vault.problems))
    from ononotes.render.review_html import render_review_html

    here = Path(output).expanduser().resolve().parent if output else None

    def link(path: str) -> str:
        if here is None:
            return (root / path).resolve().as_uri()
        return quote(Path(os.path.relpath(root / path, here)).as_posix())

    return ReviewResult(render_review_html(review, link), list(vault.problems))
