"""The vault on disk: finding it, its config, reading every note, and writing files safely.

This module and the git, watch and CLI modules are the only ones that touch the file system.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from ononotes.core.checks import check_slug, closest_person, unknown_person_message
from ononotes.core.layout import ancestor, folder_person, is_template_folder, levels_up
from ononotes.core.model import Config, Note, Problem, Profile
from ononotes.errors import NoteError, UsageError

# the settings are read and checked in store/config.py; these names stay importable from here
from ononotes.store.config import CONFIG_NAME as CONFIG_NAME
from ononotes.store.config import LOCAL_CONFIG_NAME as LOCAL_CONFIG_NAME
from ononotes.store.config import load_config as load_config

if TYPE_CHECKING:
    from ononotes.store.cache import ParseCache

PROFILE_NAME = "profile.md"
CACHE_DIR = ".ono"
GITIGNORE = "# ononotes: cache and generated output\n.ono/\n"


def find_vault(explicit: str | os.PathLike | None, start: Path | None = None) -> Path:
    """``--vault``/``ONO_VAULT`` when given, else the nearest folder up with ``ono.toml``, else
    the current folder when it holds notes (``holds_notes``: a bounded look, never a walk of
    the disk; the filesystem's root never counts); else a UsageError saying how to make one."""
    if explicit is not None and not str(explicit).strip():
        raise UsageError("--vault (or ONO_VAULT) is empty: name the vault's folder")
    if explicit:
        root = Path(explicit).expanduser()
        if not root.is_dir():
            raise UsageError(f"vault folder {root} does not exist")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    if here.parent != here and holds_notes(here):
        return here
    raise UsageError(
        f"no vault here (no {CONFIG_NAME} in {here} or above, and no notes): run `ono init` to "
        "make this folder a vault, or pass --vault PATH"
    )


LOOK_ENTRIES = 400  # folder entries the look at an unmarked folder lists, at most
LOOK_FILES = 60  # files it opens, at most
LOOK_BYTES = 4096  # of each
_DATE_LINE_RE = re.compile(rb"^date[ \t]*:", re.M)


def holds_notes(folder: Path) -> bool:
    """Whether a folder with no ono.toml looks like a vault: a ``*.md`` whose front matter has a
    ``date``, or a ``*/profile.md``, at its top or one level down. A bounded look (so many
    entries listed, so many files opened, the head of each): ``cd / && ono list`` answers at
    once instead of walking the disk."""
    budget = {"entries": LOOK_ENTRIES, "files": LOOK_FILES}
    folders = []
    for entry in _first_entries(str(folder), budget):
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry.path)
        elif _is_dated_note(entry, budget):
            return True
    for path in folders:
        if os.path.isfile(os.path.join(path, PROFILE_NAME)):
            return True
    for path in folders:
        for entry in _first_entries(path, budget):
            if _is_dated_note(entry, budget):
                return True
    return False


def _first_entries(folder: str, budget: dict[str, int]) -> list[os.DirEntry]:
    """The first not-hidden entries of ``folder``, as many as the budget has left."""
    found: list[os.DirEntry] = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                if budget["entries"] <= 0:
                    break
                budget["entries"] -= 1
                if not entry.name.startswith("."):
                    found.append(entry)
    except OSError:
        pass
    return found


def _is_dated_note(entry: os.DirEntry, budget: dict[str, int]) -> bool:
    """Whether ``entry`` is a ``*.md`` file whose front matter (at its head) has a ``date``."""
    if not entry.name.endswith(".md") or budget["files"] <= 0:
        return False
    budget["files"] -= 1
    try:
        if not entry.is_file():
            return False
        with open(entry.path, "rb") as handle:
            head = handle.read(LOOK_BYTES)
    except OSError:
        return False
    front = front_matter_head(head)
    return front is not None and _DATE_LINE_RE.search(front) is not None


def front_matter_head(data: bytes) -> bytes | None:
    """The front matter lines at the head of a file's bytes, without reading them as YAML (for
    files that cannot be read as notes, or are only glanced at); None when it has none."""
    data = data[:LOOK_BYTES].removeprefix(b"\xef\xbb\xbf")
    if not data.startswith(b"---"):
        return None
    closing = re.search(rb"^---[ \t]*\r?$", data[3:], re.M)
    return data[3 : closing.start() + 3] if closing else data[3:]


