"""Work in a forked child, its answer back through a pipe: the vault's stat pass runs there while
the parent imports what its command needs (see ``vault.scan_ahead``). Light on purpose: the
``ono`` entry point imports it before anything else."""

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


class Forked:
    """A child of ``fork_with_pipe`` at work, and what it was started for (``key``): its answer
    is taken once (``result``), or the child is reaped unheard (``close``)."""

    def __init__(self, key, child: int, reading: int):
        self.key = key
        self.child = child
        self.reading: int | None = reading

    @classmethod
    def start(cls, key, work) -> Forked | None:
        """``work()`` in a child, where forking is safe (see ``may_fork``); else None."""
        forked = fork_with_pipe(work) if may_fork() else None
        return cls(key, *forked) if forked is not None else None

    def result(self):
        """What the child sent; None if it failed, or its answer was taken already."""
        if self.reading is None:
            return None
        reading, self.reading = self.reading, None
        return receive(self.child, reading)

    def close(self) -> None:
        """Stop the child and reap it, if its answer was not taken (the command failed first,
        or did not need it)."""
        import signal

        if self.reading is not None:
            reading, self.reading = self.reading, None
            os.close(reading)
            os.kill(self.child, signal.SIGTERM)  # it is ours until reaped, finished or not
            os.waitpid(self.child, 0)
