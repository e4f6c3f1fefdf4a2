"""reports.py: cadence (SPEC §6) and follow-through (SPEC §5) on hand-made notes.

Every expected number is worked out by hand in the comments (and, for cadence, in the
docstring of ``tests/report_vault.py``). The notes are parsed from strings: no files.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ononotes.core.model import Config, Profile
from ononotes.core.parse import parse_note
from ononotes.core.reports import (
    Window,
    actions_report,
    cadence_report,
    follow_items,
    group_by_person,
    median,
    once_per_key,
    person_actions,
)

from .conftest import parse_files
from .report_vault import AS_OF, FILES, KEYS, LEGAL, MEMO, NOTES, PLAN, ROOM_DONE, SHIP, line_of

D = dt.date
CONFIG = Config(me="dana", cadence="weekly")


def parsed(files: dict[str, str] = FILES, me: str = "dana"):
    return parse_files(files, me)


NOTES_, PROFILES = parsed()


def cadence(window: Window | None = None, people=None):
    return cadence_report(NOTES_, PROFILES, CONFIG, window or Window(AS_OF), people)


def actions(window: Window | None = None, people=()):
    return actions_report(NOTES_, window or Window(AS_OF), people or set(PROFILES), me=["dana"])


def row(report, person):
    return next(r for r in report.people if getattr(r, "person", r.name) == person)


def item(report, key, created=None):
    found = [i for i in report.items if i.key == key and (created is None or i.created == created)]
    assert len(found) == 1, found
    return found[0]


# -- cadence ----------------------------------------------------------------------------------------


def test_cadence_people_are_everyone_with_a_profile_or_a_note_sorted():
    assert [r.person for r in cadence().people] == ["ann", "ben", "cat", "dan", "eve", "fay", "gus"]


def test_cadence_of_a_person_with_gaps_cancellations_and_planned_notes():
    ann = row(cadence(), "ann")
    assert (ann.name, ann.cadence, ann.interval_days, ann.tolerance_days) == (
        "Ann Archer",
        "weekly",
        7,
        2,
    )
    # held 01-05, 01-12 (status held), 01-21, 02-04, 02-11; cancelled 01-28 and 02-18 (no-show)
    assert (ann.held, ann.cancelled) == (5, 2)
    # 04-06 has no status and is after as-of; 04-13 says held but is after as-of: both planned
    assert ann.planned == 2
    assert ann.gaps == (7, 9, 14, 7)
    assert ann.on_cadence_ratio == 0.75  # 7, 9 and 7 are <= 7 + 2
    assert ann.median_gap_days == 8  # (7 + 9) / 2
    assert ann.max_gap_days == 14
    assert ann.last_held == D(2026, 2, 11)
    assert ann.days_since == 48  # 17 days left of February + 31 of March
    assert ann.next_due == D(2026, 2, 18)
    assert ann.overdue is True  # 48 > 9
    assert ann.active is True


def test_cadence_with_no_meetings_is_all_null_and_not_overdue():
    ben = row(cadence(), "ben")
    assert (ben.cadence, ben.interval_days) == ("biweekly", 14)
    assert (ben.held, ben.cancelled, ben.planned) == (0, 0, 0)
    assert ben.last_held is ben.days_since is ben.next_due is None
    assert ben.median_gap_days is ben.max_gap_days is ben.on_cadence_ratio is None
    assert ben.overdue is False and ben.active is True


def test_cadence_with_one_meeting_has_no_gaps():
    cat = row(cadence(), "cat")
    assert (cat.interval_days, cat.tolerance_days) == (30, 8)  # ceil(30 / 4) = 8
    assert cat.held == 1 and cat.gaps == ()
    assert cat.on_cadence_ratio is None and cat.median_gap_days is None and cat.max_gap_days is None
    assert (cat.last_held, cat.days_since, cat.next_due) == (D(2026, 3, 10), 21, D(2026, 4, 9))
    assert cat.overdue is False  # 21 <= 38


def test_cadence_with_only_cancelled_meetings_and_no_profile():
    dan = row(cadence(), "dan")
    assert (dan.name, dan.cadence, dan.interval_days) == ("dan", "weekly", 7)  # from ono.toml
    assert (dan.held, dan.cancelled, dan.planned) == (0, 2, 0)  # cancelled + rescheduled
    assert dan.last_held is None and dan.days_since is None and dan.next_due is None
    assert dan.overdue is False


def test_a_person_who_left_is_inactive_and_never_overdue():
    eve = row(cadence(), "eve")
    assert eve.active is False  # until 2026-02-28 < as-of
    assert eve.days_since == 50  # 19 days of February after the 9th + 31
    assert eve.overdue is False  # 50 > 9, but she left
    assert (eve.held, eve.on_cadence_ratio, eve.next_due) == (2, 1.0, D(2026, 2, 16))


def test_days_since_counts_from_the_profile_since_without_meetings():
    fay = row(cadence(), "fay")
    assert (fay.cadence, fay.interval_days, fay.tolerance_days) == ("2w", 14, 4)
    assert fay.days_since == 30  # since 2026-03-01
    assert fay.next_due == D(2026, 3, 15)
    assert fay.overdue is True  # 30 > 14 + 4


def test_future_notes_are_planned_not_held():
    gus = row(cadence(), "gus")
    assert (gus.held, gus.planned) == (5, 1)  # 04-06 is after as-of
    assert (gus.last_held, gus.days_since, gus.next_due) == (D(2026, 3, 30), 1, D(2026, 4, 6))
    assert (gus.median_gap_days, gus.max_gap_days, gus.on_cadence_ratio) == (7, 7, 1.0)


def test_cadence_team_pools_every_gap():
    team = cadence().team
    assert (team.people, team.overdue, team.held, team.cancelled) == (7, 2, 13, 4)
    assert team.on_cadence_ratio == pytest.approx(8 / 9)  # only ann's 14-day gap is late
    assert team.planned == 3  # ann 2, gus 1


def test_since_cuts_the_cadence_window_but_not_days_since():
    ann = row(cadence(Window(AS_OF, since=D(2026, 1, 20))), "ann")
    assert ann.held == 3  # 01-21, 02-04, 02-11
    assert ann.gaps == (14, 7)  # both ends in the window: the 01-12 -> 01-21 gap is out
    assert ann.on_cadence_ratio == 0.5 and ann.median_gap_days == 10.5 and ann.max_gap_days == 14
    assert ann.cancelled == 2  # 01-28 and 02-18
    assert ann.days_since == 48 and ann.overdue is True  # about today, whatever the window


def test_until_cuts_the_window_end():
    ann = row(cadence(Window(AS_OF, until=D(2026, 1, 31))), "ann")
    assert (ann.held, ann.cancelled, ann.gaps) == (3, 1, (7, 9))


def test_as_of_in_the_past_makes_later_notes_planned():
    gus = row(cadence(Window(D(2026, 3, 20))), "gus")
    # held 03-02, 03-09, 03-16; 03-23, 03-30, 04-06 are after as-of and have no status
    assert (gus.held, gus.planned, gus.days_since) == (3, 3, 4)


def test_people_limits_the_report_and_the_team():
    report = cadence(people=["ann"])
    assert [r.person for r in report.people] == ["ann"]
    assert (report.team.people, report.team.held, report.team.on_cadence_ratio) == (1, 5, 0.75)


def test_an_unreadable_cadence_falls_back_and_is_reported():
    profiles = {"zed": Profile("zed", "Zed", cadence="sometimes", path="zed/profile.md")}
    report = cadence_report([], profiles, Config(cadence="biweekly"), Window(AS_OF))
    assert (report.people[0].cadence, report.people[0].interval_days) == ("biweekly", 14)
    assert [p.path for p in report.problems] == ["zed/profile.md"]
    assert "unknown cadence 'sometimes'" in report.problems[0].message


# -- follow-through ---------------------------------------------------------------------------------
#
# gus's notes (03-02 N1, 03-09 N2, 03-16 N3, 03-23 N4, 03-30 N5; 04-06 is after as-of):
#   A "@gus write the plan" due 03-20: open in N1..N5 -> open, carried 4 (N2..N5), stale, overdue
#   B "@me book the room": open N1, done N2 (done:03-05), done again N3 -> one item, done 03-05,
#     created 03-02, 3 days to close
#   C1 "ask legal about the contract": open N1, absent N2 -> dropped at N2 (03-09)
#   D "@gus draft the memo" created:02-20: open N2, N3, cancelled N4 -> cancelled 03-23, carried 1
#   C2 the same legal key again open N3 -> a new item; done N4 -> closed 03-23, 7 days
#   E "@ann review the doc": open and done in N3 -> counts once, done; closed 03-16, 0 days
#   G "@dana send notes" due 03-25: open N4, N5, ticked in N6 -> done 04-06 (N6's date), 14 days,
#     carried 1 (N6 is not counted as a carry)
#   K "@gus ship v1": done N4 -> done 03-23, 0 days; open again in N5 -> K2, a new open item
#   F "@gus fix typo": cancelled and done in N5 -> done 03-30, 0 days
#   H "think about offsite": open in N5, unassigned
#   N6 (after as-of, planned) ticks G (SPEC v2: counts at once), carries A (not counted) and
#     adds "@gus future thing" (ignored)
# eve: "@eve hand over keys" due 02-20 open 02-02 and 02-09 -> open, carried 1, overdue.


def test_each_item_follows_the_chain_rule():
    report = actions()
    gus = [i for i in report.items if i.person == "gus"]
    assert [(i.key, i.state) for i in gus] == [
        ("@gus write the plan", "open"),
        ("@me book the room", "done"),
        ("ask legal about the contract", "dropped"),
        ("@gus draft the memo", "cancelled"),
        ("ask legal about the contract", "done"),
        ("@ann review the doc", "done"),
        ("@dana send notes", "done"),
        ("@gus ship v1", "done"),
        ("@gus ship v1", "open"),
        ("@gus fix typo", "done"),
        ("think about offsite", "open"),
    ]
    assert not [i for i in report.items if "future" in i.key]


def test_an_open_item_carried_three_times_or_more_is_stale_and_past_due_is_overdue():
    plan = item(actions(), "@gus write the plan")
    assert (plan.created, plan.closed, plan.due) == (D(2026, 3, 2), None, D(2026, 3, 20))
    assert plan.times_carried == 4 and plan.stale and plan.overdue
    assert plan.text == "@gus write the plan due:2026-03-20"
    assert plan.owner == "gus"
    assert plan.source == f"gus/2026-03-30.md:{line_of('gus/2026-03-30.md', PLAN)}"
    assert plan.age_days == 29  # 03-02 -> 03-31


def test_a_done_item_that_stays_done_is_one_item_closed_by_its_done_field():
    room = item(actions(), "@me book the room")
    assert room.owner == "dana"  # @me is the vault owner
    assert (room.created, room.closed, room.days_to_close) == (D(2026, 3, 2), D(2026, 3, 5), 3)
    assert room.times_carried == 0  # never open after its first note
    # the latest note that has it is N3, where it is still ticked
    assert room.source == f"gus/2026-03-16.md:{line_of('gus/2026-03-16.md', ROOM_DONE)}"


def test_an_item_dropped_and_added_again_is_two_items():
    report = actions()
    dropped = item(report, "ask legal about the contract", created=D(2026, 3, 2))
    again = item(report, "ask legal about the contract", created=D(2026, 3, 16))
    assert (dropped.state, dropped.closed, dropped.owner) == (
        "dropped",
        D(2026, 3, 9),
        "unassigned",
    )
    assert dropped.source == f"gus/2026-03-02.md:{line_of('gus/2026-03-02.md', LEGAL)}"
    assert dropped.days_to_close is None and not dropped.stale and not dropped.overdue
    assert (again.state, again.closed, again.days_to_close) == ("done", D(2026, 3, 23), 7)


def test_the_created_field_wins_over_the_first_note_date():
    memo = item(actions(), "@gus draft the memo")
    assert (memo.created, memo.state, memo.closed, memo.times_carried) == (
        D(2026, 2, 20),
        "cancelled",
        D(2026, 3, 23),
        1,
    )
    assert (
        memo.source
        == f"gus/2026-03-23.md:{line_of('gus/2026-03-23.md', MEMO.replace('[ ]', '[-]'))}"
    )


def test_the_same_key_twice_in_one_note_counts_once_done_first():
    review = item(actions(), "@ann review the doc")
    assert (review.state, review.closed, review.days_to_close) == ("done", D(2026, 3, 16), 0)
    # the source is the line of the ticked one, the one that counts
    assert (
        review.source
        == f"gus/2026-03-16.md:{line_of('gus/2026-03-16.md', '- [x] @ann review the doc')}"
    )
    typo = item(actions(), "@gus fix typo")
    assert typo.state == "done"  # done over cancelled


def test_a_done_item_written_open_again_starts_a_new_item():
    report = actions()
    first = item(report, "@gus ship v1", created=D(2026, 3, 23))
    second = item(report, "@gus ship v1", created=D(2026, 3, 30))
    assert (first.state, first.closed) == ("done", D(2026, 3, 23))
    assert (second.state, second.times_carried) == ("open", 0)
    assert second.source == f"gus/2026-03-30.md:{line_of('gus/2026-03-30.md', SHIP)}"


def test_a_tick_in_the_next_planned_note_closes_the_item_at_once():
    report = actions()
    notes = item(report, "@dana send notes")
    assert (notes.state, notes.created, notes.closed, notes.days_to_close) == (
        "done",
        D(2026, 3, 23),
        D(2026, 4, 6),
        14,
    )
    assert (notes.times_carried, notes.stale, notes.overdue) == (1, False, False)
    ticked = NOTES.replace("[ ]", "[x]")
    assert notes.source == f"gus/2026-04-06.md:{line_of('gus/2026-04-06.md', ticked)}"
    # carried into the planned note without a tick: still open, and not carried once more
    assert item(report, "@gus write the plan").times_carried == 4


def test_overdue_items_of_a_person_who_left():
    report = actions()
    keys = item(report, "@eve hand over keys")
    assert (keys.person, keys.state, keys.times_carried, keys.overdue) == ("eve", "open", 1, True)
    assert keys.source == f"eve/2026-02-09.md:{line_of('eve/2026-02-09.md', KEYS)}"


def test_follow_through_per_person():
    report = actions()
    gus = row(report, "gus")
    # 11 items: done B, C2, E, K, F, G; open A, K2, H; dropped C1; cancelled D
    assert (gus.created, gus.done, gus.open, gus.dropped, gus.cancelled) == (11, 6, 3, 1, 1)
    assert gus.follow_through == 0.6  # 6 / (6 + 1 + 3)
    assert gus.median_days_to_close == 1.5  # 0, 0, 0, 3, 7, 14
    assert (gus.stale, gus.overdue) == (1, 1)  # A; A
    eve = row(report, "eve")
    assert (eve.created, eve.open, eve.follow_through, eve.overdue) == (1, 1, 0.0, 1)
    ann = row(report, "ann")  # a person with no items has a row of zeros
    assert (ann.created, ann.follow_through, ann.median_days_to_close) == (0, None, None)
    assert [r.name for r in report.people] == ["ann", "ben", "cat", "dan", "eve", "fay", "gus"]


def test_follow_through_per_owner_and_team():
    report = actions()
    owners = {r.name: r for r in report.owners}
    assert list(owners) == ["ann", "dana", "eve", "gus", "unassigned"]  # unassigned last
    ann, dana, gus, unassigned = owners["ann"], owners["dana"], owners["gus"], owners["unassigned"]
    assert (ann.created, ann.done, ann.follow_through, ann.median_days_to_close) == (1, 1, 1.0, 0)
    # dana: B (done, 3 days) by @me and G (done in the planned note, 14 days) by @dana
    assert (dana.created, dana.done, dana.open, dana.follow_through) == (2, 2, 0, 1.0)
    assert (dana.median_days_to_close, dana.overdue) == (8.5, 0)
    # gus: A open, D cancelled, K done, K2 open, F done -> 2 / (2 + 0 + 2)
    assert (gus.created, gus.done, gus.open, gus.cancelled, gus.follow_through) == (5, 2, 2, 1, 0.5)
    assert (gus.stale, gus.overdue) == (1, 1)
    # unassigned: C1 dropped, C2 done (7 days), H open -> 1 / 3
    assert (unassigned.created, unassigned.dropped, unassigned.median_days_to_close) == (3, 1, 7)
    assert unassigned.follow_through == pytest.approx(1 / 3)
    team = report.team
    # gus's 11 plus eve's one open item
    assert (team.created, team.done, team.open, team.dropped, team.cancelled) == (12, 6, 4, 1, 1)
    assert team.follow_through == pytest.approx(6 / 11)
    assert (team.median_days_to_close, team.stale, team.overdue) == (1.5, 1, 2)
    assert report.me == ("dana",)


def test_since_counts_only_items_created_in_the_window():
    report = actions(Window(AS_OF, since=D(2026, 3, 16)))
    gus = row(report, "gus")
    # created on or after 03-16: C2, E, G, K, K2, F, H (the memo's created field is 02-20)
    assert (gus.created, gus.done, gus.open, gus.dropped, gus.cancelled) == (7, 5, 2, 0, 0)
    assert gus.follow_through == pytest.approx(5 / 7)
    assert (gus.median_days_to_close, gus.stale, gus.overdue) == (0, 0, 0)  # 0, 0, 0, 7, 14
    assert {i.person for i in report.items} == {"gus"}
    assert report.team.created == 7


def test_notes_after_as_of_are_ignored_but_for_closing_marks_in_the_next_planned_note():
    report = actions(Window(D(2026, 3, 20)), people=["gus"])
    gus = row(report, "gus")
    # N1..N3: A open (carried 2), B done, C1 dropped, D open, C2 open, E done; N4 (03-23) is
    # the next planned note: its marks cancel D and close C2; its new items (G, K) do not count
    assert (gus.created, gus.done, gus.open, gus.dropped, gus.cancelled) == (6, 3, 1, 1, 1)
    assert gus.follow_through == pytest.approx(3 / 5)
    assert gus.median_days_to_close == 3  # B 3, E 0, C2 7
    assert not [i for i in report.items if i.created > D(2026, 3, 20)]
    plan = item(report, "@gus write the plan")
    assert (plan.times_carried, plan.stale, plan.overdue) == (
        2,
        False,
        False,
    )  # due 03-20 is not < 03-20


# -- small cases from plain strings -----------------------------------------------------------------


def notes_of(*bodies: tuple[str, list[str]]):
    return [
        parse_note(f"---\ndate: {d}\n---\n" + "\n".join(items) + "\n", f"x/{d}.md", "x")[0]
        for d, items in bodies
    ]


def test_once_per_key_prefers_done_then_cancelled():
    (note,) = notes_of(
        ("2026-01-01", ["- [ ] a", "- [-] a", "- [ ] b", "- [-] c", "- [x] c", "- [ ] c"])
    )
    chosen = once_per_key(note.items)
    assert {k: i.state for k, i in chosen.items()} == {"a": "cancelled", "b": "open", "c": "done"}
    assert chosen["c"].line == 8  # three lines of front matter, then the fifth item


def test_cancelled_then_done_is_the_same_cancelled_item():
    notes = notes_of(("2026-01-01", ["- [-] a"]), ("2026-01-08", ["- [x] a"]))
    (only,) = follow_items("x", notes, D(2026, 2, 1))
    assert (only.state, only.closed, only.source) == (
        "cancelled",
        D(2026, 1, 1),
        "x/2026-01-08.md:4",
    )


def test_an_item_absent_for_one_note_and_back_is_dropped_and_new():
    notes = notes_of(("2026-01-01", ["- [ ] a"]), ("2026-01-08", []), ("2026-01-15", ["- [ ] a"]))
    first, second = follow_items("x", notes, D(2026, 2, 1))
    assert (first.state, first.closed) == ("dropped", D(2026, 1, 8))
    assert (second.state, second.created) == ("open", D(2026, 1, 15))


def test_a_cancelled_meeting_note_still_carries_items():
    notes = notes_of(
        ("2026-01-01", ["- [ ] a"]), ("2026-01-08", ["- [ ] a"]), ("2026-01-15", ["- [x] a"])
    )
    (only,) = follow_items("x", notes, D(2026, 2, 1))
    assert (only.state, only.times_carried, only.days_to_close) == ("done", 1, 14)


def test_median_is_whole_when_it_can_be():
    assert median([]) is None
    assert median([3, 1, 2]) == 2 and isinstance(median([3, 1, 2]), int)
    assert median([1, 2]) == 1.5


def test_group_by_person_sorts_by_date_then_file_name():
    notes = notes_of(("2026-01-08", []), ("2026-01-01", []))
    assert [n.date.day for n in group_by_person(notes)["x"]] == [1, 8]


def test_a_long_history_of_overlapping_items():
    """2,000 notes of one person with 5 items each, every key open in up to 5 notes. (Speed is
    measured by benchmarks/run.py, never by a timed assertion.)"""
    start = D(2000, 1, 1)
    notes = notes_of(
        *[
            (
                (start + dt.timedelta(days=7 * n)).isoformat(),
                [f"- [ ] item {n + k}" for k in range(5)],
            )
            for n in range(2000)
        ]
    )
    as_of = start + dt.timedelta(days=7 * 2000)
    report = actions_report(notes, Window(as_of))
    # each key "item m" is open in up to 5 consecutive notes: 2,004 items
    assert report.team.created == 2004 and report.team.open == 5
    assert cadence_report(notes, {}, Config(), Window(as_of)).people[0].held == 2000


@pytest.mark.parametrize("since", [None, dt.date(2026, 10, 1), AS_OF])
def test_items_created_in_a_window_are_the_window_filtered_follow(since):
    """``created_in`` only skips building the items outside the window."""
    window = Window(AS_OF, since)
    skipped = 0
    for person, notes in group_by_person(NOTES_).items():
        every = follow_items(person, notes, AS_OF)
        kept = follow_items(person, notes, AS_OF, created_in=window)
        assert kept == [item for item in every if item.created in window]
        skipped += len(every) - len(kept)
    assert skipped > 0 or since is None


def test_an_item_is_in_the_window_by_its_created_field_not_its_first_note():
    """The memo says created:2026-02-20 and first appears in the note of 2026-03-09."""
    gus = group_by_person(NOTES_)["gus"]

    def memo_counted(since: dt.date) -> bool:
        items = person_actions("gus", gus, Window(AS_OF, since)).items
        return any(item.key == "@gus draft the memo" for item in items)

    assert memo_counted(dt.date(2026, 2, 15)) and not memo_counted(dt.date(2026, 3, 1))


def test_notes_of_one_day_and_name_in_two_folders_follow_in_one_order_whatever_the_input():
    """The parse workers and the cache hand a person's notes over in different orders; the
    store sorts them by ``Note.sort_key``, (date, file name) and then the path, a total order,
    so the chains never depend on the order they were read in."""

    def note_at(path: str, items: list[str]):
        text = "---\nperson: x\ndate: 2026-01-08\n---\n" + "\n".join(items) + "\n"
        return parse_note(text, path, "x")[0]

    (earlier,) = notes_of(("2026-01-01", ["- [ ] a", "- [ ] b"]))
    own = note_at("x/2026-01-08.md", ["- [x] a"])
    misfiled = note_at("y/2026-01-08.md", ["- [ ] a", "- [ ] b"])
    one = sorted([earlier, own, misfiled], key=lambda note: note.sort_key)
    other = sorted([misfiled, own, earlier], key=lambda note: note.sort_key)
    assert one == other
    # x/ before y/: b is dropped at x/2026-01-08.md, then both start again in y/2026-01-08.md
    states = [(i.key, i.state) for i in follow_items("x", one, D(2026, 2, 1))]
    assert states == [("a", "done"), ("b", "dropped"), ("a", "open"), ("b", "open")]


def test_an_item_knows_the_dates_it_was_carried_to():
    """The site's item history puts a dot on each note an item was carried to, open."""
    import datetime as dt

    from ononotes.core.reports import follow_items

    from .conftest import parse_files

    notes, _ = parse_files(
        {
            "a/2026-01-05.md": "---\ndate: 2026-01-05\n---\n- [ ] x\n- [ ] y\n",
            "a/2026-01-12.md": "---\ndate: 2026-01-12\n---\n- [ ] x\n- [ ] y\n",
            "a/2026-01-19.md": "---\ndate: 2026-01-19\n---\n- [x] x\n",
            "a/2026-01-26.md": "---\ndate: 2026-01-26\n---\n- [x] x\n",
        }
    )
    x, y = follow_items("a", notes, dt.date(2026, 2, 1))
    assert x.carried_on == (dt.date(2026, 1, 12),) and x.times_carried == 1
    assert y.carried_on == (dt.date(2026, 1, 12),) and y.state == "dropped"
