"""The vault on disk: finding it, its config, reading every note, and writing files safely.

This module and the git, watch and CLI modules are the only ones that touch the file system.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NoteError, UsageError
from .fields import is_slug
from .model import Config, Note, Problem, Profile
from .parse import MAX_NOTE_BYTES, parse_note, parse_profile

CONFIG_NAME = "ono.toml"
LOCAL_CONFIG_NAME = "ono.local.toml"  # untracked, this copy only; overrides ono.toml
PROFILE_NAME = "profile.md"
CACHE_DIR = ".ono"


def find_vault(explicit: str | os.PathLike | None, start: Path | None = None) -> Path:
    """``--vault``/``ONO_VAULT`` when given, else the nearest folder up with ``ono.toml``,
    else the current folder."""
    if explicit:
        root = Path(explicit).expanduser()
        if not root.is_dir():
            raise UsageError(f"vault folder {root} does not exist")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return here


def _string_list(value, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    if isinstance(value, str):
        value = [value]
    return tuple(str(v).casefold() for v in value)


def load_config(root: Path) -> Config:
    """Read ``ono.toml``, then ``ono.local.toml`` over it (this copy's own, untracked settings,
    such as ``me`` in a shared person's repository); a file that is not valid TOML is a NoteError
    with its line."""
    data = {**_read_toml(root, CONFIG_NAME), **_read_toml(root, LOCAL_CONFIG_NAME)}
    if not data:
        return Config()
    sections = data.get("sections") or {}
    me = str(data.get("me") or "me").strip().lower()
    if not is_slug(me):
        raise NoteError(f"me must be a slug, not {data.get('me')!r}", CONFIG_NAME)
    defaults = Config()
    return Config(
        me=me,
        cadence=str(data.get("cadence") or defaults.cadence),
        autocommit=bool(data.get("autocommit", False)),
        templates_dir=str(data.get("templates") or defaults.templates_dir),
        their_agenda=_string_list(sections.get("their_agenda"), defaults.their_agenda),
        my_agenda=_string_list(sections.get("my_agenda"), defaults.my_agenda),
        growth=_string_list(sections.get("growth"), defaults.growth),
        private_dir=str(data.get("private") or defaults.private_dir),
        question_memory=int(data.get("question_memory") or defaults.question_memory),
        person=_config_person(data.get("person")),
    )


def _read_toml(root: Path, name: str) -> dict:
    path = root / name
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", None) or str(exc).split(" (at line")[0]
        raise NoteError(f"invalid TOML: {message}", name, line) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NoteError(f"cannot read: {exc}", name) from None


def _config_person(value) -> str | None:
    """``person``: whose notes a shared person's repository holds at its top level."""
    if value is None or value == "":
        return None
    person = str(value).strip().lower()
    if not is_slug(person):
        raise NoteError(f"person must be a slug, not {value!r}", CONFIG_NAME)
    return person


def relative(root: Path, path: Path) -> str:
    """``path`` relative to the vault, with forward slashes (as reports show it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def markdown_files(root: Path, config: Config) -> Iterator[Path]:
    """Every ``*.md`` that may be a note: not in hidden folders, templates or private notes."""
    skip = {config.templates_dir, config.private_dir, CACHE_DIR}
    for folder, dirs, files in os.walk(root):
        top = Path(folder) == root
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (top and d in skip))
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("."):
                yield Path(folder) / name


def folder_person(root: Path, path: Path) -> str | None:
    """The person a note belongs to by its folder, when that folder name is a slug."""
    parent = path.parent
    if parent == root:
        return None
    name = parent.name
    return name if is_slug(name) else None


def read_bytes(root: Path, path: Path) -> bytes:
    """A file's bytes, refusing what would leave the vault or could never be a note."""
    rel = relative(root, path)
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise NoteError(
                "symlink that cannot be resolved (a loop, or a missing target)", rel, 1
            ) from None
        if root.resolve() not in target.parents:
            raise NoteError("symlink to a file outside the vault; not followed", rel, 1)
    try:
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            raise NoteError(
                f"file is {size // (1024 * 1024)} MB, over the {MAX_NOTE_BYTES // (1024 * 1024)} MB a note may have; skipped",
                rel,
                1,
            )
        return path.read_bytes()
    except OSError as exc:
        raise NoteError(f"cannot read: {exc.strerror or exc}", rel, 1) from None


@dataclass
class Vault:
    """Everything read from a vault: notes sorted by person and date, profiles, problems."""

    root: Path
    config: Config
    notes: list[Note] = field(default_factory=list)
    profiles: dict[str, Profile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def notes_for(self, person: str) -> list[Note]:
        return [note for note in self.notes if note.person == person]

    def people(self) -> list[str]:
        """Every person with a profile or a note, sorted."""
        return sorted(set(self.profiles) | {note.person for note in self.notes})


def read_file(root: Path, path: Path, config: Config):
    """('note'|'profile'|None, record, problems) for one file; never raises for bad content."""
    rel = relative(root, path)
    try:
        data = read_bytes(root, path)
    except NoteError as exc:
        return None, None, [Problem(exc.path or rel, exc.line, exc.message)]
    person = folder_person(root, path)
    if person is None and path.parent == root:
        person = config.person  # a shared person's repository keeps their notes at the top
    if path.name == PROFILE_NAME and person is not None:
        profile, problems = parse_profile(data, rel, person)
        if profile is not None and "date" not in profile.meta:
            return "profile", profile, problems
        if profile is None:
            return None, None, problems
    note, problems = parse_note(data, rel, person, config.me)
    return ("note" if note else None), note, problems


def load_vault(root: Path, config: Config | None = None) -> Vault:
    """Read every note and profile; one bad file becomes a problem, never an exception."""
    config = config or load_config(root)
    vault = Vault(root, config)
    for path in markdown_files(root, config):
        kind, record, problems = read_file(root, path, config)
        vault.problems.extend(problems)
        if kind == "note":
            vault.notes.append(record)
        elif kind == "profile":
            vault.profiles[record.slug] = record
    vault.notes.sort(key=lambda note: (note.person, note.sort_key))
    return vault


def create_file(root: Path, path: Path, text: str) -> None:
    """Write a new file atomically; refuse (UsageError) if it exists, even if it appears while
    we write: the content goes to a temporary file which is then hard-linked into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, text)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise UsageError(f"{relative(root, path)} already exists; not overwritten") from None
        except OSError:  # no hard links on this file system: exclusive create instead
            if path.exists():
                raise UsageError(
                    f"{relative(root, path)} already exists; not overwritten"
                ) from None
            os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def replace_file(root: Path, path: Path, text: str, expected: bytes) -> None:
    """Atomically replace ``path`` with ``text`` if it still holds ``expected``; refuse if
    someone changed it since it was read."""
    if path.read_bytes() != expected:
        raise UsageError(
            f"{relative(root, path)} changed while ono was working; not overwritten, run again"
        )
    temp = _write_temp(path, text)
    try:
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _file_mode(path: Path) -> int:
    """The mode the file at ``path`` should have: its own if it exists, else what the umask
    gives a new file (mkstemp's private 0600 would surprise anyone sharing the folder)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_temp(path: Path, content: str | bytes) -> str:
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, _file_mode(path))
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def write_atomically(path: Path, text: str | bytes) -> Path:
    """Write generated output (a report, a dashboard, an export): a temporary file beside it,
    then an atomic rename, so a reader never sees half a file. Not for notes: see create_file."""
    path = path.expanduser()
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: folder {folder} does not exist")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    temp = _write_temp(path, text)
    try:
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
