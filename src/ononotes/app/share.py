"""Sharing one person's 1:1 notes with them through git: ``ono share`` and ``ono sync``.

A shared person's folder is a git repository of its own (``<vault>/<slug>/.git``) whose origin
both sides push to; the report works in a clone of it. This module decides what may be shared
and what the shared repository holds; ``gitsync`` does the git work. See docs/sharing.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ononotes.adapters.git import local_path_made_absolute
from ononotes.core.checks import check_slug
from ononotes.core.fields import OWNER_RE, is_slug
from ononotes.errors import GitError, OnoError, UsageError
from ononotes.store.private import share_refusal
from ononotes.store.vault import (
    CONFIG_NAME,
    LOCAL_CONFIG_NAME,
    create_file,
    load_config,
    load_vault,
)

SHARED_GITIGNORE = (
    "# ononotes: this copy's own settings and cache are never shared\n"
    f"{LOCAL_CONFIG_NAME}\n.ono/\n.DS_Store\n*.swp\n*~\n"
)


def shared_config_text(slug: str) -> str:
    """The ``ono.toml`` of a shared repository: whose notes these are, and no ``me``."""
    return (
        f"# ononotes: the shared 1:1 notes of {slug} (see docs/sharing.md).\n"
        f"# `me` is set by each copy in {LOCAL_CONFIG_NAME}, which is not shared.\n"
        f'person = "{slug}"\n'
    )


@dataclass
class ShareResult:
    """What ``ono share`` did, for the command to tell."""

    slug: str
    folder: Path
    remote: str
    pushed: int
    history: int
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def shared_people(root: Path) -> list[str]:
    """The people of the vault whose folder is a repository of its own."""
    return sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and is_slug(entry.name) and (entry / ".git").exists()
    )


def share_person(root: Path, slug: str, remote: str) -> ShareResult:
    """Move ``slug``'s folder into a repository of its own, with the history of its files, push
    it to ``remote`` and make the vault stop tracking it. Nothing else of the vault goes there:
    not other people, not private notes, not ono.toml or templates."""
    from ononotes.adapters.git import check_remote_url, share_folder

    check_slug(slug)
    remote = local_path_made_absolute(check_remote_url(remote))
    config = load_config(root)
    if config.person:
        raise UsageError(
            f"this is {config.person}'s shared repository: run ono share in your vault"
        )
    folder = root / slug
    if not folder.is_dir():
        raise UsageError(
            f"no folder {slug}/ in {root}: add the person first (ono person add {slug})"
        )
    if (folder / ".git").exists():
        raise UsageError(f"{slug} is already shared ({slug}/.git exists): run ono sync {slug}")
    for name in (CONFIG_NAME, LOCAL_CONFIG_NAME):
        if (folder / name).exists():
            raise UsageError(
                f"{slug}/{name} already exists; ono share writes its own: move it away first"
            )
    warnings = _share_warnings(root, slug, config)
    refuse = partial(share_refusal, person=slug, private_dir=config.private_dir)
    outcome = share_folder(
        folder,
        remote,
        refuse=refuse,
        keep=lambda path, data: (
            share_refusal(path, data, slug, config.private_dir, strict=False) is None
        ),
        new_files={CONFIG_NAME: shared_config_text(slug), ".gitignore": SHARED_GITIGNORE},
        label=slug,
    )
    if config.me != "me":  # so that @me still means the manager in their copy of the folder
        create_file(folder, folder / LOCAL_CONFIG_NAME, f'me = "{config.me}"\n')
    return ShareResult(
        slug, folder, remote, outcome.pushed, outcome.history, outcome.dropped, warnings
    )


def _share_warnings(root: Path, slug: str, config) -> list[str]:
    """What the manager should know before sharing: notes about the person kept elsewhere (not
    shared), and items owned by @me (which, in the shared copy, means whoever reads it)."""
    vault = load_vault(root, config)
    warnings = []
    for note in vault.notes_for(slug):
        if not note.path.startswith(f"{slug}/"):
            warnings.append(f"{note.path}: a note about {slug} outside {slug}/; it is not shared")
            continue
        for item in note.items:
            match = OWNER_RE.search(item.text)
            if match and match.group(1).casefold() == "me":
                warnings.append(
                    f"{note.path}:{item.line}: @me means whoever reads the shared copy; "
                    f"write @{config.me if config.me != 'me' else 'your-slug'} instead"
                )
    return warnings


# -- sync -----------------------------------------------------------------------------------------


@dataclass
class SyncResult:
    """One shared repository's sync: what it did, or the one-line error."""

    person: str
    path: Path
    committed: list[str] = field(default_factory=list)
    pulled: int = 0
    pushed: int = 0
    error: str | None = None

    @property
    def summary(self) -> str:
        if self.error:
            return self.error
        done = []
        if self.committed:
            done.append(f"committed {', '.join(self.committed)}")
        if self.pulled:
            done.append(f"pulled {self.pulled} commit(s)")
        if self.pushed:
            done.append(f"pushed {self.pushed} commit(s)")
        return f"{self.person}: {'; '.join(done) if done else 'up to date'}"


def sync_targets(root: Path, slug: str | None) -> list[tuple[str, Path]]:
    """(person, repository) to sync: inside a shared repository that repository, else each
    shared person of the vault, or just ``slug``."""
    config = load_config(root)
    if config.person:
        if slug is not None and slug != config.person:
            raise UsageError(f"this repository holds {config.person}'s notes, not {slug}'s")
        return [(config.person, root)]
    shared = shared_people(root)
    if slug is not None:
        check_slug(slug)
        if slug not in shared:
            raise UsageError(f"{slug} is not shared: run ono share {slug} REMOTE first")
        return [(slug, root / slug)]
    if not shared:
        raise UsageError("nothing is shared in this vault yet: ono share SLUG REMOTE")
    return [(person, root / person) for person in shared]


def sync_shared(root: Path, slug: str | None = None) -> list[SyncResult]:
    """Commit, integrate the remote's commits and push, for each shared repository; a failure
    in one does not stop the others (each result carries its error)."""
    from ononotes.adapters.git import sync_repo

    config = load_config(root)
    results = []
    for person, path in sync_targets(root, slug):
        refuse = partial(share_refusal, person=person, private_dir=config.private_dir)
        result = SyncResult(person, path)
        try:
            outcome = sync_repo(path, person, refuse)
        except OnoError as exc:
            result.error = str(exc)
        else:
            result.committed = outcome.committed
            result.pulled, result.pushed = outcome.pulled, outcome.pushed
        results.append(result)
    return results


def raise_for_failures(results: list[SyncResult]) -> None:
    """One GitError naming every repository that failed (a line each)."""
    failures = [result.error for result in results if result.error]
    if failures:
        raise GitError("\n".join(failures))