def relative(root: Path, path: Path) -> str:
    """``path`` relative to the vault, with forward slashes (as reports show it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def person_of_folder(root: Path, config: Config, folder: str, up: int | None = None) -> str | None:
    """The person of the notes in ``folder`` (relative to the vault, '' for the vault itself)
    that do not name one (SPEC §1 v2): the name, made a slug, of the nearest enclosing folder
    that holds a profile, else of ``folder``; at the top, ``person`` in ono.toml. ``up``: how
    far up that folder is, as the scan found it (see ``FolderScan.entries``); None: looked up
    on disk now."""
    if not folder:
        return config.person
    if up is None:
        up = levels_on_disk(root, folder)
    return folder_person(folder, up)


def levels_on_disk(root: Path, folder: str) -> int:
    """``core.layout.levels_up`` for ``folder`` as the disk holds it now: one stat per folder
    above it, none for a top-level folder (its own name is its person either way)."""
    if "/" not in folder:
        return 0
    return levels_up(folder, lambda path: os.path.isfile(os.path.join(root, path, PROFILE_NAME)))


def owner_folder(root: Path, folder: str) -> str:
    """The folder (relative to the vault) whose name is the person of the notes in ``folder``."""
    return ancestor(folder, levels_on_disk(root, folder)) if folder else folder


def levels_in_stamp(stamp: str | None) -> int | None:
    """How far up the folder naming a file's person is, as the scan that made ``stamp`` found
    it (see ``FolderScan.entries``); None for a file the scan could not stat."""
    if not stamp:
        return None
    parts = stamp.split(":")
    return int(parts[4]) if len(parts) > 4 else 0


# O_NOFOLLOW refuses a symlink in the open itself (then checked, and followed only inside the
# vault); O_NONBLOCK keeps a FIFO named like a note from blocking the open
_NOTE_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
) | getattr(os, "O_CLOEXEC", 0)


def read_bytes(root: Path, path: Path | str) -> bytes:
    """A file's bytes, refusing what would leave the vault or could never be a note. One open,
    one fstat and one read for a plain file: a cold run reads thousands."""
    from ononotes.core.parse import (
        MAX_NOTE_BYTES,  # here: a warm run parses nothing and need not import it
    )

    try:
        handle = _open_note(root, path)
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise NoteError("not a regular file; skipped", relative(root, Path(path)), 1)
            if info.st_size > MAX_NOTE_BYTES:
                raise NoteError(
                    f"file is {info.st_size // (1024 * 1024)} MB, over the {MAX_NOTE_BYTES // (1024 * 1024)} MB a note may have; skipped",
                    relative(root, Path(path)),
                    1,
                )
            return _read_all(handle, info.st_size)
        finally:
            os.close(handle)
    except OSError as exc:
        raise NoteError(
            f"cannot read: {exc.strerror or exc}", relative(root, Path(path)), 1
        ) from None


def _open_note(root: Path, path: Path | str) -> int:
    if not _NOTE_OPEN_FLAGS & getattr(os, "O_NOFOLLOW", 0) and os.path.islink(path):
        _check_symlink(root, Path(path))  # no O_NOFOLLOW here: check before the open follows it
    try:
        return os.open(path, _NOTE_OPEN_FLAGS)
    except OSError:
        if not os.path.islink(path):
            raise
    _check_symlink(root, Path(path))  # raises for a link that leaves the vault or goes nowhere
    return os.open(path, _NOTE_OPEN_FLAGS & ~getattr(os, "O_NOFOLLOW", 0))


def _read_all(handle: int, size: int) -> bytes:
    """Everything left in an open file that had ``size`` bytes when it was stat'ed: one read
    (a short one is the end of a regular file), more only if it grew since."""
    data = os.read(handle, size + 1)
    if len(data) <= size:
        return data
    parts = [data]
    while chunk := os.read(handle, 1 << 16):
        parts.append(chunk)
    return b"".join(parts)


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


@functools.cache
def _parsers():
    # imported on first use: a warm run parses nothing and need not import them; cached, as a
    # cold run reads thousands of files and an import statement is a lookup each time
    from ononotes.core.parse import parse_note, parse_profile

    return parse_note, parse_profile


def read_file(
    root: Path, path: Path | str, config: Config, rel: str | None = None, up: int | None = None
):
    """('note'|'profile'|None, record, problems) for one file (``rel``: its path relative to
    the vault, when the caller knows it; ``up``: see ``person_of_folder``); never raises for
    bad content."""
    parse_note, parse_profile = _parsers()
    rel = rel if rel is not None else relative(root, Path(path))
    if BAD_NAME_MARK in rel and not os.path.lexists(path):  # see _scan_into
        return (
            None,
            None,
            [
                Problem(
                    rel,
                    None,
                    "the file name is not valid UTF-8 or holds control characters: rename it",
                )
            ],
        )
    try:
        data = read_bytes(root, path)
    except NoteError as exc:
        return None, None, [Problem(exc.path or rel, exc.line, exc.message)]
    folder, _, name = rel.rpartition("/")
    # a shared person's repository keeps their notes at the top
    person = person_of_folder(root, config, folder, up)
    if name == PROFILE_NAME and person is not None:
        profile, problems = parse_profile(data, rel, person)
        if profile is not None and "date" not in profile.meta:
            return "profile", profile, problems
        if profile is None:
            return None, None, problems
    note, problems = parse_note(data, rel, person, config.me)
    return ("note" if note else None), note, problems


class FileEntry(NamedTuple):
    """A candidate note on disk and its stamp text (None when it cannot even be stat'ed). A
    named tuple: a cold run makes one per file, and a tuple is made four times faster."""

    path: str
    rel: str
    stamp: str | None


class FolderScan:
    """What one stat pass found under a top-level folder: each candidate note's path relative
    to the vault and four numbers, its size, mtime, ctime and inode. Numbers, not stamp text:
    a run whose folders are all unchanged formats no stamp, and a folder's digest is one hash
    over two buffers. A scan made by the second process of a split scan, of a folder whose
    digest is the saved one, holds its digest alone (``rels`` is None)."""

    __slots__ = ("rels", "numbers", "failed", "_digest")

    def __init__(self) -> None:
        self.rels: list[str] = []
        self.numbers: list[int] = []  # four a file
        self.failed: set[str] = set()  # stat failed: their numbers are zeros
        self._digest: str | None = None

    def entries(self, root: Path) -> list[FileEntry]:
        """Each file's path, its path relative to the vault, and its stamp text (None when
        the stat failed). A file whose person is named by a folder above its own (the nearest
        with a profile, SPEC §1 v2) has how far up as a fifth number: the stamp, and so the
        cache's row, changes when a profile comes or goes above it, never its person alone."""
        base = f"{root}{os.sep}"
        numbers = self.numbers
        entry = FileEntry
        found = [
            entry(
                base + rel,
                rel,
                None
                if rel in self.failed
                else f"{numbers[at]}:{numbers[at + 1]}:{numbers[at + 2]}:{numbers[at + 3]}",
            )
            for rel, at in zip(self.rels, range(0, len(numbers), 4), strict=True)
        ]
        ups = _levels_above(self.rels)
        if ups:
            found = [
                e._replace(stamp=f"{e.stamp}:{ups[e.rel]}") if e.stamp and e.rel in ups else e
                for e in found
            ]
        return found

    def digest(self) -> str | None:
        """A digest of the paths and stamps, in scan order; None when a stat failed: such a
        file is read again on every run, so nothing about it may be taken from the cache."""
        if self._digest is None and not self.failed:
            self._digest = _numbers_digest(self.rels, self.numbers)
        return self._digest


