"""`ono agenda`: talking points into the next meeting's note, scaffolding it when needed."""

from __future__ import annotations

from pathlib import Path

from ononotes.core.agenda import add_point, clean_point
from ononotes.core.parse import parse_note

from .conftest import build_tree

PROFILE = "---\nname: Alice Moreno\ncadence: weekly\n---\n"

HELD = """---
date: 2026-11-03
---
# 1:1 · Alice · 2026-11-03

## Their agenda
- promo timeline

## My agenda
- reorg news

## Action items
- [ ] @alice send the migration plan due:2026-11-17
- [x] @me intro Alice to the SRE lead
- [ ] @me book the offsite room
"""

PLANNED = """---
date: 2026-11-17
status: planned
---
# 1:1 · Alice · 2026-11-17

## Their agenda
- already queued

## My agenda

## Action items
- [ ] @alice send the migration plan due:2026-11-17
- [ ] @me book the offsite room
"""


def alice(vault: Path, **notes: str) -> Path:
    files = {"alice/profile.md": PROFILE}
    files.update({f"alice/{name}.md": text for name, text in notes.items()})
    return build_tree(vault, files)


def section(text: str, title: str) -> list[str]:
    """The non-blank lines under ``## title``, up to the next heading."""
    body = text.split(f"## {title}\n", 1)[1].split("\n#", 1)[0]
    return [line for line in body.splitlines() if line.strip()]


def test_a_point_lands_in_my_agenda_of_the_planned_note(vault, run):
    alice(vault, **{"2026-11-03": HELD, "2026-11-17": PLANNED})
    result = run(vault, "agenda", "alice", "Q1 planning: a second DB engineer?")
    assert result.exit_code == 0, result.output
    path = vault / "alice" / "2026-11-17.md"
    assert result.stdout == f"{path}\n"
    text = path.read_text()
    assert section(text, "My agenda") == ["- Q1 planning: a second DB engineer?"]
    assert section(text, "Their agenda") == ["- already queued"]
    assert text.replace("- Q1 planning: a second DB engineer?\n", "") == PLANNED


def test_by_the_person_goes_to_their_agenda_and_by_me_to_mine(vault, run):
    alice(vault, **{"2026-11-03": HELD, "2026-11-17": PLANNED})
    assert run(vault, "agenda", "alice", "the retro", "--by", "alice").exit_code == 0
    assert run(vault, "agenda", "alice", "packet status", "--by", "@me").exit_code == 0
    assert run(vault, "agenda", "alice", "reorg", "--by", "dana").exit_code == 0
    text = (vault / "alice" / "2026-11-17.md").read_text()
    assert section(text, "Their agenda") == ["- already queued", "- the retro"]
    assert section(text, "My agenda") == ["- packet status", "- reorg"]


def test_section_titles_come_from_the_config(vault, run):
    build_tree(vault, {"ono.toml": 'me = "dana"\n[sections]\nmy_agenda = ["From Dana"]\n'})
    planned = PLANNED.replace("## My agenda", "## From Dana")
    alice(vault, **{"2026-11-03": HELD, "2026-11-17": planned})
    assert run(vault, "agenda", "alice", "budget").exit_code == 0
    text = (vault / "alice" / "2026-11-17.md").read_text()
    assert section(text, "From Dana") == ["- budget"]


