"""What the editor shows on a file: every problem ``ono check`` names in it, with the same
message on the same line, and two hints of its own (an item overdue, an item stale). Each has a
stable code, and, where there is one, the text that fixes it.

Plain data in and out (a file as the workspace reads it, the person's notes, the people of the
vault); the server turns a ``Mark`` into an LSP diagnostic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ononotes.core.consistency import (
    PHANTOM_CODE,
    Finding,
    ticked_in_older_note,
    unconfirmed_meetings,
    unknown_owners,
)
from ononotes.core.editing import normalised_field
from ononotes.core.fields import fields_in, invalid_field_message, without_fields
from ononotes.core.model import Item, Note, Problem
from ononotes.core.reports import STALE_AFTER, ActionItem, follow_items, once_per_key

ERROR, WARNING, INFORMATION = "error", "warning", "information"

INVALID_DATE_CODE = "invalid-date"
FRONT_MATTER_CODE = "front-matter"
CONFLICT_CODE = "conflict-markers"
UNREADABLE_CODE = "unreadable-file"
INVALID_VALUE_CODE = "invalid-value"
CADENCE_CODE = "invalid-cadence"
OVERDUE_CODE = "overdue"
STALE_CODE = "stale"

# (words in a message of core.parse or the store, code): the problems found reading a file,
# first match wins; anything else is INVALID_VALUE_CODE (a status, a mood, a person slug)
PROBLEM_CODES = (
    ("conflict markers", CONFLICT_CODE),
    ("front matter", FRONT_MATTER_CODE),
    ("not a text file", UNREADABLE_CODE),
    ("invalid UTF-8", UNREADABLE_CODE),
    ("cannot read", UNREADABLE_CODE),
    ("not a regular file", UNREADABLE_CODE),
    ("symlink", UNREADABLE_CODE),
    ("MB, over the", UNREADABLE_CODE),
    ("date", INVALID_DATE_CODE),
    ("cadence", CADENCE_CODE),
)


@dataclass(frozen=True, slots=True)
class Mark:
    """A diagnostic: 0-based ``line``, columns ``start``..``end`` in the line's characters, and
    ``fix``, the text that would replace them, when there is one."""

    line: int
    start: int
    end: int
    severity: str
    code: str
    message: str
    fix: str | None = None


@dataclass(frozen=True)
class NoteContext:
    """What a note's diagnostics are worked out from."""

    rel: str
    lines: tuple[str, ...]
    note: Note | None
    problems: tuple[Problem, ...]
    person_notes: Sequence[Note]  # the person's notes, this one included, buffers over disk
    people: Sequence[str]
    me: str
    today: dt.date
    written: Callable[[Note], bool]  # whether a note holds notes of the meeting (SPEC §2)
    hints: bool = True
    readable: bool = False  # read as what it is (a profile) though it is no note


def note_marks(context: NoteContext) -> list[Mark]:
    """Every mark of a note (or of a file that fails to be one), in line order."""
    marks = date_field_marks(context)
    taken = {(mark.line + 1, mark.message) for mark in marks}
    note = context.note
    severity = WARNING if note is not None or context.readable else ERROR
    marks += [
        problem_mark(context.lines, problem, severity)
        for problem in context.problems
        if (problem.line, problem.message) not in taken
    ]
    if note is not None:
        marks += finding_marks(context, _findings(context, note))
        marks += reverse_tick_marks(context, note)
        if context.hints:
            marks += hint_marks(context, note)
    return sorted(marks, key=lambda mark: (mark.line, mark.start, mark.code))


def _findings(context: NoteContext, note: Note) -> list[Finding]:
    people = {*context.people, note.person}
    found = [f for f in ticked_in_older_note(context.person_notes) if f.path == note.path]
    found += unknown_owners([note], people, context.me)
    found += unconfirmed_meetings([note], context.today, context.written)
    return found


def problem_mark(lines: Sequence[str], problem: Problem, severity: str = WARNING) -> Mark:
    """A problem found reading the file, on its line (the first when it has none): an error
    when the file could not be read at all, else a warning."""
    code = next(
        (code for words, code in PROBLEM_CODES if words in problem.message), INVALID_VALUE_CODE
    )
    line = max((problem.line or 1) - 1, 0)
    start, end = _line_span(lines, line)
    return Mark(line, start, end, severity, code, problem.message)


