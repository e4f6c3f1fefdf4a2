"""The vault on disk: finding it, its config, reading every note, and writing files safely.

This module and the git, watch and CLI modules are the only ones that touch the file system.
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
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


def rel_folder_person(folder: str) -> str | None:
    """The person a note belongs to by its folder (given relative to the vault, '' for the vault
    itself), when that folder name is a slug."""
    name = folder.rpartition("/")[2]
    return name if name and is_slug(name) else None


def read_bytes(root: Path, path: Path | str) -> bytes:
    """A file's bytes, refusing what would leave the vault or could never be a note."""
    from .parse import MAX_NOTE_BYTES  # here: a warm run parses nothing and need not import it

    try:
        info = os.lstat(path)  # one call for the usual plain file: a cold run reads thousands
        if stat.S_ISLNK(info.st_mode):
            _check_symlink(root, Path(path))
            info = os.stat(path)
        if info.st_size > MAX_NOTE_BYTES:
            raise NoteError(
                f"file is {info.st_size // (1024 * 1024)} MB, over the {MAX_NOTE_BYTES // (1024 * 1024)} MB a note may have; skipped",
                relative(root, Path(path)),
                1,
            )
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise NoteError(
            f"cannot read: {exc.strerror or exc}", relative(root, Path(path)), 1
        ) from None


def _check_symlink(root: Path, path: Path) -> None:
    rel = relative(root, path)
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise NoteError(
            "symlink that cannot be resolved (a loop, or a missing target)", rel, 1
        ) from None
    if root.resolve() not in target.parents:
        raise NoteError("symlink to a file outside the vault; not followed", rel, 1)


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


def read_file(root: Path, path: Path | str, config: Config, rel: str | None = None):
    """('note'|'profile'|None, record, problems) for one file (``rel``: its path relative to
    the vault, when the caller knows it); never raises for bad content."""
    from .parse import parse_note, parse_profile

    rel = rel if rel is not None else relative(root, Path(path))
    try:
        data = read_bytes(root, path)
    except NoteError as exc:
        return None, None, [Problem(exc.path or rel, exc.line, exc.message)]
    folder, _, name = rel.rpartition("/")
    # a shared person's repository keeps their notes at the top
    person = rel_folder_person(folder) if folder else config.person
    if name == PROFILE_NAME and person is not None:
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
                    info = entry.stat()
                except OSError:  # a symlink loop or a file gone: read_file will say what
                    entries.append((entry.path, prefix + name, None))
                    continue
                stamp = f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"
                entries.append((entry.path, prefix + name, stamp))
    return entries


