"""Carry-over (SPEC §4): unit cases for each rule, and the invariant under hypothesis."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ononotes.core.carry import CARRY_MARKER, carry_open_items, refresh_carried
from ononotes.core.markdown import scan
from ononotes.core.parse import parse_note

TEMPLATE = f"""---
date: 2026-11-17
---
# 1:1

## Their agenda

## My agenda

## Notes

## Action items
{CARRY_MARKER}
"""


def note(body: str, front: str = "date: 2026-11-10\n"):
    parsed, problems = parse_note(f"---\n{front}---\n{body}", "alice/2026-11-10.md", "alice")
    assert problems == []
    return parsed


def carry(body: str, template: str = TEMPLATE) -> str:
    previous = note(body)
    return carry_open_items(previous.lines, previous.items, template).text


def section(text: str, title: str) -> list[str]:
    lines = text.split("\n")
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def test_open_items_are_copied_verbatim_and_finished_ones_stay_behind():
    text = carry(
        "## Action items\n"
        "- [ ] @alice send the **plan** [RFC](https://x.test/rfc) due:2026-11-17 📅 2026-11-18\n"
        "- [x] @me intro Alice\n"
        "- [-] dropped idea\n"
        "- [/] half done\n"
        "* [>] deferred\n"
    )
    assert section(text, "Action items") == [
        "- [ ] @alice send the **plan** [RFC](https://x.test/rfc) due:2026-11-17 📅 2026-11-18",
        "- [/] half done",
        "* [>] deferred",
    ]
    assert CARRY_MARKER not in text


def test_a_talking_point_stays_a_talking_point():
    text = carry(
        "## Their agenda\n- [ ] discuss the promo timeline\n## Action items\n- [ ] @bob fix CI\n"
    )
    assert section(text, "Their agenda") == ["- [ ] discuss the promo timeline"]
    assert section(text, "Action items") == ["- [ ] @bob fix CI"]


def test_heading_match_ignores_case_and_unknown_headings_go_to_the_marker():
    text = carry(
        "## THEIR AGENDA\n- [ ] a\n## Project Zeta\n- [ ] b\n- [ ] c with no heading above? no\n"
    )
    assert section(text, "Their agenda") == ["- [ ] a"]
    assert section(text, "Action items") == ["- [ ] b", "- [ ] c with no heading above? no"]


def test_children_travel_with_their_parent_and_finished_children_stay():
    text = carry(
        "## Action items\n"
        "- [ ] parent\n"
        "  context line\n"
        "  - a note\n"
        "  - [x] done child\n"
        "    - [ ] open under done\n"
        "    - detail of done child\n"
        "  - [ ] open child\n"
        "    1. [ ] deep ordered\n"
    )
    assert section(text, "Action items") == [
        "- [ ] parent",
        "  context line",
        "  - a note",
        "  - [ ] open child",
        "    1. [ ] deep ordered",
        "- [ ] open under done",
    ]


def test_open_item_under_a_done_parent_is_carried_on_its_own_dedented():
    text = carry(
        "## Action items\n- [x] shipped\n    - [ ] announce it\n      - why: people asked\n"
    )
    assert section(text, "Action items") == ["- [ ] announce it", "  - why: people asked"]


def test_same_key_twice_is_carried_once():
    text = carry("## Action items\n- [ ] @Alice  send it\n- [ ] @alice send it due:2026-12-01\n")
    assert section(text, "Action items") == ["- [ ] @Alice  send it"]


def test_a_key_the_template_already_has_is_not_copied_again():
    template = TEMPLATE.replace(
        CARRY_MARKER, f"- [ ] @me review the team's priorities\n{CARRY_MARKER}"
    )
    text = carry(
        "## Action items\n- [ ] @me Review the team's priorities due:2026-11-11\n- [ ] other\n",
        template,
    )
    assert section(text, "Action items") == [
        "- [ ] @me review the team's priorities",
        "- [ ] other",
    ]


def test_without_marker_items_go_under_action_items_else_at_the_end():
    no_marker = TEMPLATE.replace(CARRY_MARKER + "\n", "")
    assert section(carry("- [ ] loose\n", no_marker), "Action items") == ["- [ ] loose"]
    text = carry("- [ ] loose\n", "---\ndate: 2026-11-17\n---\n# Notes only\nSome text\n")
    assert text.endswith("Some text\n\n- [ ] loose\n")


def test_items_in_code_quotes_and_comments_are_not_carried():
    text = carry("```\n- [ ] code\n```\n> - [ ] quote\n<!--\n- [ ] comment\n-->\n- [ ] real\n")
    assert [i.text for i in scan(text.split("\n")).items] == ["real"]


def test_crlf_previous_note_gives_lf_lines():
    previous, _ = parse_note(
        b"---\r\ndate: 2026-11-10\r\n---\r\n- [ ] a\r\n  - b\r\n", "a/x.md", "a"
    )
    result = carry_open_items(previous.lines, previous.items, TEMPLATE)
    assert "\r" not in result.text and section(result.text, "Action items") == ["- [ ] a", "  - b"]


def test_refresh_removes_items_finished_since_and_adds_new_open_ones():
    before = note("## Action items\n- [ ] a\n- [ ] b\n")
    planned = carry_open_items(before.lines, before.items, TEMPLATE).text
    planned = planned.replace("## My agenda\n", "## My agenda\n- my own point\n")
    after = note("## Action items\n- [x] a\n- [ ] b\n- [ ] c added later\n- [-] d\n")
    result = refresh_carried(after.lines, after.items, planned)
    assert section(result.text, "Action items") == ["- [ ] b", "- [ ] c added later"]
    assert section(result.text, "My agenda") == ["- my own point"]
    assert refresh_carried(after.lines, after.items, result.text) is None


@pytest.mark.parametrize("done", ["- [x] a ✅ 2026-11-05", "- [x] a done:2026-11-05", "- [X] a"])
def test_refresh_removes_an_item_ticked_since_with_a_done_date(done):
    before = note("## Action items\n- [ ] a\n- [ ] b\n")
    planned = carry_open_items(before.lines, before.items, TEMPLATE).text
    after = note(f"## Action items\n{done}\n- [ ] b\n")
    result = refresh_carried(after.lines, after.items, planned)
    assert section(result.text, "Action items") == ["- [ ] b"]


def test_refresh_keeps_an_item_whose_fields_the_user_changed_in_the_planned_note():
    before = note("## Action items\n- [ ] a\n")
    planned = carry_open_items(before.lines, before.items, TEMPLATE).text
    planned = planned.replace("- [ ] a", "- [ ] a due:2026-11-20")
    after = note("## Action items\n- [x] a ✅ 2026-11-05\n")
    assert refresh_carried(after.lines, after.items, planned) is None


def test_refresh_keeps_an_item_the_user_changed_or_ticked_in_the_planned_note():
    before = note("## Action items\n- [ ] a\n- [ ] b\n")
    planned = carry_open_items(before.lines, before.items, TEMPLATE).text.replace(
        "- [ ] b", "- [ ] b (edited)"
    )
    after = note("## Action items\n- [x] a\n- [x] b\n")
    result = refresh_carried(after.lines, after.items, planned)
    assert section(result.text, "Action items") == ["- [ ] b (edited)"]


# -- the invariant --------------------------------------------------------------------------------

WORDS = [
    "send the plan",
    "fix CI",
    "book a room",
    "review the doc",
    "call Bob",
    "ship it",
    "take out the trash 🔁 every week",  # recurring (SPEC v2): done and open in one note
    "water the plants [repeat:: every day]",
]
# fields that never change an item's key (SPEC §3 v2): postponing, re-prioritising, Dataview
FIELDS = [
    " due:2026-11-{day}",
    " 📅 2026-11-{day}",
    " (due:: 2026-11-{day})",
    " [  due::2026-11-{day} ]",
    " ⏳ 2026-11-{day}",
    " 🛫 2026-11-{day}",
    " ⏫",
    " 🔽",
    " [priority:: high]",
    " ➕ 2026-11-{day}",
]
OWNERS = ["", "@alice ", "@me ", "@Bob "]
STATUS = [" ", " ", "x", "X", "-", "/", ">"]


@st.composite
def item_tree(draw, indent: int, depth: int):
    marker = draw(st.sampled_from(["-", "*", "+", "1.", "2)"]))
    task = draw(st.booleans()) or depth == 0
    text = draw(st.sampled_from(OWNERS)) + draw(st.sampled_from(WORDS))
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        text += field.format(day=draw(st.integers(10, 28)))
    status = draw(st.sampled_from(STATUS))
    if status in "xX" and draw(st.booleans()):
        text += draw(st.sampled_from([" ✅ 2026-11-09", " done:2026-11-09"]))
    if status == "-" and draw(st.booleans()):
        text += draw(st.sampled_from([" ❌ 2026-11-09", " [cancelled:: 2026-11-09]"]))
    head = f"[{status}] {text}" if task else text
    lines = [" " * indent + f"{marker} {head}"]
    child_indent = indent + len(marker) + 1
    if depth < 3:
        for _ in range(draw(st.integers(0, 2))):
            lines += draw(item_tree(child_indent, depth + 1))
    if draw(st.integers(0, 5)) == 0:
        lines += [
            " " * child_indent + "```",
            " " * child_indent + "- [ ] in code",
            " " * child_indent + "```",
        ]
    return lines


@st.composite
def messy_note(draw):
    blocks: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(
            st.sampled_from(
                ["tree", "tree", "tree", "heading", "fence", "quote", "comment", "para"]
            )
        )
        if kind == "tree":
            blocks += draw(item_tree(0, 0))
        elif kind == "heading":
            blocks.append(
                "## "
                + draw(st.sampled_from(["Their agenda", "My agenda", "Action items", "Project X"]))
            )
        elif kind == "fence":
            blocks += ["~~~", "- [ ] fenced " + draw(st.sampled_from(WORDS)), "~~~"]
        elif kind == "quote":
            blocks.append("> - [ ] quoted " + draw(st.sampled_from(WORDS)))
        elif kind == "comment":
            blocks += ["<!--", "- [ ] commented", "-->"]
        else:
            blocks.append("Some words.")
        if draw(st.booleans()):
            blocks.append("")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return (
        "---"
        + newline
        + "date: 2026-11-10"
        + newline
        + "---"
        + newline
        + newline.join(blocks)
        + newline
    )


def check_invariant(previous_items, new_text: str) -> None:
    new_items = scan(new_text.split("\n")).items
    open_keys = {item.key for item in previous_items if item.is_open}
    closed_keys = {item.key for item in previous_items if not item.is_open} - open_keys
    counts = Counter(item.key for item in new_items)
    for key in open_keys:
        assert counts[key] == 1, (key, new_text)
        assert next(item for item in new_items if item.key == key).is_open
    for key in closed_keys:
        assert counts[key] == 0, (key, new_text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_note())
def test_invariant_every_open_key_exactly_once_and_open(text):
    previous, problems = parse_note(text.encode(), "alice/2026-11-10.md", "alice")
    assert previous is not None, problems
    result = carry_open_items(previous.lines, previous.items, TEMPLATE)
    check_invariant(previous.items, result.text)
    # carrying again from the same note into the result adds nothing
    again = carry_open_items(previous.lines, previous.items, result.text)
    assert again.text == result.text


@settings(max_examples=100, deadline=None)
@given(messy_note(), messy_note())
def test_invariant_holds_after_a_refresh(first, second):
    before, _ = parse_note(first.encode(), "a/1.md", "a")
    after, _ = parse_note(second.encode(), "a/1.md", "a")
    planned = carry_open_items(before.lines, before.items, TEMPLATE).text
    refreshed = refresh_carried(after.lines, after.items, planned)
    text = refreshed.text if refreshed else planned
    open_keys = {item.key for item in after.items if item.is_open}
    counts = Counter(item.key for item in scan(text.split("\n")).items if item.is_open)
    for key in open_keys:
        assert counts[key] >= 1, (key, text)
