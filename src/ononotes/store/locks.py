"""One writer at a time for a person's notes.

Every command that reads a note to write it again (``ono agenda`` adding a point, ``ono new``
scaffolding or opening a note, the refresh of a planned note) holds the person's lock from the
read to the write. Without it two ``ono agenda`` at once both read the note, both add their
point and the second rename drops the first's.

The lock is an advisory ``flock`` on a file beside ono's cache (``~/.cache/ononotes/locks/``),
never in the vault, which a command that refuses must leave as it was: the system releases it
when the process ends, however it ends, so a killed command never leaves a stale lock behind. A
writer waits a bounded time, then refuses with "run again".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ononotes.errors import UsageError

WAIT_SECONDS = 15.0
_POLL_SECONDS = 0.02
_held: dict[str, int] = {}  # lock file -> how many times this process holds it (reentrant)


@contextlib.contextmanager
def person_lock(root: Path, person: str, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold ``person``'s write lock in the vault at ``root`` for the ``with`` block."""
    try:
        import fcntl
    except ImportError:  # no flock here (Windows): writers are not serialised
        yield
        return
    from ononotes.store.cache import cache_dir

    folder = cache_dir() / "locks"
    where = f"{root.resolve()}\0{person}".encode("utf-8", "surrogateescape")
    key = hashlib.sha256(where).hexdigest()[:24]
    path = str(folder / f"{key}.lock")
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:  # no cache folder to lock in (a read-only home): writers not serialised
        yield
        return
    try:
        _acquire(fcntl, descriptor, person, wait)
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _acquire(fcntl, descriptor: int, person: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise UsageError(
                    f"another ono is still writing {person}'s notes after {wait:.0f} s; "
                    "nothing was written: run again"
                ) from None
            time.sleep(_POLL_SECONDS)
