"""Everything git. The only module that imports GitPython."""

from __future__ import annotations

from pathlib import Path

from .errors import GitError


def _git():
    import git

    return git


def ensure_repo(root: Path):
    """The git repository at ``root``, created if there is none."""
    git = _git()
    try:
        return git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return git.Repo.init(root)


def commit_paths(root: Path, paths: list[str], message: str) -> bool:
    """Stage ``paths`` (relative to ``root``) and commit them; False when there was nothing to
    commit. A failure leaves the index as it was."""
    git = _git()
    repo = ensure_repo(root)
    try:
        repo.index.add(paths)
        if repo.head.is_valid() and not repo.index.diff("HEAD"):
            return False
        repo.index.commit(message, author=_signature(repo), committer=_signature(repo))
        return True
    except git.GitError as exc:
        raise GitError(f"git commit failed: {exc}") from None


def _signature(repo):
    git = _git()
    reader = repo.config_reader()
    name = reader.get_value("user", "name", "ononotes")
    email = reader.get_value("user", "email", "ono@localhost")
    return git.Actor(str(name), str(email))