def test_without_a_planned_note_one_is_scaffolded_for_the_next_due_date(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    result = run(vault, "agenda", "alice", "how was the conference?", today="2026-11-05")
    assert result.exit_code == 0, result.output
    path = vault / "alice" / "2026-11-10.md"  # last held 11-03 + 7 days
    assert result.stdout == f"{path}\n"
    assert "scaffolded the next meeting, carrying 2 open item(s)" in result.stderr
    note, problems = parse_note(path.read_bytes(), "alice/2026-11-10.md", "alice")
    assert problems == []
    assert {i.key for i in note.items if i.is_open} == {
        "@alice send the migration plan",
        "@me book the offsite room",
    }
    assert not any("intro alice" in i.key for i in note.items)
    assert section(path.read_text(), "My agenda") == ["- how was the conference?"]
    assert (vault / "alice" / "2026-11-03.md").read_text() == HELD


def test_when_overdue_the_note_is_for_today_and_a_second_point_joins_it(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    first = run(vault, "agenda", "alice", "one", today="2026-11-20")
    second = run(vault, "agenda", "alice", "two", today="2026-11-20")
    assert first.exit_code == second.exit_code == 0
    path = vault / "alice" / "2026-11-20.md"
    assert first.stdout == second.stdout == f"{path}\n"
    assert section(path.read_text(), "My agenda") == ["- one", "- two"]
    assert sorted(p.name for p in (vault / "alice").iterdir()) == [
        "2026-11-03.md",
        "2026-11-20.md",
        "profile.md",
    ]


def test_the_profile_since_date_counts_when_nothing_was_held(vault, run):
    build_tree(vault, {"alice/profile.md": "---\ncadence: biweekly\nsince: 2026-11-01\n---\n"})
    result = run(vault, "agenda", "alice", "welcome", today="2026-11-05")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("2026-11-15.md")


def test_the_same_point_twice_is_added_once(vault, run):
    alice(vault, **{"2026-11-03": HELD, "2026-11-17": PLANNED})
    assert run(vault, "agenda", "alice", "Promo timeline?").exit_code == 0
    before = (vault / "alice" / "2026-11-17.md").read_bytes()
    again = run(vault, "agenda", "alice", "  promo   TIMELINE? ")
    assert again.exit_code == 0
    assert "already under My agenda" in again.stderr
    assert (vault / "alice" / "2026-11-17.md").read_bytes() == before
    queued = run(vault, "agenda", "alice", "Already queued", "--by", "alice")
    assert queued.exit_code == 0 and "already under Their agenda" in queued.stderr


def test_an_unknown_person_gets_the_closest_slug(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    result = run(vault, "agenda", "alise", "hello")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no person 'alise' in this vault; did you mean 'alice'? "
        "(`ono person add alise` to add a new person)\n"
    )
    assert not (vault / "alise").exists()


def test_an_empty_point_and_a_bad_slug_are_refused(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    for text in ("", "   ", "\n\t"):
        result = run(vault, "agenda", "alice", text)
        assert result.exit_code == 2
        assert "the talking point is empty" in result.stderr
    bad = run(vault, "agenda", "../alice", "x")
    assert bad.exit_code == 2 and "invalid person slug '../alice'" in bad.stderr
    bad_by = run(vault, "agenda", "alice", "x", "--by", "a b")
    assert bad_by.exit_code == 2 and "invalid --by slug" in bad_by.stderr
    assert sorted(p.name for p in (vault / "alice").iterdir()) == ["2026-11-03.md", "profile.md"]


def test_the_planned_note_is_refreshed_before_the_point_is_added(vault, run):
    planned = PLANNED.replace("- already queued\n", "- already queued\n- [ ] my own point\n")
    alice(vault, **{"2026-11-03": HELD, "2026-11-17": planned})
    # after the copy, the migration plan was ticked off in the earlier note
    ticked = HELD.replace("- [ ] @alice send", "- [x] @alice send")
    build_tree(vault, {"alice/2026-11-03.md": ticked})
    result = run(vault, "agenda", "alice", "new point")
    assert result.exit_code == 0, result.output
    text = (vault / "alice" / "2026-11-17.md").read_text()
    assert "send the migration plan" not in text
    assert section(text, "Their agenda") == ["- already queued", "- [ ] my own point"]
    assert section(text, "Action items") == ["- [ ] @me book the offsite room"]
    assert section(text, "My agenda") == ["- new point"]


def test_a_refresh_reads_the_refreshed_note_again_not_the_vault(vault, run, monkeypatch):
    import ononotes.app.agenda
    import ononotes.store.scaffold

    alice(vault, **{"2026-11-03": HELD, "2026-11-17": PLANNED})
    ticked = HELD.replace("- [ ] @alice send", "- [x] @alice send")
    build_tree(vault, {"alice/2026-11-03.md": ticked})
    loads = []
    real = ononotes.app.agenda.load_vault

    def counted(*args, **options):
        loads.append(1)
        return real(*args, **options)

    for module in (ononotes.app.agenda, ononotes.store.scaffold):  # every reader of the vault
        monkeypatch.setattr(module, "load_vault", counted)
    result = run(vault, "agenda", "alice", "new point")
    assert result.exit_code == 0, result.output
    assert len(loads) == 1
    text = (vault / "alice" / "2026-11-17.md").read_text()
    assert "send the migration plan" not in text and section(text, "My agenda") == ["- new point"]


def test_a_person_who_left_gets_no_new_meeting(vault, run):
    build_tree(vault, {"erin/profile.md": "---\nuntil: 2026-10-16\n---\n"})
    result = run(vault, "agenda", "erin", "handover")
    assert result.exit_code == 2
    assert "erin's 1:1s ended on 2026-10-16" in result.stderr
    assert [p.name for p in (vault / "erin").iterdir()] == ["profile.md"]


def test_crlf_and_a_bom_are_kept(vault, run):
    data = ("\ufeff" + PLANNED).replace("\n", "\r\n").encode()
    build_tree(vault, {"alice/profile.md": PROFILE, "alice/2026-11-17.md": data})
    assert run(vault, "agenda", "alice", "point").exit_code == 0
    written = (vault / "alice" / "2026-11-17.md").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"## My agenda\r\n- point\r\n" in written
    assert b"\n" not in written.replace(b"\r\n", b"")


def test_a_refresh_keeps_crlf_and_a_bom(vault, run):
    planned = ("\ufeff" + PLANNED).replace("\n", "\r\n").encode()
    alice(vault, **{"2026-11-03": HELD})
    build_tree(vault, {"alice/2026-11-17.md": planned})
    ticked = HELD.replace("- [ ] @alice send", "- [x] @alice send")
    build_tree(vault, {"alice/2026-11-03.md": ticked})
    assert run(vault, "prep", "alice").exit_code == 0  # refreshes, adds nothing
    written = (vault / "alice" / "2026-11-17.md").read_bytes()
    assert written != planned and b"send the migration plan" not in written
    assert written.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in written.replace(b"\r\n", b"")


# -- the pure part ------------------------------------------------------------------------------


def test_clean_point_folds_white_space_and_a_typed_marker():
    assert clean_point("  - talk   about\n the plan ") == "talk about the plan"
    assert clean_point("[ ] ask Bob") == "[ ] ask Bob"
    assert clean_point(" \n ") == "" and clean_point("-") == "-"


def test_add_point_joins_the_list_and_keeps_its_bullet():
    lines = ["## My agenda", "* one", "  more about one", "", "## Notes"]
    edit = add_point(lines, ["my agenda"], "two")
    assert edit.lines == ["## My agenda", "* one", "  more about one", "* two", "", "## Notes"]


def test_add_point_after_a_placeholder_or_paragraph_starts_a_list():
    lines = ["## Their agenda", "<!-- add points -->", "## My agenda"]
    edit = add_point(lines, ["their agenda"], "a point")
    assert edit.lines == [
        "## Their agenda",
        "<!-- add points -->",
        "",
        "- a point",
        "",
        "## My agenda",
    ]


def test_add_point_compares_with_task_items_and_date_fields_ignored():
    lines = ["## My agenda", "- [ ] Ask about promo due:2026-11-20"]
    assert add_point(lines, ["my agenda"], "ask about  promo").lines is None
    assert add_point(lines, ["my agenda"], "[ ] ask about promo").lines is None


def test_add_point_makes_a_missing_section_before_the_action_items():
    lines = ["# 1:1", "", "## Notes", "", "## Action items", "- [ ] x"]
    edit = add_point(lines, ["their agenda"], "p")
    assert edit.created_section
    assert edit.lines == [
        "# 1:1",
        "",
        "## Notes",
        "",
        "## Their agenda",
        "",
        "- p",
        "",
        "## Action items",
        "- [ ] x",
    ]


def test_a_subheading_stays_inside_its_section():
    lines = ["## My agenda", "- a", "### later", "- b", "## Notes"]
    edit = add_point(lines, ["my agenda"], "c")
    assert edit.lines == ["## My agenda", "- a", "- c", "", "### later", "- b", "## Notes"]
    assert add_point(lines, ["my agenda"], "B").lines is None
