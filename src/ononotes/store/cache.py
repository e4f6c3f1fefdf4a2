"""The parse cache: what each file was read as, keyed by its size, times and inode.

An optimisation only: every answer is the same without it. A row is used only while the file's
stamp (size, mtime_ns, ctime_ns, inode) is unchanged, and ctime moves on every write, even one
that puts the old mtime back. Delete the cache, corrupt it or edit files behind its back and
ono reads the files again.

The cache lives outside the vault, in ``$ONO_CACHE_DIR`` or ``$XDG_CACHE_HOME/ononotes`` (default
``~/.cache/ononotes``), one SQLite file per vault path: payloads are pickles, and a cache inside
the vault could arrive from a shared repository, where loading it would run someone else's code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from ononotes import __version__

FORMAT = 15  # bump when what is stored, or how notes are parsed, changes


def cache_dir() -> Path:
    explicit = os.environ.get("ONO_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ononotes"


def cache_path(root: Path) -> Path:
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / f"{key}.sqlite"


def _stored_fingerprint(fingerprint: str) -> str:
    return f"{__version__}/{FORMAT}/{fingerprint}"


class SavedFolder(NamedTuple):
    """A top-level folder's index blob, as saved: the digest of the scan it was made from, the
    people its files are about (their notes' person, their profiles' slug), how many files."""

    digest: str | None
    people: frozenset[str]
    files: int


class ParseCache:
    """One vault's rows: path -> (stamp, kind, person, payload). Fails soft: any SQLite or
    file-system error turns the cache off for this run, and a corrupt file is replaced."""

    def __init__(self, root: Path, fingerprint: str):
        self.path = cache_path(root)
        self.fingerprint = _stored_fingerprint(fingerprint)
        self.db: sqlite3.Connection | None = None
        try:
            self._open()
        except sqlite3.Error as exc:
            self._fail(exc)
        except OSError:
            self._reset()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=2, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is None or row[0] != self.fingerprint:  # another version's tables: start afresh
            for table in ("folders", "files", "results"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self.fingerprint,))
        # the index in one blob per top-level folder (reading 20,000 rows one by one costs
        # more), with the digest of the scan of that folder it was made from and the people
        # its files are about: a run reads and writes the blobs of the folders whose digest
        # changed, and no other
        db.execute(
            "CREATE TABLE IF NOT EXISTS folders (folder TEXT PRIMARY KEY, digest TEXT,"
            " people TEXT, files INTEGER, data BLOB)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT, kind TEXT,"
            " person TEXT, payload BLOB)"
        )
        # one row per slot (a report about one person): a new key replaces the old result
        db.execute(
            "CREATE TABLE IF NOT EXISTS results (slot TEXT PRIMARY KEY, key TEXT, payload BLOB)"
        )
        self.db = db

    def _reset(self) -> None:
        """Throw a broken cache file away and start an empty one (or none at all)."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")
        try:
            self._open()
        except (sqlite3.Error, OSError):
            self.db = None

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None

    def _query(self, sql: str, args: Iterable = ()) -> list[tuple]:
        if self.db is None:
            return []
        try:
            return self.db.execute(sql, tuple(args)).fetchall()
        except sqlite3.Error as exc:
            self._fail(exc)
            return []

    def folders(self) -> dict[str, SavedFolder]:
        """folder -> what its index blob was saved with (see ``SavedFolder``)."""
        query = "SELECT folder, digest, people, files FROM folders"
        return {
            folder: SavedFolder(
                digest, frozenset(people.split("\n")) if people else frozenset(), files or 0
            )
            for folder, digest, people, files in self._query(query)
        }

    def index(
        self, folders: Iterable[str]
    ) -> tuple[dict[str, dict[str, tuple[str, str, str | None]]], set[str]]:
        """(folder -> path -> (stamp text, kind, person) for the files of ``folders``, the
        folders that are not there: no blob, or a damaged one)."""
        import marshal

        wanted = set(folders)
        found: dict[str, dict[str, tuple[str, str, str | None]]] = {}
        for folder, data in self._select_in("SELECT folder, data FROM folders", "folder", wanted):
            try:
                blob = marshal.loads(data)
            except (EOFError, ValueError, TypeError):
                continue  # damaged: the folder is read again
            if isinstance(blob, dict):
                found[folder] = blob
        return found, wanted - found.keys()

    def payloads(self, stamps: dict[str, str]) -> Iterator[tuple[str, object]]:
        """(path, what was stored) for the paths asked for, each only if it was stored for the
        stamp given (the one the index holds now); the others are left out, to be read again."""
        query = "SELECT path, stamp, payload FROM files"
        for path, stamp, payload in self._select_in(query, "path", stamps):
            if payload is None or stamp != stamps[path]:
                continue
            try:
                yield path, pickle.loads(payload)
            except Exception:  # a damaged row is a miss, never an answer
                continue

    def store(self, rows: Iterable[tuple[str, str, str, str | None, bytes]]) -> None:
        """Write (path, stamp text, kind, person, pickled payload) rows: what each file was
        read as, for that stamp."""
        self._write([("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", rows)])

    def update(
        self,
        rows: Iterable[tuple[str, str, str, str | None, bytes]],
        gone: Iterable[str],
        folders: dict[str, tuple[str | None, dict[str, tuple[str, str, str | None]]]],
        removed: Iterable[str],
    ) -> None:
        """In one transaction: store the rows (as ``store``), forget the paths gone, save each
        folder's index blob with its scan's digest (None: none to trust), and drop the blobs
        of folders no longer there."""
        import marshal

        self._write(
            [
                ("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", rows),
                ("DELETE FROM files WHERE path = ?", ((path,) for path in gone)),
                (
                    "INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?, ?)",
                    [
                        (folder, digest, _people(index), len(index), marshal.dumps(index))
                        for folder, (digest, index) in folders.items()
                    ],
                ),
                ("DELETE FROM folders WHERE folder = ?", ((folder,) for folder in removed)),
            ]
        )

    def results(self, wanted: dict[str, str]) -> dict[str, object]:
        """slot -> stored result, for the slots whose stored key is the one asked for."""
        found: dict[str, object] = {}
        query = "SELECT slot, key, payload FROM results"
        for slot, key, payload in self._select_in(query, "slot", wanted):
            if wanted.get(slot) != key:
                continue
            try:
                found[slot] = pickle.loads(payload)
            except Exception:
                continue
        return found

    def _select_in(self, query: str, column: str, keys: Iterable[str]) -> Iterator[tuple]:
        """The rows of ``query`` whose ``column`` is one of ``keys``, 500 keys a statement
        (SQLite limits the parameters of one)."""
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self._query(f"{query} WHERE {column} IN ({marks})", chunk)

    def store_results(self, rows: Iterable[tuple[str, str, object]]) -> None:
        """Write (slot, key, result) rows."""
        self._write(
            [
                (
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                    (
                        (slot, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
                        for slot, key, value in rows
                    ),
                )
            ]
        )

    def _write(self, statements: list[tuple[str, Iterable[tuple]]]) -> None:
        """Run each (SQL, rows) in one transaction: all of it is stored, or none."""
        if self.db is None:
            return
        try:
            statements = [(sql, list(rows)) for sql, rows in statements]
            if not any(rows for _, rows in statements):
                return
            with self.db:
                self.db.execute("BEGIN")
                for sql, rows in statements:
                    self.db.executemany(sql, rows)
        except sqlite3.Error as exc:
            self._fail(exc)
        except (RecursionError, MemoryError, UnicodeError, ValueError, pickle.PicklingError):
            # a value that cannot be stored (too deep to pickle, a file name that is not
            # UTF-8): the cache is off for this run, and the answer comes as without it
            self.close()

    def _fail(self, exc: sqlite3.Error) -> None:
        """A busy or locked cache (another ono is writing it) is left alone for this run; a
        damaged one is thrown away and started again."""
        if isinstance(exc, sqlite3.OperationalError) and not _damaged(exc):
            self.close()
        else:
            self._reset()


def _people(index: dict[str, tuple[str, str, str | None]]) -> str:
    """The people of an index blob's rows, one a line (a slug holds no newline)."""
    return "\n".join(sorted({person for _, _, person in index.values() if person}))


def _damaged(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message or "corrupt" in message
