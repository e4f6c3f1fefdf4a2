"""Messy and hostile files (issue 7): each is one `path:line: message`, the rest still reads,
no traceback, nothing written."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from .conftest import build_tree

GOOD = "---\ndate: 2026-11-03\n---\n## Action items\n- [ ] @alice keep me\n"

BOMB = (
    "---\ndate: 2026-11-04\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(9)
    )
    + "---\n"
)

# name -> (content, expected line, words in the message); None content: made by the test
MESSY = {
    "list-front-matter.md": ("---\n- a\n- b\n---\n", 2, "must be a mapping"),
    "string-front-matter.md": ("---\njust words\n---\n", 2, "must be a mapping"),
    "unterminated.md": ("---\ndate: 2026-11-05\n# no end\n", 1, "not closed"),
    "bad-date.md": ("---\ndate: 2026-13-45\n---\n", 2, "ISO date"),
    "tomorrow.md": ("---\ndate: tomorrow\n---\n", 2, "ISO date"),
    "latin1.md": (b"---\ndate: 2026-11-06\n---\ncaf\xe9\n", 4, "invalid UTF-8"),
    "binary.md": (bytes(range(256)) * 4, 1, "not a text file"),
    "bomb.md": (BOMB, 2, "aliases"),
    "conflict.md": (
        "---\ndate: 2026-11-07\n---\n<<<<<<< HEAD\n- [ ] a\n=======\n- [x] a\n>>>>>>> other\n",
        4,
        "conflict",
    ),
    "bad-yaml.md": ("---\ndate: 2026-11-08\nmood: [4\n---\n", 3, "not valid YAML"),
    "deep.md": ("---\ndate: 2026-11-09\nx:\n" + "- " * 100_000 + "a\n---\n", 2, "too deeply"),
}

FINE = {
    "bom.md": ("\ufeff" + GOOD.replace("11-03", "11-09")).encode(),
    "crlf.md": GOOD.replace("11-03", "11-10").replace("\n", "\r\n"),
    "mixed.md": "---\r\ndate: 2026-11-11\n---\r\n- [ ] mixed endings\r\n",
    "tabs.md": "---\ndate: 2026-11-12\n---\n-\t[ ] tabbed\n\t- [ ] nested\n",
    "no-newline.md": "---\ndate: 2026-11-13\n---\n- [ ] last line",
    "empty.md": "",
    "front-only.md": "---\ndate: 2026-11-14\n---",
}


@pytest.fixture
def messy_vault(vault: Path, tmp_path: Path) -> Path:
    files = {"alice/2026-11-03.md": GOOD}
    files.update({f"alice/{name}": content for name, (content, _, _) in MESSY.items()})
    files.update({f"alice/{name}": content for name, content in FINE.items()})
    build_tree(vault, files)
    outside = tmp_path / "outside.md"
    outside.write_text("---\ndate: 2026-11-20\n---\n- [ ] SECRET outside\n")
    (vault / "alice" / "link-out.md").symlink_to(outside)
    (vault / "alice" / "loop.md").symlink_to(vault / "alice" / "loop.md")
    with open(vault / "alice" / "huge.md", "wb") as handle:
        handle.write(b"---\ndate: 2026-11-21\n---\n")
        handle.write(b"- [ ] filler line for a very large note\n" * (50 * 1024 * 1024 // 40))
    return vault


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and ".git" not in p.parts
    }


def test_check_reports_each_messy_file_once_with_its_line(messy_vault, run):
    before = snapshot(messy_vault)
    result = run(messy_vault, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    for name, (_, line, words) in MESSY.items():
        matching = [entry for entry in lines if entry.startswith(f"alice/{name}:")]
        assert len(matching) == 1, (name, lines)
        assert matching[0].startswith(f"alice/{name}:{line}: ") and words in matching[0], matching[
            0
        ]
    assert any(
        entry.startswith("alice/link-out.md:1: symlink to a file outside the vault")
        for entry in lines
    )
    assert any(
        entry.startswith("alice/loop.md:1: symlink that cannot be resolved") for entry in lines
    )
    assert any(entry.startswith("alice/huge.md:1: file is 50 MB") for entry in lines)
    for name in FINE:
        assert not any(entry.startswith(f"alice/{name}") for entry in lines), name
    assert "SECRET" not in result.output
    assert snapshot(messy_vault) == before


def test_other_commands_warn_and_read_every_good_note(messy_vault, run):
    before = snapshot(messy_vault)
    result = run(messy_vault, "list", "alice", today="2026-11-30")
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    listed = {line.split()[-1] for line in result.stdout.splitlines()[1:]}
    expected = {
        f"alice/{name}"
        for name in (
            "2026-11-03.md",
            "bom.md",
            "crlf.md",
            "mixed.md",
            "tabs.md",
            "no-newline.md",
            "front-only.md",
        )
    }
    assert listed == expected
    for name in MESSY:
        assert f"warning: alice/{name}:" in result.stderr
    todo = run(messy_vault, "todo", today="2026-11-30")
    assert "SECRET" not in todo.output and "filler" not in todo.output
    assert snapshot(messy_vault) == before


def test_crlf_and_bom_notes_carry_like_any_other(vault, run):
    build_tree(vault, {"alice/2026-11-03.md": ("\ufeff" + GOOD.replace("\n", "\r\n")).encode()})
    assert run(vault, "new", "alice", "--no-edit").exit_code == 0
    text = (vault / "alice" / "2026-11-10.md").read_bytes().decode()
    assert "- [ ] @alice keep me\n" in text and "\r" not in text


def test_an_unreadable_file_is_a_problem_not_a_crash(vault, run, monkeypatch):
    build_tree(
        vault, {"alice/2026-11-03.md": GOOD, "alice/locked.md": GOOD.replace("11-03", "11-04")}
    )
    real_open = os.open

    def locked_open(path, *args, **kwargs):  # root reads any file: chmod proves nothing here
        if str(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked_open)
    result = run(vault, "check")
    assert result.exit_code == 1
    assert result.stdout.strip() == "alice/locked.md:1: cannot read: Permission denied"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_a_note_is_a_problem_not_a_hang(vault, run):
    build_tree(vault, {"alice/2026-11-03.md": GOOD})
    os.mkfifo(vault / "alice" / "pipe.md")  # nothing ever writes to it: opening it could block
    result = run(vault, "check")
    assert result.exit_code == 1
    assert result.stdout.strip() == "alice/pipe.md:1: not a regular file; skipped"


def test_a_note_that_grows_while_it_is_read_is_read_whole(tmp_path):
    from ononotes.store.vault import _read_all

    path = tmp_path / "note.md"
    path.write_bytes(b"x" * 100_000)
    handle = os.open(path, os.O_RDONLY)
    try:
        assert _read_all(handle, 10) == b"x" * 100_000  # stat'ed at 10 bytes, read at 100 KB
    finally:
        os.close(handle)


def test_a_note_killed_mid_write_leaves_the_old_state(vault, tmp_path):
    """SIGKILL while the new note is half on disk: the note is either absent or whole."""
    build_tree(vault, {"alice/2026-11-03.md": GOOD, "alice/profile.md": "---\nname: Alice\n---\n"})
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import os, time, sys
        real_fsync = os.fsync
        def slow_fsync(fd):
            open({str(ready)!r}, "w").close()
            time.sleep(30)
        os.fsync = slow_fsync
        sys.argv = ["ono", "--vault", {str(vault)!r}, "new", "alice", "--no-edit"]
        from ononotes.cli import main
        main()
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], env={**os.environ, "ONO_TODAY": "2026-11-10"}
    )
    try:
        for _ in range(200):
            if ready.exists() or process.poll() is not None:
                break
            time.sleep(0.05)
        assert ready.exists(), "the child never reached the write"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert not (vault / "alice" / "2026-11-10.md").exists()
    # the kill landed mid-write: half a temp file is left, hidden, and never read as a note
    leftovers = [p.name for p in (vault / "alice").iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".2026-11-10.md.")
    from ononotes.store.vault import load_vault

    assert [note.path for note in load_vault(vault).notes] == ["alice/2026-11-03.md"]


def test_replace_refuses_when_the_file_changed_underneath(vault):
    from ononotes.errors import UsageError
    from ononotes.store.vault import replace_file

    path = vault / "note.md"
    path.write_text("old")
    with pytest.raises(UsageError, match="changed while ono was working"):
        replace_file(vault, path, "new", expected=b"something else")
    assert path.read_text() == "old"
    replace_file(vault, path, "new", expected=b"old")
    assert path.read_text() == "new"


def test_no_shell_strings_anywhere_in_the_code():
    source = Path(__file__).resolve().parents[1] / "src" / "ononotes"
    for path in source.rglob("*.py"):
        text = path.read_text()
        assert "shell=True" not in text, path
        assert "os.system(" not in text and "os.popen(" not in text, path


def test_written_files_get_normal_permissions_and_replaced_ones_keep_theirs(vault, run):
    old_umask = os.umask(0o022)
    try:
        assert run(vault, "new", "alice", "--no-edit").exit_code == 0
        assert (vault / "alice" / "2026-11-10.md").stat().st_mode & 0o777 == 0o644
        assert (vault / "alice" / "profile.md").stat().st_mode & 0o777 == 0o644
        from ononotes.store.vault import replace_file

        note = vault / "alice" / "2026-11-10.md"
        note.chmod(0o640)
        replace_file(vault, note, "changed", note.read_bytes())
        assert note.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old_umask)


# -- carried items that would vanish into a block left open -----------------------------------------

OPEN_ITEM = "---\ndate: 2026-11-03\n---\n## Action items\n- [ ] @alice keep me\n"


@pytest.mark.parametrize("opener", ["```", "~~~~", "<!--", "<pre>"])
def test_a_template_that_leaves_a_block_open_is_refused_before_an_item_is_lost(vault, run, opener):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": OPEN_ITEM,
            "templates/open.md.j2": f"---\ndate: {{{{ date }}}}\n---\n## Notes\n{opener}\n"
            "{{ carry_here }}\n",
        },
    )
    before = snapshot(vault)
    result = run(vault, "new", "alice", "--no-edit", "--template", "open")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == (
        "Error: templates/open.md.j2: the open item '@alice keep me' would not be an item in the "
        "note it renders: it lands inside a code block or HTML comment the template never "
        "closes; nothing written\n"
    )
    assert snapshot(vault) == before


def test_a_template_with_cr_line_endings_and_no_date_is_refused_not_a_traceback(vault, run):
    """ono adds the missing ``date:`` after the rendered note's first line break; front matter
    written with old-Mac CR line endings (Jinja keeps them when an expression prints them) has
    none, so the note would have no date. It used to crash with an AttributeError."""
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": OPEN_ITEM,
            "templates/cr.md.j2": '{{ "---\\rtype: 1:1\\r---\\r" }}## Notes\n{{ carry_here }}\n',
        },
    )
    before = snapshot(vault)
    result = run(vault, "new", "alice", "--no-edit", "--template", "cr")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == (
        "Error: templates/cr.md.j2: the note it renders has no date in its front matter "
        "(write date: {{ date }}); nothing written\n"
    )
    assert snapshot(vault) == before


def test_a_planned_note_with_a_block_left_open_is_not_refreshed_into_it(vault, run, tmp_path):
    """Written into the open block, the item would not count, and every refresh would add it
    again: the refresh refuses instead, the note stays as it is, the other notes still refresh."""
    planned = "---\ndate: 2026-11-17\n---\n## Action items\n```\nleft open\n"
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": OPEN_ITEM,
            "alice/2026-11-17.md": planned,
            "bob/2026-11-03.md": OPEN_ITEM.replace("@alice", "@bob"),
            "bob/2026-11-17.md": "---\ndate: 2026-11-17\n---\n## Action items\n",
        },
    )
    expected = (
        "alice/2026-11-17.md: the open item '@alice keep me' of alice/2026-11-03.md cannot be "
        "carried here: it would land inside a code block or HTML comment this note never "
        "closes; close it, then run again; nothing written"
    )
    for args in (["prep", "alice"], ["agenda", "alice", "a point"], ["prep", "alice"]):
        result = run(vault, *args)
        assert result.exit_code == 1 and result.stderr == f"Error: {expected}\n", args
        assert (vault / "alice" / "2026-11-17.md").read_text() == planned
    from ononotes.app.report import run_report
    from ononotes.app.watch import rebuild_dashboard

    day = dt.date(2026, 11, 10)
    lines = rebuild_dashboard(vault, tmp_path / "dash.html", None, day, run_report)
    assert lines[:2] == [f"warning: {expected}", "refreshed carried items in bob/2026-11-17.md"]
    assert (tmp_path / "dash.html").is_file()
    assert (vault / "alice" / "2026-11-17.md").read_text() == planned
    assert "- [ ] @bob keep me" in (vault / "bob" / "2026-11-17.md").read_text()


def test_deeply_nested_front_matter_is_a_problem_not_a_crash():
    """libyaml composes nested nodes by C recursion: 100 KB of "[[[[" used to kill the process
    (SIGSEGV). Run in a child process, so that a regression fails this test, not the run."""
    script = textwrap.dedent(
        """
        from ononotes.core.parse import parse_note
        n = 100_000
        for value in ("[" * n + "]" * n, "{a: " * n + "1" + "}" * n, "\\n" + "- " * n + "a"):
            note, problems = parse_note(f"---\\ndate: 2026-11-03\\nx: {value}\\n---\\n", "a/x.md", "a")
            print(note, *problems)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.splitlines() == ["None a/x.md:2: front matter is nested too deeply"] * 3


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("me = [\n", "Error: ono.toml: invalid TOML: "),
        ('me = "../x"\n', "Error: ono.toml:1: me must be a slug, not '../x'"),
        ('person = "/etc"\n', "Error: ono.toml:1: person must be a slug, not '/etc'"),
    ],
)
def test_a_broken_config_is_one_line_and_nothing_runs(vault, run, config, message):
    build_tree(vault, {"ono.toml": config, "alice/2026-11-03.md": GOOD})
    before = snapshot(vault)
    for args in (["list"], ["check"], ["new", "alice", "--no-edit"]):
        result = run(vault, *args)
        assert result.exit_code == 2 and "Traceback" not in result.output, args  # #16: usage
        assert result.stderr.splitlines() == [result.stderr.strip()]
        assert result.stderr.startswith(message), result.stderr
    assert snapshot(vault) == before


