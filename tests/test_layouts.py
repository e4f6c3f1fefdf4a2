"""Vaults laid out as people really keep them (SPEC §1 v2, issue #15): notes in sub-folders of a
person's folder, folder names that are no slugs, template folders in any case; and what ono does
outside any vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import ononotes.store.vault
from ononotes.cli import cli
from ononotes.core.layout import slugify
from ononotes.store.vault import holds_notes

from .conftest import build_tree


def note(date: str, *items: str, extra: str = "") -> str:
    body = "".join(f"- [ ] {item}\n" for item in items)
    return f"---\ndate: {date}\n{extra}---\n# 1:1\n\n## Action items\n{body}"


def profile(name: str) -> str:
    return f"---\nname: {name}\ncadence: weekly\n---\n"


def listed(result) -> list[list[str]]:
    """(date, person, path) of each row of `ono list`."""
    assert result.exit_code == 0, result.output
    return [
        [row.split()[0], row.split()[1], row.split()[-1]] for row in result.stdout.splitlines()[1:]
    ]


# -- whose note is it ------------------------------------------------------------------------------


def test_a_note_in_a_sub_folder_belongs_to_the_nearest_folder_with_a_profile(vault, run):
    build_tree(
        vault,
        {
            "chris/profile.md": profile("Chris Lee"),
            "chris/journal/2026-11-03.md": note("2026-11-03", "@chris send the plan"),
            "chris/journal/2026/2026-11-05.md": note("2026-11-05", "@chris send the plan"),
            "dana-notes/misc/2026-11-04.md": note("2026-11-04"),  # no profile anywhere: misc
        },
    )
    assert listed(run(vault, "list")) == [
        ["2026-11-05", "chris", "chris/journal/2026/2026-11-05.md"],
        ["2026-11-04", "misc", "dana-notes/misc/2026-11-04.md"],
        ["2026-11-03", "chris", "chris/journal/2026-11-03.md"],
    ]
    todo = run(vault, "todo", "chris")
    assert todo.exit_code == 0 and "@chris send the plan" in todo.stdout
    journal = run(vault, "list", "journal")
    assert journal.exit_code == 2 and "no person 'journal'" in journal.stderr
    check = run(vault, "check")
    assert check.exit_code == 0, check.output


def test_a_folder_name_that_is_no_slug_is_made_one(vault, run):
    build_tree(
        vault,
        {
            "People/Alice Moreno/profile.md": profile("Alice Moreno"),
            "People/Alice Moreno/2026-11-03.md": note("2026-11-03", "@alice-moreno send it"),
            "Équipe/José Núñez/2026-11-04.md": note("2026-11-04"),
            "Straße/2026-11-05.md": note("2026-11-05"),
        },
    )
    assert [row[1] for row in listed(run(vault, "list"))] == [
        "strasse",
        "jose-nunez",
        "alice-moreno",
    ]
    people = run(vault, "person", "list")
    row = next(line for line in people.stdout.splitlines() if line.startswith("alice-moreno"))
    assert row.split()[:4] == ["alice-moreno", "Alice", "Moreno", "weekly"]  # her profile
    assert run(vault, "check").exit_code == 0


def test_a_folder_name_with_nothing_of_a_slug_is_the_no_person_problem(vault, run):
    build_tree(
        vault, {"李/2026-11-03.md": note("2026-11-03"), "--/2026-11-04.md": note("2026-11-04")}
    )
    check = run(vault, "check")
    assert check.exit_code == 1
    assert sorted(check.stdout.splitlines()) == [
        "--/2026-11-04.md:2: no person: add 'person: SLUG' to the front matter",
        "李/2026-11-03.md:2: no person: add 'person: SLUG' to the front matter",
    ]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("alice", "alice"),
        ("Alice Moreno", "alice-moreno"),
        ("  José  Núñez ", "jose-nunez"),
        ("Straße", "strasse"),
        ("ﬁona", "fiona"),  # a ligature, split by NFKD
        ("--Bob..Smith..", "bob.smith"),
        ("r&d_team", "r-d_team"),
        (".hidden", "hidden"),
        ("李", None),
        ("...", None),
        ("", None),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_commands_about_such_a_person_use_their_folder(vault, run):
    build_tree(
        vault,
        {
            "People/Alice Moreno/2026-11-03.md": note("2026-11-03", "@alice-moreno send it"),
            "chris/profile.md": profile("Chris Lee"),
            "chris/journal/2026-11-04.md": note("2026-11-04", "@chris book a room"),
        },
    )
    made = run(vault, "new", "alice-moreno", "--no-edit")
    assert made.exit_code == 0, made.output
    assert made.stdout.strip() == str(vault / "People" / "Alice Moreno" / "2026-11-10.md")
    assert "carried 1 open item(s) from People/Alice Moreno/2026-11-03.md" in made.stderr
    assert "wrote People/Alice Moreno/profile.md with the default cadence" in made.stderr
    assert "new person" not in made.stderr
    assert (vault / "People" / "Alice Moreno" / "profile.md").is_file()
    # chris's notes are in a sub-folder; his new note goes beside his profile
    point = run(vault, "agenda", "chris", "the offsite", today="2026-11-06")
    assert point.exit_code == 0, point.output
    assert point.stdout.strip() == str(vault / "chris" / "2026-11-11.md")
    prep = run(vault, "prep", "chris", today="2026-11-06")
    assert prep.exit_code == 0 and "the offsite" in prep.stdout and "book a room" in prep.stdout
    assert sorted(p.name for p in vault.iterdir()) == ["People", "chris", "ono.toml"]
    # someone new still gets a folder of their own at the top
    assert run(vault, "new", "zoe", "--no-edit").exit_code == 0
    assert (vault / "zoe" / "2026-11-10.md").is_file()


def test_person_add_writes_the_profile_into_the_persons_folder(vault, run):
    build_tree(vault, {"People/Alice Moreno/2026-11-03.md": note("2026-11-03")})
    added = run(vault, "person", "add", "alice-moreno", "--name", "Alice Moreno")
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == str(vault / "People" / "Alice Moreno" / "profile.md")
    again = run(vault, "person", "add", "alice-moreno")
    assert again.exit_code == 2 and "People/Alice Moreno/profile.md already exists" in again.stderr


# -- template folders ------------------------------------------------------------------------------

OBSIDIAN_TEMPLATE = "---\ndate: {{date}}\ntags: [1on1]\n---\n# {{title}}\n"


@pytest.mark.parametrize(
    ("folder", "config"),
    [
        ("templates", ""),
        ("Templates", ""),
        ("TEMPLATES", ""),
        ("Meta/Templates", ""),
        ("Meta/Obsidian", 'templates = "Meta/Obsidian"\n'),
        ("_tpl", 'templates = "_TPL"\n'),
    ],
)
def test_a_template_folder_is_never_read_for_notes(vault, run, folder, config):
    (vault / "ono.toml").write_text(f'me = "dana"\n{config}')
    build_tree(
        vault,
        {
            f"{folder}/1on1.md": OBSIDIAN_TEMPLATE,
            f"{folder}/daily.md": "---\ndate: 2026-11-03\n---\n",  # a date, yet a template
            "alice/2026-11-03.md": note("2026-11-03"),
        },
    )
    check = run(vault, "check")
    assert check.exit_code == 0, check.output
    assert check.stderr == "1 note(s), 1 people: no problems\n"
    assert [row[2] for row in listed(run(vault, "list"))] == ["alice/2026-11-03.md"]


# -- the cache never changes an answer -------------------------------------------------------------


def runs_cold_and_warm(run, vault: Path, monkeypatch, tmp_path: Path, name: str, *args: str):
    """The answer of ``ono ARGS`` with the warm cache, checked against a cold one."""
    warm = run(vault, *args)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / name))
    cold = run(vault, *args)
    monkeypatch.undo()
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)
    return warm


def test_a_profile_coming_and_going_moves_the_notes_under_it(vault, run, monkeypatch, tmp_path):
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "warm"))
    build_tree(
        vault,
        {
            "chris/journal/2026-11-03.md": note("2026-11-03", "@chris send the plan"),
            "chris/journal/1on1s/2026-11-04.md": note("2026-11-04", "@chris send the plan"),
        },
    )

    def people(name: str) -> list[str]:
        with monkeypatch.context() as inner:
            result = runs_cold_and_warm(
                run, vault, inner, tmp_path, name, "todo", "--format", "json"
            )
        items = [item["person"] for item in json.loads(result.stdout)]
        with monkeypatch.context() as inner:
            rows = listed(runs_cold_and_warm(run, vault, inner, tmp_path, name + "-list", "list"))
        return items + [row[1] for row in rows]

    assert people("cold-1") == ["1on1s", "journal", "1on1s", "journal"]
    build_tree(vault, {"chris/profile.md": profile("Chris Lee")})
    assert people("cold-2") == ["chris", "chris", "chris"]  # one item, carried
    build_tree(vault, {"chris/journal/profile.md": profile("Journal")})
    assert people("cold-3") == ["journal", "journal", "journal"]
    (vault / "chris" / "journal" / "profile.md").unlink()
    (vault / "chris" / "profile.md").unlink()
    assert people("cold-4") == ["1on1s", "journal", "1on1s", "journal"]


def test_workers_find_the_same_people_as_one_process(vault, run, monkeypatch, tmp_path):
    files = {"chris/profile.md": profile("Chris Lee"), "Templates/x.md": OBSIDIAN_TEMPLATE}
    for week in range(1, 29):
        day = f"2026-{(week - 1) // 4 + 1:02d}-{(week - 1) % 4 * 7 + 1:02d}"
        files[f"chris/journal/{day}.md"] = note(day, f"@chris item {week}")
        files[f"People/Alice Moreno/{day}.md"] = note(day)
    build_tree(vault, files)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "serial"))
    serial = run(vault, "list", today="2026-12-01")
    monkeypatch.setattr(ononotes.store.vault, "PARALLEL_FROM", 10)
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "parallel"))
    parallel = run(vault, "list", today="2026-12-01")
    assert parallel.stdout == serial.stdout and parallel.exit_code == 0
    assert {row[1] for row in listed(serial)} == {"chris", "alice-moreno"}
    assert serial.stderr == parallel.stderr == ""


# -- outside any vault -----------------------------------------------------------------------------

NO_VAULT = (
    "Error: no vault here (no ono.toml in {here} or above, and no notes): run `ono init` to "
    "make this folder a vault, or pass --vault PATH\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["new", "alice", "--no-edit"],
        ["agenda", "alice", "a point"],
        ["person", "add", "alice"],
        ["list"],
        ["todo"],
        ["report"],
        ["check"],
        ["prep", "alice"],
        ["person", "list"],
        ["calendar"],
        ["export"],
    ],
)
def test_a_folder_with_no_vault_and_no_notes_is_refused_with_a_hint(
    tmp_path, run, monkeypatch, args
):
    here = tmp_path / "somewhere"
    build_tree(here, {"README.md": "# not notes\n", "src/main.md": "---\ntitle: x\n---\n"})
    monkeypatch.chdir(here)
    before = sorted(p.relative_to(here) for p in here.rglob("*"))
    result = run(None, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == NO_VAULT.format(here=here.resolve())
    assert sorted(p.relative_to(here) for p in here.rglob("*")) == before


def test_the_filesystem_root_is_no_vault_and_is_never_walked(run, monkeypatch):
    monkeypatch.chdir("/")
    monkeypatch.setattr(ononotes.store.vault, "index_vault", None)  # would fail if reached
    result = run(None, "list")
    assert result.exit_code == 2 and result.stderr == NO_VAULT.format(here="/")


def test_a_folder_of_notes_without_ono_toml_is_a_vault(tmp_path, run, monkeypatch):
    for files in (
        {"2026-11-03.md": "---\nperson: alice\ndate: 2026-11-03\n---\n"},
        {"alice/2026-11-03.md": note("2026-11-03")},
        {"bob/profile.md": profile("Bob")},
        {"x/y.md": "\ufeff---\r\ntitle: a\r\ndate: 2026-11-03\r\n---\r\n"},
    ):
        here = build_tree(tmp_path / str(len(list(tmp_path.iterdir()))), files)
        monkeypatch.chdir(here)
        result = run(None, "new", "alice", "--no-edit", "--dry-run")
        assert result.exit_code == 0, (files, result.output)


def test_an_explicit_vault_and_ono_vault_are_always_taken(tmp_path, run, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(tmp_path)
    assert run(empty, "list").exit_code == 0
    result = CliRunner().invoke(cli, ["list"], env={"ONO_VAULT": str(empty)})
    assert result.exit_code == 0, result.output
    assert run(None, "init", str(empty / "new")).exit_code == 0  # init needs no vault


def test_the_question_bank_needs_no_vault(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(None, "questions", "--category", "career")
    assert result.exit_code == 0 and result.stdout.startswith("career\n")


def test_the_look_at_an_unmarked_folder_is_bounded(tmp_path, monkeypatch):
    deep = build_tree(tmp_path / "deep", {"a/b/2026-11-03.md": note("2026-11-03")})
    assert not holds_notes(deep)  # two levels down: not looked at
    opened = []
    real_open = open

    def counting_open(*args, **kwargs):
        opened.append(args[0])
        return real_open(*args, **kwargs)

    many = tmp_path / "many"
    build_tree(many, {f"{i:04}.md": "# plain text\n" for i in range(300)})
    build_tree(many, {f"sub{i:03}/{j}.md": "# plain\n" for i in range(100) for j in range(5)})
    monkeypatch.setattr(ononotes.store.vault, "open", counting_open, raising=False)
    assert not holds_notes(many)
    assert len(opened) <= ononotes.store.vault.LOOK_FILES


def test_handover_takes_the_persons_folder_whatever_its_name(vault, run, tmp_path, monkeypatch):
    from .git_helpers import isolate_git

    isolate_git(tmp_path, monkeypatch)
    build_tree(
        vault,
        {
            "People/Alice Moreno/profile.md": profile("Alice Moreno"),
            "People/Alice Moreno/2026-11-03.md": note("2026-11-03", "@alice-moreno send it"),
            "People/Alice Moreno/goals.md": "# Goals\n",
        },
    )
    dest = tmp_path / "new-manager"
    result = run(vault, "handover", "alice-moreno", str(dest))
    assert result.exit_code == 0, result.output
    assert {p.relative_to(dest).as_posix() for p in dest.glob("alice-moreno/*")} == {
        "alice-moreno/profile.md",
        "alice-moreno/2026-11-03.md",
        "alice-moreno/goals.md",
    }
