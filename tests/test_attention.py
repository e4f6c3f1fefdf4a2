"""#18: "who needs you now" ranked by the documented rule, on a hand-made vault whose order is
known; recurring topics matched exactly, near-misses apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ononotes.core.model import Config
from ononotes.core.topics import recurring_topics

from .conftest import build_tree, parse_files

TODAY = "2026-11-01"


def meeting(day: str, extra: str = "", mood: int | None = None) -> str:
    front = f"---\ndate: {day}\n" + (f"mood: {mood}\n" if mood else "") + "---\n"
    return (
        front + "# 1:1\n## Their agenda\n" + extra + "\n## Growth\n- the L2 plan\n"
        "## Feedback\n- To them: good demo\n## Action items\n"
    )


def week(start: str, count: int) -> list[str]:
    first = dt.date.fromisoformat(start)
    return [(first + dt.timedelta(days=7 * n)).isoformat() for n in range(count)]


def vault_files() -> dict[str, str]:
    files = {"ono.toml": 'me = "dana"\ncadence = "weekly"\n'}
    for slug in ("ann", "ben", "cat", "dan", "eve"):
        files[f"{slug}/profile.md"] = f"---\nname: {slug.title()}\n---\n"
    files["eve/profile.md"] = "---\nname: Eve\nuntil: 2026-10-01\n---\n"
    # ann: 31 days since her only 1:1, weekly: overdue, three intervals late
    files["ann/2026-10-01.md"] = meeting("2026-10-01")
    # ben: on cadence, mood 5 5 5 5 then 2 2 2 2, and an item of yours two weeks overdue
    for day, mood in zip(week("2026-09-10", 8), [5, 5, 5, 5, 2, 2, 2, 2], strict=True):
        files[f"ben/{day}.md"] = (
            meeting(day, mood=mood) + "- [ ] @dana book the offsite due:2026-10-15\n"
        )
    # cat: "promo timeline" in three meetings (spelt three ways), a near-miss in the fourth
    points = [
        "- promo timeline",
        "- Promo  timeline due:2026-10-20",
        "- [ ] promo timeline",
        "- promotion timeline",
    ]
    for day, point in zip(week("2026-10-08", 4), points, strict=True):
        files[f"cat/{day}.md"] = meeting(day, point)
    # dan: on cadence, nothing wrong; eve: left, and overdue, but inactive
    for day in week("2026-10-08", 4):
        files[f"dan/{day}.md"] = meeting(day)
    files["eve/2026-08-01.md"] = meeting("2026-08-01")
    return files


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return build_tree(tmp_path / "team", vault_files())


def test_the_ranking_follows_the_documented_rule(team, run):
    result = run(team, "report", "--format", "json", today=TODAY)
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.stdout)["attention"]
    assert [(p["person"], p["score"]) for p in ranked] == [
        ("ann", 6.0),  # overdue 3 + 3 intervals late (31 - 7 = 24 days: 3 weeks)
        ("ben", 5.0),  # mood down 3.0 (3) + a stuck item of yours (2)
        ("cat", 1.5),  # a topic raised in three meetings
    ]  # dan: nothing; eve: inactive
    kinds = {p["person"]: [r["kind"] for r in p["reasons"]] for p in ranked}
    assert kinds == {"ann": ["overdue"], "ben": ["mood", "my-items"], "cat": ["topic"]}
    for person in ranked:
        for reason in person["reasons"]:
            path, _, line = reason["source"].partition(":")
            lines = (team / path).read_text(encoding="utf-8").splitlines()
            assert not line or 1 <= int(line) <= len(lines), reason
    table = run(team, "report", today=TODAY).stdout
    head = table.split("Cadence as of")[0]
    assert head.index("1. Ann (ann)") < head.index("2. Ben (ben)") < head.index("3. Cat (cat)")
    assert "keeps raising “promo timeline” (3 meetings since 2026-10-08)" in head
    assert max(len(line) for line in table.splitlines()) <= 80


def test_prep_opens_with_why_they_need_you(team, run):
    result = run(team, "prep", "ben", today=TODAY)
    assert result.exit_code == 0, result.output
    needs = result.stdout.split("Needs you now\n")[1].split("\n\n")[0].splitlines()
    assert needs[0].startswith("  - mood dropping: down 3.0")
    assert (
        "1 stuck item (yours), e.g. “@dana book the offsite” (due 2026-10-15, carried 7x)"
        in needs[1]
    )
    assert "Needs you now" not in run(team, "prep", "dan", today=TODAY).stdout


def test_recurring_topics_match_exactly_and_keep_near_misses_apart():
    notes, _ = parse_files(
        {
            f"cat/{day}.md": meeting(day, point)
            for day, point in zip(
                week("2026-10-08", 5),
                [
                    "- promo timeline\n### On-call load",
                    "- Promo  timeline due:2026-10-20\n### On-call load",
                    "- promo timeline?\n### on-call  load",
                    "- promotion timeline",
                    "- [x] promo timeline ✅ 2026-11-04",
                ],
                strict=True,
            )
        }
    )
    topics = recurring_topics(notes, Config(me="dana"))
    # as many meetings each: the one raised most lately first
    assert [(t.key, [str(d) for d in t.dates], t.theirs) for t in topics] == [
        ("promo timeline", ["2026-10-08", "2026-10-15", "2026-11-05"], True),
        ("on-call load", ["2026-10-08", "2026-10-15", "2026-10-22"], False),
    ]
    assert topics[0].sources[-1] == "cat/2026-11-05.md:6"


def test_todo_fits_80_columns_groups_by_owner_yours_first_and_colours_on_request(team, run):
    """#18 item 7: ono todo was 150 columns wide, ungrouped and without colour."""
    from ononotes.app.todo import open_items
    from ononotes.render.text import todo_list

    long = "- [ ] @cat write the long and winding migration retrospective " + "word " * 20
    (team / "cat" / "2026-10-29.md").write_text(
        meeting("2026-10-29", "- promotion timeline") + long + "due:2026-10-30\n"
        "- [ ] review the doc\n- [ ] @dana send the agenda due:2026-10-30\n",
        encoding="utf-8",
    )
    text = run(team, "todo", today=TODAY).stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    headers = [line for line in text.splitlines() if line and not line.startswith(" ")][1:]
    assert headers == ["yours (@dana): 2", "cat: 1", "unassigned: 1"]
    assert "\x1b[" not in text  # not a terminal: no colour (nor with NO_COLOR)
    coloured = todo_list(open_items(team, dt.date(2026, 11, 1)).rows, "dana", color=True)
    assert "\x1b[31;1mOVERDUE\x1b[0m" in coloured
    assert "due:2026-10-30" not in text and "due 2026-10-30" in text  # the date apart
