"""Issue #16, git and sharing: the remote's default branch and the report's one command (11),
what ``ono sync`` shares and the pre-push guard (12), ``@me`` written as a slug so that both
sides count the same (13), git states ono must explain (14), and upload-pack/receive-pack
commands in a shared repository's config (15). Real git, bare remotes in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import git
import pytest

from ononotes.app.share import (
    clone_shared_notes,
    empty_clone_advice,
    guard_script,
    rewrite_owner_me,
    share_person,
)
from ononotes.errors import GitError, UsageError

from .git_helpers import (
    commit_all,
    edit,
    every_blob,
    head,
    in_progress,
    insert_after,
    isolate_git,
    status,
)


@pytest.fixture(autouse=True)
def git_config(tmp_path, monkeypatch):
    return isolate_git(tmp_path, monkeypatch)


def stock_bare(path: Path) -> Path:
    """A bare remote as stock git makes it with init.defaultBranch unset: HEAD -> master."""
    subprocess.run(
        ["git", "-c", "init.defaultBranch=master", "init", "-q", "--bare", str(path)], check=True
    )
    assert (path / "HEAD").read_text() == "ref: refs/heads/master\n"
    return path


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def vault(tmp_path, run):
    """Dana's vault, autocommit on, alice with one meeting."""
    root = tmp_path / "vault"
    ok(run(None, "init", str(root), "--me", "dana"))
    edit(root / "ono.toml", "autocommit = false", "autocommit = true")
    commit_all(root, "autocommit on")
    ok(run(root, "person", "add", "alice", "--cadence", "weekly"))
    ok(run(root, "new", "alice", "--date", "2026-11-02", "--no-edit", today="2026-11-02"))
    return root


def share(run, root: Path, remote: Path, slug: str = "alice"):
    return ok(run(root, "share", slug, str(remote)))


