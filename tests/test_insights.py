"""insights.py (SPEC §9) on the hand-made notes of ``tests/insights_vault.py``, whose docstring
works out every number; then the same numbers through `ono report`, `ono prep` and the writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from ononotes.core.insights import (
    LOW_OWNERSHIP,
    content_lines,
    goal_keywords,
    goal_mentions,
    held_notes,
    meeting_insight,
    note_sections,
    person_insights,
    placeholder_lines,
    team_insights,
)
from ononotes.core.model import Config
from ononotes.core.reports import Window, cadence_report

from .conftest import build_tree, parse_files
from .insights_vault import AS_OF, FILES, TEMPLATE

D = dt.date
CONFIG = Config(me="dana")
CONFIGURED = Config(me="dana", their_agenda=("their agenda", "topics from kim"), growth=("career",))
PLACEHOLDERS = placeholder_lines([TEMPLATE])
INSIGHT_KEYS = [
    "their_points",
    "my_points",
    "agenda_ownership",
    "development_coverage",
    "last_development",
    "cancellation_rate",
    "mood_recent",
    "mood_change",
]


def parsed(files: dict[str, str] = FILES, me: str = "dana"):
    return parse_files(files, me)


NOTES, PROFILES = parsed()
KIM = [n for n in NOTES if n.person == "kim"]


def note(date: str):
    return next(n for n in KIM if n.date == D.fromisoformat(date))


def kim(window: Window | None = None, config: Config = CONFIG):
    return person_insights(KIM, config, window or Window(AS_OF), PLACEHOLDERS)


# -- the templates' placeholders and a section's content -------------------------------------------


def test_placeholders_are_the_literal_lines_of_the_template_body():
    # the title and `{{ carry_here }}` hold Jinja; the comment and the front matter are no body
    expected = {
        "## Their agenda",
        "- (their topics)",
        "## My agenda",
        "- (my topics)",
        "## Growth",
        "Goals and skills:",
        "## Action items",
    }
    assert expected == PLACEHOLDERS


def test_placeholders_of_the_packaged_templates_are_their_headings():
    from ononotes.store.templates import template_placeholders

    found = template_placeholders(None)
    assert {"## Their agenda", "## Growth plan", "## Feedback"} <= found
    assert not any("{{" in line or "<!--" in line for line in found)


def test_unfilled_template_prompts_and_comments_are_no_content():
    growth = next(s for s in note_sections(note("2026-05-11")) if s.title == "Growth")
    assert content_lines(note("2026-05-11"), growth, PLACEHOLDERS) == []
    # without the template's lines, its prompt would count as something written
    assert [text for _, text in content_lines(note("2026-05-11"), growth)] == ["Goals and skills:"]


def test_per_meeting_counts():
    got = {
        n.date.isoformat(): (i.their_points, i.my_points, i.development)
        for n in held_notes(KIM, Window(AS_OF), CONFIG)
        for i in (meeting_insight(n, CONFIG, PLACEHOLDERS),)
    }
    assert got == {
        "2026-05-04": (3, 1, True),  # the nested point is not top level; the task counts
        "2026-05-11": (0, 1, False),  # placeholders only, and y
        "2026-05-25": (0, 1, True),  # "Topics from Kim" is not configured; "## Career" is growth
        "2026-06-01": (1, 3, False),  # commented-out points do not count; Growth is empty
        "2026-06-08": (0, 0, True),  # a setext "Growth" heading
        "2026-06-22": (1, 4, False),  # "# Career chat" is the title, not a section
        "2026-06-29": (0, 0, False),  # bare `-` and `- [ ]`
    }


def test_the_whole_series():
    i = kim()
    assert (i.held, i.cancelled) == (7, 2)
    assert (i.their_points, i.my_points) == (5, 10)
    assert i.agenda_ownership == pytest.approx(1 / 3)
    assert i.development_coverage == pytest.approx(3 / 7)
    assert i.last_development == D(2026, 6, 8) and i.days_since_development == 22
    assert i.cancellation_rate == pytest.approx(2 / 9)
    assert i.mood_recent == 2.5  # (4 + 3 + 2 + 1) / 4; 05-25 has no mood
    assert i.mood_change == pytest.approx(2.5 - 4.5)  # the "4 before" are only 5 and 4
    assert i.low_streak == 4 and i.low_ownership  # 06-22, 06-01, 05-25, 05-11 (< 0.3)
    assert not i.development_stale  # 22 days
    assert i.mood_drop
    assert i.flags == (
        f"their share of the agenda under {round(LOW_OWNERSHIP * 100)}% in each of the last 4 1:1s",
        "mood down 2.0 (last 4 against the 4 before)",
    )


def test_a_window_cutting_the_series_from_the_start():
    i = kim(Window(AS_OF, since=D(2026, 5, 20)))
    assert (i.held, i.cancelled, i.cancellation_rate) == (5, 1, pytest.approx(1 / 6))
    assert (i.their_points, i.my_points, i.agenda_ownership) == (2, 8, 0.2)
    assert i.development_coverage == 0.4 and i.last_development == D(2026, 6, 8)
    assert i.mood_recent == 2.5 and i.mood_change is None  # no mood before the window
    assert i.low_streak == 3 and i.low_ownership


def test_a_window_cutting_the_series_at_the_end():
    i = kim(Window(AS_OF, until=D(2026, 5, 31)))
    assert (i.held, i.cancelled, i.cancellation_rate) == (3, 1, 0.25)
    assert (i.their_points, i.my_points, i.agenda_ownership) == (3, 3, 0.5)
    assert i.development_coverage == pytest.approx(2 / 3)
    assert (i.last_development, i.days_since_development) == (D(2026, 5, 25), 36)
    assert (i.mood_recent, i.mood_change) == (4.5, None)
    assert i.low_streak == 2 and not i.low_ownership  # 05-25 and 05-11, then 05-04


def test_configured_section_names():
    i = kim(config=CONFIGURED)
    assert (i.their_points, i.my_points) == (7, 10)  # t1 and t2 of 05-25 count now
    assert i.agenda_ownership == pytest.approx(7 / 17)
    assert i.low_streak == 2 and not i.low_ownership  # 05-25's share is 2/3
    assert i.development_coverage == pytest.approx(1 / 7)  # only "## Career" (05-25)
    assert i.last_development == D(2026, 5, 25) and not i.development_stale  # 36 <= 42


def test_no_notes_no_mood_and_never_a_growth_talk():
    lee = person_insights([], CONFIG, Window(AS_OF))
    assert lee.agenda_ownership is lee.development_coverage is lee.cancellation_rate is None
    assert lee.mood_recent is lee.mood_change is lee.last_development is None
    assert lee.flags == ()  # nothing held: nothing to flag
    mx = person_insights([n for n in NOTES if n.person == "max"], CONFIG, Window(AS_OF))
    assert (mx.agenda_ownership, mx.development_coverage, mx.mood_recent) == (1.0, 0.0, None)
    assert mx.development_stale and mx.flags == ("no growth or career talk yet",)
    inactive = person_insights(
        [n for n in NOTES if n.person == "max"], CONFIG, Window(AS_OF), active=False
    )
    assert not inactive.development_stale


def test_team_pools_every_note():
    rows = [kim(), person_insights([], CONFIG, Window(AS_OF))]
    rows.append(person_insights([n for n in NOTES if n.person == "max"], CONFIG, Window(AS_OF)))
    team = team_insights(rows)
    assert team.agenda_ownership == 6 / 16
    assert team.development_coverage == 3 / 8
    assert team.cancellation_rate == 2 / 10


def test_cadence_report_rows_carry_the_insights():
    report = cadence_report(NOTES, PROFILES, CONFIG, Window(AS_OF), placeholders=PLACEHOLDERS)
    row = next(r for r in report.people if r.person == "kim")
    assert row.insights == kim()
    assert (row.held, row.cancelled) == (row.insights.held, row.insights.cancelled)
    assert report.team.insights.agenda_ownership == 6 / 16


# -- goals ------------------------------------------------------------------------------------------


def test_goal_keywords():
    assert goal_keywords("Lead the billing migration") == ("billing", "migration")
    assert goal_keywords("Move toward an SRE lead role") == ("sre", "role")
    assert goal_keywords("Reach L2 by mid-2027") == ("l2", "mid-2027")
    assert goal_keywords("Do it") == ("do it",)  # no keyword: the whole goal


def test_goal_mentions_are_lines_of_held_notes_once_each():
    held = held_notes(KIM, Window(AS_OF), CONFIG)
    migration, conference = goal_mentions(PROFILES["kim"].goals, held, PLACEHOLDERS)
    assert [m.source for m in migration.mentions] == [
        "kim/2026-05-04.md:8",  # a: the billing migration plan
        "kim/2026-05-04.md:14",  # x: thanks for the billing migration rehearsal
        "kim/2026-05-04.md:17",  # wants to lead the billing migration
        "kim/2026-05-04.md:24",  # the action item
        "kim/2026-05-25.md:11",  # the staff path and what the billing migration shows
        "kim/2026-06-22.md:8",  # p: the migration dates
    ]  # the 05-11 comment names the goal too, but comments are no content
    assert [m.source for m in conference.mentions] == [
        "kim/2026-05-04.md:11",
        "kim/2026-05-04.md:25",  # the item; ticked again on 05-11, counted once
        "kim/2026-06-08.md:13",  # under the setext "Growth" heading
    ]
    for mention in migration.mentions + conference.mentions:
        path, line = mention.source.rsplit(":", 1)
        assert mention.text in FILES[path].splitlines()[int(line) - 1]


# -- through the commands ---------------------------------------------------------------------------


@pytest.fixture
def vault(tmp_path):
    return build_tree(tmp_path / "vault", FILES)


def test_report_json_has_the_insights_for_people_and_team(vault, run):
    result = run(vault, "report", "cadence", "--format", "json", today="2026-06-30")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    kim_row = next(p for p in data["people"] if p["person"] == "kim")
    assert list(kim_row)[-11:-3] == INSIGHT_KEYS  # then the feedback keys (#18)
    assert {key: kim_row[key] for key in INSIGHT_KEYS} == {
        "their_points": 5,
        "my_points": 10,
        "agenda_ownership": pytest.approx(1 / 3),
        "development_coverage": pytest.approx(3 / 7),
        "last_development": "2026-06-08",
        "cancellation_rate": pytest.approx(2 / 9),
        "mood_recent": 2.5,
        "mood_change": -2.0,
    }
    lee = next(p for p in data["people"] if p["person"] == "lee")
    assert all(lee[key] is None for key in INSIGHT_KEYS[2:]) and lee["their_points"] == 0
    assert data["team"] == data["team"] | {
        "agenda_ownership": 6 / 16,
        "development_coverage": 3 / 8,
        "cancellation_rate": 2 / 10,
    }
    both = json.loads(run(vault, "report", "--format", "json", today="2026-06-30").stdout)
    assert both["cadence"]["team"]["agenda_ownership"] == 6 / 16


def test_report_window_and_configured_names_through_the_cli(vault, run):
    args = ("report", "cadence", "--format", "json", "--person", "kim")
    cut = json.loads(run(vault, *args, "--since", "2026-05-20", today="2026-06-30").stdout)
    assert cut["people"][0]["agenda_ownership"] == 0.2
    assert cut["people"][0]["mood_change"] is None
    (vault / "ono.toml").write_text(
        'me = "dana"\n[sections]\ntheir_agenda = ["their agenda", "Topics from Kim"]\n'
        'growth = ["career"]\n'
    )
    configured = json.loads(run(vault, *args, today="2026-06-30").stdout)["people"][0]
    assert configured["their_points"] == 7
    assert configured["development_coverage"] == pytest.approx(1 / 7)
    assert configured["last_development"] == "2026-05-25"


def test_csv_table_and_markdown_show_the_insights(vault, run):
    text = run(vault, "report", "cadence", "--format", "csv", today="2026-06-30").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[-11:-3] == INSIGHT_KEYS
    kim_row = next(r for r in rows if r["person"] == "kim")
    assert (kim_row["their_points"], kim_row["last_development"]) == ("5", "2026-06-08")
    table = run(vault, "report", "cadence", today="2026-06-30").stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    assert next(line for line in table.splitlines() if line.startswith("kim ")).split() == [
        "kim",
        "weekly",
        "7",
        "2",
        "2026-06-29",
        "1",
        "2026-07-06",
        "67%",  # gaps 7, 14, 7, 7, 14, 7: four within 7 + 2
    ]  # the cadence row; the insights row follows in its own table
    insight_row = [line for line in table.splitlines() if line.startswith("kim ")][1]
    assert insight_row.split() == [
        "kim",
        "5",
        "10",
        "33%",
        "43%",
        "2026-06-08",
        "14%",  # feedback (#18): one of the 7 held notes has a feedback section written
        "22%",
        "2.5",
        "-2.0",
    ]
    assert "flag: kim: their share of the agenda under 30% in each of the last 4 1:1s" in table
    assert "flag: max: no growth or career talk yet" in table
    md = run(vault, "report", "cadence", "--format", "md", today="2026-06-30").stdout
    assert "## Insights" in md
    assert (
        "| Kim Park (kim) | 33% (5 of 15) | 43% | 2026-06-08 | 14% | 14% | 22% | 2.5 | -2.0 |" in md
    )
    assert "- Kim Park: mood down 2.0 (last 4 against the 4 before)" in md


def test_dashboard_draws_the_insights_with_readable_values(vault, run):
    out = vault.parent / "dash.html"
    result = run(vault, "report", "--format", "html", "-o", str(out), today="2026-06-30")
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert 'id="insights"' in html
    assert "2026-06-22: 1 of 5 points theirs (20%)" in html  # a column's <title>
    assert "2026-06-01: no growth talk" in html
    assert (
        "Kim Park: mood 5, 4, 4, 3, 2, 1; mean of the last 4 2.5, -2.0 against the 4 before" in html
    )
    assert html.count("LOW AGENDA SHARE") == 1 and html.count("NO GROWTH TALK") == 1
    assert "MOOD DROP" in html


def test_prep_shows_the_insights_and_the_goals(vault, run):
    result = run(vault, "prep", "kim", today="2026-06-30")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Insights")
    assert lines[start + 1 : start + 5] == [
        "  agenda ownership: 33% theirs (5 of 15 points in 7 held 1:1s)",
        "  last development talk: 2026-06-08, 22 days ago (growth talked about in 3 of 7 1:1s)",
        "  FLAG: their share of the agenda under 30% in each of the last 4 1:1s",
        "  FLAG: mood down 2.0 (last 4 against the 4 before)",
    ]
    goals = lines.index("Goals")
    assert lines[goals + 1] == "  - Lead the billing migration"
    assert lines[goals + 2].startswith(
        "      6 mentions, latest 2026-06-22: p: the migration dates"
    )
    assert lines[goals + 2].endswith("(kim/2026-06-22.md:8)")
    md = run(vault, "prep", "kim", "--format", "md", today="2026-06-30").stdout
    assert "## Insights" in md and "- agenda ownership: 33% theirs" in md


def test_feedback_coverage_and_upward_feedback():
    """#18: sections about feedback count as growth sections do; "Feedback for me" is also the
    report's feedback to the manager (upward)."""

    def meeting(day: str, body: str) -> str:
        return f"---\ndate: {day}\n---\n# 1:1\n## Notes\nfine\n{body}"

    notes, _ = parse_files(
        {
            "pat/2026-06-01.md": meeting("2026-06-01", "## Feedback\n- great demo\n"),
            "pat/2026-06-08.md": meeting("2026-06-08", "## Feedback\n<!-- none -->\n"),
            "pat/2026-06-15.md": meeting(
                "2026-06-15", "## Feedback for me\n- more context on priorities\n"
            ),
            "pat/2026-06-22.md": meeting("2026-06-22", ""),
        }
    )
    window = Window(dt.date(2026, 6, 30))
    insights = person_insights(notes, CONFIG, window)
    assert insights.feedback_coverage == 2 / 4
    assert insights.last_feedback == dt.date(2026, 6, 15)
    assert insights.days_since_feedback == 15
    assert insights.upward_feedback == 1 / 4
    assert insights.last_upward_feedback == dt.date(2026, 6, 15)
    custom = Config(me="dana", feedback=("kudos",), upward_feedback=("kudos for dana",))
    assert person_insights(notes, custom, window).feedback_coverage == 0.0


def test_a_from_line_in_a_feedback_section_is_upward_feedback():
    notes, _ = parse_files(
        {
            "pat/2026-06-01.md": "---\ndate: 2026-06-01\n---\n## Feedback\n"
            "- To Pat: the demo was sharp\n- From Pat: wants more direct feedback\n",
            "pat/2026-06-08.md": "---\ndate: 2026-06-08\n---\n## Feedback\n"
            "- Feedback from the on-call review was good\n",
        }
    )
    insights = person_insights(notes, CONFIG, Window(dt.date(2026, 6, 30)))
    assert (insights.feedback_coverage, insights.upward_feedback) == (1.0, 0.5)
