"""``ono share`` and ``ono sync`` end to end: a manager's vault, bare remotes, the reports' clones,
real git. Both sides edit; nothing private and nothing about anyone else may reach a remote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest

from ononotes.store.private import read_private_notes

from .git_helpers import (
    bare_repo,
    clone,
    commit_all,
    edit,
    every_blob,
    every_message,
    head,
    in_progress,
    insert_after,
    insert_under,
    install_hooks,
    isolate_git,
    status,
)

WEEKS = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]


@pytest.fixture(autouse=True)
def git_config(tmp_path, monkeypatch):
    return isolate_git(tmp_path, monkeypatch)


def private_marker(slug: str, day: str) -> str:
    return f"PRIVATE-MARKER {slug} {day}: thinking about a raise"


def confidential(slug: str) -> str:
    return f"CONFIDENTIAL-{slug.upper()}"


def new_meeting(run, vault: Path, slug: str, day: str) -> Path:
    """The manager scaffolds a meeting with its private sidecar and writes in both."""
    result = run(vault, "new", slug, "--date", day, "--no-edit", "--private", today=day)
    assert result.exit_code == 0, result.stderr
    note, private = (Path(line) for line in result.stdout.split())
    assert private == vault / "private" / slug / note.name
    with private.open("a", encoding="utf-8") as handle:
        handle.write(private_marker(slug, day) + "\n")
    insert_after(note, "## My agenda", f"- {confidential(slug)} roadmap for {day}")
    insert_after(note, "## Action items", f"- [ ] @{slug} prepare the demo for {day}")
    return note


@pytest.fixture
def team(tmp_path, run):
    """A vault with alice, bob and carol, two weeks of 1:1s, one private note once misfiled."""
    vault = tmp_path / "vault"
    assert run(None, "init", str(vault), "--me", "dana").exit_code == 0
    edit(vault / "ono.toml", "autocommit = false", "autocommit = true")
    commit_all(vault, "autocommit on")
    for slug in ("alice", "bob", "carol"):
        assert run(vault, "person", "add", slug, "--cadence", "weekly").exit_code == 0
    for day in ("2026-10-19", "2026-10-26"):
        for slug in ("alice", "bob", "carol"):
            new_meeting(run, vault, slug, day)
    # once, a private note sat in alice's folder; it was moved away, but history remembers it
    misfiled = vault / "alice" / "thoughts.md"
    misfiled.write_text(f"---\nprivate: true\n---\n{private_marker('alice', 'misfiled')}\n")
    commit_all(vault, "notes; bob may leave, carol wants a raise")  # a message about others
    git.Repo(vault).git.mv("alice/thoughts.md", "private/alice/thoughts.md")
    commit_all(vault, "move my private thoughts out of alice/")
    remotes = {slug: bare_repo(tmp_path / f"{slug}.git") for slug in ("alice", "bob")}
    return vault, remotes


def share(run, vault: Path, slug: str, remote: Path):
    result = run(vault, "share", slug, str(remote))
    assert result.exit_code == 0, result.stderr
    return result


def sync(run, where: Path, *args: str, today: str = "2026-11-30"):
    result = run(where, "sync", *args, today=today)
    assert result.exit_code == 0, result.stderr
    return result


def test_a_month_of_one_on_ones_shared_both_ways(team, run, tmp_path):
    vault, remotes = team
    shared = share(run, vault, "alice", remotes["alice"])
    assert "thoughts.md: private, left out of the shared history" in shared.stderr
    share(run, vault, "bob", remotes["bob"])
    tracked = git.Repo(vault).git.ls_files().split()
    assert not [p for p in tracked if p.startswith(("alice/", "bob/"))]
    assert "carol/profile.md" in tracked and status(vault) == ""

    clones = {
        "alice": clone(remotes["alice"], tmp_path / "alice-clone", "alice", "Alice Moreno"),
        "bob": clone(remotes["bob"], tmp_path / "bob-clone", "bob", "Bob Li"),
    }
    for week, day in enumerate(WEEKS):
        for slug in ("alice", "bob", "carol"):
            new_meeting(run, vault, slug, day)
        commit_all(vault, f"week of {day}")  # carol's notes and the private ones: the vault's own
        sync(run, vault, today=day)
        for slug, where in clones.items():
            sync(run, where, today=day)
            note = where / f"{day}.md"
            # the report adds a talking point and ticks one of their own items, in their clone
            insert_under(note, "## Their agenda", f"- {slug}'s point {week}")
            edit(
                note,
                f"- [ ] @{slug} prepare the demo for {day}",
                f"- [x] @{slug} prepare the demo for {day}",
            )
            # meanwhile the manager writes in the same note, other lines, without pulling first
            mine = vault / slug / f"{day}.md"
            insert_after(mine, "## Notes", f"- dana's note {week}\n- [ ] @dana follow up {week}")
        for slug, where in clones.items():
            # different orders: some weeks the report pushes first, some weeks the manager
            if week % 2:
                sync(run, where, today=day)
                sync(run, vault, slug, today=day)
                sync(run, where, today=day)
            else:
                sync(run, vault, slug, today=day)
                sync(run, where, today=day)
                sync(run, vault, slug, today=day)
            both = (vault / slug / f"{day}.md").read_text(encoding="utf-8")
            assert both == (where / f"{day}.md").read_text(encoding="utf-8")
            assert f"- {slug}'s point {week}" in both and f"- dana's note {week}" in both
            assert f"- [x] @{slug} prepare the demo for {day}" in both
            assert status(where) == "" and status(vault / slug) == ""

    for slug, where in clones.items():
        shared_files = sorted(p.name for p in where.iterdir() if p.name != ".git")
        mine = sorted(p.name for p in (vault / slug).iterdir() if p.name != ".git")
        assert shared_files == mine  # ono.local.toml on both sides, each its own
        for path in where.glob("*.md"):
            assert path.read_bytes() == (vault / slug / path.name).read_bytes()
        assert head(where) == head(vault / slug) == head(remotes[slug], "main")
        # the report's own view: their items, their 1:1s
        todo = run(where, "todo", "--owner", "me", today="2026-11-30")
        assert todo.exit_code == 0, todo.stderr
        assert f"@{slug}" in todo.stdout and "@dana" not in todo.stdout
        assert f"@{slug} follow up" not in todo.stdout
        check = run(where, "check")
        assert check.exit_code == 0, check.stdout + check.stderr
        listed = run(where, "list", today="2026-11-30").stdout
        assert listed.count(slug) >= len(WEEKS) + 2 and "carol" not in listed
        report = run(where, "report", "cadence", "--format", "json", today="2026-11-30")
        assert report.exit_code == 0, report.stderr  # the reports: one person, their meetings
        people = json.loads(report.stdout)["people"]
        assert [row["person"] for row in people] == [slug]
        assert people[0]["held"] == len(WEEKS) + 2
    # the manager's own view still sees everyone, and their own items
    todo = run(vault, "todo", "--owner", "me", today="2026-11-30").stdout
    assert "@dana follow up 3" in todo
    assert len(read_private_notes(vault, "alice")) == len(WEEKS) + 3

    assert_nothing_private_or_foreign(remotes)


def assert_nothing_private_or_foreign(remotes: dict[str, Path]) -> None:
    """Every blob of every commit of each remote: only that person's notes and the shared config."""
    manager_config = 'me = "dana"'
    for slug, remote in remotes.items():
        others = [other for other in ("alice", "bob", "carol") if other != slug]
        blobs = list(every_blob(remote))
        assert blobs, f"{slug}'s remote is empty"
        for sha, path, data in blobs:
            text = data.decode("utf-8")
            where = f"{slug}.git {sha[:7]} {path}"
            assert "/" not in path and path not in ("ono.local.toml",), where
            assert "PRIVATE-MARKER" not in text and "private: true" not in text, where
            assert manager_config not in text and "autocommit" not in text, where
            for other in others:
                assert confidential(other) not in text and f"person: {other}" not in text, where
            if path.endswith(".md") and path != "profile.md":
                assert f"person: {slug}" in text, where
            if path == "ono.toml":
                assert f'person = "{slug}"' in text and "me =" not in text.replace("`me`", ""), (
                    where
                )
        for message in every_message(remote):
            lowered = message.lower()
            assert "private" not in lowered.replace("its message is not shared", ""), message
            assert not [other for other in others if other in lowered], message