@contextlib.contextmanager
def gc_paused():
    """Parsing and decoding notes make millions of small objects and no reference cycles, so
    the cycle collector's passes over them are pure cost (a quarter of a cold run). A context
    manager, or a decorator: ``@gc_paused()``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PARALLEL_FROM = 1000  # files to parse before a second process is worth its start-up


def _record_person(kind: str | None, record) -> str | None:
    if kind == "note":
        return record.person
    if kind == "profile":
        return record.slug
    return None


# person -> (their note paths, their profile's path, what ``summarize`` made of them); None when
# the person's files were parsed in more than one place, so no one place saw them all
Summaries = dict[str, "tuple[frozenset[str], str | None, object] | None"]


@gc_paused()
def _parse_rows(
    root: Path,
    config: Config,
    entries: list[FileEntry],
    progress=None,
    summarize=None,
    notes_back: bool = True,
) -> tuple[list[tuple], Summaries]:
    """(rel, stamp text, kind, person, pickled (kind, record, problems)) for each entry, and
    ``summarize(person, notes, profile)`` for each person these files are about. Without
    ``notes_back``, a note read without problems has no pickle (None): the caller has the
    summaries and will parse it again if it ever needs it."""
    import pickle

    rows = []
    notes: dict[str, list] = {}
    profiles: dict[str, tuple[str, object]] = {}
    for entry in entries:
        kind, record, problems = read_file(root, entry.path, config, entry.rel)
        payload = (
            pickle.dumps((kind, record, problems), protocol=pickle.HIGHEST_PROTOCOL)
            if notes_back or kind != "note" or problems
            else None
        )
        stamp = entry.stamp or ""
        # the kind ends with "+" when the file has problems: callers find them without decoding
        marked = (kind or "") + ("+" if problems else "")
        person = _record_person(kind, record)
        rows.append((entry.rel, stamp, marked, person, payload))
        if kind == "note":
            notes.setdefault(person, []).append(record)
        elif kind == "profile":
            profiles[person] = (entry.rel, record)
        if progress is not None:
            progress(1)
    summaries: Summaries = {}
    if summarize is not None:
        for person in notes.keys() | profiles.keys():
            profile_path, profile = profiles.get(person, (None, None))
            mine = notes.get(person, [])
            paths = frozenset(note.path for note in mine)
            summaries[person] = (paths, profile_path, summarize(person, mine, profile))
    return rows, summaries


def _parse_rows_job(job: tuple) -> tuple[list[tuple], Summaries]:
    return _parse_rows(*job)


def _by_top_folder(entries: list[FileEntry], size: int) -> list[list[FileEntry]]:
    """The entries in chunks of about ``size``, each top-level folder whole: a person's notes
    usually sit in their folder, so one worker sees them all and can summarise them."""
    folders: dict[str, list[FileEntry]] = {}
    for entry in entries:
        folders.setdefault(top_folder(entry.rel), []).append(entry)
    chunks: list[list[FileEntry]] = [[]]
    for group in folders.values():
        if chunks[-1] and len(chunks[-1]) + len(group) > size:
            chunks.append([])
        chunks[-1].extend(group)
    return chunks


def parse_files(
    root: Path, config: Config, entries: list[FileEntry], progress=None, summarize=None
) -> tuple[list[tuple], Summaries]:
    """``_parse_rows`` over every entry, on every core when there are many; ``progress`` is
    told how many files were parsed as they are. With ``summarize``, the workers send back
    what it made of each person rather than their notes (see ``_parse_rows``): pickling every
    note to pass it back costs a cold report a third of its time."""
    workers = min(os.cpu_count() or 1, 4)
    if len(entries) < PARALLEL_FROM or workers < 2:
        return _parse_rows(root, config, entries, progress, summarize)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(50, len(entries) // (workers * 8))
    jobs = [
        (root, config, chunk, None, summarize, summarize is None)
        for chunk in _by_top_folder(entries, size)
    ]
    rows: list[tuple] = []
    summaries: Summaries = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk_rows, chunk_summaries in pool.map(_parse_rows_job, jobs):
            rows.extend(chunk_rows)
            for person, summary in chunk_summaries.items():
                summaries[person] = None if person in summaries else summary
            if progress is not None:
                progress(len(chunk_rows))
    return rows, summaries


def parse_fingerprint(config: Config) -> str:
    """What, beside a file's bytes and path, decides how it is read."""
    return f"me={config.me}|person={config.person}"


