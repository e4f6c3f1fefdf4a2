"""The vaults an editor's files live in, read through the same store as the CLI, with the
editor's open buffers over the files on disk: a note being edited counts as its buffer says,
for its own diagnostics and for every chain it is part of.

No pygls here: the server hands this module paths and texts, and asks it for notes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ononotes.core.layout import is_template_folder
from ononotes.core.model import Config, Note, Problem, Profile
from ononotes.errors import OnoError
from ononotes.store.vault import (
    CACHE_DIR,
    CONFIG_NAME,
    PROFILE_NAME,
    VaultIndex,
    holds_notes,
    index_vault,
    load_config,
    person_of_folder,
    read_bytes,
    relative,
)


class NotInVault(Exception):
    """A file the server has nothing to say about, and why (one line for the editor's log)."""


@dataclass(frozen=True)
class Roster:
    """Everyone with a note or a profile, and the profiles."""

    people: tuple[str, ...]
    profiles: dict[str, Profile]


@dataclass(frozen=True)
class OpenFile:
    """A file of a vault as the editor has it now: its buffer when open, else the disk."""

    vault: VaultState
    path: Path
    rel: str  # relative to the vault, with forward slashes
    lines: tuple[str, ...]
    person: str | None
    note: Note | None = None
    profile: Profile | None = None
    problems: tuple[Problem, ...] = ()


@dataclass
class VaultState:
    """One vault's config, index, roster and each person's notes on disk, read when first
    asked for and kept until files change on disk (``forget``): one stat of each file, however
    many requests."""

    root: Path
    config: Config
    _index: VaultIndex | None = None
    _roster: Roster | None = None
    _notes: dict[str, list[Note]] = field(default_factory=dict)
    _placeholders: frozenset[str] | None = None

    def index(self) -> VaultIndex:
        if self._index is None:
            self._index = index_vault(self.root, self.config)
        return self._index

    def people(self) -> tuple[str, ...]:
        """Everyone with a note or a profile, from the index alone: the people an unchanged
        folder's saved index names, and those of the rows read (no profile decoded)."""
        if self._roster is not None:
            return self._roster.people
        index = self.index()
        found: set[str] = set().union(*index.people.values())
        found |= {person for _, kind, person in index.known.values() if person and kind.rstrip("+")}
        return tuple(sorted(found))

    def roster(self) -> Roster:
        """Everyone with a note or a profile, and the profiles (the only files decoded)."""
        if self._roster is None:
            rows = self.index().rows
            people = {person for _, kind, person in rows.values() if person and kind.rstrip("+")}
            paths = [path for path, (_, kind, _) in rows.items() if kind.rstrip("+") == "profile"]
            decoded = self.index().decode(paths)
            profiles = {
                record.slug: record for kind, record, _ in decoded.values() if kind == "profile"
            }
            self._roster = Roster(tuple(sorted(people | set(profiles))), profiles)
        return self._roster

    def disk_notes(self, slug: str) -> list[Note]:
        """``slug``'s notes as the disk has them, in (date, file name) order: theirs alone
        decoded, as ``load_vault(person=slug)`` does."""
        if slug not in self._notes:
            index = self.index()
            decoded = index.decode(list(index.rows_about(slug)))
            notes = [record for kind, record, _ in decoded.values() if kind == "note"]
            self._notes[slug] = sorted(
                (note for note in notes if note.person == slug), key=lambda note: note.sort_key
            )
        return self._notes[slug]

    def placeholders(self) -> frozenset[str]:
        """The templates' literal lines, which count as nothing written (SPEC §9)."""
        if self._placeholders is None:
            from ononotes.store.templates import template_placeholders

            self._placeholders = template_placeholders(self.root / self.config.templates_dir)
        return self._placeholders

    def forget(self) -> None:
        """Files changed on disk: read everything again when next asked."""
        self.close()
        self._index, self._roster, self._placeholders = None, None, None
        self._notes.clear()

    def close(self) -> None:
        if self._index is not None and self._index.cache is not None:
            self._index.cache.close()


def vault_root_of(path: Path, folders: list[Path]) -> Path | None:
    """The vault ``path`` is in: the nearest folder above it with ``ono.toml``, else the
    deepest workspace folder holding it that looks like a vault (``holds_notes``), else
    ``$ONO_VAULT`` when it holds it; None for a file outside every vault."""
    for folder in path.parents:
        if (folder / CONFIG_NAME).is_file():
            return folder
    candidates = [*sorted(folders, key=lambda f: len(f.parts), reverse=True)]
    if os.environ.get("ONO_VAULT"):
        candidates.append(Path(os.environ["ONO_VAULT"]).expanduser().resolve())
    for folder in candidates:
        if path.is_relative_to(folder) and folder.parent != folder and holds_notes(folder):
            return folder
    return None


def ignored_reason(rel: str, config: Config) -> str | None:
    """Why a file of the vault is none of its notes (hidden, a template, a private note, not
    Markdown), or None."""
    parts = rel.split("/")
    if not parts[-1].endswith(".md"):
        return "not a Markdown file"
    if any(part.startswith(".") for part in parts) or parts[0] == CACHE_DIR:
        return "in a hidden folder"
    folders = parts[:-1]
    if any(is_template_folder(part) for part in folders) or (
        rel.startswith(config.templates_dir.rstrip("/") + "/")
    ):
        return "a template, not a note"
    if folders and folders[0] == config.private_dir:
        return "a private note"
    return None


def parse_file(vault: VaultState, path: Path, rel: str, data: bytes | str) -> OpenFile:
    """A file's text read as ono reads it (SPEC §1, §2): a profile, a meeting note, or
    neither; never raises for what the text holds."""
    from ononotes.core.parse import FileProblem, decode, parse_note, parse_profile, split_lines

    try:
        text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except FileProblem as exc:
        return OpenFile(vault, path, rel, (), None, problems=(Problem(rel, exc.line, exc.message),))
    lines = tuple(split_lines(text))
    folder, _, name = rel.rpartition("/")
    config = vault.config
    person = person_of_folder(vault.root, config, folder)
    if name == PROFILE_NAME and person is not None:
        profile, problems = parse_profile(text, rel, person)
        if profile is None or "date" not in profile.meta:
            return OpenFile(vault, path, rel, lines, person, None, profile, tuple(problems))
    note, problems = parse_note(text, rel, person, config.me)
    owner = note.person if note is not None else person
    return OpenFile(vault, path, rel, lines, owner, note, None, tuple(problems))


class EditorWorkspace:
    """The open buffers, and the vaults of the files the editor asks about."""

    def __init__(self, folders: list[Path] | None = None) -> None:
        self.folders: list[Path] = list(folders or [])
        self.buffers: dict[Path, str] = {}
        self.vaults: dict[Path, VaultState] = {}
        self._parsed: dict[Path, tuple[str, OpenFile]] = {}

    # -- buffers --------------------------------------------------------------------------------

    def open(self, path: Path, text: str) -> None:
        self.buffers[path] = text

    change = open

    def close(self, path: Path) -> None:
        self.buffers.pop(path, None)
        self._parsed.pop(path, None)

    # -- vaults ---------------------------------------------------------------------------------

    def vault_of(self, path: Path) -> VaultState:
        """The vault ``path`` is in; NotInVault when there is none, or it cannot be read."""
        root = vault_root_of(path, self.folders)
        if root is None:
            raise NotInVault(f"{path}: not in an ono vault (no {CONFIG_NAME} above it)")
        state = self.vaults.get(root)
        if state is None:
            try:
                state = VaultState(root, load_config(root))
            except OnoError as exc:
                raise NotInVault(f"{root / (exc.path or CONFIG_NAME)}: {exc.message}") from None
            self.vaults[root] = state
        return state

    def read(self, path: Path) -> OpenFile:
        """``path`` as the editor has it now; NotInVault for a file ono does not read."""
        vault = self.vault_of(path)
        rel = relative(vault.root, path)
        reason = ignored_reason(rel, vault.config)
        if reason is not None:
            raise NotInVault(f"{rel}: {reason}; ono reads no such file")
        text = self.buffers.get(path)
        cached = self._parsed.get(path)
        if text is not None and cached is not None and cached[0] is text:
            return cached[1]
        if text is None:
            try:
                return parse_file(vault, path, rel, read_bytes(vault.root, path))
            except OnoError as exc:
                problem = Problem(rel, exc.line, exc.message)
                return OpenFile(vault, path, rel, (), None, problems=(problem,))
        opened = parse_file(vault, path, rel, text)
        self._parsed[path] = (text, opened)
        return opened

    def person_notes(self, vault: VaultState, slug: str) -> list[Note]:
        """``slug``'s notes in (date, file name) order, each open buffer over its file."""
        notes = {note.path: note for note in vault.disk_notes(slug)}
        for path in list(self.buffers):
            if not path.is_relative_to(vault.root):
                continue
            try:
                opened = self.read(path)
            except NotInVault:
                continue
            if opened.note is not None and opened.note.person == slug:
                notes[opened.rel] = opened.note
            else:
                notes.pop(opened.rel, None)
        return sorted(notes.values(), key=lambda note: note.sort_key)

    def files_changed(self, paths: list[Path]) -> list[VaultState]:
        """Files changed on disk (outside the editor): the vaults holding them read again."""
        changed = []
        for state in self.vaults.values():
            if any(path.is_relative_to(state.root) for path in paths):
                state.forget()
                changed.append(state)
        for path in paths:
            if path.name == CONFIG_NAME or path.name == "ono.local.toml":
                self.vaults.pop(path.parent, None)
        return changed

    def open_files_in(self, vault: VaultState) -> list[Path]:
        return [path for path in self.buffers if path.is_relative_to(vault.root)]
