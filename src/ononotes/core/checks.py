"""Checks of what users type, before anything is built from it: slugs and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ononotes.core.fields import is_slug
from ononotes.errors import UsageError


def check_slug(slug: str, what: str = "person") -> str:
    """A valid slug, or a UsageError before any path is built from it."""
    if not isinstance(slug, str) or not is_slug(slug):
        raise UsageError(
            f"invalid {what} slug {slug!r}: use lowercase letters, digits, '-', '_' or '.', no spaces or paths"
        )
    return slug


def check_date(value: str | dt.date | None, option: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} must be a date YYYY-MM-DD, not {value!r}") from None


def closest_person(people: Sequence[str], slug: str) -> str | None:
    """The one of ``people`` that ``slug`` most likely mistypes, if any is close enough."""
    import difflib

    close = difflib.get_close_matches(slug, list(people), n=1)
    return close[0] if close else None


def unknown_person_message(people: Sequence[str], slug: str, what: str = "person") -> str:
    """The refusal for a slug that is nobody in ``people``, with the closest one suggested."""
    close = closest_person(people, slug)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"no {what} {slug!r} in this vault{hint}"


SALT_BYTES = 32  # the metrics export's salt (#19): 32 random bytes, written in hex


def is_salt(value: object) -> bool:
    """A salt as ono writes it: 32 random bytes in hex. Here, not with the metrics: every
    command checks ono.local.toml, and must not import the export's machinery to do it."""
    if not isinstance(value, str) or len(value) != 2 * SALT_BYTES:
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True