@pytest.fixture
def shared(team, run, tmp_path):
    """alice shared and cloned; the first week's note on both sides."""
    vault, remotes = team
    share(run, vault, "alice", remotes["alice"])
    new_meeting(run, vault, "alice", "2026-11-02")
    sync(run, vault)
    where = clone(remotes["alice"], tmp_path / "alice-clone", "alice", "Alice Moreno")
    return vault, remotes["alice"], where


def test_a_true_conflict_loses_nothing_and_says_what_to_do(shared, run):
    vault, remote, where = shared
    line = "- [ ] @alice prepare the demo for 2026-11-02"
    edit(where / "2026-11-02.md", line, "- [x] @alice prepare the demo for 2026-11-02 (done early)")
    sync(run, where)
    edit(
        vault / "alice" / "2026-11-02.md",
        line,
        "- [-] @alice prepare the demo for 2026-11-02 (dropped)",
    )
    before = head(remote, "main")

    result = run(vault, "sync", "alice")

    assert result.exit_code != 0
    assert "conflict in 2026-11-02.md" in result.stderr and "ono sync again" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    mine = vault / "alice"
    assert (
        "(dropped)" in (mine / "2026-11-02.md").read_text()
        and "<<<<<<<" not in (mine / "2026-11-02.md").read_text()
    )
    repo = git.Repo(mine)
    assert repo.git.rev_list("--count", "origin/main..HEAD") == "1"
    assert "2026-11-02.md" in repo.head.commit.message
    assert status(mine) == "" and in_progress(mine) == []
    assert head(remote, "main") == before

    # resolving by hand, as the message says; ono sync refuses while the rebase is under way
    with pytest.raises(git.GitCommandError):
        repo.git.pull("--rebase")
    assert run(vault, "sync", "alice").exit_code != 0
    assert "rebase is in progress" in run(vault, "sync", "alice").stderr
    (mine / "2026-11-02.md").write_text(
        (where / "2026-11-02.md").read_text().replace("(done early)", "(done early, dana agrees)")
    )
    repo.git.add("2026-11-02.md")
    repo.git(c="core.editor=true").rebase("--continue")
    sync(run, vault, "alice")
    sync(run, where)
    assert "(done early, dana agrees)" in (where / "2026-11-02.md").read_text()