@dataclass
class VaultIndex:
    """Every candidate file's stamp, kind and person, current: for callers (reports, ``ono
    new``) that decode only the notes they need. ``rows`` maps path -> (stamp, kind, person)."""

    root: Path
    config: Config
    known: dict[str, tuple[str, str, str | None]]  # the rows read so far
    cache: object
    fresh: dict[str, bytes]  # path -> pickled (kind, record, problems), parsed in this run
    summaries: Summaries = field(default_factory=dict)
    digest: str | None = None  # of the scan; the same digest, the same files as they were
    # the folders whose digest is the one their index blob was saved with, by folder: their
    # rows are current, and read from the cache only when asked for
    unread: dict[str, tuple[str | None, list[tuple]]] = field(default_factory=dict)
    scanned: dict[str, list[tuple]] = field(default_factory=dict)  # folder -> scan entries
    digests: dict[str, str | None] = field(default_factory=dict)  # folder -> its scan's digest

    @property
    def rows(self) -> dict[str, tuple[str, str, str | None]]:
        if self.unread:
            folders, self.unread = self.unread, {}
            self._read_folders(folders)
        return self.known

    def rows_of(self, folders: set[str]) -> dict[str, tuple[str, str, str | None]]:
        """The rows of the files in ``folders`` (top-level folders), reading no other."""
        unread = {folder: self.unread.pop(folder) for folder in folders if folder in self.unread}
        if unread:
            self._read_folders(unread)
        return {
            rel: self.known[rel]
            for folder in folders
            for _, rel, _ in self.scanned.get(folder, ())
            if rel in self.known
        }

    def _read_folders(self, folders: dict[str, tuple[str | None, list[tuple]]]) -> None:
        """Take the rows of ``folders`` (digest and scan entries) from their index blobs; a
        folder the cache cannot give (a damaged blob, a cache gone) is parsed again."""
        loaded, missing = self.cache.index(folders) if self.cache is not None else ({}, folders)
        self.known.update(loaded)
        entries = [FileEntry(*entry) for folder in missing for entry in folders[folder][1]]
        if not entries:
            return
        parsed, _ = parse_files(self.root, self.config, entries)
        blobs: dict[str, tuple[str | None, dict]] = {f: (folders[f][0], {}) for f in missing}
        for rel, stamp, kind, person, payload in parsed:
            self.known[rel] = (stamp, kind, person)
            self.fresh[rel] = payload
            if stamp:
                blobs[top_folder(rel)][1][rel] = (stamp, kind, person)
        if self.cache is not None:
            self.cache.update((row for row in parsed if row[1]), (), blobs, ())

    def summary(self, person: str, paths, profile: str | None):
        """What ``summarize`` made of ``person`` in this run, if it saw exactly these note
        paths and this profile (all parsed in one place); else None."""
        found = self.summaries.get(person)
        if found is None or found[1] != profile or found[0] != frozenset(paths):
            return None
        return found[2]

    def summarize_again(self, people, notes_of, profile_of, summarize) -> None:
        """Parse ``people``'s notes and profiles again (on every core when many) for
        ``summarize`` alone, and take its summaries of them; nothing is stored."""
        paths = [path for slug in people for path in notes_of.get(slug, ())]
        paths += [profile_of[slug] for slug in people if slug in profile_of]
        entries = [FileEntry(str(self.root / path), path, self.rows[path][0]) for path in paths]
        _, summaries = parse_files(self.root, self.config, entries, summarize=summarize)
        self.summaries.update((slug, summaries.get(slug)) for slug in people)

    @gc_paused()
    def decode(self, paths) -> dict[str, tuple]:
        """path -> (kind, record, problems) for ``paths``, from this run or the cache; what
        neither holds (a note parsed for its summary only, a damaged cache row) is read again
        and cached."""
        import pickle

        paths = list(paths)
        # decoded only when asked for: a cold run then holds bytes, not every note at once
        found = {path: pickle.loads(self.fresh[path]) for path in paths if path in self.fresh}
        self.rows_of({top_folder(path) for path in paths} & self.unread.keys())  # their stamps
        stamps = {path: self.known.get(path, ("",))[0] for path in paths if path not in found}
        if stamps and self.cache is not None:
            found.update(self.cache.payloads(stamps))
        missing = [path for path in stamps if path not in found]
        if missing:
            entries = [
                FileEntry(str(self.root / path), path, stamps[path] or None) for path in missing
            ]
            parsed, _ = parse_files(self.root, self.config, entries)
            for row in parsed:
                found[row[0]] = pickle.loads(row[4])
            if self.cache is not None:
                self.cache.store(row for row in parsed if row[1])
        return found


