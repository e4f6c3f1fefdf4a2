"""``ono prep``: the brief before the next meeting with one person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ononotes.core.checks import check_slug
from ononotes.core.model import Problem
from ononotes.store.vault import (
    load_config,
    load_vault,
    require_person,
)

if TYPE_CHECKING:
    from ononotes.core.brief import Brief
from ononotes.store.private import private_note_texts
from ononotes.store.scaffold import (
    upcoming_note,
)


@dataclass
class PrepResult:
    brief: Brief
    problems: list[Problem]
    refreshed: list[str]  # what refreshing the planned note changed, if it did
    note_path: str | None  # the next meeting's note


def prepare_brief(root: Path, slug: str, today: dt.date) -> PrepResult:
    """The brief before the next meeting with ``slug`` (see ``prep.build_brief``). Refreshes the
    planned note's carried items first; never scaffolds one."""
    from ononotes.core.brief import build_brief
    from ononotes.store.questions import suggest_questions
    from ononotes.store.templates import template_placeholders

    check_slug(slug)
    config = load_config(root)
    vault = load_vault(root, config, person=slug)  # their notes alone are decoded
    require_person(vault, slug)
    upcoming = upcoming_note(root, vault, slug, today, scaffold=False, command="ono prep")
    note = upcoming.note if upcoming else None
    vault = upcoming.vault if upcoming else vault
    problems = list(vault.problems)
    brief = build_brief(
        slug,
        vault.profiles.get(slug),
        config,
        vault.notes_for(slug),
        note,
        today,
        questions=suggest_questions(vault, slug, note.date if note else today),
        private=private_note_texts(vault, slug),
        placeholders=template_placeholders(root / config.templates_dir),
        problems=problems,
    )
    refreshed = upcoming.refreshed if upcoming else []
    return PrepResult(brief, problems, refreshed, note.path if note else None)