def test_edits_to_different_lines_of_one_note_merge_silently(shared, run):
    vault, remote, where = shared
    insert_after(where / "2026-11-02.md", "## Growth", "- alice wants to mentor")
    insert_after(vault / "alice" / "2026-11-02.md", "## Check-in", "- tired but fine")
    sync(run, where)
    result = sync(run, vault, "alice")
    assert (
        result.stdout == "alice: committed 2026-11-02.md; pulled 1 commit(s); pushed 1 commit(s)\n"
    )
    assert result.stderr == ""
    text = (vault / "alice" / "2026-11-02.md").read_text()
    assert "- alice wants to mentor" in text and "- tired but fine" in text
    assert sync(run, where).stdout == "alice: pulled 1 commit(s)\n"
    assert sync(run, where).stdout == "alice: up to date\n"


def test_a_remote_that_went_away_keeps_the_local_commit(shared, run):
    vault, remote, where = shared
    shutil.rmtree(remote)
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- written on the train")

    result = run(vault, "sync")

    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach" in lines[0] and "committed here" in lines[0]
    assert "run ono sync again" in lines[0]
    repo = git.Repo(vault / "alice")
    assert "2026-11-02.md" in repo.head.commit.message
    assert "- written on the train" in repo.git.show("HEAD:2026-11-02.md")
    assert status(vault / "alice") == ""
    # the report's clone says the same
    insert_after(where / "2026-11-02.md", "## Growth", "- a talk")
    result = run(where, "sync")
    assert result.exit_code != 0 and "cannot reach" in result.stderr


def test_one_failing_repository_does_not_stop_the_others(team, run, tmp_path):
    vault, remotes = team
    share(run, vault, "alice", remotes["alice"])
    share(run, vault, "bob", remotes["bob"])
    shutil.rmtree(remotes["alice"])
    insert_after(vault / "bob" / "2026-10-26.md", "## Notes", "- bob is fine")
    result = run(vault, "sync")
    assert result.exit_code != 0
    assert result.stdout == "bob: committed 2026-10-26.md; pushed 1 commit(s)\n"
    assert result.stderr.startswith("Error: alice: cannot reach")


@pytest.mark.parametrize(
    "remote",
    ["ext::sh -c touch% {marker}", "--upload-pack=touch {marker}", "-x", "ext://{marker}", "fd::3"],
)
def test_unsafe_remotes_are_refused_and_nothing_changes(team, run, remote):
    vault, _ = team
    marker = vault.parent / "pwned"
    before = head(vault)
    result = run(vault, "share", "alice", "--", remote.format(marker=marker))
    assert result.exit_code != 0 and "refusing remote" in result.stderr
    assert not marker.exists() and not (vault / "alice" / ".git").exists()
    assert head(vault) == before and status(vault) == ""


def test_an_option_as_remote_is_never_taken_for_one(team, run):
    vault, _ = team
    result = run(vault, "share", "alice", "--upload-pack=touch /tmp/x")
    assert result.exit_code == 2 and "No such option" in result.stderr
    assert not (vault / "alice" / ".git").exists()


