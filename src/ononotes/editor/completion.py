"""What to offer at the cursor: people after ``@``, dates after ``due:``, ``📅 `` and
``[due:: ``, front-matter keys and values, the section headings of the person's template.

Pure: the line, the cursor's column and what the vault knows go in; suggestions come out,
each with the text it replaces (``start``..the cursor) and puts there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ononotes.core.model import Profile

PERSON, DATE, KEY, VALUE, HEADING = "person", "date", "key", "value", "heading"

OWNER_TYPED_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]*)$")
DUE_TYPED_RE = re.compile(
    r"(?:(?<!\S)due:|(?P<emoji>[📅📆🗓]\ufe0f?)(?P<space>[ \t]?)|[\[(][ \t]*due[ \t]*::[ \t]*)"
    r"(?P<typed>[0-9-]*)$",
    re.IGNORECASE,
)
KEY_TYPED_RE = re.compile(r"[ \t]*([A-Za-z_]*)$")
VALUE_TYPED_RE = re.compile(r"(status|type|mood)[ \t]*:[ \t]*([^#]*)$")
HEADING_TYPED_RE = re.compile(r"(#{1,6})(?:[ \t]+(.*))?$")
FRONT_MATTER_LINE_RE = re.compile(r"-{3,}\s*$")

FRONT_MATTER_KEYS = {
    "person": "whose 1:1 this is (a slug; default: the folder's)",
    "date": "the meeting's date, YYYY-MM-DD (required)",
    "type": "1:1 (default), skip-level, mentor, career, ...",
    "status": "held, planned, cancelled, rescheduled or no-show",
    "duration": "minutes",
    "mood": "1-5: their own rating of the week",
    "tags": "[career, ...]",
}
STATUS_VALUES = {
    "held": "the meeting took place",
    "planned": "written ahead of the meeting",
    "cancelled": "called off",
    "rescheduled": "moved to another day",
    "no-show": "one of you did not come",
}
MOOD_VALUES = {"1": "awful", "2": "poor", "3": "so-so", "4": "good", "5": "great"}
TYPE_VALUES = {"1:1": "the default", "skip-level": "", "mentor": "", "career": ""}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One completion: ``insert`` replaces the line's text from ``start`` to the cursor."""

    label: str
    detail: str
    kind: str
    insert: str
    start: int
    order: int = 0


@dataclass(frozen=True)
class VaultFacts:
    """What completion needs of the vault and the note's person."""

    people: Sequence[str]
    profiles: Mapping[str, Profile]
    me: str
    today: dt.date
    next_meeting: dt.date | None = None  # the next 1:1 with the note's person, by cadence
    template_headings: Sequence[str] = ()  # the section titles of the person's template
    note_headings: Sequence[str] = ()  # those the note has already
    types: Sequence[str] = ()  # meeting types the person's notes use


def front_matter_end(lines: Sequence[str]) -> int | None:
    """The index of the line closing the front matter; len(lines) while it is still open (being
    typed); None when the file has none."""
    if not lines or not FRONT_MATTER_LINE_RE.fullmatch(lines[0].removeprefix("\ufeff")):
        return None
    return next(
        (i for i in range(1, len(lines)) if FRONT_MATTER_LINE_RE.fullmatch(lines[i])), len(lines)
    )


def suggestions(
    lines: Sequence[str], line: int, column: int, facts: VaultFacts
) -> list[Suggestion]:
    """What to offer at ``column`` of ``lines[line]``; nothing when the cursor is where none of
    ono's completions apply."""
    if line >= len(lines):
        return []
    before = lines[line][:column]
    closing = front_matter_end(lines)
    if closing is not None and 0 < line < closing:
        return front_matter_suggestions(before, facts)
    owner = OWNER_TYPED_RE.search(before)
    if owner is not None:
        return person_suggestions(facts, owner.start(1))
    due = DUE_TYPED_RE.search(before)
    if due is not None:
        lead = " " if due.group("emoji") and not due.group("space") else ""
        return date_suggestions(facts, due.start("typed"), lead)
    heading = HEADING_TYPED_RE.fullmatch(before)
    if heading is not None:
        return heading_suggestions(facts, len(heading.group(1)))
    return []


def person_suggestions(facts: VaultFacts, start: int) -> list[Suggestion]:
    """Everyone in the vault and ``me``: the slug, with their name and role."""
    found = [Suggestion("me", f"you, the vault owner (@{facts.me})", PERSON, "me", start)]
    for order, slug in enumerate(facts.people, 1):
        if slug == "me":
            continue
        profile = facts.profiles.get(slug)
        detail = " · ".join(
            part for part in (profile.name if profile else slug, profile and profile.role) if part
        )
        found.append(Suggestion(slug, detail, PERSON, slug, start, order))
    return found


def end_of_week(today: dt.date) -> dt.date:
    """The Friday of this week; the next one on a weekend."""
    return today + dt.timedelta(days=(4 - today.weekday()) % 7)


def date_suggestions(facts: VaultFacts, start: int, lead: str = "") -> list[Suggestion]:
    """Today, the next 1:1 by cadence, the end of the week, in one and in two weeks: each day
    once, as an ISO date, with what it is."""
    today = facts.today
    candidates = [
        (today, "today"),
        (facts.next_meeting, "the next 1:1, by cadence"),
        (end_of_week(today), "the end of the week"),
        (today + dt.timedelta(weeks=1), "in one week"),
        (today + dt.timedelta(weeks=2), "in two weeks"),
    ]
    named: dict[dt.date, list[str]] = {}
    for day, name in candidates:
        if day is not None:
            named.setdefault(day, []).append(name)
    return [
        Suggestion(
            day.isoformat(),
            f"{', '.join(names)} ({day.strftime('%A')})",
            DATE,
            lead + day.isoformat(),
            start,
            order,
        )
        for order, (day, names) in enumerate(named.items())
    ]


def front_matter_suggestions(before: str, facts: VaultFacts) -> list[Suggestion]:
    """A key at the start of a line; after ``status:``, ``type:`` or ``mood:``, its values."""
    value = VALUE_TYPED_RE.match(before)
    if value is not None:
        start = value.start(2)
        return [
            Suggestion(text, detail, VALUE, text, start, order)
            for order, (text, detail) in enumerate(_values_of(value.group(1), facts).items())
        ]
    key = KEY_TYPED_RE.fullmatch(before)
    if key is None:
        return []
    return [
        Suggestion(name, detail, KEY, f"{name}: ", key.start(1), order)
        for order, (name, detail) in enumerate(FRONT_MATTER_KEYS.items())
    ]


def _values_of(key: str, facts: VaultFacts) -> dict[str, str]:
    if key == "status":
        return STATUS_VALUES
    if key == "mood":
        return MOOD_VALUES
    used = {kind: "used in earlier notes" for kind in facts.types if kind not in TYPE_VALUES}
    return {**TYPE_VALUES, **used}


def heading_suggestions(facts: VaultFacts, level: int) -> list[Suggestion]:
    """The sections of the person's template that the note does not have yet."""
    have = {title.casefold() for title in facts.note_headings}
    titles = [t for t in dict.fromkeys(facts.template_headings) if t.casefold() not in have]
    hashes = "#" * max(level, 2)
    return [
        Suggestion(title, "a section of the template", HEADING, f"{hashes} {title}", 0, order)
        for order, title in enumerate(titles)
    ]
