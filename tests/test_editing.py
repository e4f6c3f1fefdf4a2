"""core/editing.py: an item's line ticked, cancelled, given or moved a due date, its malformed
dates written as ISO dates, each in the form the line already uses."""

from __future__ import annotations

import datetime as dt

import pytest

from ononotes.core.editing import cancel, moved_due, normalised_line, set_due, tick
from ononotes.core.fields import fields_in, item_fields

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("line", "ticked"),
    [
        ("- [ ] @alice send the plan", "- [x] @alice send the plan done:2026-12-02"),
        ("- [ ] send due:2026-11-17", "- [x] send due:2026-11-17 done:2026-12-02"),
        ("- [ ] send 📅 2026-11-17", "- [x] send 📅 2026-11-17 ✅ 2026-12-02"),
        ("- [ ] send ⏫", "- [x] send ⏫ ✅ 2026-12-02"),
        (
            "- [ ] send [due:: 2026-11-17]",
            "- [x] send [due:: 2026-11-17] [completion:: 2026-12-02]",
        ),
        (
            "- [ ] send (due:: 2026-11-17)",
            "- [x] send (due:: 2026-11-17) (completion:: 2026-12-02)",
        ),
        ("  * [/] nested, in progress", "  * [x] nested, in progress done:2026-12-02"),
        ("1. [ ] numbered\t", "1. [x] numbered done:2026-12-02\t"),
        ("- [ ] already dated done:2026-12-01", "- [x] already dated done:2026-12-01"),
    ],
)
def test_tick_writes_the_done_date_in_the_lines_own_form(line, ticked):
    assert tick(line, TODAY) == ticked
    assert item_fields(ticked.split("] ", 1)[1]).key == item_fields(line.split("] ", 1)[1]).key


@pytest.mark.parametrize("line", ["- [x] done", "- [-] cancelled", "- plain bullet", "text"])
def test_only_open_task_items_are_ticked_or_cancelled(line):
    assert tick(line, TODAY) is None and cancel(line, TODAY) is None


def test_cancel():
    assert cancel("- [ ] a 📅 2026-11-17", TODAY) == "- [-] a 📅 2026-11-17 ❌ 2026-12-02"
    assert cancel("- [ ] a", TODAY) == "- [-] a cancelled:2026-12-02"


def test_set_and_move_the_due_date_in_its_own_form():
    day = dt.date(2026, 12, 9)
    assert set_due("- [ ] a", day) == "- [ ] a due:2026-12-09"
    assert set_due("- [ ] a ➕ 2026-11-01", day) == "- [ ] a ➕ 2026-11-01 📅 2026-12-09"
    assert set_due("- [ ] a [ due ::2026-11-17 ] b", day) == "- [ ] a [due:: 2026-12-09] b"
    assert moved_due("- [ ] a due:2026-12-05", TODAY) == (
        "- [ ] a due:2026-12-12",
        dt.date(2026, 12, 12),
    )
    # overdue: a week from today, not a week after the day that has passed
    assert moved_due("- [ ] a 📅 2026-11-17", TODAY)[1] == dt.date(2026, 12, 9)


@pytest.mark.parametrize(
    ("line", "fixed"),
    [
        ("- [ ] a due:2026-12-4", "- [ ] a due:2026-12-04"),
        ("- [ ] a due: 2026-12-04", "- [ ] a due:2026-12-04"),
        ("- [ ] a 📅 2026/12/4", "- [ ] a 📅 2026-12-04"),
        ("- [ ] a 📆 2026-1-4", "- [ ] a 📆 2026-01-04"),
        ("- [ ] a (Due:: 2026-12-4)", "- [ ] a (Due:: 2026-12-04)"),
        ("- [ ] a due:12/09", None),
        ("- [ ] a 📅 2026-02-30", None),
        ("- [ ] a due:2026-12-04", None),
    ],
)
def test_malformed_dates_written_as_iso_dates_when_they_can_be_read_for_sure(line, fixed):
    assert normalised_line(line) == fixed
    if fixed is not None:
        assert all(field.date is not None for field in fields_in(fixed))
