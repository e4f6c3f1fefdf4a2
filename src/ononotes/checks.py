"""Checks of what users type, before anything is built from it: slugs and dates."""

from __future__ import annotations

import datetime as dt

from .errors import UsageError
from .fields import is_slug


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
