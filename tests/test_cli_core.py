"""The core commands through the real CLI on real tmp_path vaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ononotes.core.parse import parse_note

from .conftest import build_tree

PREVIOUS = """---
date: 2026-11-03
type: 1:1
---
# 1:1 · Alice · 2026-11-03

## Their agenda
- [ ] discuss the promo timeline
- a plain point

## Action items
- [ ] @alice send the migration plan due:2026-11-17
  - context: only the billing tables
  - [x] @alice draft it
- [x] @me intro Alice to the SRE lead
- [-] @alice benchmark pg15
"""


def test_init_makes_a_vault_with_a_first_commit_and_never_clobbers(tmp_path, run):
    target = tmp_path / "notes"
    result = run(None, "init", str(target), "--me", "dana")
    assert result.exit_code == 0, result.output
    assert (target / "ono.toml").read_text().count('me = "dana"') == 1
    assert ".ono/" in (target / ".gitignore").read_text()
    log = subprocess.run(
        ["git", "-C", str(target), "log", "--format=%s"], capture_output=True, text=True
    )
    assert log.stdout.strip() == "ono init: new vault"
    (target / "ono.toml").write_text('me = "kim"\n')
    refused = run(None, "init", str(target), "--me", "dana")  # #16: never silently ignored
    assert refused.exit_code == 2 and "says me = 'kim'" in refused.output
    again = run(None, "init", str(target))
    assert again.exit_code == 0
    assert (target / "ono.toml").read_text() == 'me = "kim"\n'
    assert "kept existing ono.toml" in again.stderr


def test_new_on_a_fresh_folder_just_works(vault, run):
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(vault / "alice" / "2026-11-10.md")
    assert "new person" in result.stderr
    assert "cadence: weekly" in (vault / "alice" / "profile.md").read_text()
    note, problems = parse_note(
        (vault / "alice" / "2026-11-10.md").read_bytes(), "alice/2026-11-10.md", "alice"
    )
    assert problems == [] and note.date.isoformat() == "2026-11-10" and note.person == "alice"
    assert "# First 1:1 · Alice · 2026-11-10" in note.lines


def test_new_carries_open_items_and_never_touches_the_earlier_note(vault, run):
    build_tree(vault, {"alice/2026-11-03.md": PREVIOUS})
    before = (vault / "alice" / "2026-11-03.md").read_bytes()
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    assert "carried 2 open item(s) from alice/2026-11-03.md" in result.stderr
    text = (vault / "alice" / "2026-11-10.md").read_text()
    agenda = text.split("## Their agenda")[1].split("##")[0]
    assert "- [ ] discuss the promo timeline" in agenda and "a plain point" not in agenda
    actions = text.split("## Action items")[1]
    assert actions.strip().splitlines() == [
        "- [ ] @alice send the migration plan due:2026-11-17",
        "  - context: only the billing tables",
    ]
    assert (vault / "alice" / "2026-11-03.md").read_bytes() == before


def test_new_twice_refuses_and_changes_nothing(vault, run):
    assert run(vault, "new", "alice", "--no-edit").exit_code == 0
    path = vault / "alice" / "2026-11-10.md"
    written = path.read_bytes()
    again = run(vault, "new", "alice", "--no-edit")
    assert again.exit_code != 0
    assert "alice/2026-11-10.md already exists" in again.stderr
    assert "Traceback" not in again.output
    assert path.read_bytes() == written
    assert sorted(p.name for p in (vault / "alice").iterdir()) == ["2026-11-10.md", "profile.md"]


def test_a_second_meeting_of_another_type_the_same_day_gets_a_suffix(vault, run):
    assert run(vault, "new", "alice", "--no-edit").exit_code == 0
    result = run(vault, "new", "alice", "--no-edit", "--type", "career")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("alice/2026-11-10-2.md")
    assert "# Career conversation" in (vault / "alice" / "2026-11-10-2.md").read_text()


def test_dry_run_prints_and_writes_nothing(vault, run):
    build_tree(vault, {"alice/2026-11-03.md": PREVIOUS})
    result = run(vault, "new", "alice", "--dry-run", "--date", "2026-11-12")
    assert result.exit_code == 0
    assert result.stdout.startswith("---\nperson: alice\ndate: 2026-11-12\n")
    assert "- [ ] @alice send the migration plan due:2026-11-17" in result.stdout
    assert sorted(p.name for p in (vault / "alice").iterdir()) == ["2026-11-03.md"]


def test_new_takes_date_type_and_template(vault, run):
    result = run(vault, "new", "carol", "--no-edit", "--date", "2026-12-01", "--type", "skip-level")
    assert result.exit_code == 0, result.output
    text = (vault / "carol" / "2026-12-01.md").read_text()
    assert "type: skip-level" in text and "# Skip-level · Carol" in text
    result = run(vault, "new", "carol", "--no-edit", "--date", "2026-12-08", "--template", "career")
    assert "# Career conversation" in (vault / "carol" / "2026-12-08.md").read_text()


def test_vault_templates_override_the_packaged_ones(vault, run):
    build_tree(
        vault,
        {
            "templates/1on1.md.j2": "---\ndate: {{ date }}\n---\n# Ours {{ name }} {{ days_since }}\n{{ carry_here }}\n"
        },
    )
    build_tree(vault, {"alice/2026-11-03.md": PREVIOUS})
    assert run(vault, "new", "alice", "--no-edit").exit_code == 0
    text = (vault / "alice" / "2026-11-10.md").read_text()
    assert text.startswith(
        "---\ndate: 2026-11-10\n---\n# Ours Alice 7\n- [ ] discuss the promo timeline\n"
    )


def test_a_broken_template_names_its_file_and_line(vault, run):
    build_tree(
        vault,
        {
            "templates/bad.md.j2": "---\ndate: {{ date }}\n---\n{% if %}\n",
            "templates/undef.md.j2": "ok\n\n{{ nope }}\n",
        },
    )
    result = run(vault, "new", "alice", "--no-edit", "--template", "bad")
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: templates/bad.md.j2:4: ")
    result = run(vault, "new", "alice", "--no-edit", "--template", "undef")
    assert result.stderr.startswith("Error: templates/undef.md.j2:3: 'nope' is undefined")
    assert not (vault / "alice" / "2026-11-10.md").exists()


def test_templates_render_in_the_sandbox(vault, run):
    build_tree(vault, {"templates/evil.md.j2": "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"})
    result = run(vault, "new", "alice", "--no-edit", "--template", "evil")
    assert result.exit_code != 0 and "unsafe" in result.stderr
    for name in ("../ono", "a/b", "..", ""):
        result = run(vault, "new", "alice", "--no-edit", "--template", name)
        assert result.exit_code != 0 and "invalid template name" in result.stderr


def test_bad_slugs_are_refused_before_any_path_is_built(vault, run):
    for slug in ("../evil", "a/b", "Alice Smith", "", ".."):
        result = run(vault, "new", slug, "--no-edit")
        assert result.exit_code == 2, slug
        assert "invalid person slug" in result.stderr
    assert sorted(p.name for p in vault.iterdir()) == ["ono.toml"]


def test_person_add_and_list(vault, run):
    result = run(
        vault,
        "person",
        "add",
        "bob",
        "--name",
        "Bob Okafor",
        "--cadence",
        "biweekly",
        "--relation",
        "report",
        "--since",
        "2024-09-15",
    )
    assert result.exit_code == 0, result.output
    text = (vault / "bob" / "profile.md").read_text()
    assert "name: Bob Okafor\ncadence: biweekly\nrelation: report\nsince: 2024-09-15\n" in text
    assert run(vault, "person", "add", "bob").exit_code != 0
    assert run(vault, "person", "add", "eve", "--cadence", "sometimes").exit_code == 2
    listing = run(vault, "person", "list")
    assert listing.stdout.splitlines()[1].split() == [
        "bob",
        "Bob",
        "Okafor",
        "biweekly",
        "report",
        "0",
        "-",
    ]


def test_list_is_newest_first(vault, run):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": PREVIOUS,
            "alice/2026-11-17.md": "---\ndate: 2026-11-17\n---\n",
            "bob/2026-11-05.md": "---\ndate: 2026-11-05\nstatus: cancelled\n---\n",
        },
    )
    result = run(vault, "list")
    assert [line.split()[:4] for line in result.stdout.splitlines()[1:]] == [
        ["2026-11-17", "alice", "1:1", "planned"],
        ["2026-11-05", "bob", "1:1", "cancelled"],
        ["2026-11-03", "alice", "1:1", "held"],
    ]
    only = run(vault, "list", "bob")
    assert len(only.stdout.splitlines()) == 2
    missing = run(vault, "list", "alcie")
    assert missing.exit_code != 0 and "did you mean 'alice'" in missing.stderr


def test_todo_lists_open_items_once_with_owner_and_overdue_filters(vault, run):
    build_tree(vault, {"alice/2026-11-03.md": PREVIOUS})
    assert run(vault, "new", "alice", "--no-edit", today="2026-11-10").exit_code == 0
    result = run(vault, "todo", today="2026-11-20")
    assert result.stdout.startswith("Open items: 2, 1 overdue, 0 stale\n\nalice: 1\n")
    assert result.stdout.count("  - alice: @alice send the migration plan\n") == 1
    assert "OVERDUE due 2026-11-17" in result.stdout and "alice/2026-11-10.md:" in result.stdout
    assert "\nunassigned: 1\n  - alice: discuss the promo timeline\n" in result.stdout
    mine = run(vault, "todo", "--owner", "alice", today="2026-11-20").stdout
    assert mine.startswith("Open items: 1, 1 overdue, 0 stale\n\nalice: 1\n")
    assert run(vault, "todo", "--overdue", today="2026-11-12").stdout == "no open items\n"
    assert run(vault, "todo", "--owner", "me").stdout == "no open items\n"


@pytest.mark.parametrize("command", ["todo", "list", "prep"])
def test_an_unknown_person_is_refused_with_the_closest_one(vault, run, command):
    build_tree(vault, {"alice/2026-11-03.md": PREVIOUS})
    result = run(vault, command, "alcie", today="2026-11-20")
    assert result.exit_code == 2, result.output
    assert result.stderr == "Error: no person 'alcie' in this vault; did you mean 'alice'?\n"


def test_check_lists_every_problem_then_exits_1(vault, run):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": PREVIOUS,
            "alice/2026-11-10.md": "---\ndate: 2026-11-10\nmood: [\n---\n",
            "bob/2026-11-05.md": b"---\ndate: 2026-11-05\n---\n\xff",
            "bob/profile.md": "---\ncadence: sometimes\n---\n",
        },
    )
    result = run(vault, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("alice/2026-11-10.md:3: front matter is not valid YAML")
    assert lines[1] == "bob/2026-11-05.md:4: invalid UTF-8 (byte 25)"
    assert lines[2].startswith("bob/profile.md: unknown cadence")
    assert len(lines) == 3
    # the other commands warn and go on with the good notes
    listing = run(vault, "list")
    assert listing.exit_code == 0 and "alice/2026-11-03.md" in listing.stdout
    assert "warning: alice/2026-11-10.md:3:" in listing.stderr


def test_check_on_a_clean_vault(vault, run):
    build_tree(vault, {"alice/2026-11-03.md": PREVIOUS})
    result = run(vault, "check")
    assert result.exit_code == 0 and result.stdout == ""


def test_two_new_at_once_give_one_note_and_one_refusal(vault, tmp_path):
    build_tree(
        vault, {"alice/2026-11-03.md": PREVIOUS, "alice/profile.md": "---\nname: Alice\n---\n"}
    )
    env = {**os.environ, "ONO_TODAY": "2026-11-10", "ONO_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "ononotes", "--vault", str(vault), "new", "alice", "--no-edit"]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = sorted(p.wait() for p in processes)
    assert outcomes[0] == 0 and outcomes[1] != 0
    errors = "".join(p.stderr.read() for p in processes)
    assert "already exists" in errors and "Traceback" not in errors
    assert sorted(p.name for p in (vault / "alice").iterdir()) == [
        "2026-11-03.md",
        "2026-11-10.md",
        "profile.md",
    ]


@pytest.mark.parametrize("args", [["--help"], ["new", "--help"], ["--version"]])
def test_help_does_not_import_heavy_modules(args):
    """Through the real entry point."""
    code = (
        "import sys\n"
        "from ononotes.cli import main\n"
        f"sys.argv = ['ono', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('git', 'watchdog', 'jinja2', 'yaml', 'mistune', 'frontmatter', 'sqlite3')\n"
        "print([m for m in heavy if m in sys.modules], file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip() == "[]"


def test_version(run):
    result = run(None, "--version")
    assert result.exit_code == 0 and result.stdout.startswith("ono, version ")


def test_no_traceback_for_a_missing_vault(tmp_path, run):
    result = run(tmp_path / "nowhere", "list")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_invalid_ono_today(vault, run):
    result = run(vault, "list", today="soon")
    assert result.exit_code == 2 and "ONO_TODAY" in result.stderr


def test_package_templates_are_found(tmp_path):
    from ononotes.store.templates import packaged_template_dir

    folder = packaged_template_dir()
    assert {p.name for p in folder.iterdir()} >= {
        "1on1.md.j2",
        "first.md.j2",
        "skip-level.md.j2",
        "career.md.j2",
    }
    assert Path(folder).is_dir()


def test_a_template_symlinked_out_of_the_vault_is_not_read(vault, run, tmp_path):
    secret = tmp_path / "secret.md.j2"
    secret.write_text("SECRET {{ date }}\n")
    (vault / "templates").mkdir()
    (vault / "templates" / "leak.md.j2").symlink_to(secret)
    build_tree(vault, {"templates/peek.md.j2": "{% include 'leak.md.j2' %}\n"})
    for name in ("leak", "peek"):
        result = run(vault, "new", "alice", "--dry-run", "--template", name)
        assert result.exit_code != 0 and "SECRET" not in result.output, name


def test_in_a_shared_clone_new_notes_go_to_the_top(tmp_path, run):
    clone = build_tree(
        tmp_path / "alice-1on1",
        {
            "ono.toml": 'person = "alice"\n',
            "ono.local.toml": 'me = "alice"\n',
            "profile.md": "---\nname: Alice\n---\n",
            "2026-11-03.md": PREVIOUS,
        },
    )
    result = run(clone, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(clone / "2026-11-10.md")
    assert not (clone / "alice").exists()
    assert (
        "- [ ] @alice send the migration plan due:2026-11-17"
        in (clone / "2026-11-10.md").read_text()
    )


def test_autocommit_runs_no_hooks_and_takes_the_author_from_git_config(
    vault, run, tmp_path, monkeypatch
):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Dana Whitfield\n\temail = dana@example.test\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (vault / "ono.toml").write_text('me = "dana"\nautocommit = true\n')
    subprocess.run(["git", "init", "-q", str(vault)], check=True)
    hook = vault / ".git" / "hooks" / "pre-commit"
    marker = tmp_path / "hook-ran"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    log = subprocess.run(
        ["git", "-C", str(vault), "log", "--format=%an <%ae>|%s", "--name-only"],
        capture_output=True,
        text=True,
    ).stdout
    assert log.startswith("Dana Whitfield <dana@example.test>|ono new alice 2026-11-10")
    assert "alice/2026-11-10.md" in log and "alice/profile.md" in log
    assert not marker.exists()
