"""Fields inside an item's first line (SPEC §3), checked against Obsidian Tasks' own tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ononotes.core.fields import is_slug, item_fields, item_key, owner_of
from ononotes.core.markdown import scan

from .conftest import corpus_json


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("@alice send it", "alice"),
        ("send it to @Bob.", "bob"),
        ("mail bob@example.com then @carol", "carol"),
        ("mail bob@example.com", "unassigned"),
        ("(@dev) pairs", "dev"),
        ("@me book a room", "dana"),
        ("no owner", "unassigned"),
    ],
)
def test_owner_is_the_first_mention(text, owner):
    assert owner_of(text, me="dana") == owner


@pytest.mark.parametrize(
    "text",
    [
        "@alice Send  the plan due:2026-11-17",
        "@alice send the plan 📅 2026-11-17",
        "@alice send the plan [due:: 2026-11-17] ➕ 2026-11-01",
        "  @ALICE   send the plan created:2026-11-01 done:2026-11-20 ",
        "@alice send the plan [created:: 2026-11-01] [completion:: 2026-11-20] ✅ 2026-11-20",
    ],
)
def test_key_drops_date_fields_and_folds_space_and_case(text):
    assert item_key(text) == "@alice send the plan"


def test_every_field_form_is_read():
    for due in ("due:2026-11-17", "📅 2026-11-17", "📅\ufe0f 2026-11-17", "[due:: 2026-11-17]"):
        (item,) = scan([f"- [ ] x {due} ➕ 2026-11-01 ✅ 2026-11-20"]).items
        assert (item.due, item.created, item.done) == (
            dt.date(2026, 11, 17),
            dt.date(2026, 11, 1),
            dt.date(2026, 11, 20),
        )


def test_overdue_word_is_not_a_due_field():
    (item,) = scan(["- [ ] check overdue:2026-11-17"]).items
    assert item.due is None


@pytest.mark.parametrize("slug", ["alice", "a.b", "bob-2", "c_d"])
def test_good_slugs(slug):
    assert is_slug(slug)


@pytest.mark.parametrize(
    "slug", ["", "Alice", "a/b", "..", "a..b", ".", "a b", "../x", "-x"[1:] + "/"]
)
def test_bad_slugs(slug):
    assert not is_slug(slug)


def test_obsidian_tasks_lines_read_as_the_tests_state():
    data = corpus_json("obsidian_tasks_lines.json")
    checked = 0
    for example in data["examples"]:
        if example["input_kind"] != "line" or example.get("settings"):
            continue
        expected = example["expected"]
        items = scan([example["line"]]).items
        if expected.get("is_task") is False:
            assert items == (), example["line"]
            continue
        if example["line"].lstrip().startswith(">"):
            assert items == (), "SPEC §3: items in block quotes are not items"
            continue
        (item,) = items
        if "status_symbol" in expected:
            assert item.status_char == expected["status_symbol"], example["line"]
        for name in ("due", "created", "done"):
            if name in expected:
                value = getattr(item, name)
                assert (value.isoformat() if value else None) == expected[name], (
                    name,
                    example["line"],
                )
        checked += 1
    assert checked > 20


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "due:2026-11-17",
                "📅 2026-02-30",
                "✅2026-11-02",
                "❌ 2026-11-13",
                "⏳ 2026-11-20",
                "🛫 2026-11-21",
                "⏫",
                "🔼\ufe0f",
                "🔁 every week",
                "[completion:: 2026-11-03]",
                "[due::2026-11-04]",
                "(due:: 2026-11-30)",
                "[  due::2026-11-30 ]",
                "[priority:: high]",
                "[repeat:: every day]",
                "done:2026-11-05",
                "due: 2026-12-09",
                "due:12/09",
                "due:2026-12-4",
                "created:2026-01-01",
                "➕ 2026-01-05",
                "@Alice",
                "@me",
                "a@b.test",
                "done:",
                "due:2026-1-1",
                "\u00a0",
                "\x1c",
                "\t",
                "  ",
                "Word",
                "ÉCOLE",
                "ß",
            ]
        )
        | st.text(max_size=8),
        max_size=8,
    ).map(" ".join)
)
def test_the_quick_field_reader_agrees_with_reading_every_field(text):
    """item_fields skips the field search when no field can be there; the answer is the one a
    full search gives (and regex \\s, str.split and str.strip agree on white space)."""
    import re

    from ononotes.core.fields import FIELD_HINT_RE, FIELDS_RE, _field_of, _first_hint, owner_of

    hint = FIELD_HINT_RE.search(text)
    assert _first_hint(text) == (hint.start() if hint else None)
    every = [_field_of(match) for match in FIELDS_RE.finditer(text)]
    expected_key = re.sub(r"\s+", " ", FIELDS_RE.sub(" ", text)).strip().casefold()
    fields = item_fields(text, "dana")
    assert fields.owner == owner_of(text, "dana")
    assert fields.key == expected_key
    for name in ("due", "created", "done", "cancelled"):
        first_valid = next((f.date for f in every if f.name == name and f.date), None)
        assert getattr(fields, name) == first_valid
    expected_invalid = tuple(f for f in every if f.name != "priority" and f.date is None)
    assert fields.invalid == expected_invalid
    assert fields.recurring == ("🔁" in text or "repeat::" in text.replace(" ", "").lower())


def test_invalid_dates_are_named_in_the_order_written():
    fields = item_fields("x ✅ 2026-02-30 due:2026-13-01 y")
    assert [(f.name, f.value) for f in fields.invalid] == [
        ("done", "2026-02-30"),
        ("due", "2026-13-01"),
    ]
    assert fields.key == "x y"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("due:2026-12-4", "due date 'due:2026-12-4' is not a date YYYY-MM-DD; it is ignored"),
        ("due:12/09", "due date 'due:12/09' is not a date YYYY-MM-DD; it is ignored"),
        ("due:2026-11-300", "due date 'due:2026-11-300' is not a date YYYY-MM-DD; it is ignored"),
        (
            "due: 2026-12-09",
            "due date 'due: 2026-12-09' has a space after the colon: write 'due:2026-12-09'",
        ),
        ("📅 2026-02-30", "due date '📅 2026-02-30' is not a real day; it is ignored"),
        ("[due:: soon]", "due date '[due:: soon]' is not a date YYYY-MM-DD; it is ignored"),
        ("⏳ 2026-1-5", "scheduled date '⏳ 2026-1-5' is not a date YYYY-MM-DD; it is ignored"),
    ],
)
def test_a_date_field_that_holds_no_date_is_named_and_ignored(written, message):
    from ononotes.core.fields import invalid_field_message

    (item,) = scan([f"- [ ] @alice ship it {written}"]).items
    assert item.due is None and item.key == "@alice ship it"
    (problem,) = scan([f"- [ ] @alice ship it {written}"]).problems
    assert problem == (1, message)
    assert invalid_field_message(item_fields(f"x {written}").invalid[0]) == message


@pytest.mark.parametrize(
    "prose",
    [
        "the work is due: the plan first",
        "check overdue:2026-11-17",
        "📅 tomorrow, maybe",
        "undone:2026-11-17",
        "ship v1.2 done:soon",
    ],
)
def test_prose_is_no_field_and_no_problem(prose):
    (item,) = scan([f"- [ ] {prose}"]).items
    assert item.due is None and item.key == prose.casefold()
    assert scan([f"- [ ] {prose}"]).problems == ()


@pytest.mark.parametrize(
    "variant",
    [
        "❌ 2026-11-13",
        "[cancelled:: 2026-11-13]",
        "cancelled:2026-11-13",
        "⏳ 2026-11-20",
        "🛫 2026-11-20",
        "[scheduled:: 2026-11-20]",
        "[start::2026-11-20]",
        "🔺",
        "⏫",
        "🔼",
        "🔽",
        "⏬",
        "[priority:: high]",
        "(priority:: low)",
        "(due:: 2026-11-30)",
        "[  due::2026-11-30 ]",
        "[ Due :: 2026-11-30 ]",
        "📅 2026-11-30 ⏫ ➕ 2026-11-01",
    ],
)
def test_v2_fields_leave_the_key(variant):
    """Postponing, cancelling or re-prioritising an item keeps its identity (SPEC §3 v2)."""
    assert item_key(f"@alice ship the migration {variant}") == "@alice ship the migration"


def test_dataview_fields_in_any_bracket_and_spacing_are_read():
    for written in ("(due:: 2026-11-30)", "[  due::2026-11-30 ]", "[due:: 2026-11-30T10:00]"):
        (item,) = scan([f"- [ ] x {written} (cancelled:: 2026-12-01)"]).items
        assert item.due == dt.date(2026, 11, 30)
        assert item.cancelled == dt.date(2026, 12, 1)


def test_recurrence_stays_in_the_key_and_marks_the_item_recurring():
    (weekly,) = scan(["- [ ] Take out the trash 🔁 every week 📅 2026-11-09"]).items
    assert weekly.recurring and weekly.key == "take out the trash 🔁 every week"
    (dataview,) = scan(["- [ ] water plants [repeat:: every day] [due:: 2026-11-09]"]).items
    assert dataview.recurring and dataview.key == "water plants [repeat:: every day]"
    (plain,) = scan(["- [ ] ship it 📅 2026-11-09"]).items
    assert not plain.recurring
