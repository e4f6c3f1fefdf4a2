"""Today's date, at the edge: ``ONO_TODAY=YYYY-MM-DD`` fixes it for tests and reproducible runs."""

from __future__ import annotations

import datetime as dt
import os

from ononotes.errors import UsageError


def today() -> dt.date:
    fixed = os.environ.get("ONO_TODAY")
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed.strip())
    except ValueError:
        raise UsageError(f"ONO_TODAY must be YYYY-MM-DD, not {fixed!r}") from None
