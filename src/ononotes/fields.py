"""The fields inside an action item's first line: owner, dates, and the item's key (SPEC §3)."""

from __future__ import annotations

import datetime as dt
import re

from .model import UNASSIGNED

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
ALL_FIELDS_RE = re.compile("|".join(f"(?:{r.pattern})" for r in FIELD_RES.values()))
OWNER_RE = re.compile(r"(?<!\w)@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
SLUG_RE = re.compile(r"[a-z0-9_][a-z0-9_.-]*")
WHITESPACE_RE = re.compile(r"\s+")


def parse_iso_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is no real day (``2026-13-45``)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def field_text(text: str, name: str) -> str | None:
    """The raw date string of field ``name`` in ``text`` (first form that matches)."""
    match = FIELD_RES[name].search(text)
    if not match:
        return None
    return next(group for group in match.groups() if group)


def field_date(text: str, name: str) -> dt.date | None:
    raw = field_text(text, name)
    return parse_iso_date(raw) if raw else None


def owner_of(text: str, me: str = "me") -> str:
    """The first ``@slug`` mention, case folded; ``@me`` is the vault owner."""
    match = OWNER_RE.search(text)
    if not match:
        return UNASSIGNED
    slug = match.group(1).casefold()
    return me if slug == "me" else slug


def item_key(text: str) -> str:
    """The identity of an item: its text without date fields, white space folded, case folded."""
    return WHITESPACE_RE.sub(" ", ALL_FIELDS_RE.sub(" ", text)).strip().casefold()


def item_fields(text: str, me: str = "me"):
    """(owner, due, created, done, key, invalid) of an item's first-line text; ``invalid``
    names the date fields that are written but are no real day, as (field, raw text)."""
    dates = {}
    invalid = []
    for name in FIELD_RES:
        raw = field_text(text, name)
        dates[name] = parse_iso_date(raw) if raw else None
        if raw and dates[name] is None:
            invalid.append((name, raw))
    return (
        owner_of(text, me),
        dates["due"],
        dates["created"],
        dates["done"],
        item_key(text),
        tuple(invalid),
    )


def is_slug(text: str) -> bool:
    """A person slug: lowercase letters, digits, ``-``, ``_``, ``.``; never a path."""
    return bool(SLUG_RE.fullmatch(text)) and text not in (".", "..") and ".." not in text
