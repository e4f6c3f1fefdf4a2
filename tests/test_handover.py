"""`ono handover`: a person's profile, notes, open items and goals for their new manager, into a
new vault folder or an empty git remote; never a byte of the previous manager's private notes,
never a note about someone else. Real git, bare remotes, every blob of every commit scanned."""

from __future__ import annotations

import git
import pytest

from ononotes.app.handover import looks_like_remote

from .conftest import build_tree
from .git_helpers import bare_repo, commit_all, every_blob, head, isolate_git, status
from .insights_vault import FILES

MARKER = b"PRIVATE-MARKER"
PRIVATE_NOTE = (
    "---\nprivate: true\nperson: kim\nmeeting_date: 2026-06-01\n---\n"
    "# Private · kim · 2026-06-01\n\n- PRIVATE-MARKER thinking about a raise\n"
)
MISFILED = "---\nprivate: true\n---\nPRIVATE-MARKER misfiled in kim/\n"
OTHER = b"OTHER-PERSON-MARKER"
ABOUT_MAX = "---\nperson: max\ndate: 2026-06-02\n---\n# 1:1 · Max\n- OTHER-PERSON-MARKER\n"
ELSEWHERE = "---\nperson: kim\ndate: 2026-06-03\n---\n# 1:1 · Kim\n\n## Notes\n- a hallway 1:1\n"


@pytest.fixture(autouse=True)
def git_config(tmp_path, monkeypatch):
    return isolate_git(tmp_path, monkeypatch)


@pytest.fixture
def vault(tmp_path, run):
    """kim's notes in a git vault, private notes about her, and three traps in or near her
    folder: a private note misfiled in it, a note about max in it, a note about her elsewhere."""
    root = tmp_path / "vault"
    assert run(None, "init", str(root), "--me", "dana").exit_code == 0
    build_tree(
        root,
        {
            **{name: text for name, text in FILES.items() if name != "ono.toml"},
            "private/kim/2026-06-01.md": PRIVATE_NOTE,
            "kim/thoughts.md": MISFILED,
            "kim/2026-06-02-max.md": ABOUT_MAX,
            "misc/2026-06-03.md": ELSEWHERE,
        },
    )
    commit_all(root, "kim's notes")
    return root


