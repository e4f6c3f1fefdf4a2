"""Work in a forked child, its answer back through a pipe: the vault's stat pass runs there while
the parent imports what its command needs (see ``vault.ScanAhead``). Light on purpose: the ``ono``
entry point imports it before anything else."""

from __future__ import annotations

import os
import sys


def may_fork() -> bool:
    """Forking is safe here: POSIX without macOS (whose system libraries are not fork-safe),
    and no thread running (``ono watch`` has its observer) that the child could find mid-lock."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def fork_with_pipe(work) -> tuple[int, int] | None:
    """Run ``work()`` in a forked child that pickles what it returns into a pipe and leaves
    with ``os._exit``, touching nothing but what ``work`` does and the pipe: (its pid, the
    pipe's reading end), or None when no child could be made."""
    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return None
    if child == 0:
        status = 1
        try:
            import pickle

            os.close(reading)
            data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    return child, reading


def receive(child: int, reading: int):
    """What a child of ``fork_with_pipe`` sent, or None if it failed."""
    import pickle

    try:
        with os.fdopen(reading, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(child, 0)
    try:
        return pickle.loads(data) if status == 0 else None
    except Exception:  # a truncated message: the child did not finish
        return None


def abandon(child: int, reading: int) -> None:
    """Stop waiting for a child's answer: a child still writing stops at the closed pipe."""
    os.close(reading)
    os.waitpid(child, 0)
