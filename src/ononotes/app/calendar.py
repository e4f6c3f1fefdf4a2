"""``ono calendar``: the next 1:1s by cadence, as iCalendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ononotes.core.model import Problem
from ononotes.errors import UsageError
from ononotes.store.scaffold import default_type, next_due_date, next_meeting_note, person_cadence
from ononotes.store.vault import (
    Vault,
    load_vault,
    write_atomically,
)


def calendar_rhythms(vault: Vault, today: dt.date) -> list:
    """Each active person's 1:1 rhythm: the next meeting (its note, else the next due date)
    and the cadence's interval. People whose profile ``until`` has passed are left out."""
    from ononotes.render.ical import Rhythm

    rhythms = []
    for slug in vault.people():
        profile = vault.profiles.get(slug)
        if profile is not None and profile.until is not None and profile.until < today:
            continue
        note = next_meeting_note(vault, slug, today)
        first = note.date if note else next_due_date(vault, slug, today)
        cadence, interval = person_cadence(vault, slug)
        rhythms.append(
            Rhythm(
                person=slug,
                name=profile.name if profile else slug,
                kind=note.type if note else default_type(profile),
                cadence=cadence,
                interval=interval,
                first=first,
                planned=note.date if note else None,
            )
        )
    return rhythms


@dataclass
class CalendarResult:
    data: bytes
    events: int
    path: Path | None
    problems: list[Problem]


def build_calendar(
    root: Path, today: dt.date, weeks: int = 8, output: str | Path | None = None
) -> CalendarResult:
    """The next ``weeks`` weeks of 1:1s as iCalendar bytes, written atomically to ``output``
    when given."""
    from ononotes.render.ical import schedule, to_ical

    if weeks < 1:
        raise UsageError(f"--weeks must be at least 1, not {weeks}")
    vault = load_vault(root)
    occurrences = schedule(calendar_rhythms(vault, today), today + dt.timedelta(weeks=weeks))
    data = to_ical(occurrences, today, weeks)
    path = write_atomically(Path(output), data) if output is not None else None
    return CalendarResult(data, len(occurrences), path, list(vault.problems))
