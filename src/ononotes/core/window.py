"""The dates a report counts, and the small rules every report shares: a window, a meeting's
kind (held, cancelled, planned) as of a day, a median, a ratio."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ononotes.core.checks import check_date
from ononotes.core.model import CANCELLED, CANCELLED_STATUSES, HELD, PLANNED, UNCONFIRMED, Note
from ononotes.errors import UsageError

# -- the window -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """The dates a report counts: ``since`` to ``until`` inclusive, and the day it is "today".

    ``until`` defaults to ``as_of``; ``since`` to the beginning of time.
    """

    as_of: dt.date
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def end(self) -> dt.date:
        return self.until if self.until is not None else self.as_of

    def __contains__(self, day: dt.date) -> bool:
        return (self.since is None or day >= self.since) and day <= self.end


def group_by_person(notes: Iterable[Note]) -> dict[str, list[Note]]:
    """Each person's notes in (date, file name) order, in one pass over ``notes``."""
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.person, []).append(note)
    for person_notes in groups.values():
        person_notes.sort(key=lambda note: note.sort_key)
    return groups


def median(values: Sequence[int]) -> int | float | None:
    """The median, as a whole number when it is one; None for no values."""
    if not values:
        return None
    import statistics  # here: importing it costs every report command start-up time

    middle = statistics.median(values)
    return int(middle) if float(middle).is_integer() else float(middle)


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- cadence (SPEC §6) ----------------------------------------------------------------------------


def meeting_kind(
    note: Note, as_of: dt.date, written: Callable[[Note], bool] | None = None
) -> str | None:
    """held, cancelled, planned or unconfirmed for the cadence counts; None for an unknown
    status.

    A note dated after as-of is planned whatever its status says, unless it is cancelled
    (a meeting already called off is not one to expect). A ``status: planned`` note whose day
    has come (SPEC §2 v2) was held when ``written`` finds the notes of the meeting in it; else
    it is still planned on its day, and unconfirmed once the day has passed: ono scaffolds notes
    ahead, and a skipped meeting must not look held.
    """
    status = note.effective_status(as_of)
    if status in CANCELLED_STATUSES:
        return CANCELLED
    if note.date > as_of:
        return PLANNED
    if status == PLANNED:
        if written is not None and written(note):
            return HELD
        # the day itself is not past: the meeting may still be ahead, in a few hours
        return PLANNED if note.date == as_of else UNCONFIRMED
    if status == HELD:
        return HELD
    return None


def make_window(
    today: dt.date,
    as_of: str | dt.date | None,
    since: str | dt.date | None,
    until: str | dt.date | None,
) -> Window:
    """The report's dates from the options; since after until is a usage error."""
    window = Window(
        check_date(as_of, "--as-of") or today,
        check_date(since, "--since"),
        check_date(until, "--until"),
    )
    if window.since is not None and window.since > window.end:
        raise UsageError(f"--since {window.since} is after the end of the window, {window.end}")
    if window.until is not None and window.until > window.as_of:
        raise UsageError(
            f"--until {window.until} is after --as-of {window.as_of}, and nothing after as-of "
            f"is counted: set --as-of {window.until} too"
        )
    return window
