"""The report writers (render/report_*.py): pure functions from report rows to text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys

import pytest

from ononotes.core.model import Config
from ononotes.core.reports import Window, actions_report, cadence_report
from ononotes.render.report_csv import render_csv
from ononotes.render.report_json import render_json
from ononotes.render.report_md import render_md
from ononotes.render.report_table import render_table

from .report_vault import AS_OF
from .test_reports import NOTES_, PROFILES, parsed

CONFIG = Config(me="dana", cadence="weekly")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

CADENCE_PERSON_KEYS = [
    "person", "name", "cadence", "interval_days", "held", "cancelled", "planned", "last_held",
    "days_since", "next_due", "overdue", "median_gap_days", "max_gap_days", "on_cadence_ratio",
    "active", "unconfirmed",  # v2 (SPEC §2)
    # SPEC §9: the insights join each person's row
    "their_points", "my_points", "agenda_ownership", "development_coverage", "last_development",
    "cancellation_rate", "mood_recent", "mood_change",
    "feedback_coverage", "last_feedback", "upward_feedback",  # #18
]  # fmt: skip
COUNTERS = [
    "created", "done", "open", "dropped", "cancelled", "follow_through", "median_days_to_close",
    "stale", "overdue",
]  # fmt: skip
ITEM_KEYS = [
    "person", "key", "text", "owner", "state", "created", "closed", "due", "times_carried",
    "stale", "overdue", "source",
]  # fmt: skip


def reports(window: Window | None = None):
    window = window or Window(AS_OF)
    return (
        cadence_report(NOTES_, PROFILES, CONFIG, window),
        actions_report(NOTES_, window, set(PROFILES), ["dana"]),
    )


# -- json (SPEC §8) ---------------------------------------------------------------------------------


def test_cadence_json_has_exactly_the_spec_keys_in_order():
    cadence, _ = reports()
    data = json.loads(render_json(cadence, None))
    assert list(data)[:3] == ["as_of", "since", "until"]
    assert {"as_of", "people", "team"} <= set(data)
    assert data["as_of"] == "2026-03-31"
    for person in data["people"]:
        assert list(person) == CADENCE_PERSON_KEYS
    assert list(data["team"]) == [
        "people", "overdue", "held", "cancelled", "on_cadence_ratio", "unconfirmed",
        "agenda_ownership", "development_coverage", "cancellation_rate",
        "feedback_coverage", "upward_feedback",
    ]  # fmt: skip


def test_cadence_json_values():
    cadence, _ = reports()
    data = json.loads(render_json(cadence, None))
    ann = data["people"][0]
    assert ann == {
        "person": "ann",
        "name": "Ann Archer",
        "cadence": "weekly",
        "interval_days": 7,
        "held": 5,
        "cancelled": 2,
        "planned": 2,
        "last_held": "2026-02-11",
        "days_since": 48,
        "next_due": "2026-02-18",
        "overdue": True,
        "median_gap_days": 8,
        "max_gap_days": 14,
        "on_cadence_ratio": 0.75,
        "active": True,
        "unconfirmed": 0,
        # the fixture's notes have only "## Notes" and "## Action items": no agenda points, no
        # growth section, so ownership is null and coverage 0 of 5 held
        "their_points": 0,
        "my_points": 0,
        "agenda_ownership": None,
        "development_coverage": 0.0,
        "last_development": None,
        "cancellation_rate": 2 / 7,  # 2 cancelled / (5 held + 2)
        "mood_recent": 3.0,  # moods 4, 3, (none on 01-21), 3, 2: (4 + 3 + 3 + 2) / 4
        "mood_change": None,  # no mood before those four
        "feedback_coverage": 0.0,  # no feedback sections either
        "last_feedback": None,
        "upward_feedback": 0.0,
    }
    ben = data["people"][1]
    assert ben["last_held"] is None and ben["on_cadence_ratio"] is None and ben["next_due"] is None
    eve = data["people"][4]
    assert (eve["active"], eve["overdue"], eve["on_cadence_ratio"]) == (False, False, 1.0)
    assert isinstance(eve["on_cadence_ratio"], float)
    assert data["team"] == {
        "people": 7,
        "overdue": 2,
        "held": 13,
        "cancelled": 4,
        "on_cadence_ratio": 8 / 9,
        "unconfirmed": 0,
        "agenda_ownership": None,  # no agenda points anywhere
        "development_coverage": 0.0,  # 0 of 13 held notes
        "cancellation_rate": 4 / 17,  # 4 / (13 + 4)
        "feedback_coverage": 0.0,
        "upward_feedback": 0.0,
    }


def test_actions_json_has_exactly_the_spec_keys_in_order():
    _, actions = reports()
    data = json.loads(render_json(None, actions))
    assert [k for k in data if k not in ("since", "until")] == [
        "as_of",
        "people",
        "owners",
        "team",
        "items",
    ]
    assert all(list(row) == ["person", *COUNTERS] for row in data["people"])
    assert all(list(row) == ["owner", *COUNTERS] for row in data["owners"])
    assert list(data["team"]) == COUNTERS
    assert data["items"] and all(list(item) == ITEM_KEYS for item in data["items"])


def test_actions_json_values():
    _, actions = reports()
    data = json.loads(render_json(None, actions))
    gus = next(row for row in data["people"] if row["person"] == "gus")
    assert gus == {
        "person": "gus",
        "created": 11,
        "done": 6,
        "open": 3,
        "dropped": 1,
        "cancelled": 1,
        "follow_through": 0.6,
        "median_days_to_close": 1.5,
        "stale": 1,
        "overdue": 1,
    }
    ann = next(row for row in data["people"] if row["person"] == "ann")
    assert ann["follow_through"] is None and ann["median_days_to_close"] is None
    plan = next(item for item in data["items"] if item["key"] == "@gus write the plan")
    assert plan == {
        "person": "gus",
        "key": "@gus write the plan",
        "text": "@gus write the plan due:2026-03-20",
        "owner": "gus",
        "state": "open",
        "created": "2026-03-02",
        "closed": None,
        "due": "2026-03-20",
        "times_carried": 4,
        "stale": True,
        "overdue": True,
        "source": "gus/2026-03-30.md:10",
    }
    assert [row["owner"] for row in data["owners"]] == ["ann", "dana", "eve", "gus", "unassigned"]
    assert data["team"]["follow_through"] == 6 / 11


def test_both_reports_in_one_json_object():
    cadence, actions = reports()
    data = json.loads(render_json(cadence, actions))
    assert data["as_of"] == "2026-03-31"
    assert data["cadence"]["people"][0]["person"] == "ann"
    assert data["actions"]["team"]["created"] == 12


# -- csv --------------------------------------------------------------------------------------------


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_cadence_csv_is_one_row_per_person_with_the_json_columns():
    cadence, _ = reports()
    text = render_csv(cadence, None)
    assert text.splitlines()[0] == ",".join(CADENCE_PERSON_KEYS)  # the §9 keys included
    rows = rows_of(text)
    assert [r["person"] for r in rows] == ["ann", "ben", "cat", "dan", "eve", "fay", "gus"]
    assert rows[0]["last_held"] == "2026-02-11" and rows[0]["overdue"] == "true"
    assert rows[1]["last_held"] == "" and rows[1]["on_cadence_ratio"] == ""


def test_actions_csv_and_items_csv():
    _, actions = reports()
    rows = rows_of(render_csv(None, actions))
    assert list(rows[0]) == ["person", *COUNTERS]
    assert next(r for r in rows if r["person"] == "gus")["follow_through"] == "0.6"
    items = rows_of(render_csv(None, actions, items=True))
    assert list(items[0]) == ITEM_KEYS
    assert len(items) == 12
    assert items[0]["source"] == "eve/2026-02-09.md:10"


def test_both_reports_in_csv_share_one_row_per_person():
    cadence, actions = reports()
    rows = rows_of(render_csv(cadence, actions))
    assert list(rows[0])[: len(CADENCE_PERSON_KEYS)] == CADENCE_PERSON_KEYS
    gus = rows[-1]
    assert (gus["held"], gus["items_created"], gus["follow_through"], gus["items_overdue"]) == (
        "5",
        "11",
        "0.6",
        "1",
    )


def test_csv_quotes_commas_and_quotes_in_item_text():
    notes, profiles = parsed(
        {"x/2026-01-01.md": '---\ndate: 2026-01-01\n---\n- [ ] say "hi", then go\n'}
    )
    report = actions_report(notes, Window(AS_OF))
    (row,) = rows_of(render_csv(None, report, items=True))
    assert row["text"] == 'say "hi", then go'


# -- table ------------------------------------------------------------------------------------------


def test_table_fits_80_columns_and_flags_overdue_people_and_stale_items():
    cadence, actions = reports()
    text = render_table(cadence, actions)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert not ANSI.search(text)
    ann = next(line for line in text.splitlines() if line.startswith("ann "))
    assert ann.split() == [
        "ann",
        "weekly",
        "5",
        "2",
        "2026-02-11",
        "48",
        "2026-02-18",
        "75%",
        "OVERDUE",
    ]
    eve = next(line for line in text.splitlines() if line.startswith("eve "))
    assert eve.endswith("left")
    assert (
        "team: 7 people, 2 overdue, 13 held, 4 cancelled, 3 planned; 89% of gaps on\n  cadence"
        in text
    )
    assert "overdue: ann: 48 days since the last 1:1 (weekly, due 2026-02-18)" in text
    assert "overdue: fay: 30 days since they started (2w, due 2026-03-15)" in text
    team = next(line for line in text.splitlines() if line.startswith("team "))
    assert team.split() == ["team", "12", "6", "4", "1", "1", "55%", "1.5", "1", "2"]
    assert "dana (me)" in text
    assert "- gus: @gus write the plan due:2026-03-20" in text
    assert "    STALE OVERDUE · open 29d · carried 4x · gus/2026-03-30.md:10\n" in text


def test_table_colour_only_when_asked():
    cadence, actions = reports()
    plain = render_table(cadence, actions)
    coloured = render_table(cadence, actions, color=True)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == plain


def test_table_lists_every_item_with_items():
    _, actions = reports()
    text = render_table(None, actions, items=True)
    assert "Items (12)" in text
    assert "ask legal about the contract" in text and "dropped 2026-03-09" in text


def test_table_of_an_empty_vault():
    cadence = cadence_report([], {}, CONFIG, Window(AS_OF))
    actions = actions_report([], Window(AS_OF))
    text = render_table(cadence, actions)
    assert "no people yet" in text


# -- md ---------------------------------------------------------------------------------------------


def test_markdown_summary_has_tables_and_escapes_html():
    notes, profiles = parsed(
        {
            "x/2026-03-30.md": "---\ndate: 2026-03-30\n---\n- [ ] <script>alert(1)</script> a|b due:2026-03-01\n"
        }
    )
    cadence = cadence_report(notes, profiles, CONFIG, Window(AS_OF))
    actions = actions_report(notes, Window(AS_OF))
    text = render_md(cadence, actions, title="team")
    assert text.startswith("# 1:1 report: team\n\nAs of 2026-03-31.\n")
    assert "| Person | Cadence | Held |" in text
    assert "<script>" not in text and "&lt;script>alert(1)&lt;/script> a|b" in text
    assert "| x | 1 | 0 | 1 | 0 | 0 | 0% | - | 0 | 1 |" in text


def test_markdown_of_the_fixture():
    cadence, actions = reports()
    text = render_md(cadence, actions, items=True)
    assert (
        "| Ann Archer (ann) | weekly | 5 | 2 | 2 | 2026-02-11 | 48 | 2026-02-18 | 75% | **overdue** |"
        in text
    )
    assert "| dana (me) | 2 | 2 | 0 | 0 | 0 | 100% | 8.5 | 0 | 0 |" in text
    assert "### All items" in text
    assert "`gus/2026-03-30.md:10`" in text


# -- html -------------------------------------------------------------------------------------------


def test_html_is_one_self_contained_file_without_script():
    from ononotes.render.report_html import render_html

    cadence, actions = reports()
    html = render_html(cadence, actions, title="fixture")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<link" not in html and "@import" not in html
    assert html.count("<svg") >= 5
    assert "Ann Archer" in html and "gus/2026-03-30.md:10" in html
    # every chart value has a <title>: a held meeting, a gap, a bar, a mood point
    assert "<title>2026-02-11 held, mood 2 (ann/2026-02-11.md)</title>" in html
    assert (
        "<title>14 days between 2026-01-21 and 2026-02-04: late (cadence 7 + 2 days)</title>"
        in html
    )
    assert "<title>gus: 6 done of 11</title>" in html
    assert "<title>2026-02-11: mood 2</title>" in html
    assert "dana (you)" in html


def test_html_escapes_item_text():
    from ononotes.render.report_html import render_html

    notes, profiles = parsed(
        {
            "x/2026-03-30.md": "---\ndate: 2026-03-30\n---\n"
            "- [ ] <script>alert(1)</script> due:2026-03-01\n"
            '- [ ] "><img src=x onerror=alert(1)> due:2026-03-01\n'
        }
    )
    cadence = cadence_report(notes, profiles, CONFIG, Window(AS_OF))
    actions = actions_report(notes, Window(AS_OF))
    html = render_html(cadence, actions, title='<b>"t"</b>')
    assert "<script>alert(1)" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html  # item text goes by mistune


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("send **the** `plan`", "send <strong>the</strong> <code>plan</code>"),
        (
            "see [the doc](https://x.org/a?b=1&c=2)",
            'see <a href="https://x.org/a?b=1&amp;c=2">the doc</a>',
        ),
        ("see [notes](../bob/2026-10-30.md)", 'see <a href="../bob/2026-10-30.md">notes</a>'),
        ("![chart](https://tracker.example/p.gif)", "chart"),  # an offline page fetches nothing
        ("<b onclick=alert(1)>hi</b>", "&lt;b onclick=alert(1)&gt;hi&lt;/b&gt;"),
        ("# not a heading here", "# not a heading here"),
        ("> nor a quote", "&gt; nor a quote"),
    ],
)
def test_note_text_is_rendered_by_mistune_safely(text, html):
    from ononotes.render.note_html import inline_html

    assert str(inline_html(text)) == html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "vbscript:x",
        "ftp://x.org/f",
    ],
)
def test_links_go_only_to_http_mailto_and_relative_addresses(url):
    from ononotes.render.note_html import inline_html

    html = str(inline_html(f"[x]({url})"))
    assert html in ('<a href="#unsafe-link">x</a>', '<a href="#harmful-link">x</a>'), html


def test_html_of_an_empty_vault_and_of_one_report():
    from ononotes.render.report_html import render_html

    empty = render_html(
        cadence_report([], {}, CONFIG, Window(AS_OF)), actions_report([], Window(AS_OF))
    )
    assert "No people yet." in empty
    cadence, actions = reports()
    only_cadence = render_html(cadence, None)
    assert 'id="cadence"' in only_cadence and 'id="follow-through"' not in only_cadence
    only_actions = render_html(None, actions)
    assert 'id="follow-through"' in only_actions and 'id="cadence"' not in only_actions


@pytest.mark.parametrize("name", ["report_table", "report_json", "report_csv", "report_md"])
def test_the_writers_but_html_do_not_import_jinja2(name):
    """table, json, csv and md must stay cheap to import: imported in a fresh interpreter."""
    code = f"import sys, ononotes.render.{name}\nprint('jinja2' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "False", result.stderr


def test_dates_in_json_are_iso_strings():
    cadence, actions = reports(Window(AS_OF, since=dt.date(2026, 1, 1)))
    data = json.loads(render_json(cadence, actions))
    assert data["since"] == "2026-01-01" and data["until"] == "2026-03-31"