def test_sync_refuses_an_unsafe_origin(shared, run):
    vault, remote, where = shared
    marker = where.parent / "pwned"
    with git.Repo(where).config_writer() as writer:
        writer.set_value('remote "origin"', "url", f"ext::sh -c touch% {marker}")
    result = run(where, "sync")
    assert result.exit_code != 0 and "refusing remote" in result.stderr and not marker.exists()


def test_hooks_of_a_shared_repository_never_run(shared, run, tmp_path):
    vault, remote, where = shared
    markers = tmp_path / "markers"
    markers.mkdir()
    for repo in (where, vault / "alice", vault):
        install_hooks(repo, markers)
    # both sides change: the report's sync commits, rebases and pushes; the manager's
    # commits, fast-forwards and pushes
    insert_after(vault / "alice" / "2026-11-02.md", "## Check-in", "- fine")
    sync(run, vault)
    insert_after(where / "2026-11-02.md", "## Growth", "- a talk")
    (where / "2026-11-09.md").write_text(
        "---\nperson: alice\ndate: 2026-11-09\n---\n# talking points\n"
    )
    sync(run, where)
    sync(run, vault)
    assert (vault / "alice" / "2026-11-09.md").exists()
    assert sorted(p.name for p in markers.iterdir()) == []
    # the hooks work: plain git runs them
    git.Repo(where).git.commit("--allow-empty", "-m", "by hand")
    assert (markers / "pre-commit").exists()


def test_sharing_twice_or_sharing_a_stranger_is_refused(shared, run):
    vault, remote, where = shared
    again = run(vault, "share", "alice", str(remote))
    assert again.exit_code != 0 and "already shared" in again.stderr
    nobody = run(vault, "share", "zed", str(remote))
    assert nobody.exit_code != 0 and "no folder zed/" in nobody.stderr
    inside = run(where, "share", "alice", str(remote))
    assert inside.exit_code != 0 and "shared repository" in inside.stderr
    assert run(vault, "sync", "carol").exit_code != 0
    assert "carol is not shared" in run(vault, "sync", "carol").stderr
    assert "not bob's" in run(where, "sync", "bob").stderr


def test_a_remote_with_unrelated_history_is_refused(team, run, tmp_path):
    vault, remotes = team
    other = tmp_path / "other"
    repo = git.Repo.init(other, initial_branch="main")
    (other / "README.md").write_text("hello\n")
    repo.git.add("README.md")
    repo.git.commit("-m", "readme")
    repo.git.push(str(remotes["alice"]), "main")
    before = head(vault)

    result = run(vault, "share", "alice", str(remotes["alice"]))

    assert result.exit_code != 0 and "already has commits" in result.stderr
    assert "empty repository" in result.stderr
    assert not (vault / "alice" / ".git").exists() and not (vault / "alice" / "ono.toml").exists()
    assert head(vault) == before and status(vault) == ""
    assert "alice/profile.md" in git.Repo(vault).git.ls_files()


def test_an_unreachable_remote_at_share_changes_nothing(team, run, tmp_path):
    vault, _ = team
    before = head(vault)
    result = run(vault, "share", "alice", str(tmp_path / "missing.git"))
    assert result.exit_code != 0 and "cannot reach" in result.stderr
    assert not (vault / "alice" / ".git").exists() and head(vault) == before and status(vault) == ""


def test_a_private_note_in_a_shared_folder_is_never_committed(shared, run):
    vault, remote, where = shared
    (vault / "alice" / "worries.md").write_text(
        f"---\nprivate: true\n---\n{private_marker('alice', 'x')}\n"
    )
    insert_after(vault / "alice" / "2026-11-02.md", "## Notes", "- ok")
    before = head(vault / "alice")
    result = run(vault, "sync", "alice")
    assert result.exit_code != 0
    assert "worries.md: its front matter says private: true" in result.stderr
    assert head(vault / "alice") == before and head(remote, "main") == before
    # a note about someone else, in the report's clone, is refused the same way
    (where / "bob.md").write_text("---\nperson: bob\ndate: 2026-11-02\n---\n")
    result = run(where, "sync")
    assert result.exit_code != 0 and "a note about 'bob'" in result.stderr


def test_a_private_note_is_refused_at_share_time_too(team, run):
    vault, remotes = team
    (vault / "alice" / "raise.md").write_text("---\nprivate: yes\n---\nnot for alice\n")
    result = run(vault, "share", "alice", str(remotes["alice"]))
    assert (
        result.exit_code != 0
        and "alice/raise.md: its front matter says private: true" in result.stderr
    )
    assert not (vault / "alice" / ".git").exists() and list(every_blob(remotes["alice"])) == []