def _line_span(lines: Sequence[str], index: int) -> tuple[int, int]:
    """The columns of a line's text, indentation left out."""
    if index >= len(lines):
        return 0, 0
    text = lines[index]
    stripped = text.strip()
    start = len(text) - len(text.lstrip())
    return start, start + len(stripped)


def item_offset(line: str, item: Item) -> int:
    """Where an item's text starts in its first line."""
    body = line.rstrip()
    return len(body) - len(item.text) if body.endswith(item.text) else 0


def date_field_marks(context: NoteContext) -> list[Mark]:
    """Each date field of an item that holds no valid date (SPEC §3 v2), on the field itself,
    with the field written as an ISO date when it can be read for sure."""
    note = context.note
    if note is None:
        return []
    marks = []
    for item in note.items:
        line = note.lines[item.start]
        offset = item_offset(line, item)
        for field in fields_in(item.text):
            if field.name == "priority" or field.date is not None:
                continue
            marks.append(
                Mark(
                    item.start,
                    offset + field.start,
                    offset + field.end,
                    WARNING,
                    INVALID_DATE_CODE,
                    invalid_field_message(field),
                    normalised_field(field),
                )
            )
    return marks


def finding_marks(context: NoteContext, findings: Sequence[Finding]) -> list[Mark]:
    """The cross-note findings of ``ono check`` (core.consistency) on this note."""
    marks = []
    for finding in findings:
        line = max((finding.line or 1) - 1, 0)
        if finding.start is not None and finding.end is not None:
            start, end = finding.start, finding.end
        else:
            start, end = _line_span(context.lines, line)
        marks.append(
            Mark(line, start, end, WARNING, finding.code, finding.message, finding.replacement)
        )
    return marks


def reverse_tick_marks(context: NoteContext, note: Note) -> list[Mark]:
    """The other end of ``ticked-in-older-note``: in the later note, the item still open here
    though it was ticked in the note before, with that note's place."""
    notes = list(context.person_notes)
    by_path = {n.path: index for index, n in enumerate(notes)}
    marks = []
    for finding in ticked_in_older_note(notes):
        older_index = by_path.get(finding.path)
        if older_index is None or finding.line is None:
            continue
        older = notes[older_index]
        ticked = next((i for i in older.items if i.line == finding.line), None)
        later = next((n for n in notes[older_index + 1 :] if _has_key(n, ticked)), None)
        if ticked is None or later is None or later.path != note.path:
            continue
        still_open = once_per_key(i for i in note.items if i.is_open).get(ticked.key)
        if still_open is None:
            continue
        state = "done" if ticked.state == "done" else "cancelled"
        start, end = _line_span(note.lines, still_open.start)
        text = _quoted(without_fields(still_open.text))
        message = (
            f"{text} is still open here but {state} in {older.path}:{ticked.line}: tick it here too"
        )
        marks.append(Mark(still_open.start, start, end, WARNING, PHANTOM_CODE, message))
    return marks


def _has_key(note: Note, item: Item | None) -> bool:
    return item is not None and any(i.key == item.key for i in note.items)


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def hint_marks(context: NoteContext, note: Note) -> list[Mark]:
    """Overdue and stale items (SPEC §5), on the note that holds them last: the note being
    written, not the history behind it."""
    marks = []
    for chain in chains_through(context.person_notes, note, context.today):
        if chain.state != "open" or chain.source.rpartition(":")[0] != note.path:
            continue
        index = int(chain.source.rpartition(":")[2]) - 1
        start, end = _line_span(note.lines, index)
        if chain.due is not None and chain.due < context.today:
            late = (context.today - chain.due).days
            message = f"overdue: due {chain.due}, {late} day{'s' * (late != 1)} ago"
            marks.append(Mark(index, start, end, INFORMATION, OVERDUE_CODE, message))
        if chain.times_carried >= STALE_AFTER:
            message = (
                f"stale: carried {chain.times_carried} times since {chain.created}; "
                "do it, give it a date, or cancel it"
            )
            marks.append(Mark(index, start, end, INFORMATION, STALE_CODE, message))
    return marks


def chains_through(notes: Sequence[Note], note: Note, today: dt.date) -> list[ActionItem]:
    """The person's items by the chain rule (SPEC §5) as of today, or as of ``note``'s day when
    it is later (a note written ahead: its items are followed up to it)."""
    return follow_items(note.person, notes, max(today, note.date))
