"""``ono agenda``: a talking point into the next meeting's note, scaffolding it when needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ononotes.adapters.git import autocommit
from ononotes.core.checks import check_slug
from ononotes.core.model import Config
from ononotes.errors import UsageError
from ononotes.store.locks import person_lock
from ononotes.store.scaffold import (
    NewResult,
    upcoming_note,
)
from ononotes.store.vault import (
    load_config,
    load_vault,
    replace_file,
    require_person,
)


@dataclass
class AgendaResult:
    path: Path
    point: str
    section: str
    added: bool
    scaffolded: NewResult | None = None
    refreshed: list[str] = field(default_factory=list)


def agenda_author(by: str | None, config: Config) -> str:
    """``--by``: a slug (``@`` optional); ``me`` or nothing is the vault owner."""
    if by is None:
        return config.me
    slug = by.strip().lstrip("@").casefold()
    return config.me if slug == "me" else check_slug(slug, "--by")


def add_agenda(
    root: Path, slug: str, text: str, today: dt.date, by: str | None = None
) -> AgendaResult:
    """Add a talking point to the next meeting with ``slug``: under "Their agenda" when ``by``
    is them, else "My agenda". Scaffolds the note for the next due date when there is none,
    refreshes it first when it is planned; a point already there is not added again."""
    from ononotes.core.agenda import add_point, clean_point

    check_slug(slug)
    point = clean_point(text)
    if not point:
        raise UsageError("the talking point is empty: say what you want to talk about")
    config = load_config(root)
    author = agenda_author(by, config)
    with person_lock(root, slug):  # from the read to the write: no point lost to another
        vault = load_vault(root, config, person=slug)  # their notes alone are decoded
        require_person(vault, slug, add_hint=True)
        upcoming = upcoming_note(root, vault, slug, today, scaffold=True, command="ono agenda")
        titles = config.their_agenda if author == slug else config.my_agenda
        path = root / upcoming.note.path
        original = path.read_bytes()
        edit = add_point(_lines_of(original, upcoming.note.path), titles, point)
        if edit.lines is not None:
            replace_file(root, path, "\n".join(edit.lines) + "\n", original)
    written = (upcoming.scaffolded.paths if upcoming.scaffolded else []) + (
        [path] if edit.lines is not None else []
    )
    if written:
        autocommit(root, config, list(dict.fromkeys(written)), f"ono agenda {slug}")
    return AgendaResult(
        path,
        point,
        edit.section,
        edit.lines is not None,
        upcoming.scaffolded,
        upcoming.refreshed,
    )


def _lines_of(data: bytes, path: str) -> list[str]:
    from ononotes.core.parse import FileProblem, decode, split_lines

    try:
        return split_lines(decode(data))
    except FileProblem as exc:
        raise UsageError(f"{path}: {exc.message}") from None
