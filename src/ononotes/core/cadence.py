"""Cadence names and intervals (SPEC §6)."""

from __future__ import annotations

import math
import re

NAMED = {"weekly": 7, "biweekly": 14, "fortnightly": 14, "monthly": 30}
CUSTOM_RE = re.compile(r"(\d{1,4})\s*([dw])")


def interval_days(cadence: str) -> int:
    """Days between meetings for ``weekly``, ``biweekly``, ``monthly``, ``Nd`` or ``Nw``."""
    text = cadence.strip().lower()
    if text in NAMED:
        return NAMED[text]
    match = CUSTOM_RE.fullmatch(text)
    if match and int(match.group(1)) > 0:
        return int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    raise ValueError(f"unknown cadence {cadence!r}: use weekly, biweekly, monthly, Nd or Nw")


def tolerance_days(interval: int) -> int:
    """How late a meeting may be and still count as on cadence: a quarter of the interval."""
    return math.ceil(interval / 4)