def test_small_faults_are_warnings_and_the_note_still_counts(vault, run):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": "---\ndate: 2026-11-03\nmood: 9\nstatus: maybe\n---\n"
            "- [ ] @alice send it due:2026-02-30\n",
            "alice/profile.md": "---\nname: Alice\nsince: never\n---\n",
            "orphan.md": "---\ndate: 2026-11-04\n---\n",
        },
    )
    check = run(vault, "check")
    assert check.exit_code == 1
    assert check.stdout.splitlines() == [
        "alice/2026-11-03.md:3: mood must be a whole number from 1 to 5, not 9",
        "alice/2026-11-03.md:4: unknown status 'maybe'; expected one of held, planned, "
        "cancelled, rescheduled, no-show",
        "alice/2026-11-03.md:6: due date 'due:2026-02-30' is not a real day; it is ignored",
        "alice/profile.md:3: since must be an ISO date, not 'never'",
        "orphan.md:2: no person: add 'person: SLUG' to the front matter",
    ]
    todo = run(vault, "todo")
    assert todo.exit_code == 0 and "@alice send it" in todo.stdout
    cadence = json.loads(run(vault, "report", "cadence", "--format", "json").stdout)
    [alice] = [row for row in cadence["people"] if row["person"] == "alice"]
    assert (alice["held"], alice["cancelled"], alice["planned"]) == (0, 0, 0)
    assert "warning: alice/2026-11-03.md:6: due date" in todo.stderr
    unknown = run(vault, "new", "alice", "--no-edit", "--template", "nope")
    assert unknown.exit_code == 1 and unknown.stderr == (
        "Error: no template named 'nope'; available: 1on1, career, first, skip-level\n"
    )
