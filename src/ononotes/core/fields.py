"""The fields inside an action item's first line: owner, dates, priority, recurrence, and the
item's key (SPEC §3)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import NamedTuple

from ononotes.core.model import UNASSIGNED

# Something written as a date, right or wrong: ``2026-11-30``, ``2026-12-4``, ``12/09``. It never
# ends inside a longer token, so ``due:2026-11-300`` is no field, while ``due:2026-11-30.`` is.
_DATEISH = r"\d+(?:[-/.]\d+){1,2}(?![\w/-]|\.\w)"
_VS16 = "\ufe0f?"
# the emoji that stand for a date field in Obsidian Tasks (📆 and 🗓 are its other due forms)
EMOJI_FIELDS = {
    "📅": "due",
    "📆": "due",
    "🗓": "due",
    "➕": "created",
    "✅": "done",
    "❌": "cancelled",
    "⏳": "scheduled",
    "🛫": "start",
}
# the Dataview names of the fields that leave the key; ``repeat`` is read but stays in it
DATAVIEW_FIELDS = {
    "due": "due",
    "created": "created",
    "completion": "done",
    "cancelled": "cancelled",
    "scheduled": "scheduled",
    "start": "start",
    "priority": "priority",
}
PLAIN_FIELDS = ("due", "created", "done", "cancelled")
PRIORITY_MARKS = "🔺⏫🔼🔽⏬"
_DATAVIEW_NAME = "(?i:" + "|".join(DATAVIEW_FIELDS) + ")"
# Every field that leaves the key, in every form; each alternative names its parts:
#   plain ``due:2026-11-30`` (a space after the colon is read, to be reported as a typo),
#   an emoji and a date, a Dataview field in square or round brackets, a priority marker.
FIELDS_RE = re.compile(
    rf"(?<!\S)(?P<plain>{'|'.join(PLAIN_FIELDS)}):(?P<gap>[ \t]*)(?P<plain_value>{_DATEISH})"
    rf"|(?P<emoji>{'|'.join(EMOJI_FIELDS)}){_VS16}[ \t]*(?P<emoji_value>{_DATEISH})"
    rf"|\[[ \t]*(?P<square>{_DATAVIEW_NAME})[ \t]*::[ \t]*(?P<square_value>[^\]]*?)[ \t]*\]"
    rf"|\([ \t]*(?P<round>{_DATAVIEW_NAME})[ \t]*::[ \t]*(?P<round_value>[^)]*?)[ \t]*\)"
    rf"|(?P<priority>[{PRIORITY_MARKS}]){_VS16}"
)
RECURRENCE_RE = re.compile(r"🔁|[\[(][ \t]*(?i:repeat)[ \t]*::")
# Every form holds one of these: most items hold none, and skip the field search at once.
FIELD_HINT_RE = re.compile(
    rf"due:|created:|done:|cancelled:|::|[{''.join(EMOJI_FIELDS)}{PRIORITY_MARKS}]"
)
ASCII_HINT_RE = re.compile(r"due:|created:|done:|cancelled:|::")
OWNER_RE = re.compile(r"(?<!\w)@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
SLUG_RE = re.compile(r"[a-z0-9_][a-z0-9_.-]*")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is no real day (``2026-13-45``)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def owner_of(text: str, me: str = "me") -> str:
    """The first ``@slug`` mention, case folded; ``@me`` is the vault owner."""
    at = text.find("@")
    match = OWNER_RE.search(text, at) if at >= 0 else None  # the lookbehind sees text[at - 1]
    if not match:
        return UNASSIGNED
    slug = match.group(1).casefold()
    return me if slug == "me" else slug


def written_as_me(text: str) -> bool:
    """Whether an item's owner is written ``@me``, which means whoever owns the vault that
    reads it (unlike ``@dana``, which means Dana wherever the note goes)."""
    match = OWNER_RE.search(text)
    return match is not None and match.group(1).casefold() == "me"


class Field(NamedTuple):
    """One field found in an item's line: which, as written, and where."""

    name: str  # due, created, done, cancelled, scheduled, start or priority
    written: str  # the whole field as it stands in the line
    value: str  # what it holds: the date as written, or the priority
    start: int
    end: int
    well_formed: bool  # written in one of the forms SPEC §3 lists (no space after ``due:``)

    @property
    def date(self) -> dt.date | None:
        """The date it holds, or None when that is no ISO date of a real day (Dataview
        allows a time after it: ``2026-11-30T10:00``)."""
        if not self.well_formed or self.name == "priority":
            return None
        day = self.value.partition("T")[0]
        return parse_iso_date(day) if _ISO_DATE_RE.fullmatch(day) else None


