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


def map_forked(work, jobs: list, workers: int):
    """``work(job)`` for each of ``jobs`` in ``workers`` forked processes, yielded in the jobs'
    order. The workers inherit ``jobs`` and are sent only each job's number, the next one as
    they send back a result, two at a time so that none waits for the parent. A job whose
    worker failed or died is done here instead. For the caller to use where forking is safe
    (see ``may_fork``).

    Lighter than a ``ProcessPoolExecutor``: no multiprocessing to import (20-50 ms here), no
    threads, and no pickling of the jobs."""
    import pickle
    import select
    import struct

    later = iter(range(len(jobs)))
    pool: dict[int, _Worker] = {}  # result pipe -> its worker
    done: dict[int, object] = {}
    try:
        for _ in range(min(workers, len(jobs))):
            worker = _Worker.start(work, jobs, [end for w in pool.values() for end in w.ends])
            if worker is None:
                break
            pool[worker.results] = worker
            for _ in range(2):
                worker.send(next(later, -1))
        if not pool:  # no process could be made
            yield from map(work, jobs)
            return
        following = 0
        while following < len(jobs):
            if pool:
                ready, _, _ = select.select(list(pool), [], [])
            else:  # every worker is gone: the rest here
                ready = []
                done.update((i, work(jobs[i])) for i in later)
            for pipe in ready:
                worker = pool[pipe]
                answer = worker.receive(pickle, struct)
                if answer is None:  # it died: its jobs here, and no more for it
                    del pool[pipe]
                    worker.stop()
                    done.update((i, work(jobs[i])) for i in worker.given if i >= 0)
                    continue
                index, succeeded, result = answer
                worker.given.remove(index)
                done[index] = result if succeeded else work(jobs[index])
                worker.send(next(later, -1))
            while following in done:
                yield done.pop(following)
                following += 1
    finally:
        for worker in pool.values():
            worker.stop()


class _Worker:
    """A forked process of ``map_forked``: job numbers in through one pipe, (number, it
    worked, result) out through the other, each pickled after its length."""

    def __init__(self, pid: int, commands: int, results: int):
        self.pid, self.commands, self.results = pid, commands, results
        self.given: list[int] = []  # job numbers sent, not yet answered (-1: stop)

    @property
    def ends(self) -> tuple[int, int]:
        return self.commands, self.results

    @classmethod
    def start(cls, work, jobs, others: list[int]) -> _Worker | None:
        """A new worker; ``others``: the parent's ends of the other workers' pipes, which
        the new one closes (it would otherwise hold them open)."""
        to_child, commands = os.pipe()
        results, from_child = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for end in (to_child, commands, results, from_child):
                os.close(end)
            return None
        if pid == 0:
            try:
                for end in (commands, results, *others):
                    os.close(end)
                _serve(work, jobs, to_child, from_child)
            finally:
                os._exit(0)
        os.close(to_child)
        os.close(from_child)
        return cls(pid, commands, results)

    def send(self, index: int) -> None:
        import contextlib
        import struct

        self.given.append(index)
        with contextlib.suppress(OSError):  # it died; receive() will say so
            os.write(self.commands, struct.pack("!i", index))

    def receive(self, pickle, struct):
        """The next answer, or None when the worker is gone."""
        header = _read_exactly(self.results, 8)
        data = _read_exactly(self.results, struct.unpack("!Q", header)[0]) if header else None
        try:
            return pickle.loads(data) if data else None
        except Exception:  # a message cut short
            return None

    def stop(self) -> None:
        import contextlib
        import signal

        with contextlib.suppress(OSError):
            os.close(self.commands)
        with contextlib.suppress(OSError):
            os.close(self.results)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGTERM)  # idle by now, unless the parent is leaving early
        os.waitpid(self.pid, 0)


def _serve(work, jobs, commands: int, results: int) -> None:
    """A worker's loop: the job numbers it is sent, until -1 or the parent closes the pipe."""
    import pickle
    import struct

    while (raw := _read_exactly(commands, 4)) and (index := struct.unpack("!i", raw)[0]) >= 0:
        try:
            answer = (index, True, work(jobs[index]))
        except Exception:  # done again by the parent, where the error shows
            answer = (index, False, None)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(results, struct.pack("!Q", len(data)) + data)


def _read_exactly(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd``, or b"" if it ends first."""
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return b""
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
