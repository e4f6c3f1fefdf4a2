"""The fields inside an action item's first line: owner, dates, and the item's key (SPEC §3)."""

from __future__ import annotations

import datetime as dt
import functools
import re

from ononotes.core.model import UNASSIGNED

_DATE = r"(\d{4}-\d{2}-\d{2})"
_VS16 = "\ufe0f?"
# Each field in every accepted form. Obsidian Tasks also writes 📆 and 🗓 for due dates.
FIELD_RES = {
    "due": re.compile(
        rf"(?<!\S)due:{_DATE}(?!\S)|(?:📅|📆|🗓){_VS16}[ \t]*{_DATE}|\[due::[ \t]*{_DATE}[ \t]*\]"
    ),
    "created": re.compile(
        rf"(?<!\S)created:{_DATE}(?!\S)|➕{_VS16}[ \t]*{_DATE}|\[created::[ \t]*{_DATE}[ \t]*\]"
    ),
    "done": re.compile(
        rf"(?<!\S)done:{_DATE}(?!\S)|✅{_VS16}[ \t]*{_DATE}|\[completion::[ \t]*{_DATE}[ \t]*\]"
    ),
}
# Every form starts with one of the characters in the lookahead: with it, the regex engine skips
# other positions at once instead of trying nine forms at each (three times faster on a line).
ALL_FIELDS_RE = re.compile(
    "(?=[dc📅📆🗓➕✅[])(?:" + "|".join(f"(?:{r.pattern})" for r in FIELD_RES.values()) + ")"
)
OWNER_RE = re.compile(r"(?<!\w)@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
SLUG_RE = re.compile(r"[a-z0-9_][a-z0-9_.-]*")


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


def item_key(text: str) -> str:
    """The identity of an item: its text without date fields, white space folded, case folded."""
    return _key_without(text, _field_matches(text))


def without_dates(text: str) -> str:
    """``text`` without its date fields, white space folded: for showing the dates apart."""
    return " ".join(ALL_FIELDS_RE.sub(" ", text).split())


def without_done(text: str) -> str:
    """``text`` without its done dates, white space folded: what an item said before it was
    ticked (Obsidian Tasks and ``ono`` users add ``✅ 2026-11-05`` as they tick it)."""
    return " ".join(FIELD_RES["done"].sub(" ", text).split())


# Every form of every field holds one of these, and starts at most one character before it
# (``[due:: …``). Most items hold none; in the others, the field search starts there: the
# patterns are slow to try at every position of a long line.
FIELD_HINT_RE = re.compile(r"due:|created:|done:|completion::|📅|📆|🗓|➕|✅")
# ALL_FIELDS_RE's groups, in order: three forms of each field, one group each
GROUP_FIELDS = ("due",) * 3 + ("created",) * 3 + ("done",) * 3


def _field_matches(text: str) -> list[re.Match[str]]:
    """ALL_FIELDS_RE's matches in ``text``, searched from one character before the first hint
    (the lookbehind still sees what precedes it)."""
    start = _first_hint(text)
    if start is None:
        return []
    return list(ALL_FIELDS_RE.finditer(text, max(0, start - 1)))


# FIELD_HINT_RE's ASCII forms: an ASCII text can hold no other, and this search costs half
ASCII_HINT_RE = re.compile(r"due:|created:|done:|completion::")


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


def _key_without(text: str, matches: list[re.Match[str]]) -> str:
    """The key of ``text`` once the fields ``matches`` found are cut out (each leaves a space,
    as ALL_FIELDS_RE.sub(" ", text) would)."""
    parts: list[str] = []
    end = 0
    for match in matches:
        parts += (text[end : match.start()], " ")
        end = match.end()
    if parts:
        text = "".join(parts) + text[end:]
    # str.split() splits on exactly the characters regex \s matches: runs folded, ends trimmed
    return " ".join(text.split()).casefold()


# (owner, due, created, done, key, invalid): what item_fields finds in an item's first line
ItemFields = tuple[
    str, dt.date | None, dt.date | None, dt.date | None, str, tuple[tuple[str, str], ...]
]


# Carried items repeat, word for word, in note after note: a vault reads the same item lines many
# times over. The result is immutable (a tuple of strings, dates and tuples), so sharing it is safe.
@functools.lru_cache(maxsize=8192)
def item_fields(text: str, me: str = "me") -> ItemFields:
    """(owner, due, created, done, key, invalid) of an item's first-line text; ``invalid``
    names the date fields that are written but are no real day, as (field, raw text).

    One search for every field: no form of one field can overlap a form of another, so the
    first match of each field is the one its own pattern finds first."""
    matches = _field_matches(text)
    due = created = done = None
    invalid: tuple[tuple[str, str], ...] = ()
    if matches:
        raws: dict[str, str] = {}
        for match in matches:
            group = match.lastindex
            assert group is not None  # each form is a group of its own, and a match is one form
            raws.setdefault(GROUP_FIELDS[group - 1], match.group(group))
        due, created, done = dates = tuple(map(_date_of, map(raws.get, FIELD_RES)))
        if len(raws) > 3 - dates.count(None):  # a field is written, but not as a real day
            invalid = tuple(
                (name, raws[name])
                for name, date in zip(FIELD_RES, dates, strict=True)
                if date is None and name in raws
            )
    return (
        owner_of(text, me) if "@" in text else UNASSIGNED,
        due,
        created,
        done,
        _key_without(text, matches),
        invalid,
    )


def _date_of(raw: str | None) -> dt.date | None:
    return None if raw is None else parse_iso_date(raw)


def is_slug(text: str) -> bool:
    """A person slug: lowercase letters, digits, ``-``, ``_``, ``.``; never a path."""
    return bool(SLUG_RE.fullmatch(text)) and text not in (".", "..") and ".." not in text
