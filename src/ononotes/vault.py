"""The vault on disk: finding it, its config, reading every note, and writing files safely.

This module and the git, watch and CLI modules are the only ones that touch the file system.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NoteError, UsageError
from .fields import is_slug
from .model import Config, Note, Problem, Profile

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
    for path, _, _ in scan_files(root, config):
        yield Path(path)


def folder_person(root: Path, path: Path) -> str | None:
    """The person a note belongs to by its folder, when that folder name is a slug."""
    parent = path.parent
    if parent == root:
        return None
    name = parent.name
    return name if is_slug(name) else None


def read_bytes(root: Path, path: Path) -> bytes:
    """A file's bytes, refusing what would leave the vault or could never be a note."""
    from .parse import MAX_NOTE_BYTES  # here: a warm run parses nothing and need not import it

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
    from .parse import parse_note, parse_profile

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


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A candidate note on disk and its stamp text (None when it cannot even be stat'ed)."""

    path: str
    rel: str
    stamp: str | None


def scan_files(root: Path, config: Config) -> list[tuple[str, str, str | None]]:
    """(path, path relative to the vault, stamp text) of every ``*.md`` that may be a note (not
    in hidden folders, templates or private notes): one stat each, following symlinks, no
    reading; the stamp is None when the stat fails. Plain strings and scandir, no generator, in
    no particular order (callers sort what they show): this loop is most of a warm run."""
    skip = {config.templates_dir, config.private_dir, CACHE_DIR}
    entries: list[tuple[str, str, str | None]] = []
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                found = list(listing)
        except OSError:
            continue
        for entry in found:
            name = entry.name
            if name[0] == ".":
                continue
            if entry.is_dir(follow_symlinks=False):
                if prefix or name not in skip:
                    pending.append((f"{prefix}{name}/", entry.path))
            elif name.endswith(".md"):
                try:
                    stat = entry.stat()
                except OSError:  # a symlink loop or a file gone: read_file will say what
                    entries.append((entry.path, prefix + name, None))
                    continue
                stamp = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}"
                entries.append((entry.path, prefix + name, stamp))
    return entries


PARALLEL_FROM = 1000  # files to parse before a second process is worth its start-up


def _record_person(kind: str | None, record) -> str | None:
    if kind == "note":
        return record.person
    if kind == "profile":
        return record.slug
    return None


def _parse_rows(root: Path, config: Config, entries: list[FileEntry], progress=None) -> list[tuple]:
    """(rel, stamp text, kind, person, pickled (kind, record, problems)) for each entry."""
    import pickle

    rows = []
    for entry in entries:
        kind, record, problems = read_file(root, Path(entry.path), config)
        payload = pickle.dumps((kind, record, problems), protocol=pickle.HIGHEST_PROTOCOL)
        stamp = entry.stamp or ""
        # the kind ends with "+" when the file has problems: callers find them without decoding
        marked = (kind or "") + ("+" if problems else "")
        rows.append((entry.rel, stamp, marked, _record_person(kind, record), payload))
        if progress is not None:
            progress(1)
    return rows


def _parse_rows_job(job: tuple[Path, Config, list[FileEntry]]) -> list[tuple]:
    return _parse_rows(*job)


def parse_files(root: Path, config: Config, entries: list[FileEntry], progress=None) -> list[tuple]:
    """``_parse_rows`` over every entry, on every core when there are many; ``progress`` is
    told how many files were parsed as they are."""
    workers = min(os.cpu_count() or 1, 4)
    if len(entries) < PARALLEL_FROM or workers < 2:
        return _parse_rows(root, config, entries, progress)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(50, len(entries) // (workers * 8))
    jobs = [(root, config, entries[i : i + size]) for i in range(0, len(entries), size)]
    rows: list[tuple] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in pool.map(_parse_rows_job, jobs):
            rows.extend(chunk)
            if progress is not None:
                progress(len(chunk))
    return rows


def parse_fingerprint(config: Config) -> str:
    """What, beside a file's bytes and path, decides how it is read."""
    return f"me={config.me}|person={config.person}"


@dataclass
class VaultIndex:
    """Every candidate file's stamp, kind and person, current: for callers (reports, ``ono
    new``) that decode only the notes they need. ``rows`` maps path -> (stamp, kind, person)."""

    root: Path
    config: Config
    rows: dict[str, tuple[str, str, str | None]]
    cache: object
    fresh: dict[str, bytes]  # path -> pickled (kind, record, problems), parsed in this run

    def decode(self, paths) -> dict[str, tuple]:
        """path -> (kind, record, problems) for ``paths``, from this run or the cache."""
        import pickle

        # decoded only when asked for: a cold run then holds bytes, not every note at once
        found = {path: pickle.loads(self.fresh[path]) for path in paths if path in self.fresh}
        missing = [path for path in paths if path not in found]
        if missing and self.cache is not None:
            found.update(self.cache.payloads(missing))
        for path in missing:  # a damaged cache row: read the file again
            if path not in found:
                (row,) = _parse_rows(
                    self.root, self.config, [FileEntry(str(self.root / path), path, None)]
                )
                found[path] = pickle.loads(row[4])
        return found


def index_vault(
    root: Path, config: Config | None = None, use_cache: bool = True, progress=None
) -> VaultIndex:
    """Stat every file, parse those the cache does not know as they are now, store them.
    ``progress``, when given, is called with the number of files to parse, then a callback for
    the parsing to report to."""

    from .cache import ParseCache

    config = config or load_config(root)
    scanned = scan_files(root, config)
    cache = ParseCache(root, parse_fingerprint(config)) if use_cache else None
    known = cache.index() if cache is not None else {}
    rows: dict[str, tuple[str, str, str | None]] = {}
    stale: list[FileEntry] = []
    for path, rel, stamp in scanned:
        row = known.get(rel)
        if stamp is not None and row is not None and row[0] == stamp:
            rows[rel] = row
        else:
            stale.append(FileEntry(path, rel, stamp))
    report = progress(len(stale)) if progress is not None and stale else None
    parsed = parse_files(root, config, stale, report)
    fresh = {}
    for rel, stamp, kind, person, payload in parsed:
        rows[rel] = (stamp, kind, person)
        fresh[rel] = payload
    if cache is not None:
        gone = set(known) - set(rows)
        if parsed or gone:
            cache.store(row for row in parsed if row[1])  # no stamp, no row: read it again
            cache.forget(gone)
            cache.save_index({rel: row for rel, row in rows.items() if row[0]})
    return VaultIndex(root, config, rows, cache, fresh)


def load_vault(
    root: Path, config: Config | None = None, person: str | None = None, use_cache: bool = True
) -> Vault:
    """Read every note and profile; one bad file becomes a problem, never an exception.

    With ``person``, only that person's notes are decoded (profiles and problems all are): the
    cost of ``ono new`` then barely grows with the vault.
    """
    index = index_vault(root, config, use_cache)
    wanted = [
        path
        for path, (_, kind, owner) in index.rows.items()
        if person is None or kind.rstrip("+") != "note" or owner == person
    ]
    vault = Vault(root, index.config)
    decoded = index.decode(wanted)
    for path in sorted(decoded):
        kind, record, problems = decoded[path]
        vault.problems.extend(problems)
        if kind == "note":
            vault.notes.append(record)
        elif kind == "profile":
            vault.profiles[record.slug] = record
    vault.notes.sort(key=lambda note: (note.person, note.sort_key))
    if index.cache is not None:
        index.cache.close()
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
    import tempfile

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