def test_new_notes_in_a_shared_folder_stay_out_of_the_vault_repository(shared, run):
    vault, remote, where = shared
    new_meeting(run, vault, "alice", "2026-11-09")  # autocommit is on
    tracked = git.Repo(vault).git.ls_files().split()
    assert "private/alice/2026-11-09.md" in tracked  # the private sidecar: the vault's own
    assert not [p for p in tracked if p.startswith("alice/")]
    commit_all(vault, "my private notes")
    assert status(vault) == ""
    assert sync(run, vault).stdout.startswith("alice: committed 2026-11-09.md")


def test_a_push_the_remote_rejects_puts_everything_back(team, run):
    vault, remotes = team
    hook = remotes["alice"] / "hooks" / "pre-receive"  # the server's hook, not ono's
    hook.write_text("#!/bin/sh\necho 'quota exceeded' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = head(vault)

    result = run(vault, "share", "alice", str(remotes["alice"]))

    assert result.exit_code != 0 and "nothing was changed" in result.stderr
    assert "refused the push (pre-receive hook declined: quota exceeded)" in result.stderr
    assert sorted(p.name for p in (vault / "alice").iterdir()) == [
        "2026-10-19.md",
        "2026-10-26.md",
        "profile.md",
    ]
    assert head(vault) == before and status(vault) == ""
    assert not [r for r in git.Repo(vault).git.for_each_ref().splitlines() if "refs/ono" in r]


def test_share_warns_about_what_it_cannot_share_well(team, run):
    vault, remotes = team
    insert_after(
        vault / "alice" / "2026-10-26.md", "## Action items", "- [ ] @me book the offsite room"
    )
    (vault / "alice-offsite.md").write_text("---\nperson: alice\ndate: 2026-10-28\n---\n")
    commit_all(vault, "more")
    result = share(run, vault, "alice", remotes["alice"])
    assert "alice/2026-10-26.md:" in result.stderr and "write @dana instead" in result.stderr
    assert "alice-offsite.md: a note about alice outside alice/; it is not shared" in result.stderr
    assert (vault / "alice" / "ono.local.toml").read_text() == 'me = "dana"\n'
    assert (
        run(vault / "alice", "todo", "--owner", "me", today="2026-11-30").stdout.count("@me") == 1
    )


def test_share_runs_none_of_the_vaults_hooks(team, run, tmp_path):
    vault, remotes = team
    markers = tmp_path / "markers"
    markers.mkdir()
    install_hooks(vault, markers)
    share(run, vault, "alice", remotes["alice"])
    assert list(markers.iterdir()) == []


def test_a_lock_in_the_vault_is_refused_before_anything_changes(team, run):
    vault, remotes = team
    lock = Path(git.Repo(vault).git_dir) / "index.lock"  # someone else is using the vault's index
    lock.write_text("")
    before = head(vault)

    result = run(vault, "share", "alice", str(remotes["alice"]))

    assert result.exit_code != 0 and f"{lock} exists: another git is running" in result.stderr
    assert "then run ono share alice again" in result.stderr
    assert not (vault / "alice" / ".git").exists() and list(every_blob(remotes["alice"])) == []
    lock.unlink()
    assert head(vault) == before and status(vault) == ""


def test_when_the_vault_cannot_let_go_it_is_left_as_it_was_and_says_what_to_do(team, run):
    vault, remotes = team
    ignore = vault / ".gitignore"
    kept = ignore.read_text()
    ignore.unlink()
    ignore.mkdir()  # the vault's .gitignore cannot be written: the last step fails
    commit_all(vault, "no .gitignore")
    before = head(vault)

    result = run(vault, "share", "alice", str(remotes["alice"]))

    assert result.exit_code != 0 and "shared and pushed" in result.stderr
    assert "git rm -r --cached alice" in result.stderr
    assert head(remotes["alice"], "main") == head(vault / "alice")
    assert head(vault) == before and ignore.is_dir()
    ignore.rmdir()
    ignore.write_text(kept)
    # nothing staged, nothing lost: only the two files share added show, as new
    assert sorted(status(vault).splitlines()) == [
        "?? .gitignore",
        "?? alice/.gitignore",
        "?? alice/ono.toml",
    ]


def test_sync_refuses_an_unsafe_push_url(shared, run):
    vault, remote, where = shared
    marker = where.parent / "pwned"
    with git.Repo(where).config_writer() as writer:
        writer.set_value('remote "origin"', "pushurl", f"ext::sh -c touch% {marker}")
    insert_after(where / "2026-11-02.md", "## Growth", "- a talk")
    result = run(where, "sync")
    assert result.exit_code != 0 and "refusing remote" in result.stderr and not marker.exists()
