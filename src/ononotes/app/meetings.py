"""``ono list``: the meetings, newest first, from each person's results in the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, NamedTuple

from ononotes.core.model import Note, Profile, note_order
from ononotes.store.results import Listing, one_or_everyone, person_results
from ononotes.store.vault import (
    load_config,
)


class MeetingRow(NamedTuple):
    """A meeting as ``ono list`` shows it (a named tuple: the cache keeps one a note)."""

    date: dt.date
    person: str
    type: str
    status: str  # as of the day it was listed (SPEC §2)
    path: str

    @property
    def sort_key(self) -> tuple[dt.date, str, str]:
        return note_order(self.date, self.path)


@dataclass(frozen=True)
class MeetingRows:
    """Each person's meetings as ``MeetingRow``s as of ``today`` (``ono list``), for the store."""

    today: dt.date
    parts: ClassVar[tuple[str, ...]] = ("meetings",)
    needs_profiles: ClassVar[bool] = False

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        today = self.today
        rows = [
            MeetingRow(n.date, n.person, n.type, n.effective_status(today), n.path) for n in notes
        ]
        return {"meetings": tuple(rows)}


def list_meetings(root: Path, today: dt.date, slug: str | None) -> Listing:
    """``ono list``: the meetings, newest first (one person's when ``slug`` is given)."""
    found = person_results(
        root,
        load_config(root),
        MeetingRows(today),
        depends_on=str(today),
        choose=one_or_everyone(slug),
    )
    rows = [row for person in found.people for row in found.of("meetings", person)]
    rows.sort(key=lambda row: (row.sort_key, row.person), reverse=True)
    return Listing(rows, found.problems)
