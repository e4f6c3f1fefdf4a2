"""Reading notes: front matter, encodings and every way a file can be broken (SPEC §2)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ononotes.core.parse import parse_note, parse_profile

NOTE = "---\nperson: alice\ndate: 2026-11-10\n---\n# 1:1\n## Action items\n- [ ] @alice send the plan due:2026-11-17\n"


def read(data, path="alice/2026-11-10.md", folder="alice"):
    return parse_note(data, path, folder, me="dana")


def test_a_plain_note():
    note, problems = read(NOTE)
    assert problems == []
    assert (note.person, note.date, note.type, note.status) == (
        "alice",
        dt.date(2026, 11, 10),
        "1:1",
        None,
    )
    (item,) = note.items
    assert (item.line, item.owner, item.due, item.key) == (
        7,
        "alice",
        dt.date(2026, 11, 17),
        "@alice send the plan",
    )


@pytest.mark.parametrize(
    "variant",
    [
        NOTE.encode("utf-8-sig"),
        NOTE.replace("\n", "\r\n").encode(),
        NOTE.replace("\n", "\r\n").encode("utf-8-sig"),
        NOTE.rstrip("\n").encode(),
        NOTE.replace("\n", "\r").encode(),
    ],
    ids=["bom", "crlf", "bom+crlf", "no-final-newline", "cr"],
)
def test_bom_and_line_endings_mean_the_same(variant):
    note, problems = read(variant)
    expected, _ = read(NOTE)
    assert problems == []
    assert note.lines == expected.lines
    assert note.items == expected.items


def test_type_1_1_unquoted_is_text_not_base_60():
    note, _ = read(NOTE.replace("date:", "type: 1:1\ndate:"))
    assert note.type == "1:1"


def test_person_defaults_to_the_folder_and_front_matter_wins():
    note, _ = read(NOTE.replace("person: alice\n", ""), folder="bob")
    assert note.person == "bob"
    note, _ = read(NOTE, folder="bob")
    assert note.person == "alice"


def test_at_me_is_the_vault_owner():
    note, _ = read(NOTE.replace("@alice send", "@me send"))
    assert note.items[0].owner == "dana"
    assert note.items[0].key == "@me send the plan"


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        ("---\ndate: [unclosed\n---\n", 2, "not valid YAML"),
        ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
        ("---\njust a string\n---\n", 2, "must be a mapping"),
        ("---\ndate: 2026-11-10\n", 1, "not closed"),
        ("---\nperson: alice\ndate: 2026-13-45\n---\n", 3, "ISO date"),
        ("---\ndate: tomorrow\n---\n", 2, "ISO date"),
        ("---\ndate: 2026-11-10\nperson: ../etc\n---\n", 3, "slug"),
        (b"---\ndate: 2026-11-10\n---\n\xff\xfe broken", 4, "invalid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", 1, "not a text file"),
        (
            "---\ndate: 2026-11-10\n---\n<<<<<<< HEAD\n- [ ] a\n=======\n- [x] a\n>>>>>>> theirs\n",
            4,
            "conflict",
        ),
    ],
)
def test_unreadable_notes_are_one_problem_with_a_line(data, line, message):
    note, problems = read(data)
    assert note is None
    (problem,) = problems
    assert problem.line == line
    assert message in problem.message
    assert str(problem).startswith(f"alice/2026-11-10.md:{line}: ")


def test_alias_bomb_is_refused_not_expanded():
    bomb = ["---", "date: 2026-11-10", 'a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 10):
        bomb.append(
            f"{chr(97 + level)}: &{chr(97 + level)} [" + ",".join([f"*{chr(96 + level)}"] * 9) + "]"
        )
    bomb.append("---")
    note, problems = read("\n".join(bomb) + "\n")
    assert note is None
    assert "aliases" in problems[0].message


def test_small_aliases_are_fine():
    note, problems = read("---\ndate: 2026-11-10\nbase: &b {x: 1}\nother: *b\n---\n")
    assert problems == [] and note.meta["other"] == {"x": 1}


def test_files_without_front_matter_or_date_are_not_meetings():
    for data in (
        "",
        "# just text\n",
        "---\n---\n",
        "---\nname: Alice\n---\n",
        "\n---\ndate: 2026-11-10\n---\n",
    ):
        assert read(data) == (None, [])


def test_front_matter_only_note():
    note, problems = read("---\ndate: 2026-11-10\n---")
    assert problems == [] and note.items == () and note.body_start == 3


def test_small_faults_are_warnings_and_the_note_still_reads():
    note, problems = read(
        "---\ndate: 2026-11-10\nmood: 9\nstatus: maybe\n---\n- [ ] a due:2026-02-30\n"
    )
    assert note is not None and note.mood is None and note.items[0].due is None
    assert [(p.line, p.message.split()[0]) for p in problems] == [
        (4, "unknown"),
        (3, "mood"),
        (6, "due"),
    ]


def test_datetime_and_quoted_dates():
    assert read("---\ndate: 2026-11-10 09:30:00\n---\n")[0].date == dt.date(2026, 11, 10)
    assert read("---\ndate: '2026-11-10'\n---\n")[0].date == dt.date(2026, 11, 10)


def test_status_defaults_by_as_of():
    note, _ = read(NOTE)
    assert note.effective_status(dt.date(2026, 11, 10)) == "held"
    assert note.effective_status(dt.date(2026, 11, 9)) == "planned"
    cancelled, _ = read(NOTE.replace("date:", "status: Cancelled\ndate:"))
    assert cancelled.effective_status(dt.date(2026, 1, 1)) == "cancelled"


def test_profile():
    profile, problems = parse_profile(
        "---\nname: Alice Moreno\ncadence: biweekly\nsince: 2025-03-01\nuntil: someday\ngoals: [Lead pg16]\n---\n",
        "alice/profile.md",
        "alice",
    )
    assert (profile.name, profile.cadence, profile.since, profile.until, profile.goals) == (
        "Alice Moreno",
        "biweekly",
        dt.date(2025, 3, 1),
        None,
        ("Lead pg16",),
    )
    assert [(p.line, "until" in p.message) for p in problems] == [(5, True)]


def test_records_pickle_whole_for_the_cache():
    """Item, Note, Heading and Problem go into the parse cache as pickles: every field, and the
    front matter, come back."""
    import dataclasses
    import pickle

    note, _ = read(
        NOTE.replace("date:", "mood: 4\ntags: [x]\nextra: {a: 1}\ndate:")
        + "  - [x] child ✅ 2026-11-20\n"
    )
    problem = parse_note("---\ndate: nope\n---\n", "a/b.md")[1][0]
    for record in (note, note.items[0], note.items[1], note.headings[0], problem):
        copy = pickle.loads(pickle.dumps(record))
        for field in dataclasses.fields(record):
            assert getattr(copy, field.name) == getattr(record, field.name), field.name
        assert copy == record


# -- simple front matter is read without YAML, to YAML's answer ---------------------------------


def test_the_boundary_is_python_frontmatters():
    import frontmatter

    from ononotes.core.parse import FM_BOUNDARY

    library = frontmatter.YAMLHandler.FM_BOUNDARY
    assert (FM_BOUNDARY.pattern, FM_BOUNDARY.flags) == (library.pattern, library.flags)


SIMPLE_KEYS = ["date", "person", "type", "status", "mood", "duration", "name", "x_y", "on", "yes"]
SIMPLE_VALUES = [
    "2026-11-10",
    "2026-02-30",
    "2026-13-01",
    "0",
    "7",
    "07",
    "30",
    "1:1",
    "0:30",
    "1:60",
    "10:30:00",
    "alice",
    "skip-level",
    "no-show",
    "Alice Smith",
    "yes",
    "No",
    "off",
    "ON",
    "y",
    "n",
    "null",
    "Null",
    "~",
    "true",
    "e.g.",
    "a  b",
    "1_000",
    "1.5",
    ".inf",
    "-3",
    "x #c",
    "[a, b]",
    "'q'",
    "a: b",
    "",
    " ",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(SIMPLE_KEYS), st.sampled_from(SIMPLE_VALUES), st.booleans()),
        max_size=6,
    )
)
def test_simple_front_matter_reads_as_yaml_does(entries):
    from ononotes.core.parse import load_yaml, simple_front_matter

    lines = [f"{key}: {value}" if spaced else f"{key}:{value}" for key, value, spaced in entries]
    fast = simple_front_matter(lines)
    if fast is None:
        return  # left to YAML
    assert fast == (load_yaml("\n".join(lines)) or {}), lines
    assert [type(v) for v in fast.values()] == [
        type(v) for v in (load_yaml("\n".join(lines)) or {}).values()
    ]


def test_simple_front_matter_takes_the_usual_note():
    from ononotes.core.parse import simple_front_matter

    lines = ["person: alice", "date: 2026-11-10", "type: 1:1", "status: held", "mood: 4", ""]
    assert simple_front_matter(lines) == {
        "person": "alice",
        "date": dt.date(2026, 11, 10),
        "type": "1:1",
        "status": "held",
        "mood": 4,
    }
    assert simple_front_matter(["tags: [career]"]) is None