PROFILE_SUFFIX = f"/{PROFILE_NAME}"


def _levels_above(rels: list[str]) -> dict[str, int]:
    """path -> how far above its folder is the folder naming its person, for the files of one
    top-level folder's scan (``rels``) whose person is named by a folder above their own."""
    profiles = {rel[: -len(PROFILE_SUFFIX)] for rel in rels if rel.endswith(PROFILE_SUFFIX)}
    if not profiles:
        return {}
    found: dict[str, int] = {}
    by_folder: dict[str, int] = {}
    for rel in rels:
        folder = rel.rpartition("/")[0]
        if "/" not in folder:
            continue  # a top-level folder names its own notes' person
        up = by_folder.get(folder)
        if up is None:
            up = by_folder[folder] = levels_up(folder, profiles.__contains__)
        if up:
            found[rel] = up
    return found


def _numbers_digest(names: list[str], numbers: list[int]) -> str:
    import hashlib
    from array import array

    digest = hashlib.blake2b(digest_size=20)
    digest.update("\0".join(names).encode("utf-8", "surrogateescape"))
    digest.update(b"\1")
    try:
        digest.update(array("q", numbers).tobytes())
    except OverflowError:  # an inode number beyond 2**63: the same numbers, as text
        digest.update(" ".join(map(str, numbers)).encode())
    return digest.hexdigest()


def scan_folders(root: Path, config: Config) -> dict[str, FolderScan]:
    """Every ``*.md`` that may be a note (not in hidden folders, templates or private notes), by
    top-level folder ('' for the vault's own): one stat each, following symlinks, no reading."""
    top, folders = _top_level(root, config)
    scans = _scan_tops(folders, _template_paths(root, config))
    if top.rels:
        scans[""] = top
    return scans


