"""`ono prep`: the brief before a 1:1, on a hand-made vault with numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from ononotes.app.prep import prepare_brief
from ononotes.core.brief import build_brief, open_brief_items, render_markdown, render_text
from ononotes.core.markdown import scan
from ononotes.core.model import Config
from ononotes.core.parse import parse_note

from .conftest import build_tree

TODAY = "2026-11-14"

PROFILE = """---
name: Alice Moreno
cadence: weekly
role: Backend engineer
since: 2026-01-05
goals:
  - Ship the billing migration
  - Speak at a conference
---
"""

OCT_20 = """---
date: 2026-10-20
mood: 4
---
# 1:1 · Alice · 2026-10-20

## Check-in
- Fine, a bit tired.

## Their agenda
- the promo timeline

## Action items
- [ ] @alice write the ADR due:2026-10-30
- [ ] @me ask HR about the band
- [x] @alice fix the flaky test
"""

OCT_27 = """---
date: 2026-10-27
mood: 3
---
# 1:1 · Alice · 2026-10-27

## Check-in
<!-- How are you doing, really? -->

## Their agenda
- Reorg: what changes for the team?
- On-call swap in December
- Conference travel budget

## Notes
- Decided: ship the migration on a Saturday

## Action items
- [/] @alice write the ADR due:2026-10-30
- [x] @me ask HR about the band
- [ ] @alice pair with Bob created:2026-10-25 due:2026-12-01
- [ ] book the offsite
"""

NOV_03 = """---
date: 2026-11-03
status: cancelled
---
# 1:1 · Alice · 2026-11-03

Cancelled: Alice was sick.

## Action items
- [ ] @alice write the ADR due:2026-10-30
- [ ] @alice pair with Bob created:2026-10-25 due:2026-12-01
- [ ] book the offsite
"""

PLANNED = """---
date: 2026-11-17
status: planned
---
# 1:1 · Alice · 2026-11-17

## Their agenda
- [ ] ask about the reorg

## My agenda
- budget for Q1

