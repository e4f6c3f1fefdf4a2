"""Property tests (issue 7) over the parser, the follow-through chain rule (SPEC §5) and the refresh
of planned notes (SPEC §4), with hypothesis. Example counts are bounded so the suite stays fast."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ononotes.core.carry import carry_open_items, refresh_carried
from ononotes.core.fields import item_key
from ononotes.core.markdown import scan
from ononotes.core.parse import parse_note, split_lines
from ononotes.core.reports import DROPPED, Window, actions_report, follow_items, group_by_person

from .test_carry import TEMPLATE, messy_note

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the parser: random Markdown from fragments ---------------------------------------------------

MARKERS = ["-", "*", "+", "1.", "2)", "10.", "123456789.", "- -", "1. -"]
CHARS = [" ", " ", "x", "X", "-", "/", ">", "]", "[", "`", "a", "\t", "\u00a0", "é", ""]
WORDS = [
    "send the plan",
    "'quoted' and \"double\"",
    "`code` [link](http://x.test) **bold**",
    "<b>html</b> <!-- c -->",
    "@alice ask bob@example.com",
    "due:2026-11-17 📅 2026-13-45 ✅ 2026-11-02 [due:: 2026-11-20]",
    "tabs\tinside\t",
    "zero\u200bwidth and emoji 👍🏽",
    "  ",
]
BLOCK_LINES = [
    "",
    "   ",
    "\t",
    "# Heading",
    "## Action items",
    "Setext title",
    "===",
    "---",
    "***",
    "```",
    "````python",
    "   ~~~",
    "~~~",
    "    - [ ] indented code",
    "\t- [ ] tab indented",
    "> - [ ] quoted",
    "> > 1. [x] deeper quote",
    ">",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<details><summary>x</summary>",
    "<script>",
    "</script>",
    "<?php echo 1; ?>",
    "<![CDATA[",
    "]]>",
    "| a | b |",
    "|---|---|",
    "%% obsidian comment %%",
    "plain paragraph text",
    "  continuation",
    "[^1]: a footnote",
]
FRONT = [
    "",
    "---\ndate: 2026-11-10\n---\n",
    "---\ndate: 2026-11-10\nperson: alice\ntype: 1:1\ntags: [a, b]\n---\n",
    "---\ndate: [unclosed\n---\n",
    "---\ndate: 2026-11-10\n",
    "---\n- a list\n---\n",
    "---\ndate: !!python/object/apply:os.system ['true']\n---\n",
    "---\ndate: 2026-11-10\nperson: ../../etc\n---\n",
    "---\ndate: 2026-11-10\nmood: 9\nstatus: maybe\n---\n",
    "---\r\ndate: 2026-11-10\r\n---\r\n",
    "<<<<<<< HEAD\n",
]
PREFIX_RE = re.compile(
    r"(?:[ \t]*(?:[-+*]|\d{1,9}[.)]))+[ \t]+\[.\][ \t\f\v]+", re.DOTALL
)  # list markers (several when lists open on one line), the checkbox, white space


@st.composite
def task_line(draw) -> str:
    indent = draw(st.sampled_from(["", " ", "  ", "   ", "    ", "\t", "  \t", "      "]))
    marker = draw(st.sampled_from(MARKERS))
    gap = draw(st.sampled_from([" ", " ", "  ", "\t", "     "]))
    char = draw(st.sampled_from(CHARS))
    after = draw(st.sampled_from([" ", " ", "\t", "", "\f"]))
    text = draw(st.sampled_from(WORDS))
    return f"{indent}{marker}{gap}[{char}]{after}{text}"


@st.composite
def markdown_lines(draw, breaks: bool = True) -> list[str]:
    """Lines from fragments; with ``breaks``, some hold raw characters (line breaks included)."""
    lines: list[str] = []
    alphabet = st.characters(blacklist_categories=("Cs",))
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 10))
        if kind < 4:
            lines.append(draw(task_line()))
        elif kind == 10:  # a nested list
            for depth in range(draw(st.integers(2, 4))):
                indent = draw(st.sampled_from([2, 3, 4])) * depth
                lines.append(" " * indent + draw(task_line()).lstrip(" \t"))
        elif kind < 9:
            lines.append(draw(st.sampled_from(BLOCK_LINES)))
        else:
            text = draw(st.text(alphabet, max_size=12))
            if not breaks:
                text = re.sub(r"[\r\n]", " ", text)
            lines.append(text)
    return lines


def join(lines: list[str], ending: str | list[str]) -> str:
    if isinstance(ending, str):
        return "".join(line + ending for line in lines)
    return "".join(line + end for line, end in zip(lines, ending, strict=True))


@st.composite
def documents(draw) -> bytes | str:
    lines = draw(markdown_lines())
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines)))
    front = draw(st.sampled_from(FRONT[1:3] * 4 + FRONT))  # mostly a meeting
    text = front + join(lines, endings[: len(lines)])
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode("utf-8") if draw(st.booleans()) else text


@FAST
@given(documents())
def test_the_parser_never_raises_and_items_sit_on_their_list_item_lines(data):
    note, problems = parse_note(data, "alice/2026-11-10.md", "alice", "dana")
    raw = data if isinstance(data, str) else data.decode("utf-8")  # made from text
    lines = split_lines(raw.removeprefix("\ufeff"))
    for problem in problems:
        assert problem.line is None or 1 <= problem.line <= max(1, len(lines)), problem
        assert "\n" not in problem.message
    if note is not None:
        assert list(note.lines) == lines
        start, items, headings = note.body_start, note.items, note.headings
    else:  # not a meeting, or unreadable front matter: the scanner alone, over every line
        start, body = 0, scan(lines)
        items, headings = body.items, body.headings
    for index, item in enumerate(items):
        assert start <= item.start < item.end <= len(lines)
        assert 1 <= item.line <= len(lines)
        first = lines[item.start].rstrip()
        assert item.text and first.endswith(item.text), (first, item.text)
        assert PREFIX_RE.fullmatch(first[: len(first) - len(item.text)]), first
        assert item.key == item_key(item.text)
        if item.parent is not None:
            parent = items[item.parent]
            assert item.parent < index and parent.start < item.start < parent.end
    for heading in headings:
        assert start <= heading.index < len(lines)


@QUICK
@given(markdown_lines(breaks=False), st.sampled_from(["\r\n", "\r", "mixed"]), st.booleans())
def test_bom_and_line_endings_never_change_what_is_read(lines, ending, bom):
    plain = "---\ndate: 2026-11-10\n---\n" + join(lines, "\n")
    other_lines = ["---", "date: 2026-11-10", "---", *lines]
    if ending == "mixed":
        ending = (["\r\n", "\n", "\r"] * len(other_lines))[: len(other_lines)]
    other = join(other_lines, ending)
    other = ("\ufeff" if bom else "") + other
    a, a_problems = parse_note(plain.encode(), "a/x.md", "a")
    b, b_problems = parse_note(other.encode(), "a/x.md", "a")
    assert a_problems == b_problems
    if a is None or b is None:  # a NUL byte: "not a text file", the same for both
        assert a is b is None
        return
    assert a.items == b.items and a.headings == b.headings and a.lines == b.lines


# -- the chain rule of SPEC §5 --------------------------------------------------------------------

KEYS = ["@alice send the plan", "fix CI", "@me book the room", "@bob review the doc"]
RECURRING = "water the plants 🔁 every week"  # SPEC v2: done and open in one note are two items
RANK = {"done": 2, "cancelled": 1, "open": 0}


@st.composite
def item_lines(draw) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from([*KEYS, RECURRING]))
        char = draw(st.sampled_from([" ", " ", "x", "X", "-", "/"]))
        fields = ""

        def day() -> str:
            return f"2026-0{draw(st.integers(1, 4))}-{draw(st.integers(1, 28)):02d}"

        if draw(st.integers(0, 3)) == 0:
            fields += f" created:2026-01-{draw(st.integers(1, 28)):02d}"
        if char in "xX" and draw(st.booleans()):
            fields += draw(st.sampled_from([" done:", " ✅ ", " [completion:: "])) + day()
            fields += "]" if "[" in fields else ""
        if char == "-" and draw(st.booleans()):
            fields += draw(st.sampled_from([" ❌ ", " cancelled:"])) + day()
        if draw(st.integers(0, 3)) == 0:
            fields += draw(st.sampled_from([" due:", " 📅 "])) + day()
        # fields that never change an item's identity (SPEC v2): postpone, priority
        fields += draw(
            st.sampled_from(["", "", " ⏳ " + day(), " ⏫", " 🔽", " (priority:: high)"])
        )
        indent = "  " if lines and draw(st.integers(0, 3)) == 0 else ""
        lines.append(f"{indent}- [{char}] {key}{fields}")
    return lines


@st.composite
def histories(draw):
    """Notes of one or two people: dates that may repeat (a second file that day)."""
    notes = []
    for person in draw(st.lists(st.sampled_from(["alice", "bob"]), min_size=1, unique=True)):
        day = dt.date(2026, 1, 5)
        for _ in range(draw(st.integers(1, 8))):
            step = draw(st.sampled_from([0, 3, 7, 7, 14, 30]))
            day += dt.timedelta(days=step)
            name = f"{person}/{day.isoformat()}.md"
            suffix = 2
            while any(note.path == name for note in notes):
                name = f"{person}/{day.isoformat()}-{suffix}.md"
                suffix += 1
            body = "\n".join(["## Action items", *draw(item_lines())]) + "\n"
            note, problems = parse_note(f"---\ndate: {day}\n---\n{body}", name, person, "dana")
            assert note is not None, problems
            notes.append(note)
    as_of = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 200)))
    return notes, as_of


def states_of(note, recurring: bool = True) -> dict[str, str]:
    """Within one note a key counts once: done over cancelled over open (without
    ``recurring``, the recurring key is left out)."""
    found: dict[str, str] = {}
    for item in note.items:
        if not recurring and item.recurring:
            continue
        if item.key not in found or RANK[item.state] > RANK[found[item.key]]:
            found[item.key] = item.state
    return found


def first_with(note, key: str, state: str):
    return next(item for item in note.items if item.key == key and item.state == state)


@FAST
@given(histories())
def test_the_chain_rule_partitions_appearances_into_items(history):
    notes, as_of = history
    for person, person_notes in group_by_person(notes).items():
        seen = [note for note in person_notes if note.date <= as_of]
        states = [states_of(note, recurring=False) for note in seen]
        # SPEC v2 §5: the closing marks of the next (planned) note count, and nothing else of it
        ahead = next((note for note in person_notes if note.date > as_of), None)
        closing = {}
        if ahead is not None and seen:
            closing = {
                key: state
                for key, state in states_of(ahead, recurring=False).items()
                if state != "open" and states[-1].get(key) == "open"
            }
        latest = len(seen) - 1  # the latest note up to as-of
        if closing:
            seen, states = [*seen, ahead], [*states, closing]
        index = {note.path: number for number, note in enumerate(seen)}
        everything = follow_items(person, person_notes, as_of)
        for item in everything:  # SPEC v2: never created after it closed, never negative
            assert item.closed is None or item.created <= item.closed
            assert item.days_to_close is None or item.days_to_close >= 0
        items = [item for item in everything if item.key != item_key(RECURRING)]
        spans: dict[str, list[tuple[int, int]]] = {}
        for item in items:
            first = index[item.first_note]
            last = index[item.source.rsplit(":", 1)[0]]
            assert first <= last
            run = [states[i].get(item.key) for i in range(first, last + 1)]
            assert None not in run, (item, run)  # appearances in consecutive notes
            for before, after in pairwise(run):  # each step continues the item
                assert before == "open" or after != "open"
            spans.setdefault(item.key, []).append((first, last))
            closed = [state for state in run if state != "open"]
            if closed:
                assert item.state == closed[0]
                where = first + run.index(closed[0])
                mark = first_with(seen[where], item.key, item.state)
                field = mark.done if item.state == "done" else mark.cancelled
                assert item.closed == (field or seen[where].date)
                if item.state == "done":
                    assert item.days_to_close == (item.closed - item.created).days
            elif last == latest:
                assert item.state == "open" and item.closed is None
            else:
                assert item.state == DROPPED and item.closed == seen[last + 1].date
            assert item.times_carried == run[1:].count("open")
            carried = [
                seen[i].date for i in range(first + 1, last + 1) if states[i][item.key] == "open"
            ]
            assert item.carried_on == tuple(carried)
            assert item.stale == (item.state == "open" and item.times_carried >= 3)
            assert item.overdue == (item.state == "open" and bool(item.due and item.due < as_of))
            created = [
                first_with(seen[i], item.key, states[i][item.key]).created
                for i in range(first, last + 1)
            ]
            earliest = item.closed or dt.date.max  # created is never after closed
            if created[0] is not None:
                assert item.created == min(created[0], earliest)
            elif not any(created):
                assert item.created == min(seen[first].date, earliest)
        # every appearance of every key is in exactly one item
        for key in {key for found in states for key in found}:
            where = [i for i, found in enumerate(states) if key in found]
            covered = sorted(i for first, last in spans[key] for i in range(first, last + 1))
            assert covered == where, (key, spans[key], where)
            for (_, last), (first, _) in pairwise(sorted(spans[key])):
                if first == last + 1:  # a new item right after another: a real restart
                    assert states[last][key] != "open" and states[first][key] == "open"
        if seen:  # an item open in the latest note is open, unless closed in the next one
            for key, state in states[latest].items():
                if state == "open" and key not in closing:
                    assert [i.state for i in items if i.key == key][-1] == "open"
        for i in range(len(states) - 1):  # done twice in a row: one item
            for key, state in states[i].items():
                if state == "done" and states[i + 1].get(key) == "done":
                    assert any(a <= i < b for a, b in spans[key]), (key, i, spans[key])


@FAST
@given(histories())
def test_a_recurring_item_closed_and_open_in_one_note_is_two_items(history):
    """SPEC v2 §5, against a small model of the rule for one recurring key: a done (or
    cancelled) and an open appearance in one note are two items, the open one the next
    occurrence, created there."""
    notes, as_of = history
    key = item_key(RECURRING)
    for person, person_notes in group_by_person(notes).items():
        items = [i for i in follow_items(person, person_notes, as_of) if i.key == key]
        starts, previous = [], None  # (note, occurrence?) where an item starts
        for note in (note for note in person_notes if note.date <= as_of):
            marks = {item.state for item in note.items if item.key == key}
            chosen = max(marks, key=RANK.get, default=None)
            if chosen is None:
                previous = None
                continue
            closed_both = previous in ("done", "cancelled") and chosen != "open"
            if not (previous == "open" or closed_both):
                starts.append((note.path, False))
            previous = chosen
            if chosen != "open" and "open" in marks:
                starts.append((note.path, True))
                previous = "open"
        assert [item.first_note for item in items] == [path for path, _ in starts]
        for item, (path, occurrence) in zip(items, starts, strict=True):
            if occurrence:
                note = next(note for note in person_notes if note.path == path)
                line = next(i for i in note.items if i.key == key and i.is_open)
                if line.created or item.source.startswith(f"{path}:"):  # else a later field
                    expected = min(line.created or note.date, item.closed or dt.date.max)
                    assert item.created == expected


@QUICK
@given(histories())
def test_the_order_of_lines_in_a_note_never_changes_the_items(history):
    """Obsidian Tasks writes the next occurrence above the done line, other tools below it."""
    notes, as_of = history
    flipped = []
    for note in notes:
        body = [line for line in note.lines[note.body_start :] if line.lstrip().startswith("-")]
        text = "---\ndate: " + str(note.date) + "\n---\n## Action items\n"
        text += "\n".join(line.lstrip() for line in reversed(body)) + "\n"
        again, _ = parse_note(text, note.path, note.person, "dana")
        flipped.append(again)

    def outline(of):
        return Counter(
            (i.person, i.key, i.state, i.times_carried, i.first_note)
            for person, mine in group_by_person(of).items()
            for i in follow_items(person, mine, as_of)
        )

    straight = []
    for note in notes:  # the same lines, not nested, in their own order
        body = [line for line in note.lines[note.body_start :] if line.lstrip().startswith("-")]
        text = "---\ndate: " + str(note.date) + "\n---\n## Action items\n"
        text += "\n".join(line.lstrip() for line in body) + "\n"
        straight.append(parse_note(text, note.path, note.person, "dana")[0])
    assert outline(straight) == outline(flipped)


@QUICK
@given(
    histories(),
    st.none() | st.integers(0, 120),
    st.none() | st.integers(0, 200),
)
def test_report_counters_add_up_in_any_window(history, since, until):
    notes, as_of = history
    start = dt.date(2026, 1, 1)
    window = Window(
        as_of,
        start + dt.timedelta(days=since) if since is not None else None,
        start + dt.timedelta(days=until) if until is not None else None,
    )
    report = actions_report(notes, window, me=["dana"])
    for row in (*report.people, *report.owners, report.team):
        assert row.created == row.done + row.open + row.dropped + row.cancelled
        settled = row.done + row.dropped + row.open
        if settled:
            assert 0 <= row.follow_through <= 1
            assert row.follow_through == row.done / settled
        else:
            assert row.follow_through is None
        assert 0 <= row.stale <= row.open and 0 <= row.overdue <= row.open
    assert all(item.created in window for item in report.items)
    for field in ("created", "done", "open", "dropped", "cancelled", "stale", "overdue"):
        total = getattr(report.team, field)
        assert total == sum(getattr(row, field) for row in report.people)
        assert total == sum(getattr(row, field) for row in report.owners)
    assert Counter(i.state for i in report.items)["open"] == report.team.open


# -- refreshing a planned note (SPEC §4) ----------------------------------------------------------


@QUICK
@given(messy_note(), messy_note(), st.sampled_from(["", "- my own point\n", "Some words.\n"]))
def test_refresh_is_idempotent_and_keeps_what_the_user_wrote(first, second, own):
    before, _ = parse_note(first.encode(), "a/1.md", "a")
    after, _ = parse_note(second.encode(), "a/1.md", "a")
    planned = carry_open_items(before.lines, before.items, TEMPLATE).text
    planned = planned.replace("## My agenda\n", f"## My agenda\n{own}")
    assert refresh_carried(before.lines, before.items, planned) is None  # nothing changed there
    once = refresh_carried(after.lines, after.items, planned)
    text = once.text if once else planned
    again = refresh_carried(after.lines, after.items, text)
    assert again is None or again.text == text, (planned, text, again.text)
    # lines outside the open items of the planned note are never removed
    planned_lines = planned.split("\n")
    spans = [(i.start, i.end) for i in scan(planned_lines).items if i.is_open]
    kept = iter(text.split("\n"))
    for number, line in enumerate(planned_lines):
        if not any(start <= number < end for start, end in spans):
            assert any(line == other for other in kept), (line, text)
    open_after = {item.key for item in after.items if item.is_open}
    present = {item.key for item in scan(text.split("\n")).items if item.is_open}
    assert open_after <= present


@FAST
@given(markdown_lines(breaks=False))
def test_the_scanner_fast_path_gives_the_general_answer(lines):
    from ononotes.core.markdown import _Scanner

    def run(simple: bool):
        scanner = _Scanner(lines, 0, simple=simple)
        scanner.run()
        return scanner.nodes, scanner.headings

    assert run(True) == run(False)