def _top_level(root: Path, config: Config) -> tuple[FolderScan, list[tuple[str, str]]]:
    """The notes at the vault's top level, stat'ed, and its folders that may hold notes, as
    (name, path): not hidden, not the templates (whatever their case), not the private notes."""
    skip = {config.private_dir, CACHE_DIR}
    templates = _template_paths(root, config)
    top = FolderScan()
    folders = [
        (name, path)
        for name, path in _scan_into(top, "", str(root))
        if name not in skip and not _is_templates(name, name, templates)
    ]
    return top, folders


def _template_paths(root: Path, config: Config) -> frozenset[str]:
    """The folder ``templates =`` in ono.toml names, relative to the vault and case folded,
    when it is inside the vault (a folder named ``templates`` in any case is skipped anyway)."""
    folder = Path(config.templates_dir)
    if not folder.is_absolute():
        folder = root / folder
    try:
        rel = os.path.relpath(folder, root)
    except ValueError:  # another drive
        return frozenset()
    if rel == "." or rel.startswith(".."):
        return frozenset()
    return frozenset({Path(rel).as_posix().casefold()})


def _is_templates(name: str, rel: str, templates: frozenset[str]) -> bool:
    """Whether the folder ``name`` at ``rel`` (relative to the vault) holds templates."""
    return is_template_folder(name) or (bool(templates) and rel.casefold() in templates)


def _scan_tops(folders: list[tuple[str, str]], templates: frozenset[str]) -> dict[str, FolderScan]:
    """(name, path) of top-level folders -> what each holds (folders with no note left out);
    template folders below them are skipped."""
    scans = {}
    for name, path in folders:
        scan = FolderScan()
        _scan_into(scan, f"{name}/", path, deep=True, templates=templates)
        if scan.rels:
            scans[name] = scan
    return scans


# open folders by descriptor where the platform can: each stat then resolves one name, not the
# whole path, which saves a tenth of the scan
_BY_DESCRIPTOR = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


def _undecodable(name: str) -> bool:
    """Whether a file name from the disk held bytes that are not UTF-8 (Python keeps them as
    lone surrogates, which no UTF-8 writer accepts)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


BAD_NAME_MARK = "\ufffd"


def _safe_name(name: str) -> str:
    """The name with its undecodable bytes and control characters as U+FFFD."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(char if char.isprintable() else BAD_NAME_MARK for char in text)