def plain_clone(remote: Path, dest: Path, me: str = "alice") -> Path:
    """The report's side with plain git: git clone, an identity, me in ono.local.toml."""
    done = subprocess.run(
        ["git", "clone", "-q", str(remote), str(dest)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "nonexistent ref" not in done.stderr, done.stderr
    report_identity(dest, me)
    (dest / "ono.local.toml").write_text(f'me = "{me}"\n')
    return dest


def report_identity(path: Path, me: str = "alice") -> None:
    with git.Repo(path).config_writer() as writer:
        writer.set_value("user", "name", me.title())
        writer.set_value("user", "email", f"{me}@example.com")


# -- 11: the remote's default branch; the report's side in one command -------------------------


def test_a_stock_bare_remote_gets_main_as_its_default_branch(vault, run, tmp_path):
    remote = stock_bare(tmp_path / "alice.git")
    share(run, vault, remote)
    assert (remote / "HEAD").read_text() == "ref: refs/heads/main\n"
    where = plain_clone(remote, tmp_path / "alice-clone")  # checks out the notes
    assert (where / "2026-11-02.md").is_file() and (where / "ono.toml").is_file()
    insert_after(where / "2026-11-02.md", "## Their agenda", "- my point")
    assert ok(run(where, "sync")).stdout == "alice: committed 2026-11-02.md; pushed 1 commit(s)\n"
    assert ok(run(vault, "sync", "alice")).stdout == "alice: pulled 1 commit(s)\n"


def test_a_remote_shared_before_gets_its_default_branch_at_the_next_sync(vault, run, tmp_path):
    remote = stock_bare(tmp_path / "alice.git")
    share(run, vault, remote)
    git.Repo(remote).git.symbolic_ref("HEAD", "refs/heads/master")  # as older ono left it
    result = ok(run(vault, "sync", "alice"))
    assert result.stdout == f"alice: up to date; made main the default branch of {remote}\n"
    assert (remote / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert ok(run(vault, "sync", "alice")).stdout == "alice: up to date\n"


def test_ono_clone_checks_out_the_notes_even_when_the_remote_head_names_nothing(
    vault, run, tmp_path, monkeypatch
):
    remote = stock_bare(tmp_path / "alice.git")
    share(run, vault, remote)
    git.Repo(remote).git.symbolic_ref("HEAD", "refs/heads/master")
    monkeypatch.chdir(tmp_path)

    made = clone_shared_notes(str(remote))

    assert made.folder == tmp_path / "alice" and made.branch == "main"
    assert (made.person, made.me) == ("alice", "alice") and made.notices == []
    assert (made.folder / "ono.local.toml").read_text() == 'me = "alice"\n'
    assert (made.folder / ".git" / "hooks" / "pre-push").is_file()
    repo = git.Repo(made.folder)
    assert repo.active_branch.tracking_branch().name == "origin/main"
    report_identity(made.folder)
    todo = ok(run(made.folder, "todo", "--owner", "me", today="2026-11-03"))
    assert "prepare" not in todo.stderr
    insert_after(made.folder / "2026-11-02.md", "## Their agenda", "- my point")
    assert ok(run(made.folder, "sync")).stdout.startswith("alice: committed 2026-11-02.md")


def test_a_clone_that_checked_out_nothing_gets_the_command_that_fixes_it(vault, run, tmp_path):
    remote = stock_bare(tmp_path / "alice.git")
    share(run, vault, remote)
    git.Repo(remote).git.symbolic_ref("HEAD", "refs/heads/master")  # as older ono left it
    empty = tmp_path / "alice-clone"
    subprocess.run(["git", "clone", "-q", str(remote), str(empty)], capture_output=True)
    assert [p.name for p in empty.iterdir()] == [".git"]
    advice = empty_clone_advice(empty)
    assert advice is not None and advice.endswith("run git checkout main there, then ono sync")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=empty, check=True)
    assert (empty / "ono.toml").is_file() and empty_clone_advice(empty) is None
    assert empty_clone_advice(vault) is None and empty_clone_advice(tmp_path) is None


def test_ono_clone_refuses_what_it_cannot_use_and_leaves_nothing(vault, run, tmp_path):
    remote = stock_bare(tmp_path / "alice.git")
    share(run, vault, remote)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    with pytest.raises(UsageError, match="not an empty folder"):
        clone_shared_notes(str(remote), str(busy))
    other = tmp_path / "other.git"
    stock_bare(other)
    with pytest.raises(GitError, match="it is empty"):
        clone_shared_notes(str(other), str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
    with pytest.raises(UsageError, match="refusing remote"):
        clone_shared_notes("ext::sh -c touch% /tmp/pwned", str(tmp_path / "y"))
    with pytest.raises(UsageError, match="invalid me slug"):
        clone_shared_notes(str(remote), str(tmp_path / "z"), me="Alice Moreno")


def test_a_server_whose_head_names_another_branch_gets_that_branch(
    vault, run, tmp_path, monkeypatch
):
    """A remote elsewhere cannot have its HEAD changed by a push: ono shares the branch that
    HEAD names (an empty repository tells a cloning git, protocol v2)."""
    import ononotes.adapters.git as adapter

    remote = tmp_path / "alice.git"
    subprocess.run(
        ["git", "-c", "init.defaultBranch=trunk", "init", "-q", "--bare", str(remote)], check=True
    )
    monkeypatch.setattr(adapter, "_local_repository", lambda url: None)  # as if on a server

    result = share_person(vault, "alice", str(remote))

    assert result.branch == "trunk" and not [w for w in result.warnings if "default" in w]
    assert git.Repo(vault / "alice").active_branch.name == "trunk"
    where = plain_clone(remote, tmp_path / "alice-clone")
    assert git.Repo(where).active_branch.name == "trunk"
    insert_after(where / "2026-11-02.md", "## Their agenda", "- my point")
    ok(run(where, "sync"))
    assert ok(run(vault, "sync", "alice")).stdout == "alice: pulled 1 commit(s)\n"


def test_a_remote_whose_head_cannot_be_made_main_is_a_warning(vault, tmp_path, monkeypatch):
    import ononotes.adapters.git as adapter

    remote = stock_bare(tmp_path / "alice.git")
    monkeypatch.setattr(adapter, "_local_repository", lambda url: None)
    monkeypatch.setattr(adapter, "_advertised_head", lambda url: None)  # an old server

    result = share_person(vault, "alice", str(remote))

    warning = [w for w in result.warnings if "default branch" in w]
    assert warning and "git clone -b main" in warning[0] and result.branch == "main"


# -- 12: what ono sync shares; private notes never inside a shared folder; the push guard --------


@pytest.fixture
def shared(vault, run, tmp_path):
    remote = stock_bare(tmp_path / "alice.git")
    share(run, vault, remote)
    return vault, remote


def test_sync_shares_notes_and_lists_what_it_leaves_out(shared, run):
    vault, remote = shared
    ok(run(vault, "review", "alice", "--private", "-o", str(vault / "alice" / "review-draft.md")))
    (vault / "alice" / "scratch.txt").write_text("phone numbers\n")
    (vault / "alice" / "2026-11-09.md").write_text(
        "---\nperson: alice\ndate: 2026-11-09\n---\n# talking points\n"
    )
    result = ok(run(vault, "sync", "alice"))
    assert result.stdout == (
        "alice: committed 2026-11-09.md; pushed 1 commit(s); "
        "not shared: review-draft.md, scratch.txt\n"
    )
    paths = {path for _, path, _ in every_blob(remote)}
    assert "2026-11-09.md" in paths and not paths & {"review-draft.md", "scratch.txt"}
    # a file already in the repository (added by hand) keeps being synced
    repo = git.Repo(vault / "alice")
    repo.git.add("scratch.txt")
    repo.git.commit("-q", "-m", "by hand")
    (vault / "alice" / "scratch.txt").write_text("phone numbers, updated\n")
    result = ok(run(vault, "sync", "alice"))
    assert result.stdout.startswith("alice: committed scratch.txt; pushed 2 commit(s)")


def test_ono_share_leaves_out_what_is_not_a_note(vault, run, tmp_path):
    (vault / "alice" / "scratch.txt").write_text("x\n")
    commit_all(vault, "a scratch file, once committed")
    (vault / "alice" / "draft.md").write_text("# a draft, no front matter\n")
    remote = stock_bare(tmp_path / "alice.git")
    result = share(run, vault, remote)
    assert "warning: not shared: draft.md, scratch.txt (only notes" in result.stderr
    assert "private" not in result.stderr
    paths = {path for _, path, _ in every_blob(remote)}
    assert paths == {"2026-11-02.md", "profile.md", "ono.toml", ".gitignore"}


def test_ono_new_private_inside_a_shared_folder_writes_to_the_vaults_private_folder(
    shared, run, tmp_path
):
    vault, remote = shared
    result = ok(run(vault / "alice", "new", "alice", "--private", "--no-edit", today="2026-11-09"))
    note, private = (Path(line) for line in result.stdout.split())
    assert note == vault / "alice" / "2026-11-09.md"
    assert private == vault / "private" / "alice" / "2026-11-09.md"
    assert "meeting: alice/2026-11-09.md" in private.read_text()
    assert not (vault / "alice" / "private").exists()
    # in the report's clone (no vault around it) it is refused, and nothing is written
    where = plain_clone(remote, tmp_path / "alice-clone")
    refused = run(where, "new", "alice", "--private", "--no-edit", today="2026-11-16")
    assert "a private note in it could be shared" in one_line_error(refused)
    assert status(where) == ""
    # unless the private folder is set outside the repository, in ono.local.toml
    mine = tmp_path / "alice-private"
    (where / "ono.local.toml").write_text(f'me = "alice"\nprivate = "{mine}"\n')
    result = ok(run(where, "new", "alice", "--private", "--no-edit", today="2026-11-16"))
    assert Path(result.stdout.split()[1]) == mine / "alice" / "2026-11-16.md"
    assert status(where) == "?? 2026-11-16.md"


def leak(where: Path) -> str:
    """A private note committed by hand with plain git, as anyone might."""
    (where / "private").mkdir()
    (where / "private" / "raise.md").write_text("thinking about a raise\n")
    (where / "2026-11-10.md").write_text(
        "---\nperson: alice\ndate: 2026-11-10\nprivate: true\n---\n"
    )
    repo = git.Repo(where)
    repo.git.add("-A")
    repo.git.commit("-q", "-m", "oops")
    return repo.head.commit.hexsha


def push(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", "-q"], cwd=where, capture_output=True, text=True)


def test_the_guard_refuses_a_plain_git_push_of_a_private_note(shared, tmp_path):
    vault, remote = shared
    before = head(remote, "main")
    leak(vault / "alice")

    pushed = push(vault / "alice")

    assert pushed.returncode != 0 and head(remote, "main") == before
    assert "ono push guard: not pushed: 2026-11-10.md (commit" in pushed.stderr
    assert "its front matter says private: true" in pushed.stderr
    assert "private/raise.md (commit" in pushed.stderr and "in a private folder" in pushed.stderr
    # taken out again as the message says: the push goes through
    repo = git.Repo(vault / "alice")
    repo.git.reset("-q", "--soft", "origin/main")
    repo.git.reset("-q")
    (vault / "alice" / "2026-11-10.md").write_text("---\nperson: alice\ndate: 2026-11-10\n---\n")
    repo.git.add("2026-11-10.md")
    repo.git.commit("-q", "-m", "fine")
    assert push(vault / "alice").returncode == 0 and head(remote, "main") == head(vault / "alice")


def test_ono_sync_refuses_to_push_a_private_note_committed_by_hand(shared, run):
    vault, remote = shared
    before = head(remote, "main")
    leak(vault / "alice")
    line = one_line_error(run(vault, "sync", "alice"))
    assert line.startswith("Error: alice: not pushed: 2026-11-10.md (commit")
    assert "git reset --soft origin/main" in line and head(remote, "main") == before


def test_sync_installs_the_guard_in_a_repository_shared_before(shared, run, tmp_path):
    vault, remote = shared
    hook = vault / "alice" / ".git" / "hooks" / "pre-push"
    hook.unlink()
    ok(run(vault, "sync", "alice"))
    assert hook.is_file() and sys.executable in hook.read_text()
    # someone else's hook is never replaced: sync says the guard is not there
    hook.write_text("#!/bin/sh\nexit 0\n")
    result = ok(run(vault, "sync", "alice"))
    assert "is not ono's: it is left as it is" in result.stdout
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"


@pytest.mark.parametrize("broken", ["gone", "no ononotes"])
def test_the_guard_fails_closed_when_ono_is_gone(shared, tmp_path, broken):
    vault, remote = shared
    if broken == "gone":
        python = str(tmp_path / "uninstalled" / "python")
    else:  # an interpreter that runs, without ononotes (no site-packages)
        python = str(tmp_path / "python-without-ono")
        Path(python).write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
        Path(python).chmod(0o755)
    hook = vault / "alice" / ".git" / "hooks" / "pre-push"
    hook.write_text(guard_script(python))
    (vault / "alice" / "2026-11-09.md").write_text("---\nperson: alice\ndate: 2026-11-09\n---\n")
    repo = git.Repo(vault / "alice")
    repo.git.add("-A")
    repo.git.commit("-q", "-m", "an ordinary note")
    before = head(remote, "main")

    pushed = push(vault / "alice")

    assert pushed.returncode != 0 and head(remote, "main") == before
    assert "so ono cannot check this push for private notes: nothing was pushed" in pushed.stderr
    assert "git push --no-verify" in pushed.stderr and "Traceback" not in pushed.stderr


# -- 13: @me written as a slug; both sides count the same ------------------------------------------


def test_rewrite_keeps_every_other_byte():
    crlf = (
        "\ufeff---\r\nperson: alice\r\ndate: 2026-11-02\r\n---\r\n## Action items\r\n"
        "- [ ] @me book the room due:2026-11-09\r\n"
        "- [ ] @alice pair with @me on it\r\n"
        "  - [x] @ME send the notes ✅ 2026-11-03\r\n"
        "```\r\n- [ ] @me in a code block\r\n```\r\n"
        "- written by @me, not an item\r\n"
    ).encode()
    new = rewrite_owner_me(crlf, "dana")
    assert new == crlf.replace(b"[ ] @me book", b"[ ] @dana book").replace(
        b"@ME send", b"@dana send"
    )
    assert rewrite_owner_me(new, "dana") is None
    with pytest.raises(UsageError, match="does not say who me is"):
        rewrite_owner_me(crlf, None, "2026-11-02.md")


def test_share_rewrites_me_with_consent_and_records_the_manager(vault, run, tmp_path):
    note = vault / "alice" / "2026-11-02.md"
    insert_after(note, "## Action items", "- [ ] @me book the offsite room")
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))
    commit_all(vault, "notes")
    remote = stock_bare(tmp_path / "alice.git")

    result = share_person(vault, "alice", str(remote), rewrite_me=True)

    assert result.rewritten and not [w for w in result.warnings if "@me" in w]
    text = git.Repo(remote).git.show("main:2026-11-02.md")
    assert "- [ ] @dana book the offsite room" in text and "@me" not in text
    assert b"\r\n" in note.read_bytes() and b"@dana book" in note.read_bytes()
    shared_config = git.Repo(remote).git.show("main:ono.toml")
    assert 'person = "alice"' in shared_config and 'manager = "dana"' in shared_config


def test_a_share_that_fails_gives_the_rewritten_notes_their_bytes_back(vault, tmp_path):
    note = vault / "alice" / "2026-11-02.md"
    insert_after(note, "## Action items", "- [ ] @me book the offsite room")
    commit_all(vault, "notes")
    original = note.read_bytes()
    remote = stock_bare(tmp_path / "alice.git")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'read-only for now' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(GitError, match="refused the push .*read-only for now"):
        share_person(vault, "alice", str(remote), rewrite_me=True)
    assert note.read_bytes() == original and not (vault / "alice" / ".git").exists()
    assert status(vault) == ""


def test_handover_to_a_stock_bare_remote_can_be_cloned(vault, run, tmp_path):
    remote = stock_bare(tmp_path / "next-manager.git")
    ok(run(vault, "handover", "alice", str(remote), today="2026-11-30"))
    assert (remote / "HEAD").read_text() == "ref: refs/heads/main\n"
    where = plain_clone(remote, tmp_path / "handed-over")
    assert (where / "HANDOVER.md").is_file()


def test_a_repository_shared_before_gets_its_manager_at_the_next_sync(shared, run):
    vault, remote = shared
    config = vault / "alice" / "ono.toml"
    config.write_text(config.read_text().replace('manager = "dana"\n', ""))
    ok(run(vault, "sync", "alice"))
    assert 'manager = "dana"' in git.Repo(remote).git.show("main:ono.toml")


def test_sync_without_me_refuses_to_push_an_at_me_item(shared, run, tmp_path):
    vault, remote = shared
    where = plain_clone(remote, tmp_path / "alice-clone")
    (where / "ono.local.toml").unlink()
    insert_after(where / "2026-11-02.md", "## Action items", "- [ ] @me bring the slides")
    before = head(remote, "main")
    line = one_line_error(run(where, "sync"))
    assert "2026-11-02.md:" in line and "does not say who me is" in line
    assert head(remote, "main") == before and head(where) == before


def items_of(result) -> tuple:
    data = json.loads(result.stdout)
    items = sorted(
        (i["key"], i["owner"], i["state"], i["created"], i["closed"], i["times_carried"])
        for i in data["items"]
    )
    people = [{k: v for k, v in row.items()} for row in data["people"]]
    return items, people, data["owners"], data["team"]


def test_both_sides_count_the_same_after_weeks_of_use(vault, run, tmp_path):
    note = vault / "alice" / "2026-11-02.md"
    insert_after(note, "## Action items", "- [ ] @me book the offsite room")
    commit_all(vault, "notes")
    remote = stock_bare(tmp_path / "alice.git")
    share_person(vault, "alice", str(remote), rewrite_me=True)
    where = plain_clone(remote, tmp_path / "alice-clone")
    weeks = ["2026-11-09", "2026-11-16", "2026-11-23"]
    for week, day in enumerate(weeks):
        ok(run(vault, "new", "alice", "--date", day, "--no-edit", today=day))
        mine = vault / "alice" / f"{day}.md"
        insert_after(mine, "## Action items", f"- [ ] @me follow up {week}")
        ok(run(vault, "sync", "alice", today=day))
        ok(run(where, "sync", today=day))
        theirs = where / f"{day}.md"
        insert_after(theirs, "## Their agenda", f"- [ ] @me prepare the demo {week}")
        if week:  # the report ticks their item of the week before, the manager one of theirs
            previous = f"- [ ] @alice prepare the demo {week - 1}"
            edit(theirs, previous, previous.replace("[ ]", "[x]") + f" ✅ {day}")
        ok(run(where, "sync", today=day))
        ok(run(vault, "sync", "alice", today=day))
        followed = f"- [ ] @dana follow up {week}"
        edit(mine, followed, followed.replace("[ ]", "[x]") + f" ✅ {day}")
        ok(run(vault, "sync", "alice", today=day))
        ok(run(where, "sync", today=day))
    assert (vault / "alice" / "2026-11-23.md").read_bytes() == (
        where / "2026-11-23.md"
    ).read_bytes()
    for path in where.glob("*.md"):
        assert "@me" not in path.read_text(), path

    args = ("report", "actions", "--format", "json", "--person", "alice", "--items")
    manager = ok(run(vault, *args, today="2026-11-30"))
    report = ok(run(where, *args, today="2026-11-30"))

    assert items_of(manager) == items_of(report)
    owners = {row["owner"]: row for row in json.loads(report.stdout)["owners"]}
    assert set(owners) == {"alice", "dana"}
    assert owners["dana"]["created"] == len(weeks) + 1 and owners["dana"]["done"] == len(weeks)
    assert owners["alice"]["done"] == len(weeks) - 1
    mine_todo = ok(run(vault, "todo", "--owner", "me", today="2026-11-30")).stdout
    theirs_todo = ok(run(where, "todo", "--owner", "me", today="2026-11-30")).stdout
    assert "offsite" in mine_todo and "offsite" not in theirs_todo
    assert "prepare the demo 2" in theirs_todo and "prepare the demo" not in mine_todo


def test_an_item_shared_before_as_me_is_left_and_named(shared, run):
    vault, remote = shared
    note = vault / "alice" / "2026-11-02.md"
    insert_after(note, "## Action items", "- [ ] @me old item")
    repo = git.Repo(vault / "alice")
    repo.git.commit("-q", "-am", "by hand, before ono rewrote @me")
    nxt = vault / "alice" / "2026-11-09.md"
    nxt.write_text(
        "---\nperson: alice\ndate: 2026-11-09\n---\n## Action items\n"
        "- [ ] @me old item\n- [ ] @me new item\n"
    )
    result = ok(run(vault, "sync", "alice"))
    assert "@me left as it is in 2026-11-09.md:6 (shared before as @me" in result.stdout
    text = nxt.read_text()
    assert "- [ ] @me old item" in text and "- [ ] @dana new item" in text


# -- 14: git states --------------------------------------------------------------------------------


def test_a_stale_index_lock_at_autocommit_names_the_note_and_the_lock(vault, run):
    lock = vault / ".git" / "index.lock"
    lock.write_text("")
    result = run(vault, "new", "alice", "--date", "2026-11-09", "--no-edit", today="2026-11-09")
    line = one_line_error(result)
    assert result.exit_code == 1
    assert line.startswith("Error: wrote alice/2026-11-09.md but did not commit it: ")
    assert f"{lock} exists: another git is running, or one crashed; if none is running" in line
    assert (vault / "alice" / "2026-11-09.md").is_file()
    lock.unlink()
    assert [p.name for p in (vault / ".git").glob("*.lock")] == []


def test_a_rebase_left_with_an_index_lock_names_both(shared, run):
    vault, remote = shared
    git_dir = vault / "alice" / ".git"
    (git_dir / "rebase-merge").mkdir()
    (git_dir / "index.lock").write_text("")
    line = one_line_error(run(vault, "sync", "alice"))
    assert f"{git_dir / 'index.lock'} exists" in line
    assert "a git rebase is under way there too" in line and "git rebase --abort" in line


def test_a_stale_head_lock_stops_every_sync_not_only_the_next(shared, run):
    vault, remote = shared
    lock = vault / "alice" / ".git" / "HEAD.lock"
    lock.write_text("")
    first = one_line_error(run(vault, "sync", "alice"))  # nothing to commit: still said
    assert f"{lock} exists" in first and "run ono sync again" in first
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- a line")
    assert f"{lock} exists" in one_line_error(run(vault, "sync", "alice"))
    lock.unlink()
    assert ok(run(vault, "sync", "alice")).stdout.startswith("alice: committed")


def test_a_lock_left_in_the_bare_remote_is_named_once(shared, run):
    vault, remote = shared
    lock = remote / "refs" / "heads" / "main.lock"
    lock.write_text("")
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- a line")
    result = run(vault, "sync", "alice")
    line = one_line_error(result)
    assert "Error lines received" not in result.output and "kept changing" not in line
    assert f"on the remote, {lock} exists: another git is running there" in line
    assert "your changes are committed here" in line
    lock.unlink()
    assert ok(run(vault, "sync", "alice")).stdout == "alice: pushed 1 commit(s)\n"


def test_a_server_that_refuses_says_why(shared, run):
    vault, remote = shared
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'quota exceeded for dana' >&2\nexit 1\n")
    hook.chmod(0o755)
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- a line")
    result = run(vault, "sync", "alice")
    line = one_line_error(result)
    assert "refused the push (pre-receive hook declined: quota exceeded for dana)" in line
    assert "Error lines received" not in result.output and "kept changing" not in line
    assert status(vault / "alice") == "" and in_progress(vault / "alice") == []


def no_identity(tmp_path, monkeypatch) -> None:
    home = tmp_path / "empty-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GIT_CONFIG_GLOBAL")
    for name in ("EMAIL", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GIT_COMMITTER_EMAIL", raising=False)


def git_would_commit_as() -> str | None:
    done = subprocess.run(["git", "var", "GIT_AUTHOR_IDENT"], capture_output=True, text=True)
    return done.stdout.rsplit(" ", 2)[0] if done.returncode == 0 else None


def test_without_a_git_identity_ono_never_makes_one_up(shared, run, tmp_path, monkeypatch):
    vault, remote = shared
    no_identity(tmp_path, monkeypatch)
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- a line")
    before = head(vault / "alice")
    result = run(vault, "sync", "alice")
    identity = git_would_commit_as()
    if identity is None:  # git cannot tell who this is: ono refuses, with the command to run
        line = one_line_error(result)
        assert "git does not know who you are" in line
        assert 'git config --global user.name "Your Name"' in line
        assert head(vault / "alice") == before and status(vault / "alice") != ""
    else:  # git can (a system with a full host name): ono commits as git would
        ok(result)
        assert git.Repo(vault / "alice").head.commit.author.email in identity
    assert "ono@localhost" not in git.Repo(vault / "alice").git.log("--format=%ae %ce")
    # an identity in the environment is git's, and ono's
    monkeypatch.setenv("EMAIL", "dana@home.example")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Dana")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Dana")
    ok(run(vault, "sync", "alice"))
    commit = git.Repo(vault / "alice").head.commit
    assert (commit.author.email, commit.committer.email) == ("dana@home.example",) * 2


def test_autocommit_without_identity_names_the_note_written(vault, run, tmp_path, monkeypatch):
    no_identity(tmp_path, monkeypatch)
    if git_would_commit_as() is not None:
        pytest.skip("git finds an identity on this system (a full host name)")
    result = run(vault, "new", "alice", "--date", "2026-11-09", "--no-edit", today="2026-11-09")
    line = one_line_error(result)
    assert line.startswith("Error: wrote alice/2026-11-09.md but did not commit it: git does")
    assert (vault / "alice" / "2026-11-09.md").is_file() and "alice/" in status(vault)


# -- 15: commands in a shared repository's own config ----------------------------------------------


def test_upload_pack_and_receive_pack_in_the_config_never_run(shared, run, tmp_path):
    vault, remote = shared
    markers = {name: tmp_path / f"ran-{name}" for name in ("uploadpack", "receivepack")}
    with git.Repo(vault / "alice").config_writer() as writer:
        for name, marker in markers.items():
            command = "upload" if name == "uploadpack" else "receive"
            writer.set_value('remote "origin"', name, f"touch {marker}; git-{command}-pack")
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- a line")
    assert ok(run(vault, "sync", "alice")).stdout.endswith("pushed 1 commit(s)\n")
    assert [m for m in markers.values() if m.exists()] == []
    # plain git still runs them: the setting itself is not ono's to change
    subprocess.run(["git", "fetch", "-q"], cwd=vault / "alice", capture_output=True)
    assert markers["uploadpack"].exists()
