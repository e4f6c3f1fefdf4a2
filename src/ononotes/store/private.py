"""The manager's private notes, and the rules that keep them (and anything else that is not the
person's own) out of a shared repository.

A private note is a sidecar of one meeting: ``<private_dir>/<slug>/<meeting file name>``, at the
top of the vault, where note discovery never looks and which is never inside a shared person
folder — also when ono runs inside one (``private_folder``). Its front matter says
``private: true`` so that, should it ever be copied into a shared folder, ``ono sync`` refuses to
commit it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ononotes.core.model import Config
from ononotes.errors import UsageError
from ononotes.store.vault import (
    CONFIG_NAME,
    PROFILE_NAME,
    Vault,
    create_file,
    load_config,
    read_bytes,
    relative,
)

PRIVATE_FLAG_RE = re.compile(
    r"^private[ \t]*:[ \t]*['\"]?(true|yes|on)['\"]?[ \t]*(#.*)?$", re.I | re.M
)


@dataclass(frozen=True)
class PrivateNote:
    """One private note: where it is (relative to the vault), the meeting's date, its text."""

    path: str
    person: str
    date: dt.date | None
    text: str


def private_note_path(root: Path, config: Config, slug: str, meeting_path: Path) -> Path:
    """The sidecar of the meeting ``meeting_path``: ``<private folder>/<slug>/<same file name>``."""
    return private_folder(root, config) / slug / meeting_path.name


def private_folder(root: Path, config: Config) -> Path:
    """Where the private notes of the vault at ``root`` go: its ``private`` folder. A shared
    person's repository (``person`` in its ono.toml) is never that place, since everything in it
    may be shared: there it is the private folder of the vault that holds the repository (the
    manager's folder ``<vault>/<slug>/``), or the ``private`` setting when it names a folder
    outside the repository (set in ono.local.toml); else a UsageError."""
    if not config.person:
        return root / config.private_dir
    own = (root / Path(config.private_dir).expanduser()).resolve()
    if not own.is_relative_to(root.resolve()):
        return own
    for folder in root.resolve().parents:
        if (folder / CONFIG_NAME).is_file():
            outer = load_config(folder)
            if not outer.person:
                return folder / outer.private_dir
    raise UsageError(
        f"this is {config.person}'s shared repository, and a private note in it could be "
        f'shared: keep private notes in a vault of your own, or set private = "/a/folder" '
        "outside this repository in ono.local.toml"
    )


def private_note_text(slug: str, date: dt.date, meeting: str) -> str:
    """A new private note: front matter marking it private, a heading, nothing else."""
    return (
        f"---\nprivate: true\nperson: {slug}\nmeeting: {meeting}\nmeeting_date: {date.isoformat()}\n---\n"
        f"# Private · {slug} · {date.isoformat()}\n\n"
        "<!-- Only in your vault: never shared with them, never in a shared repository. -->\n\n"
    )


def create_private_note(root: Path, slug: str, date: dt.date, meeting_path: Path) -> Path:
    """Write the private sidecar of a meeting atomically; refuses (UsageError) if it exists."""
    config = load_config(root)
    path = private_note_path(root, config, slug, meeting_path)
    home = root  # the vault it is written in: in a shared repository, the one holding it
    if config.person:
        home = next((p for p in path.parents if (p / CONFIG_NAME).is_file()), path.parent)
    create_file(home, path, private_note_text(slug, date, relative(home, meeting_path)))
    return path


def read_private_notes(root: Path, slug: str, config: Config | None = None) -> list[PrivateNote]:
    """The private notes about ``slug``, oldest first (for ``ono prep`` and the reports)."""
    from ononotes.core.parse import FileProblem, decode, read_document
    from ononotes.errors import NoteError

    config = config or load_config(root)
    try:
        folder = private_folder(root, config) / slug
    except UsageError:
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.md")):
        try:
            text = decode(read_bytes(root, path))
        except (NoteError, FileProblem):
            continue
        try:
            meta = read_document(text).meta or {}
        except FileProblem:
            meta = {}
        found.append(PrivateNote(relative(root, path), slug, _note_date(meta, path.name), text))
    return sorted(found, key=lambda note: (note.date or dt.date.min, note.path))


def _note_date(meta: dict, name: str) -> dt.date | None:
    value = meta.get("meeting_date")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or name[:10]))
    except ValueError:
        return None


# -- what may never enter a shared repository -----------------------------------------------------


def share_refusal(
    path: str, data: bytes, person: str, private_dir: str, strict: bool = True
) -> str | None:
    """Why the file at ``path`` (relative to a shared repository) must not be committed there, or
    None when it may be: it is under a private folder, its front matter says ``private: true``,
    or it is a note about someone else. A note whose front matter cannot be read is refused too
    when ``strict`` (ono cannot tell what it is); history replay passes False and keeps it unless
    a ``private:`` line is plain to see. Pure: the caller reads the bytes."""
    parts = PurePosixPath(path).parts
    private_names = {"private", PurePosixPath(private_dir).name}
    if any(part in private_names for part in parts[:-1]):
        return "it is in a private folder"
    if not path.endswith(".md"):
        return None
    meta, problem = _front_matter(data)
    if meta is None:
        return (
            f"ono cannot read it ({problem}), so cannot tell whether it is private"
            if strict
            else None
        )
    if _truthy(meta.get("private")):
        return "its front matter says private: true"
    other = meta.get("person")
    if other is not None and str(other).strip().lower() != person:
        return f"it is a note about {str(other).strip().lower()!r}, not {person!r}"
    return None


def shareable(path: str, data: bytes) -> bool:
    """Whether a new file at ``path`` (relative to a shared repository) is of a kind ono shares:
    a note (Markdown whose front matter has a ``date``), the person's ``profile.md``, and the
    repository's own ``ono.toml`` and ``.gitignore``. Anything else — a review draft, a scratch
    file, an image — stays on this side. A note whose front matter cannot be read is left to
    ``share_refusal``. Pure: the caller reads the bytes."""
    if path in (CONFIG_NAME, ".gitignore", PROFILE_NAME):
        return True
    if not path.endswith(".md"):
        return False
    meta, _problem = _front_matter(data)
    return meta is None or "date" in meta


def _front_matter(data: bytes) -> tuple[dict | None, str | None]:
    """(front matter or {} without any, None), or (None, why) when it cannot be read and no plain
    ``private:`` line settles the question."""
    from ononotes.core.parse import FileProblem, decode, read_document

    try:
        text = decode(data)
    except FileProblem:
        return {}, None  # not text: not a note, nothing in it can say private
    try:
        return read_document(text).meta or {}, None
    except FileProblem as exc:
        head = text.split("\n---", 2)[0] if text.startswith("---") else ""
        if PRIVATE_FLAG_RE.search(head):
            return {"private": True}, None
        return None, f"line {exc.line}: {exc.message}" if exc.line else exc.message


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "on", "1"}
    return bool(value)


def private_note_texts(vault: Vault, slug: str) -> list[tuple[str, dt.date | None, str]]:
    """The manager's private notes about ``slug`` as (path, date, text)."""
    return [(n.path, n.date, n.text) for n in read_private_notes(vault.root, slug, vault.config)]