def every_file(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_into_a_new_folder(vault, run, tmp_path):
    dest = tmp_path / "new-manager"
    before = status(vault), head(vault)
    result = run(vault, "handover", "kim", str(dest), today="2026-06-30")
    assert result.exit_code == 0, result.output
    assert "handed kim over: 16 file(s) in the new vault" in result.stdout
    assert "left out kim/thoughts.md: its front matter says private: true" in result.stderr
    assert "left out kim/2026-06-02-max.md: it is a note about 'max', not 'kim'" in result.stderr
    files = every_file(dest)
    assert sorted(files) == sorted(
        [".gitignore", "HANDOVER.md", "ono.toml", "kim/2026-06-03.md", "templates/1on1.md.j2"]
        + [name for name in FILES if name.startswith("kim/")]
    )
    for name, data in files.items():
        assert MARKER not in data and OTHER not in data, name
        if name.startswith("kim/") and name != "kim/2026-06-03.md":
            assert data == (vault / name).read_bytes()  # byte for byte
    summary = files["HANDOVER.md"].decode()
    assert "# Handover: Kim Park (kim)" in summary
    assert "## Open items (0)" in summary  # both items were done
    assert "- Lead the billing migration · 6 mentions in the notes, latest 2026-06-22" in summary
    assert "private notes about kim, if any: they stay" in summary
    assert git.Repo(dest).git.log("--oneline").count("\n") == 0  # one commit
    assert status(dest) == ""
    report = run(dest, "report", "cadence", "--format", "json", today="2026-06-30")
    # kim's numbers, intact: the template came along, so its placeholders still count for nothing
    assert '"agenda_ownership": 0.3333333333333333' in report.stdout
    assert (status(vault), head(vault)) == before  # the old vault is untouched


def test_refuses_a_folder_that_is_not_empty_or_inside_the_vault(vault, run, tmp_path):
    taken = build_tree(tmp_path / "taken", {"notes.txt": "mine"})
    result = run(vault, "handover", "kim", str(taken), today="2026-06-30")
    assert result.exit_code == 2 and "exists and is not empty" in result.stderr
    assert every_file(taken) == {"notes.txt": b"mine"}
    inside = run(vault, "handover", "kim", str(vault / "handover"), today="2026-06-30")
    assert inside.exit_code == 2 and "inside this vault" in inside.stderr
    assert not (vault / "handover").exists()
    unknown = run(vault, "handover", "kym", str(tmp_path / "x"), today="2026-06-30")
    assert unknown.exit_code == 2 and not (tmp_path / "x").exists()


def test_into_an_empty_remote_without_sharing(vault, run, tmp_path):
    remote = bare_repo(tmp_path / "kim-handover.git")
    result = run(vault, "handover", "kim", str(remote), today="2026-06-30")
    assert result.exit_code == 0, result.output
    assert "pushed 1 commit(s)" in result.stdout
    blobs = list(every_blob(remote))
    assert {path for _, path, _ in blobs} >= {"HANDOVER.md", "ono.toml", "kim/profile.md"}
    for sha, path, data in blobs:
        assert MARKER not in data and OTHER not in data, (sha, path)
    again = run(vault, "handover", "kim", str(remote), today="2026-06-30")
    assert again.exit_code == 2 and "already has commits" in again.stderr


def test_a_shared_person_hands_over_their_shared_history(vault, run, tmp_path):
    # the misfiled private note and max's note leave kim/ (history keeps them), then kim is shared
    git.Repo(vault).git.mv("kim/thoughts.md", "private/kim/thoughts.md")
    git.Repo(vault).git.mv("kim/2026-06-02-max.md", "max/2026-06-02.md")
    commit_all(vault, "tidy kim/")
    shared_remote = bare_repo(tmp_path / "kim-shared.git")
    shared = run(vault, "share", "kim", str(shared_remote))
    assert shared.exit_code == 0, shared.output
    shared_head = head(vault / "kim")
    shared_commits = int(git.Repo(vault / "kim").git.rev_list("--count", "HEAD"))

    (vault / "kim" / "2026-07-13.md").write_text("---\ndate: 2026-07-13\n---\n# new\n")
    dirty = run(vault, "handover", "kim", str(bare_repo(tmp_path / "d.git")), today="2026-06-30")
    assert dirty.exit_code == 2 and "run ono sync kim first" in dirty.stderr
    (vault / "kim" / "2026-07-13.md").unlink()

    remote = bare_repo(tmp_path / "kim-handover.git")
    result = run(vault, "handover", "kim", str(remote), today="2026-06-30")
    assert result.exit_code == 0, result.output
    pushed = git.Repo(remote)
    assert int(pushed.git.rev_list("--count", "main")) == shared_commits + 1
    assert pushed.is_ancestor(shared_head, "main")  # the shared history, whole
    top = {item.path for item in pushed.commit("main").tree.traverse()}
    assert {"HANDOVER.md", "ono.toml", "profile.md", "2026-06-03.md", "2026-05-04.md"} <= top
    for sha, path, data in every_blob(remote):
        assert MARKER not in data and OTHER not in data, (sha, path)
    handover = pushed.commit("main").tree["HANDOVER.md"].data_stream.read().decode()
    assert f"shared with them through `{shared_remote}`" in handover
    assert head(vault / "kim") == shared_head and status(vault / "kim") == ""  # untouched
    # into a folder: the files, without the shared repository's own settings
    folder = tmp_path / "kim-folder"
    assert run(vault, "handover", "kim", str(folder), today="2026-06-30").exit_code == 0
    files = every_file(folder)
    assert (
        "kim/profile.md" in files and "kim/ono.toml" not in files and "kim/.gitignore" not in files
    )
    assert f"`{shared_remote}`" in files["HANDOVER.md"].decode()
    assert not any(MARKER in data or OTHER in data for data in files.values())


def test_a_private_file_in_the_shared_history_stops_the_handover(vault, run, tmp_path):
    git.Repo(vault).git.rm("-q", "kim/thoughts.md", "kim/2026-06-02-max.md")
    commit_all(vault, "tidy kim/")
    assert run(vault, "share", "kim", str(bare_repo(tmp_path / "s.git"))).exit_code == 0
    shared = git.Repo(vault / "kim")  # someone commits a private note by hand, with plain git
    (vault / "kim" / "secret.md").write_text(MISFILED)
    shared.git.add("secret.md")
    shared.git.commit("-q", "-m", "oops")
    shared.git.rm("-q", "secret.md")
    shared.git.commit("-q", "-m", "remove it")
    remote = bare_repo(tmp_path / "h.git")
    result = run(vault, "handover", "kim", str(remote), today="2026-06-30")
    assert result.exit_code == 2, result.output
    assert "shared history holds secret.md" in result.stderr
    assert not list(every_blob(remote))


def test_what_counts_as_a_remote(tmp_path):
    assert looks_like_remote("https://example.com/kim.git")
    assert looks_like_remote("git@example.com:team/kim.git")
    assert looks_like_remote(str(bare_repo(tmp_path / "b.git")))
    assert not looks_like_remote(str(tmp_path / "new-folder"))
    assert not looks_like_remote("relative/folder")


@pytest.mark.parametrize(("owner", "said"), [("@me", True), ("@dana", False), ("@meg", False)])
def test_items_written_at_me_are_pointed_out_in_handover_and_warning_alike(
    vault, run, tmp_path, owner, said
):
    """``@me`` means the new manager in the new vault; ``@dana`` still means Dana."""
    build_tree(vault, {"kim/2026-06-29.md": f"---\ndate: 2026-06-29\n---\n- [ ] {owner} book it\n"})
    commit_all(vault, "an open item")
    result = run(vault, "handover", "kim", str(tmp_path / "new"), today="2026-06-30")
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "new" / "HANDOVER.md").read_text()
    assert "## Open items (1)" in summary
    assert ("Items owned by `@me` were dana's" in summary) is said
    assert ("open items owned by @me were yours (dana)" in result.stderr) is said
