"""Edits of one action item's line, each written in the form the line already uses (SPEC §3):
ticked with ``✅ 2026-12-02`` on an Obsidian Tasks line, ``[completion:: 2026-12-02]`` on a
Dataview line, ``done:2026-12-02`` on any other; cancelled, given or moved a due date the same
way; a malformed date field written as an ISO date. Pure: a line and a day in, a line out.

The editor server offers them as code actions; any command that edits an item can share them.
"""

from __future__ import annotations

import datetime as dt
import re

from ononotes.core.fields import EMOJI_FIELDS, Field, fields_in, parse_iso_date

TASKS = "tasks"  # Obsidian Tasks: an emoji before the date
DATAVIEW_SQUARE = "dataview-square"  # [due:: 2026-12-02]
DATAVIEW_ROUND = "dataview-round"  # (due:: 2026-12-02)
PLAIN = "plain"  # due:2026-12-02

# the emoji and Dataview name ono writes for each field (SPEC §3's first form of each)
TASKS_EMOJI = {"due": "📅", "created": "➕", "done": "✅", "cancelled": "❌"}
DATAVIEW_NAME = {"due": "due", "created": "created", "done": "completion", "cancelled": "cancelled"}
# a task item's first line up to its checkbox: indentation, list marker, spaces, [c]
CHECKBOX_RE = re.compile(r"^([ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+)\[(.)\](?=[ \t])")
_DAY_PARTS_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def form_of(field: Field) -> str:
    """Which of the forms of SPEC §3 a field is written in."""
    first = field.written[0]
    if first == "[":
        return DATAVIEW_SQUARE
    if first == "(":
        return DATAVIEW_ROUND
    if first.isalpha():
        return PLAIN
    return TASKS


def line_form(text: str) -> str:
    """The form a line's fields are written in (its first field's), ``plain`` when it has
    none; a priority marker alone makes it an Obsidian Tasks line."""
    fields = fields_in(text)
    return form_of(fields[0]) if fields else PLAIN


def written_field(name: str, day: dt.date, form: str) -> str:
    """``name`` (due, created, done, cancelled) holding ``day``, written in ``form``."""
    iso = day.isoformat()
    if form == TASKS:
        return f"{TASKS_EMOJI[name]} {iso}"
    if form == DATAVIEW_SQUARE:
        return f"[{DATAVIEW_NAME[name]}:: {iso}]"
    if form == DATAVIEW_ROUND:
        return f"({DATAVIEW_NAME[name]}:: {iso})"
    return f"{name}:{iso}"


def status_char(line: str) -> str | None:
    """The checkbox character of a task item's first line, None when the line is no task."""
    match = CHECKBOX_RE.match(line)
    return match.group(2) if match else None


def _with_status(line: str, char: str) -> str:
    match = CHECKBOX_RE.match(line)
    assert match is not None  # callers check status_char first
    return f"{match.group(1)}[{char}]{line[match.end() :]}"


def _appended(line: str, field_text: str) -> str:
    body = line.rstrip()
    return f"{body} {field_text}{line[len(body) :]}"


def _has_field(line: str, name: str) -> bool:
    return any(field.name == name and field.date is not None for field in fields_in(line))


def tick(line: str, today: dt.date) -> str | None:
    """The line marked done, with today's done date in its own form (kept if it has one);
    None when it is no open task item."""
    return _close(line, "x", "done", today)


def cancel(line: str, today: dt.date) -> str | None:
    """The line marked cancelled (``[-]``), with today's cancelled date in its own form; None
    when it is no open task item."""
    return _close(line, "-", "cancelled", today)


def _close(line: str, char: str, name: str, today: dt.date) -> str | None:
    current = status_char(line)
    if current is None or current in "xX-":
        return None
    closed = _with_status(line, char)
    if _has_field(closed, name):
        return closed
    return _appended(closed, written_field(name, today, line_form(line)))


def due_of(line: str) -> dt.date | None:
    """The line's due date: its first due field holding a valid date."""
    return next((f.date for f in fields_in(line) if f.name == "due" and f.date), None)


def set_due(line: str, day: dt.date) -> str:
    """The line with its due date made ``day``: the first due field rewritten in its own form,
    or one added at the end in the line's form."""
    for field in fields_in(line):
        if field.name == "due":
            replacement = written_field("due", day, form_of(field))
            return line[: field.start] + replacement + line[field.end :]
    return _appended(line, written_field("due", day, line_form(line)))


def moved_due(line: str, today: dt.date, days: int = 7) -> tuple[str, dt.date]:
    """The line with its due date ``days`` later, and that date: from its due date, or from
    today when it has none or that has passed (an overdue item moved a week is due in a week,
    not still overdue)."""
    day = max(due_of(line) or today, today) + dt.timedelta(days=days)
    return set_due(line, day), day


def normalised_field(field: Field) -> str | None:
    """A malformed date field written as it should be (``due:2026-12-4`` ->
    ``due:2026-12-04``, ``due: 2026-12-04`` -> ``due:2026-12-04``, ``📅 2026/12/04`` ->
    ``📅 2026-12-04``), in its own form; None when it holds no day that can be read for sure
    (``12/09`` has no year, ``2026-02-30`` is no day)."""
    if field.name not in TASKS_EMOJI:
        return None
    day = _readable_day(field.value.partition("T")[0])
    if day is None:
        return None
    form = form_of(field)
    if form == TASKS and not field.written.startswith(TASKS_EMOJI[field.name]):
        emoji = next(e for e, name in EMOJI_FIELDS.items() if field.written.startswith(e))
        return f"{emoji} {day.isoformat()}"  # 📆 and 🗓 stay as written
    if form in (DATAVIEW_SQUARE, DATAVIEW_ROUND):
        name = re.match(r"[\[(][ \t]*([A-Za-z]+)", field.written)
        assert name is not None  # form_of said it opens with a bracket and a name
        opening, closing = ("[", "]") if form == DATAVIEW_SQUARE else ("(", ")")
        return f"{opening}{name.group(1)}:: {day.isoformat()}{closing}"
    return written_field(field.name, day, form)


def _readable_day(value: str) -> dt.date | None:
    match = _DAY_PARTS_RE.fullmatch(value)
    if match is None:
        return None
    year, month, day = match.groups()
    return parse_iso_date(f"{year}-{int(month):02d}-{int(day):02d}")


def normalised_line(line: str) -> str | None:
    """The line with every malformed date field that can be read for sure written as an ISO
    date; None when there is none to fix."""
    fixed: list[str] = []
    end = 0
    for field in fields_in(line):
        replacement = normalised_field(field) if field.date is None else None
        if replacement is not None and replacement != field.written:
            fixed += (line[end : field.start], replacement)
            end = field.end
    return "".join(fixed) + line[end:] if fixed else None
