"""``ono person add`` and ``ono person list``: the roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ononotes.adapters.git import autocommit
from ononotes.core.cadence import interval_days
from ononotes.core.checks import check_date, check_slug
from ononotes.core.insights import meeting_evidence
from ononotes.core.model import HELD, Config, Note, Profile
from ononotes.core.window import meeting_kind
from ononotes.errors import UsageError
from ononotes.store.results import Listing, person_results
from ononotes.store.scaffold import (
    person_folder,
    profile_text,
)
from ononotes.store.vault import (
    PROFILE_NAME,
    create_file,
    load_config,
    load_vault,
)


def add_person(
    root: Path,
    slug: str,
    name: str | None = None,
    cadence: str | None = None,
    role: str | None = None,
    relation: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Path:
    """Create ``<slug>/profile.md``; refuses if the person already has one."""
    check_slug(slug)
    if cadence is not None:
        try:
            interval_days(cadence)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    since_date = check_date(since, "--since")
    until_date = check_date(until, "--until")
    config = load_config(root)
    path = person_folder(load_vault(root, config, person=slug), slug) / PROFILE_NAME
    text = profile_text(
        slug,
        name,
        cadence=cadence,
        role=role,
        relation=relation,
        since=since_date.isoformat() if since_date else None,
        until=until_date.isoformat() if until_date else None,
    )
    create_file(root, path, text)
    autocommit(root, config, [path], f"ono person add {slug}")
    return path


@dataclass(frozen=True)
class PersonRow:
    slug: str
    name: str
    cadence: str
    relation: str
    meetings: int
    last: dt.date | None
    active: bool


@dataclass(frozen=True)
class RosterRows:
    """Each person's ``PersonRow`` as of ``today`` (``ono person list``), for the store."""

    config: Config
    today: dt.date
    placeholders: frozenset[str] = frozenset()  # the templates' lines: see meeting_evidence
    parts: ClassVar[tuple[str, ...]] = ("roster",)

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        profile = profile or Profile(slug, slug)
        written = meeting_evidence(self.config, self.placeholders)  # as the reports count held
        held = [n for n in notes if meeting_kind(n, self.today, written) == HELD]
        row = PersonRow(
            slug,
            profile.name,
            profile.cadence or self.config.cadence,
            profile.relation or "",
            len(notes),
            held[-1].date if held else None,
            not (profile.until and profile.until < self.today),
        )
        return {"roster": row}


def list_people(root: Path, today: dt.date) -> Listing:
    """``ono person list``: everyone with a profile or a note, through the store's results."""
    from ononotes.store.templates import template_placeholders

    config = load_config(root)
    placeholders = template_placeholders(root / config.templates_dir)
    found = person_results(
        root,
        config,
        RosterRows(config, today, placeholders),
        depends_on=str(today),
        extra={"roster": repr(sorted(placeholders))},
    )
    return Listing([found.of("roster", slug) for slug in found.people], found.problems)
