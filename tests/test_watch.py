"""``ono watch``: the event filter, the debouncer, and the real command in a subprocess."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ononotes.adapters.watcher import Debouncer, is_relevant

from .conftest import build_tree

ROOT = Path("/v")
OUT = frozenset({Path("/v/.ono/dashboard.html"), Path("/v/summary.md")})


@pytest.mark.parametrize(
    ("path", "relevant"),
    [
        ("/v/alice/2026-11-10.md", True),
        ("/v/ono.toml", True),
        ("/v/alice/profile.md", True),
        ("/v/summary.md", False),  # our own output
        ("/v/.git/index", False),
        ("/v/.ono/cache.sqlite", False),
        ("/v/alice/.2026-11-10.md.swp", False),
        ("/v/alice/2026-11-10.md.swx", False),
        ("/v/alice/4913", False),
        ("/v/alice/2026-11-10.md~", False),
        ("/v/alice/.#2026-11-10.md", False),
        ("/v/alice/#2026-11-10.md#", False),
        ("/v/alice/.2026-11-10.md.abc.tmp", False),
        ("/v/alice/notes.txt", False),
        ("/elsewhere/x.md", False),
    ],
)
def test_only_notes_and_config_are_relevant(path, relevant):
    assert is_relevant(path, ROOT, OUT) is relevant


def test_debouncer_runs_once_after_a_burst():
    done = threading.Event()
    calls = []

    def action():
        calls.append(time.monotonic())
        done.set()

    debouncer = Debouncer(0.2, action)
    for _ in range(5):
        debouncer.poke()
    assert done.wait(5)
    time.sleep(0.4)
    assert len(calls) == 1


class Watcher:
    """``ono watch`` in a subprocess; its output lines arrive on a queue."""

    def __init__(self, vault: Path, *args: str):
        env = {**os.environ, "ONO_TODAY": "2026-11-10", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ononotes", "--vault", str(vault), "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, words: str, timeout: float = 20) -> list[str]:
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            seen.append(line)
            if words in line:
                return seen
        raise AssertionError(f"never saw {words!r}; saw {seen}")

    def quiet_for(self, seconds: float) -> list[str]:
        seen = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                seen.append(self.lines.get(timeout=max(0.01, deadline - time.monotonic())))
        return seen

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=15)


NOTE = "---\ndate: {date}\n---\n## Action items\n- [ ] @alice {text}\n"


@pytest.mark.parametrize("mode", [[], ["--poll"]], ids=["native", "poll"])
def test_watch_keeps_the_dashboard_current(vault, mode):
    build_tree(vault, {"alice/2026-11-03.md": NOTE.format(date="2026-11-03", text="first item")})
    dashboard = vault / ".ono" / "dashboard.html"
    watcher = Watcher(vault, *mode)
    try:
        watcher.wait_for("updated")
        first = dashboard.read_bytes()
        assert b"alice" in first and b"bob" not in first

        # a plain write
        (vault / "alice" / "2026-11-10.md").write_text(
            NOTE.format(date="2026-11-10", text="second item")
        )
        watcher.wait_for("updated")
        assert dashboard.read_bytes() != first

        # save by rename, as vim and many editors do, in a new folder
        (vault / "bob").mkdir()
        temp = vault / "bob" / ".2026-11-09.md.swp"
        temp.write_text(NOTE.format(date="2026-11-09", text="renamed into place"))
        os.replace(temp, vault / "bob" / "2026-11-09.md")
        watcher.wait_for("updated")
        assert b"bob" in dashboard.read_bytes()

        # editor noise alone does not rebuild
        (vault / "alice" / "4913").write_text("")
        (vault / "alice" / "2026-11-10.md~").write_text("backup")
        (vault / "alice" / ".#2026-11-10.md").write_text("lock")
        assert not [line for line in watcher.quiet_for(2.5) if "updated" in line]

        # a broken note is reported and the watch goes on
        (vault / "alice" / "2026-11-11.md").write_text("---\ndate: [\n---\n")
        lines = watcher.wait_for("updated")
        assert any(line.startswith("warning: alice/2026-11-11.md:2:") for line in lines)

        # a deleted note (and its folder) disappears from the dashboard
        (vault / "bob" / "2026-11-09.md").unlink()
        (vault / "bob").rmdir()
        watcher.wait_for("updated")
        assert b"bob" not in dashboard.read_bytes()
    finally:
        code = watcher.interrupt()
    assert code == 0
    assert "Traceback" not in "\n".join(watcher.quiet_for(0.2))


def test_watch_refuses_a_folder_that_is_not_a_vault(tmp_path, run):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(empty, "watch")
    assert result.exit_code != 0 and "not an ononotes vault" in result.stderr


def test_watch_commit_commits_changed_notes_after_a_quiet_period(vault, tmp_path, monkeypatch):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Dana\n\temail = dana@example.test\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    subprocess.run(["git", "init", "-q", str(vault)], check=True)
    watcher = Watcher(vault, "--commit", "--commit-after", "1")
    try:
        watcher.wait_for("updated")
        (vault / "alice").mkdir()
        (vault / "alice" / "2026-11-10.md").write_text(
            NOTE.format(date="2026-11-10", text="commit me")
        )
        (vault / "alice" / "scratch.txt").write_text("not a note")
        watcher.wait_for("committed the changed notes")
    finally:
        assert watcher.interrupt() == 0
    files = subprocess.run(
        ["git", "-C", str(vault), "log", "--format=%s", "--name-only"],
        capture_output=True,
        text=True,
    ).stdout
    assert files.splitlines()[0] == "ono watch: notes changed"
    assert "alice/2026-11-10.md" in files and "scratch.txt" not in files
