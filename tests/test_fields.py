"""Fields inside an item's first line (SPEC §3), checked against Obsidian Tasks' own tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ononotes.core.fields import is_slug, item_fields, item_key, owner_of, parse_iso_date
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


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "due:2026-11-17",
                "📅 2026-02-30",
                "✅2026-11-02",
                "[completion:: 2026-11-03]",
                "[due::2026-11-04]",
                "done:2026-11-05",
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
    """item_fields skips the field searches when no field can be there; the answer is the one
    reading every field gives (and regex \\s, str.split and str.strip agree on white space)."""
    import re

    from ononotes.core.fields import FIELD_HINT_RE, FIELD_RES, _first_hint, owner_of

    hint = FIELD_HINT_RE.search(text)
    assert _first_hint(text) == (hint.start() if hint else None)  # str.find for ASCII text

    def field_text(name: str) -> str | None:  # the first form of the field that matches
        match = FIELD_RES[name].search(text)
        return next(group for group in match.groups() if group) if match else None

    every_field = re.compile("|".join(f"(?:{r.pattern})" for r in FIELD_RES.values()))
    dates = {name: field_text(name) for name in FIELD_RES}
    expected_key = re.sub(r"\s+", " ", every_field.sub(" ", text)).strip().casefold()
    owner, due, created, done, key, invalid = item_fields(text, "dana")
    assert owner == owner_of(text, "dana")
    assert key == expected_key
    parsed = {name: parse_iso_date(raw) if raw else None for name, raw in dates.items()}
    assert (due, created, done) == (parsed["due"], parsed["created"], parsed["done"])
    assert invalid == tuple((n, raw) for n, raw in dates.items() if raw and parsed[n] is None)


def test_invalid_dates_are_named_in_field_order_whatever_their_order_in_the_line():
    *_, key, invalid = item_fields("x ✅ 2026-02-30 due:2026-13-01 y")
    assert invalid == (("due", "2026-13-01"), ("done", "2026-02-30")) and key == "x y"
