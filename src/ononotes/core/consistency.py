"""What ``ono check`` (and the editor server) finds across notes rather than inside one: a tick
that never reached the later note, an owner who is nobody, a planned meeting whose day passed
with nothing written (SPEC §2, §3, §5 v2). Pure: notes in, problems out.

Each problem has a stable code, for editors that show or filter them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ononotes.core.checks import closest_person
from ononotes.core.fields import OWNER_RE, without_fields
from ononotes.core.model import PLANNED, UNASSIGNED, Item, Note
from ononotes.core.window import meeting_kind

UNCONFIRMED_CODE = "unconfirmed-meeting"
PHANTOM_CODE = "ticked-in-older-note"
OWNER_CODE = "unknown-owner"


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem at ``path:line``, with a stable ``code`` and, when there is one, the text
    that would fix it (``replacement`` for the span ``start``..``end`` of that line)."""

    code: str
    path: str
    line: int | None
    message: str
    replacement: str | None = None
    start: int | None = None
    end: int | None = None


def ticked_in_older_note(notes: Sequence[Note]) -> list[Finding]:
    """Items ticked (done or cancelled) in a note while the next note that has them still has
    them open: ticked after the next note was written, so the chain rule (SPEC §5) reads the
    open one as a new item. ``notes`` are one person's, in (date, file name) order.

    A recurring item is never one (its next occurrence is open by design); nor is an item whose
    done or cancelled date is before the later note's date: done then, and brought up again
    on purpose."""
    found: list[Finding] = []
    last_closed: dict[str, tuple[Note, Item]] = {}
    for note in notes:
        states = _states(note.items)
        for key, (closed, opened) in states.items():
            before = last_closed.pop(key, None)
            if before is not None and opened is not None and closed is None:
                older, ticked = before
                mark = ticked.done or ticked.cancelled
                if not ticked.recurring and (mark is None or mark >= note.date):
                    found.append(_phantom(older, ticked, note, opened))
            if closed is not None:
                last_closed[key] = (note, closed)
        for key in list(last_closed):
            if key not in states:
                del last_closed[key]  # the next note holding it must be the very next note
    return found


def _states(items: Iterable[Item]) -> dict[str, tuple[Item | None, Item | None]]:
    """Per key: its first closed appearance and its first open one in a note."""
    states: dict[str, tuple[Item | None, Item | None]] = {}
    for item in items:
        closed, opened = states.get(item.key, (None, None))
        if item.is_open:
            opened = opened or item
        else:
            closed = closed or item
        states[item.key] = (closed, opened)
    return states


def _phantom(older: Note, ticked: Item, later: Note, still_open: Item) -> Finding:
    state = "done" if ticked.state == "done" else "cancelled"
    return Finding(
        PHANTOM_CODE,
        older.path,
        ticked.line,
        f"{_quoted(without_fields(ticked.text))} is {state} here but still open in "
        f"{later.path}:{still_open.line}: tick it in {later.path} too",
    )


def unknown_owners(notes: Iterable[Note], people: Iterable[str], me: str) -> list[Finding]:
    """Items whose ``@owner`` is neither a person of the vault nor the vault owner, with the
    closest person suggested (SPEC §3 v2)."""
    known = sorted(set(people) | {me, "me"})
    found: list[Finding] = []
    suggestions: dict[str, str | None] = {}
    for note in notes:
        for item in note.items:
            owner = item.owner
            if owner == UNASSIGNED or owner in known:
                continue
            if owner not in suggestions:
                suggestions[owner] = closest_person(known, owner)
            found.append(_unknown_owner(note, item, suggestions[owner]))
    return found


def _unknown_owner(note: Note, item: Item, close: str | None) -> Finding:
    hint = f"; did you mean @{close}?" if close else ""
    line = note.lines[item.start]
    written = next(
        (m for m in _mentions(line) if m[2].casefold() == item.owner), (None, None, item.owner)
    )
    return Finding(
        OWNER_CODE,
        note.path,
        item.line,
        f"owner @{item.owner} is not a person in this vault{hint}",
        f"@{close}" if close else None,
        written[0],
        written[1],
    )


def _mentions(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in OWNER_RE.finditer(line)]


def unconfirmed_meetings(
    notes: Iterable[Note], as_of: dt.date, written: Callable[[Note], bool]
) -> list[Finding]:
    """Planned notes whose day has passed with no notes of the meeting in them (SPEC §2 v2),
    at their ``status:`` line."""
    from ononotes.core.reports import unconfirmed_message

    return [
        Finding(UNCONFIRMED_CODE, note.path, _status_line(note), unconfirmed_message(note.date))
        for note in notes
        if note.status == PLANNED and meeting_kind(note, as_of, written) == "unconfirmed"
    ]


def _status_line(note: Note) -> int | None:
    for index in range(min(note.body_start, len(note.lines))):
        if note.lines[index].lstrip().startswith("status:"):
            return index + 1
    return None


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")
