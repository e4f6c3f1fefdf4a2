"""``ono handover``: when a report changes manager, everything the new manager should have — the
profile, the person's notes, their open items and goals (in HANDOVER.md) — goes into a new vault
folder or an empty git repository. Never the previous manager's private notes, never notes about
anyone else. The old vault is not changed. See docs/insights.md.

- DEST a folder (new, or empty): a vault of its own (``ono.toml``, ``.gitignore``, the vault's
  note templates, ``SLUG/...``, ``HANDOVER.md``), made a git repository with one commit, as
  ``ono init`` does.
- DEST a remote (a URL, ``host:path``, or the path of a bare repository), which must be empty:
  when the person is shared (``SLUG/.git``), their shared repository's whole history is pushed
  with HANDOVER.md added on top; otherwise the same vault as for a folder, as one commit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ononotes.core.checks import check_slug
from ononotes.core.model import Config
from ononotes.errors import NoteError, UsageError
from ononotes.store.private import share_refusal
from ononotes.store.scaffold import person_folder
from ononotes.store.vault import (
    CONFIG_NAME,
    GITIGNORE,
    LOCAL_CONFIG_NAME,
    create_file,
    load_config,
    load_vault,
    read_bytes,
    relative,
    require_person,
)

HANDOVER_NAME = "HANDOVER.md"
SHARED_OWN_FILES = {CONFIG_NAME, LOCAL_CONFIG_NAME, ".gitignore"}  # a shared repo's own settings


@dataclass
class HandoverResult:
    """What ``hand_over`` did, for the command to tell."""

    slug: str
    dest: str
    remote: bool
    files: list[str] = field(default_factory=list)  # what DEST holds (for a remote: what was added)
    left_out: list[str] = field(default_factory=list)  # ``path: why`` of files not handed over
    warnings: list[str] = field(default_factory=list)
    history: int = 0  # commits pushed to a remote

    @property
    def summary(self) -> str:
        if self.remote:
            return (
                f"handed {self.slug} over: pushed {self.history} commit(s) to {self.dest}; "
                f"start with {HANDOVER_NAME}"
            )
        return (
            f"handed {self.slug} over: {len(self.files)} file(s) in the new vault {self.dest}; "
            f"start with {HANDOVER_NAME}"
        )


def looks_like_remote(dest: str) -> bool:
    """A git URL, ``host:path`` (git's rule: a colon before any slash; not a drive letter), or
    the path of an existing bare repository. Anything else is a folder."""
    if "://" in dest:
        return True
    colon, slash = dest.find(":"), dest.find("/")
    if colon > 1 and (slash < 0 or colon < slash):
        return True
    path = Path(dest).expanduser()
    return (
        path.is_dir()
        and (path / "HEAD").is_file()
        and (path / "objects").is_dir()
        and (path / "refs").is_dir()
    )


def handover_config(config: Config, previous: str, slug: str, today: dt.date) -> str:
    """The new vault's ono.toml: the old vault's cadence and section names, ``me`` to be set."""
    lines = [
        f"# ononotes vault: {slug}'s 1:1 notes, handed over by {previous} on {today} "
        "(ono handover).",
        "# Set me to your own slug (what @me means in new notes); read HANDOVER.md first.",
        'me = "me"',
        f"cadence = {json.dumps(config.cadence)}",
    ]
    default = Config()
    sections = [
        (key, getattr(config, key))
        for key in ("their_agenda", "my_agenda", "growth")
        if getattr(config, key) != getattr(default, key)
    ]
    if sections:
        lines += ["", "[sections]"]
        lines += [f"{key} = {json.dumps(list(names))}" for key, names in sections]
    return "\n".join(lines) + "\n"


def person_files(
    root: Path, vault, config: Config, slug: str, shared: bool
) -> tuple[dict[str, bytes], dict[str, str], list[str]]:
    """(files under ``SLUG/`` for the new vault, old path -> new path, ``path: why`` left out).

    Every file of the person's folder (``scaffold.person_folder``: ``People/Alice Moreno/`` for
    ``alice-moreno``; not hidden files, not a shared repository's own settings), and their notes
    kept elsewhere in the vault; a file that is private, about someone else or unreadable is
    left out (``private.share_refusal``, strict)."""
    folder = person_folder(vault, slug)
    inside_folder = f"{relative(root, folder)}/"
    files: dict[str, bytes] = {}
    where: dict[str, str] = {}
    left_out: list[str] = []

    def take(path: Path, inside: str) -> None:
        rel = relative(root, path)
        try:
            data = read_bytes(root, path)
        except NoteError as exc:
            left_out.append(f"{rel}: {exc.message}")
            return
        why = share_refusal(inside, data, slug, config.private_dir)
        if why:
            left_out.append(f"{rel}: {why}")
            return
        files[f"{slug}/{inside}"] = data
        where[rel] = f"{slug}/{inside}"

    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(current, name)
            inside = path.relative_to(folder).as_posix()
            if name.startswith(".") or (shared and inside in SHARED_OWN_FILES):
                continue
            if path.is_symlink():
                left_out.append(f"{relative(root, path)}: a symbolic link; not followed")
                continue
            take(path, inside)
    for note in vault.notes_for(slug):
        if note.path.startswith(inside_folder):
            continue
        name = Path(note.path).name
        if f"{slug}/{name}" in files:
            name = note.path.replace("/", "-")
        take(root / note.path, name)
    return files, where, left_out


def hand_over(root: Path, slug: str, dest: str, today: dt.date) -> HandoverResult:
    """Everything ``ono handover`` does but printing (see the module's docstring)."""
    from ononotes.adapters.git import check_remote_url, local_path_made_absolute, origin_url
    from ononotes.core.fields import written_as_me
    from ononotes.core.reports import open_items
    from ononotes.core.review import render_handover
    from ononotes.store.templates import template_placeholders

    check_slug(slug)
    config = load_config(root)
    if config.person:
        raise UsageError(
            f"this is {config.person}'s shared repository: run ono handover in your own vault"
        )
    vault = load_vault(root, config)
    require_person(vault, slug)
    shared = (root / slug / ".git").exists()
    remote = looks_like_remote(dest)
    files, keys, left_out = person_files(root, vault, config, slug, shared)
    result = HandoverResult(slug, dest, remote, left_out=left_out)
    where = dict(keys)  # old path -> path in what DEST gets
    if shared and remote:  # the shared repository's layout: the person's files at its top
        where = {old: new.removeprefix(f"{slug}/") for old, new in keys.items()}
    items = open_items(slug, vault.notes_for(slug), today)
    summary = render_handover(
        slug,
        vault.profiles.get(slug),
        config,
        vault.notes_for(slug),
        today,
        items,
        where=lambda path: where.get(path, path),
        placeholders=template_placeholders(root / config.templates_dir),
        previous=config.me,
        shared_remote=origin_url(root / slug) if shared else None,
    ).encode("utf-8")
    if any(written_as_me(item.text) for item in items):
        result.warnings.append(
            f"open items owned by @me were yours ({config.me}); in the new vault @me means the "
            f"new manager: {HANDOVER_NAME} says so"
        )
    message = f"ono handover {slug}: {slug}'s 1:1 notes for their new manager (from {config.me})"
    if remote:
        from ononotes.adapters.git import push_handover

        url = local_path_made_absolute(check_remote_url(dest))
        refuse = _history_refusal(slug, config.private_dir)
        if shared:
            added = {HANDOVER_NAME: summary}  # plus their notes kept outside their folder
            added |= {
                where[old]: files[keys[old]] for old in keys if not old.startswith(f"{slug}/")
            }
            outcome = push_handover(url, added, slug, refuse, root / slug, message)
        else:
            added = _vault_files(root, config, slug, today, files, summary)
            outcome = push_handover(url, added, slug, refuse, None, message)
        result.files, result.history = sorted(added), outcome.history
        result.warnings += outcome.warnings  # a remote whose default branch names another one
        return result
    result.files = sorted(_write_folder(root, Path(dest), config, slug, today, files, summary))
    from ononotes.adapters.git import commit_paths, ensure_repo

    target = Path(dest).expanduser().resolve()
    ensure_repo(target)
    commit_paths(target, result.files, message)
    return result


def _history_refusal(slug: str, private_dir: str):
    def refuse(path: str, data: bytes) -> str | None:
        return share_refusal(path, data, slug, private_dir, strict=False)

    return refuse


def _vault_files(
    root: Path, config: Config, slug: str, today: dt.date, files: dict[str, bytes], summary: bytes
) -> dict[str, bytes]:
    """The new vault: its settings, the vault's own note templates (the notes follow them, and
    the insights read their placeholder lines), the person's files and HANDOVER.md."""
    from ononotes.store.templates import TEMPLATE_SUFFIX

    templates = {}
    folder = root / config.templates_dir
    if folder.is_dir() and not folder.is_symlink():
        for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
            if path.is_file() and not path.is_symlink():
                templates[f"templates/{path.name}"] = read_bytes(root, path)
    return {
        CONFIG_NAME: handover_config(config, config.me, slug, today).encode("utf-8"),
        ".gitignore": GITIGNORE.encode("utf-8"),
        **templates,
        **files,
        HANDOVER_NAME: summary,
    }


def _write_folder(
    root: Path,
    dest: Path,
    config: Config,
    slug: str,
    today: dt.date,
    files: dict[str, bytes],
    summary: bytes,
) -> list[str]:
    """Write the new vault into ``dest``, which must be new or empty and outside the vault."""
    target = dest.expanduser().resolve()
    if target.is_relative_to(root.resolve()):
        raise UsageError(
            f"{dest} is inside this vault, which would read the copies as its own notes: "
            "choose a folder outside it"
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{dest} exists and is not empty: ono handover writes a new vault only")
    target.mkdir(parents=True, exist_ok=True)
    written = _vault_files(root, config, slug, today, files, summary)
    for name, data in written.items():
        create_file(target, target / name, data)  # type: ignore[arg-type]  # bytes are fine
    return list(written)
