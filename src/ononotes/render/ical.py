"""The next 1:1s by cadence as an iCalendar file (``ono calendar``). Pure: data in, bytes out.

Each meeting is an all-day event on the day it is due: a cadence says which day, not which hour,
so the calendar holds a reminder to book (or hold) the meeting rather than a made-up time slot.
Every event's UID is ``ono-<person>-<date>@ononotes``, so importing a newer file updates the
events it already has instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//ononotes//ono calendar//EN"
UID_DOMAIN = "ononotes"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One 1:1 due on ``date``."""

    person: str
    name: str
    kind: str  # 1:1, skip-level, mentor, ...
    date: dt.date
    cadence: str
    planned: bool = False  # a note for it exists already

    @property
    def uid(self) -> str:
        return f"ono-{self.person}-{self.date.isoformat()}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A person's 1:1s: the first one due and the days between them."""

    person: str
    name: str
    kind: str
    cadence: str
    interval: int
    first: dt.date
    planned: dt.date | None = None  # the date of an already scaffolded note


def cadence_dates(first: dt.date, interval: int, until: dt.date) -> list[dt.date]:
    """``first`` and every ``interval`` days after it, up to but not including ``until``."""
    dates = []
    day = first
    while day < until:
        dates.append(day)
        day += dt.timedelta(days=interval)
    return dates


def to_ical(occurrences: Iterable[Occurrence], stamp: dt.date, weeks: int) -> bytes:
    """An iCalendar (RFC 5545) file with one all-day event per occurrence.

    ``stamp`` (today) becomes every event's DTSTAMP, so the same vault on the same day gives the
    same bytes.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "1:1s (ononotes)")
    calendar.add("x-wr-caldesc", f"The next {weeks} weeks of 1:1s by cadence, from {stamp}")
    stamped = dt.datetime.combine(stamp, dt.time(0, 0), tzinfo=dt.timezone.utc)
    for occurrence in sorted(occurrences, key=lambda o: (o.date, o.person)):
        event = Event()
        event.add("uid", occurrence.uid)
        event.add("dtstamp", stamped)
        event.add("dtstart", occurrence.date)
        event.add("dtend", occurrence.date + dt.timedelta(days=1))
        kind = occurrence.kind[:1].upper() + occurrence.kind[1:]
        event.add("summary", f"{kind} · {occurrence.name}")
        event.add("description", _description(occurrence))
        event.add("categories", ["1:1", occurrence.person])
        event.add("transp", "TRANSPARENT")  # a reminder of the day, not a busy block
        calendar.add_component(event)
    return calendar.to_ical()


def _description(occurrence: Occurrence) -> str:
    lines = [
        f"{occurrence.kind} with {occurrence.name} ({occurrence.cadence}).",
        f"Before it: ono prep {occurrence.person}",
        f'Queue a topic: ono agenda {occurrence.person} "..."',
    ]
    if occurrence.planned:
        lines.insert(1, "Its note is already scaffolded.")
    return "\n".join(lines)


def schedule(rhythms: Iterable[Rhythm], until: dt.date) -> list[Occurrence]:
    """Every occurrence of each rhythm from its first date up to (not including) ``until``."""
    return [
        Occurrence(r.person, r.name, r.kind, day, r.cadence, planned=day == r.planned)
        for r in rhythms
        for day in cadence_dates(r.first, r.interval, until)
    ]
