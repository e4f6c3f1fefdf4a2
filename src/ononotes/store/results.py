"""Each person's results, kept in the parse cache under their files' stamps: the one way every
command that reads the whole vault stays fast (``report``, ``todo``, ``list``, ``person list``,
``watch``). A command hands in a picklable ``compute(slug, notes, profile) -> {part: result}``;
the store gives back each person's parts, computing them only for people whose files changed
(or in the parse workers, on a cold run) and decoding no note for the others.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from ononotes import __version__
from ononotes.core.checks import check_slug, unknown_person_message
from ononotes.core.model import Config, Note, Problem, Profile
from ononotes.errors import UsageError
from ononotes.store import vault as store
from ononotes.store.cache import FORMAT
from ononotes.store.vault import gc_paused, index_vault


class Compute(Protocol):
    """What a command computes of one person: their notes in (date, file name, path) order and
    their profile in, ``{part: result}`` out. Picklable (a module-level class), as a cold run
    calls it in the parse workers."""

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict[str, Any]: ...


# what the cache keeps of a whole scan: (everyone, the files' problems, each slot's key)
Plan = tuple[list[str], tuple[Problem, ...], dict[str, str]]


@dataclass(frozen=True)
class PeopleResults:
    everyone: list[str]  # every person with a note or a profile
    people: list[str]  # those asked for
    results: dict[str, Any]  # "part:slug" -> result, for ``people``
    problems: tuple[Problem, ...]  # of every file that has one, by path

    def of(self, part: str, slug: str) -> Any:
        return self.results[f"{part}:{slug}"]


@gc_paused()  # tens of thousands of rows and results, and no reference cycle among them
def person_results(
    root: Path,
    config: Config,
    compute: Compute,
    parts: Sequence[str] | None = None,
    depends_on: str = "",
    extra: dict[str, str] | None = None,
    choose: Callable[[list[str]], list[str]] | None = None,
    progress=None,
) -> PeopleResults:
    """Each of ``parts`` (``compute.parts`` by default) of each person ``choose(everyone)``
    picks (everyone by default).

    A result is keyed by the person's files' paths and stamps, ``depends_on`` (what else
    decides it: the day, the window), ``extra[part]``, the config and the code's version, so
    it is the one ``compute`` would give now. The plan (everyone, the files' problems, each
    result's key) is kept under the digest of the whole scan: an unchanged vault needs neither
    the index nor its 20,000 stamps again.
    """
    parts = tuple(parts if parts is not None else compute.parts)  # type: ignore[attr-defined]
    extra = extra or {}
    index = index_vault(root, config, progress=progress, summarize=compute)
    cache = index.cache
    base = repr((FORMAT, __version__, type(compute).__name__, depends_on, config))
    # part names are the slots' names: each compute has its own (cadence, todo, meetings...)
    plan_slot = "plan:" + ",".join(parts)
    plan_key = _digest(index.digest, base, *(extra.get(part, "") for part in parts))
    plan: Plan | None = None
    if cache is not None and index.digest is not None:
        plan = cast("Plan | None", cache.results({plan_slot: plan_key}).get(plan_slot))
        if plan is not None:
            everyone, problems, keys = plan
            people = choose(everyone) if choose else everyone
            found = cache.results({slot: keys[slot] for slot in _slots(parts, people)})
            if len(found) < len(parts) * len(people):
                plan = None  # a result was lost: work it out again
    if plan is None:
        everyone, problems, keys, found, fresh = _plan_and_results(
            index, parts, compute, base, extra
        )
        people = choose(everyone) if choose else everyone
        if cache is not None:
            if index.digest is not None:
                fresh.append((plan_slot, plan_key, (everyone, problems, keys)))
            cache.store_results(fresh)
    if cache is not None:
        cache.close()
    wanted = set(_slots(parts, people))
    return PeopleResults(
        everyone, people, {k: v for k, v in found.items() if k in wanted}, tuple(problems)
    )


def _digest(*parts: str | None) -> str:
    return hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()


def _slots(parts, people) -> list[str]:
    return [f"{part}:{slug}" for part in parts for slug in people]


def _plan_and_results(index, parts, compute: Compute, base: str, extra: dict[str, str]):
    """(everyone, the files' problems, each slot's key, each slot's result, the (slot, key,
    result) rows computed here) from the index: results the cache holds under their key, the
    others computed, for the caller to store (with the folders' pieces computed here)."""
    cache = index.cache
    pieces, fresh = _pieces(index)
    folders_of: dict[str, list[str]] = defaultdict(list)
    flagged: list[str] = []
    for folder in sorted(pieces):
        signatures, piece_flagged = pieces[folder]
        flagged += piece_flagged
        for slug in signatures:
            folders_of[slug].append(folder)
    everyone = sorted(folders_of)
    # a person's results are keyed by their files' paths and stamps (folder by folder), and by
    # what else they read
    keys = {}
    for slug in everyone:
        signature = _digest(base, slug, *(pieces[f][0][slug] for f in folders_of[slug]))
        for part in parts:
            keys[f"{part}:{slug}"] = _digest(part, extra.get(part, ""), signature)
    found = cache.results(keys) if cache is not None else {}
    missing = [slug for slug in everyone if not all(f"{p}:{slug}" in found for p in parts)]
    # only the people left to compute need their files, and only their folders are read
    rows = index.rows_of({folder for slug in missing for folder in folders_of[slug]})
    notes_of, profile_of = _files_of(rows, set(missing))
    # decoded only for a compute that reads them
    wanted_profiles = (
        set(profile_of.values()) if getattr(compute, "needs_profiles", True) else set()
    )
    decoded = index.decode(sorted(set(flagged) | wanted_profiles))
    problems = tuple(sorted((p for path in flagged for p in decoded[path][2]), key=_by_path))
    profiles = {slug: decoded[path][1] for slug, path in profile_of.items() if path in decoded}
    for slug, computed in _compute(index, missing, notes_of, profile_of, profiles, compute):
        for part in parts:
            slot = f"{part}:{slug}"
            found[slot] = computed[part]
            fresh.append((slot, keys[slot], computed[part]))
    return everyone, problems, keys, found, fresh


def _by_path(problem: Problem) -> str:
    return problem.path


def _pieces(index) -> tuple[dict[str, tuple[dict[str, str], list[str]]], list[tuple]]:
    """folder -> (person -> digest of their files there, the paths of files with problems),
    for every folder: kept in the cache under the folder's digest, so that after an edit only
    that folder is grouped again; and the (slot, key, piece) rows to store."""
    cache = index.cache
    slots = {f"piece:{f}": d for f, d in index.digests.items() if d is not None}
    kept = cache.results(slots) if cache is not None else {}
    pieces, fresh = {}, []
    for folder in index.digests:
        slot = f"piece:{folder}"
        piece = kept.get(slot)
        if piece is None:
            piece = _piece(index.rows_of({folder}))
            if slot in slots:
                fresh.append((slot, slots[slot], piece))
        pieces[folder] = piece
    return pieces, fresh


def _piece(rows: dict[str, tuple[str, str, str | None]]) -> tuple[dict[str, str], list[str]]:
    files_of: dict[str, list[str]] = defaultdict(list)  # "path=stamp"
    flagged = []
    for path, (stamp, kind, owner) in rows.items():
        if kind[-1:] == "+":
            flagged.append(path)
            kind = kind[:-1]
        if kind in ("note", "profile") and owner is not None:  # (never None for these)
            files_of[owner].append(f"{path}={stamp}")
    return {slug: _digest(*sorted(files)) for slug, files in files_of.items()}, sorted(flagged)


def _files_of(rows, people: set[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """(person -> their note paths, person -> their profile's path) for ``people``."""
    notes_of: dict[str, list[str]] = defaultdict(list)
    profile_of: dict[str, str] = {}
    for path, (_, kind, owner) in rows.items():
        if owner not in people:
            continue
        kind = kind.rstrip("+")
        if kind == "note":
            notes_of[owner].append(path)
        elif kind == "profile":
            profile_of[owner] = path
    return notes_of, profile_of


def _compute(index, people, notes_of, profile_of, profiles, compute: Compute):
    """(slug, computed results) for ``people``: what the parse workers made of them this run,
    else from their decoded notes. When many people are left (every person on a new day,
    which moves the window), their files are parsed again on every core, as on a cold run,
    rather than decoded one person at a time in this process."""

    def summary(slug: str):
        return index.summary(slug, notes_of.get(slug, []), profile_of.get(slug))

    left = [slug for slug in people if summary(slug) is None]
    if (
        sum(len(notes_of.get(slug, ())) for slug in left) >= store.PARALLEL_FROM
    ):  # read at call time (tests lower it)
        index.summarize_again(left, notes_of, profile_of, compute)
    for slug in people:
        computed = summary(slug)
        if computed is None:  # not all parsed in one place: decode them here
            notes = [record for _, record, _ in index.decode(notes_of.get(slug, [])).values()]
            notes.sort(key=lambda note: note.sort_key)
            computed = compute(slug, notes, profiles.get(slug))
        yield slug, computed


@dataclass(frozen=True)
class Listing:
    """What a listing command prints, and the problems of the files it could not read."""

    rows: list
    problems: tuple[Problem, ...]


def one_or_everyone(slug: str | None) -> Callable[[list[str]], list[str]]:
    """The store's ``choose``: everyone, or the one person named (refused when unknown)."""
    if slug is not None:
        check_slug(slug)

    def choose(everyone: list[str]) -> list[str]:
        if slug is None:
            return everyone
        if slug not in everyone:
            raise UsageError(unknown_person_message(everyone, slug))
        return [slug]

    return choose