def index_vault(
    root: Path,
    config: Config | None = None,
    use_cache: bool = True,
    progress=None,
    summarize=None,
) -> VaultIndex:
    """Stat every file, parse those the cache does not know as they are now, store them.
    ``progress``, when given, is called with the number of files to parse, then a callback for
    the parsing to report to. ``summarize(person, notes, profile)``, a picklable function, is
    run where the files are parsed on the people they are about (see ``VaultIndex.summary``).
    """

    from .cache import ParseCache

    config = config or load_config(root)
    folders: dict[str, list[tuple]] = {}
    for entry in scan_files(root, config):
        folders.setdefault(top_folder(entry[1]), []).append(entry)
    digests = {folder: scan_digest(entries) for folder, entries in folders.items()}
    cache = ParseCache(root, parse_fingerprint(config)) if use_cache else None
    saved = cache.folder_digests() if cache is not None else {}
    changed = [f for f, digest in digests.items() if digest is None or saved.get(f) != digest]
    removed = [folder for folder in saved if folder not in folders]
    known: dict[str, tuple[str, str, str | None]] = {}
    if cache is not None and (changed or removed):
        known, _ = cache.index(changed + removed)
    rows: dict[str, tuple[str, str, str | None]] = {}
    stale: list[FileEntry] = []
    for folder in changed:
        for path, rel, stamp in folders[folder]:
            row = known.get(rel)
            if stamp is not None and row is not None and row[0] == stamp:
                rows[rel] = row
            else:
                stale.append(FileEntry(path, rel, stamp))
    report = progress(len(stale)) if progress is not None and stale else None
    parsed, summaries = parse_files(root, config, stale, report, summarize)
    fresh = {}
    for rel, stamp, kind, person, payload in parsed:
        rows[rel] = (stamp, kind, person)
        if payload is not None:
            fresh[rel] = payload
    if cache is not None and (changed or removed):
        blobs: dict[str, tuple[str | None, dict]] = {f: (digests[f], {}) for f in changed}
        for rel, row in rows.items():
            if row[0]:  # no stamp, no row: read it again
                blobs[top_folder(rel)][1][rel] = row
        gone = set(known) - set(rows)
        # a row without a payload (a note parsed for a report's summary) is not stored: its
        # blob row says what it is, and it is parsed again if ever decoded
        stored = (row for row in parsed if row[1] and row[4] is not None)
        cache.update(stored, gone, blobs, removed)
    read = set(changed)
    unread = {f: (digests[f], folders[f]) for f in folders if f not in read}
    names = sorted(digests)
    digest = _digest_of(names, [digests[name] for name in names])  # of the whole vault
    return VaultIndex(root, config, rows, cache, fresh, summaries, digest, unread, folders, digests)


def top_folder(rel: str) -> str:
    """The top-level folder of a path relative to the vault ('' for the vault itself)."""
    folder, slash, _ = rel.partition("/")
    return folder if slash else ""


def scan_digest(scanned: list[tuple[str, str, str | None]]) -> str | None:
    """A digest of what ``scan_files`` found (paths and stamps, in its order), or None when a
    file could not be stat'ed: such a file is read again on every run, so nothing about it
    may be taken from the cache."""
    return _digest_of([rel for _, rel, _ in scanned], [stamp for _, _, stamp in scanned])


def _digest_of(names: list[str], values: list[str | None]) -> str | None:
    """A digest of names and their values, None if a value is None. No name holds a NUL, no
    value (a stamp, a digest) anything but letters, digits and ':': joined, they are
    unambiguous, and joining is much cheaper than formatting a line for each."""
    import hashlib

    if None in values:
        return None
    digest = hashlib.blake2b(digest_size=20)
    digest.update("\0".join(names).encode("utf-8", "surrogateescape"))
    digest.update(b"\1")
    digest.update("\0".join(values).encode())
    return digest.hexdigest()


def load_vault(
    root: Path,
    config: Config | None = None,
    person: str | None = None,
    use_cache: bool = True,
    progress=None,
) -> Vault:
    """Read every note and profile; one bad file becomes a problem, never an exception.

    With ``person``, only that person's notes are decoded (profiles and problems all are): the
    cost of ``ono new`` then barely grows with the vault. ``progress``: see ``index_vault``.
    """
    index = index_vault(root, config, use_cache, progress)
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
    _replace_with(path, text)


def _replace_with(path: Path, content: str | bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``."""
    temp = _write_temp(path, content)
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
    _replace_with(path, text)
    return path
