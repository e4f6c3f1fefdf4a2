"""Helpers for the git tests: an isolated git configuration, bare remotes, clones, edits, and a
scan of every blob a repository holds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import git

GIT_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_ALLOW_PROTOCOL",
)
HOOKS = (
    "pre-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-rewrite",
    "post-checkout",
    "post-merge",
    "pre-push",
    "reference-transaction",
    "pre-auto-gc",
)


def isolate_git(tmp_path: Path, monkeypatch) -> Path:
    """Point git at a temporary global config (the manager's identity, branch main)."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Dana Manager\n\temail = dana@example.com\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in GIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return config


def bare_repo(path: Path) -> Path:
    git.Repo.init(path, bare=True, initial_branch="main")
    return path


def clone(remote: Path, dest: Path, me: str, name: str) -> Path:
    """The report's side: git clone, their own identity, ``me`` in the untracked local config."""
    repo = git.Repo.clone_from(str(remote), dest)
    with repo.config_writer() as writer:
        writer.set_value("user", "name", name)
        writer.set_value("user", "email", f"{me}@example.com")
    (dest / "ono.local.toml").write_text(f'me = "{me}"\n')
    return dest


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a file (by hand, as a person would), ``count`` times."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def insert_after(path: Path, line: str, added: str) -> None:
    """Add ``added`` on the line after the first line equal to ``line``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index(line)
    lines.insert(index + 1, added)
    path.write_text("\n".join(lines), encoding="utf-8")


def insert_under(path: Path, heading: str, added: str) -> None:
    """Add ``added`` under ``heading``, after the template's placeholder comment if any."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index(heading) + 1
    while index < len(lines) and lines[index].startswith("<!--") and lines[index].endswith("-->"):
        index += 1
    lines.insert(index, added)
    path.write_text("\n".join(lines), encoding="utf-8")


def commit_all(root: Path, message: str) -> None:
    """The manager's own git use in the vault: add everything git does not ignore, commit."""
    repo = git.Repo(root)
    repo.git.add("-A")
    if repo.is_dirty(index=True, working_tree=False):
        repo.git.commit("-q", "-m", message)


def head(path: Path, ref: str = "HEAD") -> str:
    return git.Repo(path).git.rev_parse(ref)


def status(path: Path) -> str:
    return git.Repo(path).git.status("--porcelain", "--untracked-files=all")


def in_progress(path: Path) -> list[str]:
    git_dir = Path(git.Repo(path).git_dir)
    return [n for n in ("rebase-merge", "rebase-apply", "MERGE_HEAD") if (git_dir / n).exists()]


def every_blob(path: Path) -> Iterator[tuple[str, str, bytes]]:
    """(commit, path, content) of every file in every commit reachable from any ref."""
    repo = git.Repo(path)
    for sha in repo.git.rev_list("--all").split():
        commit = repo.commit(sha)
        for item in commit.tree.traverse():
            if item.type == "blob":
                yield sha, item.path, item.data_stream.read()


def every_message(path: Path) -> list[str]:
    repo = git.Repo(path)
    return [repo.commit(sha).message for sha in repo.git.rev_list("--all").split()]


def install_hooks(repo_path: Path, markers: Path) -> None:
    """Hooks that each leave a marker file when git runs them."""
    hooks = Path(git.Repo(repo_path).git_dir) / "hooks"
    hooks.mkdir(exist_ok=True)
    for name in HOOKS:
        hook = hooks / name
        hook.write_text(f'#!/bin/sh\ntouch "{markers / name}"\nexit 0\n')
        os.chmod(hook, 0o755)