## Action items
- [ ] @alice write the ADR due:2026-10-30
- [ ] @alice pair with Bob created:2026-10-25 due:2026-12-01
- [ ] book the offsite
"""


@pytest.fixture
def team(vault):
    build_tree(
        vault,
        {
            "alice/profile.md": PROFILE,
            "alice/2026-10-20.md": OCT_20,
            "alice/2026-10-27.md": OCT_27,
            "alice/2026-11-03.md": NOV_03,
        },
    )
    return vault


def test_the_numbers_of_the_brief(team):
    brief = prepare_brief(team, "alice", dt.date(2026, 11, 14)).brief
    assert (brief.last_held, brief.days_since, brief.next_due) == (
        dt.date(2026, 10, 27),
        18,
        dt.date(2026, 11, 3),
    )
    assert (brief.interval_days, brief.tolerance_days, brief.overdue) == (7, 2, True)
    rows = [
        (i.owner, i.text, i.age_days, i.due, i.overdue, i.times_carried, i.source)
        for i in brief.items
    ]
    assert rows == [
        ("alice", "write the ADR", 25, dt.date(2026, 10, 30), True, 2, "alice/2026-11-03.md:10"),
        ("alice", "pair with Bob", 20, dt.date(2026, 12, 1), False, 1, "alice/2026-11-03.md:11"),
        ("unassigned", "book the offsite", 18, None, False, 1, "alice/2026-11-03.md:12"),
    ]
    assert brief.moods == ((dt.date(2026, 10, 20), 4), (dt.date(2026, 10, 27), 3))
    assert brief.mood_change is None
    assert brief.goals == ("Ship the billing migration", "Speak at a conference")
    assert len(brief.questions) == 3 and brief.next_date is None


def test_the_terminal_brief(team, run):
    result = run(team, "prep", "alice", today=TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Alice Moreno (alice) · Backend engineer · prep for 2026-11-14"
    assert lines[2] == (
        "  last 1:1 2026-10-27, 18 days ago; weekly (every 7 days, late after 9 days): "
        "OVERDUE, 11 days past due"
    )
    assert lines[3] == "  next: no note yet, due 2026-11-14 (`ono agenda alice ...` scaffolds it)"
    start = lines.index("Open items (3)")
    assert lines[start + 1 : start + 6] == [
        "  alice",
        "    - write the ADR · due 2026-10-30 OVERDUE · 25 days old · carried 2x",
        "    - pair with Bob · due 2026-12-01 · 20 days old · carried 1x",
        "  unassigned",
        "    - book the offsite · 18 days old · carried 1x",
    ]
    last = lines.index("Last 1:1, 2026-10-27 (alice/2026-10-27.md)")
    assert lines[last + 1 : last + 10] == [
        "  Their agenda",
        "    Reorg: what changes for the team?",
        "    On-call swap in December",
        "    (+1 more)",
        "  Notes",
        "    Decided: ship the migration on a Saturday",
        "  Action items",
        "    4 items: 3 open, 1 done",
        "",
    ]
    assert "Check-in" not in result.stdout  # only a placeholder comment there
    assert "Mood: 4 3 (mean 3.5, 2026-10-20 to 2026-10-27)" in lines
    assert lines[lines.index("Goals") + 1] == "  - Ship the billing migration"
    questions = lines[lines.index("Questions to ask") + 1 :]
    assert len(questions) == 3 and all(q.startswith("  - ") for q in questions)


def test_the_planned_note_is_refreshed_and_its_queue_shown(team, run):
    build_tree(team, {"alice/2026-11-17.md": PLANNED})
    # the ADR was ticked off in the earlier note after the planned one was scaffolded
    build_tree(
        team, {"alice/2026-11-03.md": NOV_03.replace("- [ ] @alice write", "- [x] @alice write")}
    )
    result = run(team, "prep", "alice", today=TODAY)
    assert result.exit_code == 0, result.output
    assert "refreshed the carried items of alice/2026-11-17.md" in result.stderr
    planned = (team / "alice" / "2026-11-17.md").read_text()
    assert "write the ADR" not in planned and "- [ ] ask about the reorg" in planned
    assert "write the ADR" not in result.stdout
    assert "  next: 2026-11-17 (in 3 days), alice/2026-11-17.md" in result.stdout
    assert (
        "Queued for 2026-11-17\n  Their agenda\n    - ask about the reorg\n"
        "  My agenda\n    - budget for Q1\n"
    ) in result.stdout
    # a task first written in the planned note is queued, not yet an open item (SPEC §5: the
    # one rule every command shares; it counts from that meeting on)
    assert "ask about the reorg · " not in result.stdout
    again = run(team, "prep", "alice", today=TODAY)
    assert again.stderr == "" and (team / "alice" / "2026-11-17.md").read_text() == planned


def test_on_the_day_the_note_for_today_is_the_meeting_to_prepare(team, run):
    today_note = PLANNED.replace("2026-11-17", TODAY).replace("status: planned\n", "")
    build_tree(team, {f"alice/{TODAY}.md": today_note})
    brief = prepare_brief(team, "alice", dt.date(2026, 11, 14)).brief
    assert brief.last_held == dt.date(2026, 10, 27) and brief.next_date == dt.date(2026, 11, 14)
    # today's note is read as the reports read it (dated up to today): the ADR is carried into
    # it a third time, as `ono report` and `ono todo` say on the same day
    assert [i.times_carried for i in brief.items if i.text == "write the ADR"] == [3]
    assert "next: 2026-11-14 (today)" in run(team, "prep", "alice", today=TODAY).stdout


def test_markdown_for_pasting_has_no_task_items(team, run):
    build_tree(team, {"alice/2026-11-17.md": PLANNED})
    result = run(team, "prep", "alice", "--format", "md", today=TODAY)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Prep: Alice Moreno · 2026-11-14\n")
    assert "## Open items" in text and "## Questions to ask" in text
    assert "  - write the ADR · due 2026-10-30 **overdue** · 25 days old · carried 2x" in text
    assert scan(text.splitlines()).items == ()


def test_markdown_for_pasting_has_no_raw_html(team, run):
    note = team / "alice" / "2026-11-03.md"
    note.write_text(note.read_text().replace("book the offsite", "book the <b>offsite</b>"))
    text = run(team, "prep", "alice", "--format", "md", today=TODAY).stdout
    assert "book the &lt;b>offsite&lt;/b>" in text and "<b>" not in text


def test_private_notes_are_shown(team, run):
    build_tree(
        team,
        {
            "private/alice/2026-10-27.md": "---\nprivate: true\nmeeting_date: 2026-10-27\n---\n"
            "# Private · alice · 2026-10-27\n\n<!-- only yours -->\n\nSeems unhappy about the reorg.\n",
            "private/alice/2026-10-20.md": "---\nprivate: true\n---\nOlder thought.\n",
        },
    )
    text = run(team, "prep", "alice", today=TODAY).stdout
    assert "Private notes\n  2026-10-27 · private/alice/2026-10-27.md\n" in text
    assert "  Seems unhappy about the reorg.\n" in text
    assert "Older thought" not in text and "only yours" not in text


def test_unknown_person_and_bad_slug(team, run):
    result = run(team, "prep", "alcie", today=TODAY)
    assert result.exit_code == 2
    assert result.stderr == "Error: no person 'alcie' in this vault; did you mean 'alice'?\n"
    assert run(team, "prep", "Alice/..", today=TODAY).exit_code == 2


def test_a_first_meeting_has_no_history(vault, run):
    build_tree(vault, {"kim/profile.md": "---\nname: Kim\ncadence: 2w\n---\n"})
    result = run(vault, "prep", "kim", today=TODAY)
    assert result.exit_code == 0, result.output
    assert "  no 1:1 held yet; 2w (every 14 days, late after 18 days)" in result.stdout
    assert "Open items (0)\n  none\n" in result.stdout


# -- the pure part ------------------------------------------------------------------------------


def note(text: str, name: str):
    parsed, problems = parse_note(text, f"alice/{name}.md", "alice", "dana")
    assert problems == []
    return parsed


def test_mood_change_is_the_last_four_against_the_four_before():
    notes = [
        note(f"---\ndate: 2026-09-{day:02d}\nmood: {mood}\n---\n", f"2026-09-{day:02d}")
        for day, mood in zip(range(1, 10), (5, 5, 5, 4, 4, 3, 3, 2, 2), strict=True)
    ]
    brief = build_brief("alice", None, Config(me="dana"), notes, None, dt.date(2026, 9, 30))
    assert [m for _, m in brief.moods] == [3, 3, 2, 2]
    assert brief.mood_change == pytest.approx(2.5 - 4.5)
    assert "Mood: 3 3 2 2 (mean 2.5, 2026-09-06 to 2026-09-09), -2.0 against the 4 before" in (
        render_text(brief)
    )
    assert "## Mood" in render_markdown(brief)


def test_an_item_reopened_after_it_was_done_starts_again():
    notes = [
        note("---\ndate: 2026-09-01\n---\n- [ ] @alice x\n", "2026-09-01"),
        note("---\ndate: 2026-09-08\n---\n- [x] @alice x\n", "2026-09-08"),
        note("---\ndate: 2026-09-15\n---\n- [ ] @alice x\n", "2026-09-15"),
        note("---\ndate: 2026-09-22\n---\n- [ ] @alice x\n", "2026-09-22"),
    ]
    [item] = open_brief_items(notes, "alice", "me", dt.date(2026, 9, 29))
    assert (item.created, item.times_carried, item.age_days) == (dt.date(2026, 9, 15), 1, 14)
    assert item.text == "x" and item.source == "alice/2026-09-22.md:4"


def test_someone_who_left_is_never_overdue(vault, run):
    build_tree(
        vault,
        {
            "erin/profile.md": "---\nname: Erin\nuntil: 2026-10-16\n---\n",
            "erin/2026-10-06.md": "---\ndate: 2026-10-06\n---\n",
        },
    )
    result = run(vault, "prep", "erin", today=TODAY)
    assert result.exit_code == 0, result.output
    assert "  inactive: their 1:1s ended 2026-10-16; last 1:1 2026-10-06\n  next: none\n" in (
        result.stdout
    )
    assert "OVERDUE" not in result.stdout
