"""A small hand-made vault for the report tests, with every number worked out by hand.

As of 2026-03-31 (``AS_OF``), ``me = "dana"``, default cadence weekly (7 days, tolerance
ceil(7/4) = 2, so a gap of up to 9 days is on cadence).

Cadence, person by person (window: everything up to as-of):

- ann: weekly, since 2026-01-01. Held 01-05, 01-12, 01-21, 02-04, 02-11 (5); cancelled 01-28
  (cancelled) and 02-18 (no-show) (2); planned 04-06 (no status, after as-of) and 04-13
  (status held but after as-of) (2). Gaps 7, 9, 14, 7: on cadence 7, 9, 7 -> 3/4 = 0.75;
  median of 7, 7, 9, 14 = (7 + 9) / 2 = 8; max 14. Last held 02-11: days since = 17 (rest of
  Feb) + 31 = 48; next due 02-11 + 7 = 02-18; 48 > 9 -> overdue.
- ben: biweekly, no since, no notes: nothing held, everything null, not overdue.
- cat: monthly (30, tolerance ceil(30/4) = 8), one meeting 03-10: held 1, no gaps; days since
  21, next due 04-09, not overdue (21 <= 38).
- dan: no profile (cadence from ono.toml: weekly), only cancelled meetings 03-03 (cancelled)
  and 03-10 (rescheduled): held 0, cancelled 2, no since -> days since null, not overdue.
- eve: weekly, left: until 2026-02-28 < as-of -> inactive. Held 02-02, 02-09: gap 7 -> 1.0;
  days since 19 + 31 = 50 but never overdue; next due 02-16.
- fay: ``2w`` (14, tolerance 4), since 2026-03-01, no notes: days since 30, next due 03-15,
  30 > 18 -> overdue.
- gus: no profile (weekly): held 03-02, 03-09, 03-16, 03-23, 03-30 (5), 04-06 is after as-of
  -> planned 1. Gaps 7, 7, 7, 7 -> 1.0, median 7, max 7; days since 1, next due 04-06.

Team: 7 people; overdue ann and fay = 2; held 5 + 1 + 2 + 5 = 13; cancelled 2 + 2 = 4; pooled
gaps ann 7, 9, 14, 7 + eve 7 + gus 7, 7, 7, 7 = 9 gaps, 8 within 9 days -> 8/9.

Follow-through: see ``tests/test_reports.py`` for the items of gus and eve.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .conftest import build_tree

AS_OF = dt.date(2026, 3, 31)


def note(date: str, *items: str, status: str | None = None, mood: int | None = None) -> str:
    front = ["---", f"date: {date}"]
    if status:
        front.append(f"status: {status}")
    if mood:
        front.append(f"mood: {mood}")
    front.append("---")
    body = [f"# 1:1 · {date}", "", "## Notes", "- talked", "", "## Action items", *items]
    return "\n".join(front + body) + "\n"


def profile(name: str, **fields: str) -> str:
    lines = ["---", f"name: {name}", *(f"{key}: {value}" for key, value in fields.items()), "---"]
    return "\n".join(lines) + "\n"


PLAN = "- [ ] @gus write the plan due:2026-03-20"
ROOM = "- [ ] @me book the room"
ROOM_DONE = "- [x] @me book the room done:2026-03-05"
LEGAL = "- [ ] ask legal about the contract"
MEMO = "- [ ] @gus draft the memo created:2026-02-20"
NOTES = "- [ ] @dana send notes due:2026-03-25"
SHIP = "- [ ] @gus ship v1"
KEYS = "- [ ] @eve hand over keys due:2026-02-20"

FILES: dict[str, str] = {
    "ono.toml": 'me = "dana"\ncadence = "weekly"\n',
    # cadence people
    "ann/profile.md": profile("Ann Archer", cadence="weekly", since="2026-01-01"),
    "ann/2026-01-05.md": note("2026-01-05", mood=4),
    "ann/2026-01-12.md": note("2026-01-12", status="held", mood=3),
    "ann/2026-01-21.md": note("2026-01-21"),
    "ann/2026-01-28.md": note("2026-01-28", status="cancelled"),
    "ann/2026-02-04.md": note("2026-02-04", mood=3),
    "ann/2026-02-11.md": note("2026-02-11", mood=2),
    "ann/2026-02-18.md": note("2026-02-18", status="no-show"),
    "ann/2026-04-06.md": note("2026-04-06"),
    "ann/2026-04-13.md": note("2026-04-13", status="held"),
    "ben/profile.md": profile("Ben Baker", cadence="biweekly"),
    "cat/profile.md": profile("Cat Cho", cadence="monthly", since="2025-12-01"),
    "cat/2026-03-10.md": note("2026-03-10"),
    "dan/2026-03-03.md": note("2026-03-03", status="cancelled"),
    "dan/2026-03-10.md": note("2026-03-10", status="rescheduled"),
    "eve/profile.md": profile(
        "Eve Evans", cadence="weekly", since="2025-06-01", until="2026-02-28"
    ),
    "eve/2026-02-02.md": note("2026-02-02", KEYS),
    "eve/2026-02-09.md": note("2026-02-09", KEYS),
    "fay/profile.md": profile("Fay Fox", cadence="2w", since="2026-03-01"),
    # the follow-through person
    "gus/2026-03-02.md": note("2026-03-02", PLAN, ROOM, LEGAL),
    "gus/2026-03-09.md": note("2026-03-09", PLAN, ROOM_DONE, MEMO),
    "gus/2026-03-16.md": note(
        "2026-03-16",
        PLAN,
        ROOM_DONE,
        MEMO,
        LEGAL,
        "- [ ] @ann review the doc",
        "- [x] @ann review the doc",
    ),
    "gus/2026-03-23.md": note(
        "2026-03-23",
        PLAN,
        MEMO.replace("[ ]", "[-]"),
        LEGAL.replace("[ ]", "[x]"),
        NOTES,
        SHIP.replace("[ ]", "[x]"),
    ),
    "gus/2026-03-30.md": note(
        "2026-03-30",
        PLAN,
        NOTES,
        SHIP,
        "- [-] @gus fix typo",
        "- [x] @gus fix typo",
        "- [ ] think about offsite",
    ),
    # planned (after as-of): the tick of NOTES counts at once (SPEC v2 §5), the rest is ignored
    "gus/2026-04-06.md": note(
        "2026-04-06", PLAN, NOTES.replace("[ ]", "[x]"), "- [ ] @gus future thing"
    ),
}


def build_report_vault(root: Path, extra: dict[str, str] | None = None) -> Path:
    """Write the fixture vault (plus ``extra`` files) under ``root`` and return ``root``."""
    return build_tree(root, {**FILES, **(extra or {})})


def line_of(name: str, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of file ``name`` that equals ``text``."""
    seen = 0
    for number, line in enumerate(FILES[name].splitlines(), start=1):
        if line == text:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{text!r} not in {name}")