def _scan_into(
    scan: FolderScan,
    prefix: str,
    path: str,
    deep: bool = False,
    templates: frozenset[str] = frozenset(),
):
    """Stat the notes under ``path`` into ``scan`` (``prefix`` makes their relative paths);
    the sub-folders are scanned too when ``deep`` (not template folders: see
    ``_is_templates``), else returned as (name, path)."""
    rels, numbers, failed = scan.rels, scan.numbers, scan.failed
    folders: list[tuple[str, str]] = []
    pending = [(prefix, path)]
    while pending:
        prefix, folder = pending.pop()
        try:
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if _BY_DESCRIPTOR else folder
        except OSError:
            continue
        try:
            with os.scandir(handle) as listing:
                for entry in listing:  # stat'ed while the folder is open: see _BY_DESCRIPTOR
                    name = entry.name
                    if name[0] == ".":
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if not deep:
                            folders.append((name, f"{folder}{os.sep}{name}"))
                        elif not _is_templates(name, prefix + name, templates):
                            pending.append((f"{prefix}{name}/", f"{folder}{os.sep}{name}"))
                    elif name.endswith(".md"):
                        if not name.isprintable() or _undecodable(name):
                            # a name that is not UTF-8 (or holds control characters) cannot
                            # be stored, printed or linked: listed under a safe name, to be
                            # reported by read_file, never read
                            rels.append(prefix + _safe_name(name))
                            failed.add(prefix + _safe_name(name))
                            numbers.extend((0, 0, 0, 0))
                            continue
                        rels.append(prefix + name)
                        try:
                            info = entry.stat()
                        except OSError:  # a symlink loop or a file gone: read_file will say
                            failed.add(prefix + name)
                            numbers.extend((0, 0, 0, 0))
                            continue
                        numbers.extend(
                            (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                        )
        except OSError:  # the folder went while it was listed
            continue
        finally:
            if isinstance(handle, int):  # a descriptor this loop opened, not the path
                os.close(handle)
    return folders


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
def _parse_records(
    root: Path,
    config: Config,
    files: list[tuple[str, str, int | None]],
    progress=None,
    summarize=None,
    notes_back: bool = True,
) -> tuple[list[tuple], Summaries]:
    """(kind, person, pickled (kind, record, problems)) for each (path, path relative to the
    vault, ``up`` as in ``person_of_folder``) of ``files``, and ``summarize(person, notes,
    profile)`` for each person these files are about. A file that cannot be read is about the
    person its folder names, if any: commands about them report it, and ``ono new`` will not
    carry items past it. Without ``notes_back``, a note read without problems has no pickle
    (None): the caller has the summaries and will parse it again if it ever needs it."""
    import pickle

    parsed = []
    notes: dict[str, list] = {}
    profiles: dict[str, tuple[str, object]] = {}
    for path, rel, up in files:
        kind, record, problems = read_file(root, path, config, rel, up)
        try:
            payload = (
                pickle.dumps((kind, record, problems), protocol=pickle.HIGHEST_PROTOCOL)
                if notes_back or kind != "note" or problems
                else None
            )
        except (RecursionError, pickle.PicklingError, MemoryError):  # never the cache's fault
            kind, record = None, None
            problems = [Problem(rel, None, "too deeply nested to read; simplify its front matter")]
            payload = pickle.dumps((kind, record, problems), protocol=pickle.HIGHEST_PROTOCOL)
        # the kind ends with "+" when the file has problems: callers find them without decoding
        marked = (kind or "") + ("+" if problems else "")
        person = _record_person(kind, record)
        if kind is None and problems:
            person = person_of_folder(root, config, rel.rpartition("/")[0], up)
        parsed.append((marked, person, payload))
        # (a note's or a profile's person is never None: see _record_person)
        if kind == "note" and person is not None:
            notes.setdefault(person, []).append(record)
        elif kind == "profile" and person is not None:
            profiles[person] = (rel, record)
        if progress is not None:
            progress(1)
    summaries: Summaries = {}
    if summarize is not None:
        for person in notes.keys() | profiles.keys():
            profile_path, profile = profiles.get(person, (None, None))
            mine = notes.get(person, [])
            paths = frozenset(note.path for note in mine)
            mine.sort(key=lambda note: note.sort_key)  # (date, file name, path): one order
            summaries[person] = (paths, profile_path, summarize(person, mine, profile))
    return parsed, summaries


def _files(entries: list[FileEntry]) -> list[tuple[str, str, int | None]]:
    """What ``_parse_records`` reads of each entry: its path, its path relative to the vault,
    and how far up the folder naming its person is, as its stamp says."""
    return [(entry.path, entry.rel, levels_in_stamp(entry.stamp)) for entry in entries]


def _parse_job(job: tuple) -> tuple[list[tuple], Summaries]:
    return _parse_records(*job)


def _by_top_folder(entries: list[FileEntry], size: int) -> list[list[FileEntry]]:
    """The entries in chunks of about ``size``, each top-level folder whole: a person's notes
    usually sit in their folder, so one worker sees them all and can summarise them."""
    folders: dict[str, list[FileEntry]] = {}
    for entry in entries:
        folders.setdefault(top_folder(entry.rel), []).append(entry)
    groups = list(folders.values())
    return _pack(groups, [len(group) for group in groups], size)


def _pack(groups: list[list], sizes: list[int], size: int) -> list[list]:
    """``groups``, each kept whole and in order, packed into chunks of about ``size`` (a group
    weighs its ``sizes``)."""
    chunks: list[list] = [[]]
    counted = 0
    for group, weight in zip(groups, sizes, strict=True):
        if chunks[-1] and counted + weight > size:
            chunks.append([])
            counted = 0
        chunks[-1].extend(group)
        counted += weight
    return chunks


def parse_files(
    root: Path, config: Config, entries: list[FileEntry], progress=None, summarize=None
) -> tuple[list[tuple], Summaries]:
    """(rel, stamp text, kind, person, pickled (kind, record, problems)) for each entry, read
    by ``_parse_records``, on every core when there are many, and the summaries it made;
    ``progress`` is told how many files were parsed as they are. With ``summarize``, the
    workers send back what it made of each person rather than their notes: pickling every
    note to pass it back costs a cold report a third of its time. Workers are sent paths and
    send back no path or stamp: the parent has them, and every byte crosses twice."""
    workers = min(os.cpu_count() or 1, 4)
    if len(entries) < PARALLEL_FROM or workers < 2:
        parsed, summaries = _parse_records(root, config, _files(entries), progress, summarize)
        return _rows(entries, parsed), summaries
    # small chunks, so that the workers finish at about the same time
    chunks = _by_top_folder(entries, max(50, len(entries) // (workers * 32)))
    jobs = [(root, config, _files(chunk), None, summarize, summarize is None) for chunk in chunks]
    rows: list[tuple] = []
    summaries = {}  # a Summaries, as above
    for chunk, (parsed, chunk_summaries) in zip(
        chunks, _in_workers(_parse_job, jobs, workers), strict=True
    ):
        rows += _rows(chunk, parsed)
        _add_summaries(summaries, chunk_summaries)
        if progress is not None:
            progress(len(parsed))
    return rows, summaries


def _in_workers(work, jobs: list, workers: int):
    """``work(job)`` for each job, in ``workers`` processes, the results in the jobs' order
    (``Executor.map`` keeps it), so a parallel run merges exactly as a serial one would."""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork starts fastest, but is unsafe while another thread runs (ono watch's observer)
    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if fork else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(work, jobs)


def _add_summaries(summaries: Summaries, more: Summaries) -> None:
    """A chunk's summaries added to the others: a person seen in two chunks has none."""
    for person, summary in more.items():
        summaries[person] = None if person in summaries else summary


def _scan_and_parse(
    root: Path, config: Config, progress=None, summarize=None
) -> tuple[dict[str, FolderScan], list[tuple], Summaries] | None:
    """A cold run (the cache knows no folder) of a big vault: what ``scan_folders`` and
    ``parse_files`` give, with each worker stat'ing the folders it parses, so that the stats
    run beside the parsing instead of before it. None for a vault too small for workers
    (counted by listing its folders, which costs no stat), or a machine with one core."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2:
        return None
    top, folders, sizes = _counted_folders(root, config)
    total = sum(sizes) + len(top.rels)
    if total < PARALLEL_FROM:
        return None
    chunks = _pack([[folder] for folder in folders], sizes, total // (workers * 32))
    jobs: list[tuple] = [(root, config, chunk, [], summarize) for chunk in chunks]
    jobs[0] = (root, config, chunks[0], top.entries(root), summarize)  # the top-level notes
    report = progress(total) if progress is not None else None
    scans: dict[str, FolderScan] = {}
    rows: list[tuple] = []
    summaries: Summaries = {}
    for sent, chunk_rows, chunk_summaries in _in_workers(_scan_and_parse_job, jobs, workers):
        scans.update(sent)
        rows += chunk_rows
        _add_summaries(summaries, chunk_summaries)
        if report is not None:
            report(len(chunk_rows))
    if top.rels:
        scans[""] = top  # last, as scan_folders has it
    return scans, rows, summaries


def _counted_folders(root: Path, config: Config) -> tuple[FolderScan, list, list[int]]:
    """``_top_level``, and how many notes each folder seems to hold."""
    top, folders = _top_level(root, config)
    return top, folders, [_names_in(path) for _, path in folders]


def _names_in(path: str) -> int:
    """How many notes a folder seems to hold, from its names alone."""
    try:
        return sum(name.endswith(".md") for name in os.listdir(path))
    except OSError:
        return 0


def _scan_and_parse_job(job: tuple) -> tuple[dict, list[tuple], Summaries]:
    """A worker's part of ``_scan_and_parse``: its folders stat'ed (sent as the second process
    of a split scan sends them), and the rows and summaries of their notes and of ``entries``."""
    root, config, folders, entries, summarize = job
    scans = _scan_tops(folders, _template_paths(root, config))
    entries = entries + [entry for scan in scans.values() for entry in scan.entries(root)]
    parsed, summaries = _parse_records(
        root, config, _files(entries), None, summarize, summarize is None
    )
    for scan in scans.values():
        scan.digest()  # worked out here, beside the parsing, not in the waiting parent
    return scans, _rows(entries, parsed), summaries


def _rows(entries: list[FileEntry], parsed: list[tuple]) -> list[tuple]:
    return [
        (entry.rel, entry.stamp or "", *record)
        for entry, record in zip(entries, parsed, strict=True)
    ]


def parse_fingerprint(config: Config) -> str:
    """What, beside a file's bytes and path (and its stamp, which says which folder names its
    person), decides how it is read; ``layout``: the rules of SPEC §1 v2."""
    return f"me={config.me}|person={config.person}|layout=2"


@dataclass
class VaultIndex:
    """Every candidate file's stamp, kind and person, current: for callers (reports, ``ono
    new``) that decode only the notes they need. ``rows`` maps path -> (stamp, kind, person)."""

    root: Path
    config: Config
    known: dict[str, tuple[str, str, str | None]]  # the rows read so far
    cache: ParseCache | None
    fresh: dict[str, bytes]  # path -> pickled (kind, record, problems), parsed in this run
    summaries: Summaries = field(default_factory=dict)
    digest: str | None = None  # of the scan; the same digest, the same files as they were
    # the folders whose digest is the one their index blob was saved with: their rows are
    # current, and read from the cache only when asked for
    unread: set[str] = field(default_factory=set)
    scanned: dict[str, FolderScan] = field(default_factory=dict)
    digests: dict[str, str | None] = field(default_factory=dict)  # folder -> its scan's digest
    # folder -> the people its saved blob has notes or a profile of
    people: dict[str, frozenset[str]] = field(default_factory=dict)
    by_folder: dict[str, dict] = field(default_factory=dict)  # the rows read so far, by folder

    @property
    def rows(self) -> dict[str, tuple[str, str, str | None]]:
        if self.unread:
            folders, self.unread = self.unread, set()
            self._read_folders(folders)
        return self.known

    def rows_of(self, folders: set[str]) -> dict[str, tuple[str, str, str | None]]:
        """The rows of the files in ``folders`` (top-level folders), reading no other."""
        unread = folders & self.unread
        if unread:
            self.unread -= unread
            self._read_folders(unread)
        return {
            rel: row for folder in folders for rel, row in self.by_folder.get(folder, {}).items()
        }

    def rows_about(self, person: str) -> dict[str, tuple[str, str, str | None]]:
        """The rows of ``person``'s notes and profile, reading only the folders that hold one
        (usually theirs alone): ``ono new`` in a big vault reads one folder's index."""
        self.rows_of({f for f in self.unread if person in self.people[f]})
        return {rel: row for rel, row in self.known.items() if row[2] == person}

    def _read_folders(self, folders: set[str]) -> None:
        """Take the rows of ``folders`` from their index blobs; a folder the cache cannot give
        (a damaged blob, a cache gone) is parsed again."""
        loaded, missing = self.cache.index(folders) if self.cache is not None else ({}, folders)
        for folder, rows in loaded.items():
            self.by_folder[folder] = rows
            self.known.update(rows)
        entries = [entry for folder in missing for entry in self.scanned[folder].entries(self.root)]
        parsed, _ = parse_files(self.root, self.config, entries)
        for folder in missing:
            self.by_folder[folder] = {}
        for rel, stamp, kind, person, payload in parsed:
            self.known[rel] = self.by_folder[top_folder(rel)][rel] = (stamp, kind, person)
            self.fresh[rel] = payload
        if self.cache is not None and entries:
            blobs = {f: (self.digests[f], _stamped(self.by_folder[f])) for f in missing}
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
        self.rows_of({top_folder(path) for path in paths} & self.unread)  # their stamps
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

    from ononotes.store.cache import ParseCache

    config = config or load_config(root)
    cache = ParseCache(root, parse_fingerprint(config)) if use_cache else None
    saved = cache.folders() if cache is not None else {}
    cold = _scan_and_parse(root, config, progress, summarize) if not saved else None
    scans = cold[0] if cold is not None else scan_folders(root, config)
    digests = {folder: scan.digest() for folder, scan in scans.items()}
    unchanged = {
        f for f, digest in digests.items() if digest and f in saved and saved[f].digest == digest
    }
    changed = [folder for folder in digests if folder not in unchanged]
    removed = [folder for folder in saved if folder not in scans]
    known: dict[str, tuple[str, str, str | None]] = {}
    if cache is not None and (changed or removed):
        for saved_rows in cache.index(changed + removed)[0].values():
            known.update(saved_rows)
    rows: dict[str, tuple[str, str, str | None]] = {}
    by_folder: dict[str, dict] = {}
    stale: list[FileEntry] = []
    for folder in changed:
        current = by_folder[folder] = {}
        if cold is not None:
            continue  # parsed already
        entries = scans[folder].entries(root)
        if not known:  # a cold run: nothing to compare
            stale += entries
            continue
        for entry in entries:
            row = known.get(entry.rel)
            if entry.stamp is not None and row is not None and row[0] == entry.stamp:
                rows[entry.rel] = current[entry.rel] = row
            else:
                stale.append(entry)
    if cold is not None:
        _, parsed, summaries = cold
    else:
        report = progress(len(stale)) if progress is not None and stale else None
        parsed, summaries = parse_files(root, config, stale, report, summarize)
    fresh = {}
    for rel, stamp, kind, person, payload in parsed:
        rows[rel] = by_folder[top_folder(rel)][rel] = (stamp, kind, person)
        if payload is not None:
            fresh[rel] = payload
    if cache is not None and (changed or removed):
        blobs = {folder: (digests[folder], _stamped(by_folder[folder])) for folder in changed}
        gone = set(known) - set(rows)
        # a row without a payload (a note parsed for a report's summary) is not stored: its
        # blob row says what it is, and it is parsed again if ever decoded
        stored = (row for row in parsed if row[1] and row[4] is not None)
        cache.update(stored, gone, blobs, removed)
    people = {folder: saved[folder].people for folder in unchanged}
    names = sorted(digests)
    digest = _digest_of(names, [digests[name] for name in names])  # of the whole vault
    return VaultIndex(
        root,
        config,
        rows,
        cache,
        fresh,
        summaries,
        digest,
        unchanged,
        scans,
        digests,
        people,
        by_folder,
    )


def _stamped(rows: dict[str, tuple]) -> dict[str, tuple]:
    """The rows worth saving: a file with no stamp (it could not be stat'ed) is read again."""
    return {rel: row for rel, row in rows.items() if row[0]}


def top_folder(rel: str) -> str:
    """The top-level folder of a path relative to the vault ('' for the vault itself)."""
    folder, slash, _ = rel.partition("/")
    return folder if slash else ""


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
    digest.update("\0".join(cast(list[str], values)).encode())  # no None left: see above
    return digest.hexdigest()


def load_vault(
    root: Path,
    config: Config | None = None,
    person: str | None = None,
    use_cache: bool = True,
    progress=None,
) -> Vault:
    """Read every note and profile; one bad file becomes a problem, never an exception.

    With ``person``, only that person's notes and profile are decoded, and only their problems
    reported: the cost of ``ono new`` then barely grows with the vault. ``progress``: see
    ``index_vault``.
    """
    index = index_vault(root, config, use_cache, progress)
    wanted = list(index.rows if person is None else index.rows_about(person))
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


def replace_bytes(root: Path, path: Path, data: bytes, expected: bytes) -> None:
    """Atomically replace ``path`` with ``data`` if it still holds ``expected`` (an edit of a
    few bytes, the rest kept exactly); refuse if someone changed it since it was read."""
    _refuse_if_changed(root, path, expected)
    _replace_with(path, data)


def _refuse_if_changed(root: Path, path: Path, expected: bytes) -> None:
    if path.read_bytes() != expected:
        raise UsageError(
            f"{relative(root, path)} changed while ono was working; not overwritten, run again"
        )


def replace_file(root: Path, path: Path, text: str, expected: bytes) -> None:
    """Atomically replace ``path`` with ``text`` if it still holds ``expected``; refuse if
    someone changed it since it was read. The file keeps its style: a byte-order mark and CRLF
    line endings stay when ``expected`` had them."""
    _refuse_if_changed(root, path, expected)
    _replace_with(path, _in_style_of(text, expected))


def _in_style_of(text: str, original: bytes) -> str:
    if b"\r\n" in original:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if original.startswith(b"\xef\xbb\xbf") and not text.startswith("\ufeff"):
        text = "\ufeff" + text
    return text


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
    target = output_target(path)
    _replace_with(target, text)
    return path.expanduser()


def names_a_folder(output: str | os.PathLike) -> bool:
    """Whether ``-o`` names a folder (the HTML site's) rather than a file: a path ending in a
    slash, or an existing folder."""
    text = os.fspath(output)
    return text.endswith(("/", os.sep)) or Path(text).expanduser().is_dir()


def output_target(path: Path) -> Path:
    """Where output named ``path`` goes: through a symlink to the file it names (the link
    stays a link), never into a FIFO, a device or a socket, never into a folder that does not
    exist (ono creates no folder it was not asked for)."""
    path = path.expanduser()
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if not target.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {target.parent} does not exist")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"cannot write {path}: it is a folder")
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"cannot write {path}: it is not a regular file (a FIFO, a device or a socket); "
            "ono writes its output only to files"
        )
    return target


def require_person(vault: Vault, slug: str, add_hint: bool = False) -> str:
    """A valid slug of someone in the vault, else a UsageError suggesting the closest one
    (among everyone, when ``vault`` was read for one person); with ``add_hint``, also how to
    add a new person (``ono agenda``, which writes notes as ``ono new`` does)."""
    check_slug(slug)
    if slug not in vault.people():
        message = unknown_person_message(people_in(vault.root, vault.config), slug)
        raise UsageError(f"{message} {add_person_hint(slug)}" if add_hint else message)
    return slug


def refuse_likely_typo(root: Path, config: Config, slug: str) -> None:
    """For a command that adds a person it does not know (``ono new``): a UsageError when
    ``slug`` is close to someone's, the likely typo of it (``core.checks`` finds them)."""
    people = people_in(root, config)
    if closest_person(people, slug) is not None:
        message = unknown_person_message(people, slug)
        raise UsageError(f"{message} {add_person_hint(slug)}")


def add_person_hint(slug: str) -> str:
    return f"(`ono person add {slug}` to add a new person)"


def people_in(root: Path, config: Config) -> list[str]:
    """Every person with a note or a profile, from the index alone: no note is decoded."""
    index = index_vault(root, config)
    people = {
        person
        for _, kind, person in index.rows.values()
        if person is not None and kind.rstrip("+")  # not a file that could not be read
    }
    if index.cache is not None:
        index.cache.close()
    return sorted(people)
