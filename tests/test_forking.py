"""forking.map_forked: the forked workers a cold run parses in. Every answer is the one the
parent would work out itself, in the jobs' order, whatever a worker does."""

from __future__ import annotations

import os

import pytest

import ononotes.forking
from ononotes.forking import map_forked

PARENT = os.getpid()


def square(n: int) -> int:
    return n * n


def in_a_worker() -> bool:
    return os.getpid() != PARENT


@pytest.fixture(autouse=True)
def forking_allowed(monkeypatch):
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform: map_forked works in the parent")
    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: True)


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_answers_come_in_the_jobs_order(workers):

    def where(n: int) -> tuple[int, int]:
        return square(n), os.getpid()

    answers = list(map_forked(where, list(range(40)), workers))
    assert [value for value, _ in answers] == [n * n for n in range(40)]
    pids = {pid for _, pid in answers}
    assert PARENT not in pids and len(pids) == workers  # every worker took jobs
    assert no_child_left()


def test_big_answers_cross_the_pipe_whole():
    answers = list(map_forked(lambda n: bytes([n]) * 3_000_000, [1, 2, 3], 2))
    assert answers == [bytes([n]) * 3_000_000 for n in (1, 2, 3)]


def test_a_job_that_fails_in_a_worker_is_done_again_here():
    def flaky(n: int) -> int:
        if in_a_worker() and n % 3 == 0:
            raise ValueError("only in a worker")
        return square(n)

    assert list(map_forked(flaky, list(range(20)), 2)) == [n * n for n in range(20)]
    assert no_child_left()


def test_the_jobs_of_a_worker_that_dies_are_done_here():
    def deadly(n: int) -> int:
        if in_a_worker() and n == 7:
            os._exit(3)  # as a crash would, mid-job, with another job queued
        return square(n)

    assert list(map_forked(deadly, list(range(30)), 2)) == [n * n for n in range(30)]
    assert no_child_left()


def test_every_worker_dead_leaves_the_rest_to_the_parent():
    def fatal(n: int) -> int:
        if in_a_worker():
            os._exit(1)
        return square(n)

    assert list(map_forked(fatal, list(range(12)), 2)) == [n * n for n in range(12)]
    assert no_child_left()


def test_where_forking_is_unsafe_a_process_pool_does_the_jobs(monkeypatch):
    from ononotes.vault import _in_workers

    monkeypatch.setattr(ononotes.forking, "may_fork", lambda: False)
    started = []
    monkeypatch.setattr(ononotes.forking._Worker, "start", lambda *args: started.append(args))
    assert list(_in_workers(square, [1, 2, 3], 2)) == [1, 4, 9] and not started
    assert no_child_left()


def test_leaving_early_stops_the_workers():
    answers = map_forked(square, list(range(100)), 2)
    assert next(answers) == 0
    answers.close()  # the consumer failed, say
    assert no_child_left()