def _field_of(match: re.Match[str]) -> Field:
    start, end = match.span()
    written = match.group()
    if match["plain"]:
        return Field(match["plain"], written, match["plain_value"], start, end, not match["gap"])
    if match["emoji"]:
        return Field(EMOJI_FIELDS[match["emoji"]], written, match["emoji_value"], start, end, True)
    if match["priority"]:
        return Field("priority", written, match["priority"], start, end, True)
    name, value = (
        (match["square"], match["square_value"])
        if match["square"]
        else (match["round"], match["round_value"])
    )
    return Field(DATAVIEW_FIELDS[name.casefold()], written, value, start, end, True)


def fields_in(text: str) -> list[Field]:
    """Every field of ``text`` that leaves its key, in the order they are written."""
    if _first_hint(text) is None:
        return []
    return [_field_of(match) for match in FIELDS_RE.finditer(text)]


def _first_hint(text: str) -> int | None:
    """Where FIELD_HINT_RE first matches in ``text``, or None. Most items are plain ASCII, and
    most of those have no colon at all."""
    if text.isascii():
        if ":" not in text:
            return None
        hint = ASCII_HINT_RE.search(text)
    else:
        hint = FIELD_HINT_RE.search(text)
    return hint.start() if hint else None


def is_recurring(text: str) -> bool:
    """Whether an item repeats: it has ``🔁 rule`` or a Dataview ``repeat::`` field."""
    return ("🔁" in text or "::" in text) and RECURRENCE_RE.search(text) is not None


def item_key(text: str) -> str:
    """The identity of an item: its text without its fields, white space and case folded."""
    return _key_without(text, fields_in(text))


def without_fields(text: str) -> str:
    """``text`` without its date fields and priority, white space folded: for showing the
    dates apart."""
    return _without(text, fields_in(text))


def without_close_dates(text: str) -> str:
    """``text`` without its done and cancelled dates, white space folded: what an item said
    before it was ticked (Obsidian Tasks and ``ono`` users add ``✅ 2026-11-05`` as they tick
    it, ``❌ 2026-11-05`` as they cancel it)."""
    return _without(text, [f for f in fields_in(text) if f.name in ("done", "cancelled")])


def _without(text: str, fields: list[Field]) -> str:
    parts: list[str] = []
    end = 0
    for field in fields:
        parts += (text[end : field.start], " ")
        end = field.end
    if parts:
        text = "".join(parts) + text[end:]
    # str.split() splits on exactly the characters regex \s matches: runs folded, ends trimmed
    return " ".join(text.split())


def _key_without(text: str, fields: list[Field]) -> str:
    return _without(text, fields).casefold()


class ItemFields(NamedTuple):
    """What an item's first line says besides its text."""

    owner: str
    due: dt.date | None
    created: dt.date | None
    done: dt.date | None
    cancelled: dt.date | None
    recurring: bool
    key: str
    invalid: tuple[Field, ...]  # date fields written, but holding no valid ISO date


DATE_FIELDS = ("due", "created", "done", "cancelled", "scheduled", "start")


# Carried items repeat, word for word, in note after note: a vault reads the same item lines many
# times over. The result is immutable (a tuple of strings, dates and tuples), so sharing it is safe.
@functools.lru_cache(maxsize=8192)
def item_fields(text: str, me: str = "me") -> ItemFields:
    """The owner, dates, recurrence and key of an item's first-line text (SPEC §3); ``invalid``
    lists the date fields written in no valid form, or holding no real day. The first valid
    form of each field counts."""
    fields = fields_in(text)
    dates: dict[str, dt.date] = {}
    invalid: list[Field] = []
    for field in fields:
        if field.name == "priority":
            continue
        date = field.date
        if date is None:
            invalid.append(field)
        else:
            dates.setdefault(field.name, date)
    return ItemFields(
        owner_of(text, me) if "@" in text else UNASSIGNED,
        dates.get("due"),
        dates.get("created"),
        dates.get("done"),
        dates.get("cancelled"),
        is_recurring(text),
        _key_without(text, fields),
        tuple(invalid),
    )


def invalid_field_message(field: Field) -> str:
    """What ``ono check`` says of a date field it cannot read (SPEC §3 v2)."""
    day = field.value.partition("T")[0]
    if not _ISO_DATE_RE.fullmatch(day):
        return f"{field.name} date {field.written!r} is not a date YYYY-MM-DD; it is ignored"
    if parse_iso_date(day) is None:
        return f"{field.name} date {field.written!r} is not a real day; it is ignored"
    fix = f"{field.name}:{field.value}"  # a real day, but a space after the colon
    return f"{field.name} date {field.written!r} has a space after the colon: write {fix!r}"


def is_slug(text: str) -> bool:
    """A person slug: lowercase letters, digits, ``-``, ``_``, ``.``; never a path."""
    return bool(SLUG_RE.fullmatch(text)) and text not in (".", "..") and ".." not in text
