"""gitsync: remote URL checks, the history split, hooks, and the vault's own commits next to
shared folders. Real git in tmp_path, with GIT_CONFIG_GLOBAL pointed at a temporary file."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from ononotes.adapters.git import (
    check_remote_url,
    commit_paths,
    display_url,
    in_shared_folder,
    install_hook,
    refused_in_commits,
    share_folder,
    split_history,
    sync_repo,
)
from ononotes.errors import GitError, UsageError
from ononotes.store.private import share_refusal

from .git_helpers import bare_repo, every_blob, install_hooks, isolate_git, status


@pytest.fixture(autouse=True)
def git_config(tmp_path, monkeypatch):
    return isolate_git(tmp_path, monkeypatch)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def commit(repo, files: dict[str, str | None], message: str) -> str:
    """Write (or, for None, delete) files and commit them with plain git."""
    root = Path(repo.working_tree_dir)
    for name, text in files.items():
        if text is None:
            repo.git.rm("-q", name)
        else:
            write(root, {name: text})
            repo.git.add(name)
    repo.git.commit("-q", "-m", message)
    return repo.head.commit.hexsha


def keep_for(person: str):
    return lambda path, data: share_refusal(path, data, person, "private", strict=False) is None


# -- remote URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/pwned",
        "--upload-pack=touch /tmp/x",
        "-x",
        "ext://sh",
        "fd::3",
        "codecommit::eu-west-1://repo",
        "::path",
        "ssh://-oProxyCommand=touch%20x/repo",
        "git@-oProxyCommand=x:repo",
        "javascript://x",
        "",
        "path\nwith newline",
    ],
)
def test_unsafe_remotes_are_refused(url):
    with pytest.raises(UsageError, match="refusing remote"):
        check_remote_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "/srv/shared/alice.git",
        "../alice.git",
        "git@github.com:team/alice-1on1.git",
        "ssh://git@host:2222/team/alice.git",
        "https://host/team/alice.git",
        "file:///srv/alice.git",
        "C:/shares/alice.git",
    ],
)
def test_ordinary_remotes_are_accepted(url):
    assert check_remote_url(url) == url


def test_credentials_never_appear_in_messages():
    assert display_url("https://dana:s3cret@host/team/a.git") == "https://host/team/a.git"
    with pytest.raises(UsageError) as caught:
        check_remote_url("gopher://dana:s3cret@host/a")
    assert "s3cret" not in str(caught.value)


# -- the history split ----------------------------------------------------------------------------


@pytest.fixture
def vault_repo(tmp_path):
    """A vault whose history mixes alice's files with bob's, the config and a private note."""
    repo = git.Repo.init(tmp_path / "vault", initial_branch="main")
    commit(
        repo,
        {
            "ono.toml": 'me = "dana"\n',
            "alice/profile.md": "---\nname: Alice\n---\n",
            "bob/profile.md": "---\nname: Bob\n---\n",
        },
        "start: bob and alice",
    )
    commit(
        repo,
        {"alice/2026-11-02.md": "---\nperson: alice\ndate: 2026-11-02\n---\nfirst\n"},
        "ono new alice 2026-11-02",
    )
    commit(
        repo,
        {"bob/2026-11-02.md": "---\nperson: bob\ndate: 2026-11-02\n---\nBOB-ONLY\n"},
        "ono new bob",
    )
    commit(
        repo, {"alice/secret.md": "---\nprivate: true\n---\nPRIVATE-ONLY\n"}, "a secret about alice"
    )
    commit(repo, {"alice/secret.md": None}, "secret moved away")
    repo.git.switch("-q", "-c", "side")
    commit(
        repo,
        {"alice/2026-11-09.md": "---\nperson: alice\ndate: 2026-11-09\n---\nsecond\n"},
        "side: alice",
    )
    repo.git.switch("-q", "main")
    commit(
        repo,
        {"bob/2026-11-09.md": "---\nperson: bob\ndate: 2026-11-09\n---\nBOB-ONLY\n"},
        "main: bob",
    )
    repo.git.merge("-q", "--no-edit", "side")
    return repo


def test_split_keeps_exactly_the_folder_with_its_history(vault_repo):
    new_head, dropped = split_history(vault_repo, "alice", keep_for("alice"), "alice")

    assert dropped == ["secret.md"]
    split = vault_repo.commit(new_head)
    assert split.tree.hexsha == (vault_repo.head.commit.tree / "alice").hexsha
    history = list(vault_repo.iter_commits(new_head))
    messages = [c.message.strip() for c in history]
    assert "ono new alice 2026-11-02" in messages and "side: alice" in messages
    assert not [m for m in messages if "bob" in m or "secret" in m]  # mixed commits lose theirs
    for c in history:
        for item in c.tree.traverse():
            data = item.data_stream.read() if item.type == "blob" else b""
            assert b"BOB-ONLY" not in data and b"PRIVATE-ONLY" not in data and b"dana" not in data
            assert "/" not in item.path and item.path != "ono.toml"
    original = {c.message.strip(): c for c in vault_repo.iter_commits("HEAD")}
    kept = next(c for c in history if c.message.strip() == "ono new alice 2026-11-02")
    assert kept.authored_date == original["ono new alice 2026-11-02"].authored_date
    assert kept.author.email == original["ono new alice 2026-11-02"].author.email


def test_split_is_deterministic(vault_repo):
    first, _ = split_history(vault_repo, "alice", keep_for("alice"), "alice")
    second, _ = split_history(vault_repo, "alice", keep_for("alice"), "alice")
    assert first == second


def test_split_of_a_folder_never_committed_is_empty(vault_repo):
    assert split_history(vault_repo, "carol", keep_for("carol"), "carol") == (None, [])


def test_share_folder_pushes_the_split_and_the_vault_forgets_the_folder(vault_repo, tmp_path):
    root = Path(vault_repo.working_tree_dir)
    remote = bare_repo(tmp_path / "alice.git")
    refuse = lambda path, data: share_refusal(path, data, "alice", "private")  # noqa: E731

    outcome = share_folder(
        root / "alice",
        str(remote),
        refuse,
        keep_for("alice"),
        {"ono.toml": 'person = "alice"\n'},
        "alice",
    )

    assert outcome.dropped == ["secret.md"] and outcome.pushed == outcome.history + 1
    paths = {path for _, path, _ in every_blob(remote)}
    assert paths == {"profile.md", "2026-11-02.md", "2026-11-09.md", "ono.toml"}
    assert (
        "alice/" not in vault_repo.git.ls_files() and "/alice/" in (root / ".gitignore").read_text()
    )
    assert status(root) == "" and status(root / "alice") == ""
    assert not [r for r in vault_repo.git.for_each_ref().splitlines() if "refs/ono" in r]
    shared = git.Repo(root / "alice")
    assert shared.active_branch.tracking_branch().name == "origin/main"


# -- sync internals -------------------------------------------------------------------------------


def test_sync_needs_a_branch_and_an_origin(tmp_path):
    repo = git.Repo.init(tmp_path / "lonely", initial_branch="main")
    commit(repo, {"a.md": "x\n"}, "one")
    with pytest.raises(GitError, match="no remote 'origin'"):
        sync_repo(tmp_path / "lonely", "alice", lambda path, data: None)
    repo.git.checkout("-q", "--detach")
    with pytest.raises(GitError, match="detached HEAD"):
        sync_repo(tmp_path / "lonely", "alice", lambda path, data: None)


def test_gitpython_index_commit_would_run_hooks_which_is_why_ono_uses_git_commit(tmp_path):
    """The claim that ``repo.index.commit`` skips hooks does not hold: it runs pre-commit."""
    repo = git.Repo.init(tmp_path / "r", initial_branch="main")
    markers = tmp_path / "markers"
    markers.mkdir()
    install_hooks(tmp_path / "r", markers)
    write(tmp_path / "r", {"a.md": "x\n"})
    repo.index.add(["a.md"])
    repo.index.commit("by GitPython")
    assert (markers / "pre-commit").exists()


# -- the vault's own commits ----------------------------------------------------------------------


def test_the_vault_does_not_commit_inside_a_shared_folder(tmp_path):
    root = tmp_path / "vault"
    vault = git.Repo.init(root, initial_branch="main")
    commit(vault, {"ono.toml": "", "carol/a.md": "x\n"}, "start")
    git.Repo.init(root / "alice", initial_branch="main")
    write(root, {"alice/2026-11-02.md": "a\n", "carol/b.md": "b\n"})
    assert in_shared_folder(root, "alice/2026-11-02.md") and not in_shared_folder(
        root, "carol/b.md"
    )
    assert commit_paths(root, ["alice/2026-11-02.md"], "nothing to do") is False
    assert commit_paths(root, ["alice/2026-11-02.md", "carol/b.md"], "carol only") is True
    assert vault.git.ls_files().split() == ["carol/a.md", "carol/b.md", "ono.toml"]


# -- what a push carries; the guard's hook --------------------------------------------------------


def test_refused_in_commits_reads_each_version_pushed_once(tmp_path):
    repo = git.Repo.init(tmp_path / "r", initial_branch="main")
    base = commit(repo, {"a.md": "---\ndate: 2026-11-02\n---\n"}, "base")
    commit(repo, {"secret.md": "---\nprivate: true\n---\n"}, "a secret")
    commit(repo, {"secret.md": None}, "gone again")  # still in what a push carries
    (tmp_path / "r" / "link.md").symlink_to("/etc/passwd")
    repo.git.add("link.md")
    repo.git.commit("-q", "-m", "a link: git stores its target's name only")
    refuse = lambda path, data: share_refusal(path, data, "alice", "private")  # noqa: E731

    problems = refused_in_commits(repo, ["HEAD", f"^{base}"], refuse)

    assert len(problems) == 1 and problems[0].startswith("secret.md (commit ")
    assert problems[0].endswith("its front matter says private: true")
    assert refused_in_commits(repo, ["HEAD", "^HEAD~1"], refuse) == []


def test_install_hook_replaces_only_its_own(tmp_path):
    repo = git.Repo.init(tmp_path / "r", initial_branch="main")
    hook = Path(repo.git_dir) / "hooks" / "pre-push"
    assert install_hook(tmp_path / "r", "pre-push", "#!/bin/sh\n# ononotes-managed-hook\n") is None
    assert hook.stat().st_mode & 0o111
    assert (
        install_hook(tmp_path / "r", "pre-push", "#!/bin/sh\n# ononotes-managed-hook 2\n") is None
    )
    assert hook.read_text().endswith("2\n")
    hook.write_text("#!/bin/sh\nexit 0\n")
    assert "is not ono's" in install_hook(tmp_path / "r", "pre-push", "# ononotes-managed-hook")
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    with repo.config_writer() as writer:
        writer.set_value("core", "hooksPath", str(tmp_path / "elsewhere"))
    assert "core.hooksPath is set" in install_hook(tmp_path / "r", "pre-push", "x")


def test_the_vault_commit_refuses_a_stale_lock_and_creates_none(tmp_path):
    root = tmp_path / "vault"
    repo = git.Repo.init(root, initial_branch="main")
    commit(repo, {"ono.toml": ""}, "start")
    (root / ".git" / "HEAD.lock").write_text("")
    write(root, {"carol/a.md": "x\n"})
    with pytest.raises(GitError, match="HEAD.lock exists: another git is running"):
        commit_paths(root, ["carol/a.md"], "carol")
    assert sorted(p.name for p in (root / ".git").glob("*.lock")) == ["HEAD.lock"]
    assert status(root) == "?? carol/a.md"
