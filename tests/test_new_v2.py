"""`ono new` and `ono agenda` for issue #15 (SPEC §2 and §4 v2): a likely typo of a slug is
refused, notes written ahead say `status: planned`, `ono new` opens the planned note of its day
(and marks it held once the day has come), and no carry crosses a note that cannot be read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import ononotes.cli
from ononotes.core.parse import parse_note, read_document

from .conftest import build_tree

HELD = """---
date: 2026-11-03
---
# 1:1 · Alice · 2026-11-03

## Notes
- talked about the migration

## Action items
- [ ] @alice send the migration plan due:2026-11-17
- [ ] @me book the offsite room
- [x] @me intro Alice to the SRE lead
"""

CONFLICTED = """---
date: 2026-11-10
---
# 1:1 · Alice · 2026-11-10

## Notes
- the plan is out

## Action items
- [x] @alice send the migration plan due:2026-11-17
- [ ] @me book the offsite room
<<<<<<< HEAD
- [ ] @me ask about the budget
=======
- [ ] @me ask about the budget, again
>>>>>>> theirs
"""


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def alice(vault: Path, **notes: str) -> Path:
    files = {"alice/profile.md": "---\nname: Alice Moreno\ncadence: weekly\n---\n"}
    files.update({f"alice/{name}.md": text for name, text in notes.items()})
    return build_tree(vault, files)


def meta(path: Path) -> dict:
    document = read_document(path.read_bytes())
    assert document.meta is not None
    return document.meta


# -- a likely typo is refused ----------------------------------------------------------------------

TYPO = (
    "Error: no person 'alcie' in this vault; did you mean 'alice'? "
    "(`ono person add alcie` to add a new person)\n"
)


@pytest.mark.parametrize(
    "args",
    [["new", "alcie", "--no-edit"], ["new", "alcie", "--dry-run"], ["agenda", "alcie", "a point"]],
)
def test_a_slug_close_to_someones_is_refused_as_a_typo(vault, run, args):
    alice(vault, **{"2026-11-03": HELD})
    before = files_of(vault)
    result = run(vault, *args)
    assert result.exit_code == 2 and result.stderr == TYPO
    assert files_of(vault) == before


def test_a_new_person_is_created_and_said_so(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    result = run(vault, "new", "zoe", "--no-edit")
    assert result.exit_code == 0, result.output
    assert result.stderr == "new person 'zoe': created zoe/profile.md with the default cadence\n"
    assert result.stdout == f"{vault / 'zoe' / '2026-11-10.md'}\n"
    # once added with ono person add, the typo-like slug is a person like any other
    assert run(vault, "person", "add", "alicia").exit_code == 0
    made = run(vault, "new", "alicia", "--no-edit")
    assert made.exit_code == 0 and "new person" not in made.stderr


def test_agenda_never_makes_a_person_and_says_how_to(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    result = run(vault, "agenda", "zoe", "a point")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no person 'zoe' in this vault (`ono person add zoe` to add a new person)\n"
    )
    assert not (vault / "zoe").exists()


# -- written ahead: status planned -----------------------------------------------------------------


def test_a_note_written_ahead_says_planned(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    ahead = run(vault, "new", "alice", "--no-edit", "--date", "2026-11-17")
    assert ahead.exit_code == 0, ahead.output
    path = vault / "alice" / "2026-11-17.md"
    note, problems = parse_note(path.read_bytes(), "alice/2026-11-17.md", "alice")
    assert problems == [] and note is not None and note.status == "planned"
    assert "tags: []\nstatus: planned\n---\n" in path.read_text()  # the last front matter line
    dry = run(vault, "new", "alice", "--dry-run", "--date", "2026-11-24")
    assert dry.exit_code == 0 and "\nstatus: planned\n" in dry.stdout
    for date in ("2026-11-10", "2026-11-05"):  # today, the past: held by default
        assert run(vault, "new", "alice", "--no-edit", "--date", date).exit_code == 0
        assert "status" not in meta(vault / "alice" / f"{date}.md")


def test_a_note_agenda_scaffolds_says_planned_even_for_today(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    result = run(vault, "agenda", "alice", "the offsite")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(vault / "alice" / "2026-11-10.md")  # due today
    assert meta(vault / "alice" / "2026-11-10.md")["status"] == "planned"


@pytest.mark.parametrize(
    ("front", "status"),
    [
        ("date: {{ date }}\nstatus: held\n", "held"),  # the template's own status is kept
        ("date: {{ date }}\nstatus: '{{ \"cancelled\" }}'\n", "cancelled"),
        ("date: {{ date }}\ntags:\n  - one\n  - two\n", "planned"),
        ("date: {{ date }}\nsummary: |\n  a block\n  of text\n", "planned"),
        ("person: {{ person }}\n", "planned"),  # no date either: both added
    ],
)
def test_a_user_template_keeps_its_status_and_valid_yaml(vault, run, front, status):
    build_tree(vault, {"templates/1on1.md.j2": f"---\n{front}---\n## Action items\n"})
    alice(vault, **{"2026-11-03": HELD})
    result = run(vault, "new", "alice", "--no-edit", "--date", "2026-11-17")
    assert result.exit_code == 0, result.output
    path = vault / "alice" / "2026-11-17.md"
    note, problems = parse_note(path.read_bytes(), "alice/2026-11-17.md", "alice")
    assert problems == [] and note is not None and note.status == status
    assert path.read_text().count("status:") == 1


# -- ono new opens the planned note of its day ----------------------------------------------------


def test_new_opens_the_planned_note_and_marks_it_held_when_its_day_has_come(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0
    path = vault / "alice" / "2026-11-10.md"
    scaffolded = path.read_bytes()
    assert meta(path)["status"] == "planned"
    early = run(vault, "new", "alice", "--no-edit", "--date", "2026-11-10", today="2026-11-06")
    assert early.exit_code == 0, early.output
    assert early.stdout == f"{path}\n"
    assert early.stderr == "opened the planned note alice/2026-11-10.md\n"
    assert path.read_bytes() == scaffolded  # not yet its day: still planned
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}\n"
    assert result.stderr == "opened the planned note alice/2026-11-10.md; marked held\n"
    assert path.read_bytes() == scaffolded.replace(b"status: planned", b"status: held")
    again = run(vault, "new", "alice", "--no-edit")  # held now: refused as SPEC §4 says
    assert again.exit_code == 2 and "alice/2026-11-10.md already exists" in again.stderr
    assert path.read_bytes() == scaffolded.replace(b"status: planned", b"status: held")


def test_marking_held_keeps_every_other_byte(vault, run):
    planned = (
        "\ufeff---\ndate: 2026-11-10\nstatus: 'planned'  # written ahead\nmood:\n---\n"
        "## Notes\n\n## Action items\n- [ ] @alice send the migration plan due:2026-11-17\n"
        "- [ ] @me book the offsite room\n"
    ).replace("\n", "\r\n")
    alice(vault, **{"2026-11-03": HELD})
    build_tree(vault, {"alice/2026-11-10.md": planned.encode()})
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    written = (vault / "alice" / "2026-11-10.md").read_bytes()
    assert written == planned.replace("'planned'", "held").encode()


def test_opening_the_planned_note_refreshes_its_carried_items_first(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0
    path = vault / "alice" / "2026-11-10.md"
    assert "book the offsite room" in path.read_text()
    held = vault / "alice" / "2026-11-03.md"
    held.write_text(HELD.replace("- [ ] @me book", "- [x] @me book"))  # ticked meanwhile
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "opened the planned note alice/2026-11-10.md; refreshed its carried items; marked held\n"
    )
    text = path.read_text()
    assert "book the offsite room" not in text and "the offsite" in text
    assert "send the migration plan" in text and "status: held" in text


def test_private_adds_the_private_note_of_the_planned_meeting(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0
    result = run(vault, "new", "alice", "--no-edit", "--private")
    assert result.exit_code == 0, result.output
    private = vault / "private" / "alice" / "2026-11-10.md"
    assert result.stdout == f"{vault / 'alice' / '2026-11-10.md'}\n{private}\n"
    assert "private: true" in private.read_text()


def test_private_keeps_an_existing_private_note(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0
    build_tree(vault, {"private/alice/2026-11-10.md": "my own words\n"})
    result = run(vault, "new", "alice", "--no-edit", "--private")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{vault / 'alice' / '2026-11-10.md'}\n"
    assert (vault / "private" / "alice" / "2026-11-10.md").read_text() == "my own words\n"


def test_dry_run_shows_the_planned_note_and_writes_nothing(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0
    before = files_of(vault)
    result = run(vault, "new", "alice", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == (vault / "alice" / "2026-11-10.md").read_text()
    assert files_of(vault) == before


@pytest.mark.parametrize("status", ["held", "cancelled", "rescheduled"])
def test_a_note_that_is_not_planned_is_still_refused(vault, run, status):
    alice(
        vault,
        **{"2026-11-03": HELD, "2026-11-10": f"---\ndate: 2026-11-10\nstatus: {status}\n---\n"},
    )
    before = files_of(vault)
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: alice/2026-11-10.md already exists for alice on 2026-11-10; not overwritten\n"
    )
    assert files_of(vault) == before


def test_the_planned_note_opens_in_the_editor(vault, run, monkeypatch):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0

    class Terminal:
        def isatty(self) -> bool:
            return True

    class OnATerminal:
        stdin = stdout = Terminal()

        def __getattr__(self, name):
            return getattr(sys, name)

    edited = []
    monkeypatch.setattr(ononotes.cli, "sys", OnATerminal())
    monkeypatch.setattr("click.edit", lambda filename, editor: edited.append((filename, editor)))
    monkeypatch.setenv("EDITOR", "vi")
    result = run(vault, "new", "alice")
    assert result.exit_code == 0, result.output
    assert edited == [(str(vault / "alice" / "2026-11-10.md"), "vi")]


# -- no carry past a note that cannot be read -----------------------------------------------------

REFUSAL = "Error: alice/2026-11-10.md:12: unresolved git conflict markers; resolve the conflict first — {} will not carry items past a note it cannot read\n"


def test_new_will_not_carry_past_a_note_with_conflict_markers(vault, run):
    alice(vault, **{"2026-11-03": HELD, "2026-11-10": CONFLICTED})
    before = files_of(vault)
    for args in (
        ["--no-edit"],
        ["--dry-run"],
        ["--no-edit", "--date", "2026-11-10", "--type", "x"],
    ):
        result = run(vault, "new", "alice", *args, today="2026-11-17")
        assert result.exit_code == 1, result.output
        assert result.stderr == REFUSAL.format("ono new")
    assert files_of(vault) == before
    # resolved, the ticked item stays behind
    (vault / "alice" / "2026-11-10.md").write_text(CONFLICTED.split("<<<<<<<")[0])
    result = run(vault, "new", "alice", "--no-edit", today="2026-11-17")
    assert result.exit_code == 0, result.output
    assert "migration plan" not in (vault / "alice" / "2026-11-17.md").read_text()


def test_agenda_will_not_carry_past_a_note_it_cannot_read(vault, run):
    alice(vault, **{"2026-11-03": HELD, "2026-11-10": CONFLICTED})
    before = files_of(vault)
    result = run(vault, "agenda", "alice", "a point", today="2026-11-17")
    assert result.exit_code == 1 and result.stderr == REFUSAL.format("ono agenda")
    assert files_of(vault) == before


def test_no_refresh_of_a_planned_note_past_a_note_it_cannot_read(vault, run):
    alice(vault, **{"2026-11-03": HELD})
    assert run(vault, "agenda", "alice", "the offsite", today="2026-11-06").exit_code == 0
    build_tree(vault, {"alice/2026-11-08.md": CONFLICTED.replace("2026-11-10", "2026-11-08")})
    before = files_of(vault)
    refusal = REFUSAL.replace("2026-11-10", "2026-11-08")
    agenda = run(vault, "agenda", "alice", "another", today="2026-11-09")
    assert agenda.exit_code == 1 and agenda.stderr == refusal.format("ono agenda")
    new = run(vault, "new", "alice", "--no-edit", "--date", "2026-11-10", today="2026-11-09")
    assert new.exit_code == 1 and new.stderr == refusal.format("ono new")
    # prep writes nothing either, and shows the brief with the note's problem
    prep = run(vault, "prep", "alice", today="2026-11-09")
    assert prep.exit_code == 0 and "the offsite" in prep.stdout
    assert "alice/2026-11-08.md:12: unresolved git conflict markers" in prep.stderr
    assert files_of(vault) == before


@pytest.mark.parametrize(
    ("name", "text", "blocks"),
    [
        # broken front matter: its line, its date from the file name
        ("2026-11-10.md", "---\ndate: 2026-11-10\ntags: [a\n---\n", True),
        # no date in the name: the one in its front matter
        ("weekly.md", "---\ndate: 2026-11-10\n---\n<<<<<<< HEAD\n=======\n>>>>>>> x\n", True),
        ("weekly.md", "---\ndate: 2026-10-01\n---\n<<<<<<< HEAD\n=======\n>>>>>>> x\n", False),
        # no date known: it may be the latest
        ("weekly.md", "---\ndate: {{date}}\n---\n", True),
        ("2026-10-01.md", "---\ndate: 2026-10-01\ntags: [a\n---\n", False),  # before the source
        ("2026-11-20.md", "---\ndate: 2026-11-20\ntags: [a\n---\n", False),  # after the new note
        ("ideas.md", "---\ntags: [a\n---\n", False),  # no date anywhere: no note
        ("profile.md", "---\nname: [a\n---\n", False),  # the profile is no note
    ],
)
def test_which_unreadable_files_block_a_carry(vault, run, name, text, blocks):
    alice(vault, **{"2026-11-03": HELD})
    build_tree(vault, {f"alice/{name}": text, "bob/2026-11-10.md": CONFLICTED})  # not alice's
    result = run(vault, "new", "alice", "--no-edit", "--date", "2026-11-17")
    if blocks:
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"Error: alice/{name}:")
        assert result.stderr.endswith(
            " — ono new will not carry items past a note it cannot read\n"
        )
        assert not (vault / "alice" / "2026-11-17.md").exists()
    else:
        assert result.exit_code == 0, result.output
        assert "send the migration plan" in (vault / "alice" / "2026-11-17.md").read_text()


def test_an_unreadable_note_of_a_person_filed_in_a_sub_folder_blocks_too(vault, run):
    build_tree(
        vault,
        {
            "chris/profile.md": "---\nname: Chris\n---\n",
            "chris/journal/2026-11-03.md": HELD,
            "chris/journal/2026-11-10.md": CONFLICTED,
        },
    )
    result = run(vault, "new", "chris", "--no-edit", today="2026-11-17")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: chris/journal/2026-11-10.md:12: unresolved git")
    prep = run(vault, "prep", "chris", today="2026-11-17")  # reported by what reads it
    assert "warning: chris/journal/2026-11-10.md:12: unresolved git conflict" in prep.stderr
