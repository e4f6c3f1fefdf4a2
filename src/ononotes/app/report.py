"""``ono report``: read one or more vaults, build the reports, render them, write the result.

The imperative shell around the pure ``reports`` module and the ``render`` writers: it reads
the files, decides the window, namespaces people when several vaults are rolled up, and
writes ``-o FILE`` atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ononotes.core.checks import check_slug, unknown_person_message
from ononotes.core.model import UNASSIGNED, Config, Note, Problem, Profile
from ononotes.core.reports import (
    ActionsReport,
    CadenceReport,
    actions_report,
    cadence_report,
)
from ononotes.core.window import Window, make_window
from ononotes.errors import UsageError
from ononotes.store.results import person_results
from ononotes.store.vault import Vault, load_config, load_vault, write_atomically

REPORTS = ("cadence", "actions")
FORMATS = ("table", "json", "csv", "md", "html")
PROGRESS_THRESHOLD = 2000  # notes; a progress bar on a terminal above this


@dataclass(frozen=True)
class ReportInput:
    """The notes of every vault asked for, people namespaced ``vault/person`` when several."""

    notes: list[Note]
    profiles: dict[str, Profile]
    config: Config
    me: tuple[str, ...]
    problems: tuple[Problem, ...]
    sources: tuple[str, ...]  # the vaults' names, for titles
    placeholders: frozenset[str] = frozenset()  # the templates' literal lines (insights, §9)


@dataclass(frozen=True)
class ReportResult:
    text: str
    problems: tuple[Problem, ...]
    path: Path | None = None  # where it was written, with -o


# -- reading --------------------------------------------------------------------------------------


def read_vaults(
    roots: Sequence[Path], progress: bool = False, threshold: int = PROGRESS_THRESHOLD
) -> list[Vault]:
    """Every vault, read (through the parse cache) by ``load_vault``; with ``progress``, a
    progress bar on stderr while more than ``threshold`` files of a vault are parsed."""
    bar = functools.partial(_progress_bar, threshold=threshold) if progress else None
    return [load_vault(root, progress=bar) for root in roots]


def vault_names(roots: Sequence[Path]) -> list[str]:
    """Each vault's folder name, made unique with ``-2``, ``-3``... when two share one."""
    names: list[str] = []
    for root in roots:
        base = root.name or "vault"
        name, number = base, 2
        while name in names:
            name, number = f"{base}-{number}", number + 1
        names.append(name)
    return names


def _namespace(vault: Vault, name: str) -> tuple[list[Note], dict[str, Profile], list[Problem]]:
    """The vault's notes and profiles with people, owners and paths under ``name/``; each
    profile gets the vault's default cadence, since the roll-up has no single ono.toml."""
    prefix = f"{name}/"

    def owner(slug: str) -> str:
        return slug if slug == UNASSIGNED else prefix + slug

    notes = [
        dataclasses.replace(
            note,
            person=prefix + note.person,
            path=prefix + note.path,
            items=tuple(dataclasses.replace(item, owner=owner(item.owner)) for item in note.items),
        )
        for note in vault.notes
    ]
    profiles = {}
    for slug in vault.people():
        profile = vault.profiles.get(slug) or Profile(slug, slug)
        profiles[prefix + slug] = dataclasses.replace(
            profile,
            slug=prefix + slug,
            cadence=profile.cadence or vault.config.cadence,
            path=prefix + (profile.path or f"{slug}/profile.md"),
        )
    problems = [dataclasses.replace(p, path=prefix + p.path) for p in vault.problems]
    return notes, profiles, problems


def combine(vaults: Sequence[Vault]) -> ReportInput:
    """Several vaults rolled up, each person as ``vault/person`` (one vault's report goes
    through ``cached_reports``)."""
    from ononotes.store.templates import template_placeholders

    names = vault_names([vault.root for vault in vaults])
    placeholders = template_placeholders(*(v.root / v.config.templates_dir for v in vaults))
    notes: list[Note] = []
    profiles: dict[str, Profile] = {}
    problems: list[Problem] = []
    for vault, name in zip(vaults, names, strict=True):
        more_notes, more_profiles, more_problems = _namespace(vault, name)
        notes += more_notes
        profiles.update(more_profiles)
        problems += more_problems
    me = tuple(f"{name}/{vault.config.me}" for vault, name in zip(vaults, names, strict=True))
    config = Config(  # the section names of every vault count (insights, §9)
        their_agenda=_every(v.config.their_agenda for v in vaults),
        my_agenda=_every(v.config.my_agenda for v in vaults),
        growth=_every(v.config.growth for v in vaults),
    )
    return ReportInput(notes, profiles, config, me, tuple(problems), tuple(names), placeholders)


def _every(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for group in names for name in group))


# -- choosing -------------------------------------------------------------------------------------


def select_people(people: Sequence[str], person: str | None) -> list[str]:
    """Everyone, or the one person asked for (``alice``, or ``team/alice`` in a roll-up)."""
    if person is None:
        return list(people)
    check_slug(person.rsplit("/", 1)[-1])
    chosen = [p for p in people if p == person or p.rsplit("/", 1)[-1] == person]
    if not chosen:
        raise UsageError(unknown_person_message(people, person))
    return chosen


def build_reports(
    data: ReportInput, window: Window, which: str | None = None, person: str | None = None
) -> tuple[CadenceReport | None, ActionsReport | None]:
    """The cadence report, the actions report, or both (``which`` None)."""
    everyone = sorted(set(data.profiles) | {note.person for note in data.notes})
    people = select_people(everyone, person)
    chosen = set(people)
    notes = data.notes if person is None else [n for n in data.notes if n.person in chosen]
    cadence = actions = None
    if which in (None, "cadence"):
        cadence = cadence_report(
            notes, data.profiles, data.config, window, people, data.placeholders
        )
    if which in (None, "actions"):
        actions = actions_report(notes, window, people, data.me)
    return cadence, actions


# -- one vault, person by person, through the cache ----------------------------------------------


NEEDS_ITEMS = ("table", "json", "md", "html")  # the formats that list items, not only counts


@dataclass(frozen=True)
class PersonResults:
    """What ``cached_reports`` keeps of one person: for each part asked for, the cadence row
    (with its problems), the actions counters, the action items. A picklable function of the
    person's notes and profile, so a cold run computes it where the notes were parsed."""

    parts: tuple[str, ...]
    config: Config
    window: Window
    placeholders: frozenset[str]

    @property
    def needs_profiles(self) -> bool:  # the actions report needs no more than their slugs
        return "cadence" in self.parts

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict[str, object]:
        from ononotes.core.reports import cadence_row, person_actions

        computed: dict[str, object] = {}
        if "cadence" in self.parts:
            problems: list[Problem] = []
            row = cadence_row(
                slug, notes, profile, self.config, self.window, problems, self.placeholders
            )
            computed["cadence"] = (row, tuple(problems))
        if "actions" in self.parts:
            actions = person_actions(slug, notes, self.window)
            computed["actions"] = dataclasses.replace(actions, items=())
            if "items" in self.parts:  # else not sent back from a worker only to be dropped
                computed["items"] = actions.items
        return computed


def cached_reports(
    root: Path,
    window: Window,
    which: str | None,
    person: str | None,
    with_items: bool,
    progress: bool = False,
) -> tuple[CadenceReport | None, ActionsReport | None, tuple[Problem, ...]]:
    """``build_reports`` for one vault, from each person's results as the store keeps them
    (``store.results.person_results``): a warm report decodes no note at all. Items are kept
    apart from the counters and loaded only when ``with_items``."""
    from ononotes.core.reports import assemble_actions, assemble_cadence
    from ononotes.store.templates import template_placeholders

    config = load_config(root)
    parts = [
        p
        for p, wanted in (("cadence", which != "actions"), ("actions", which != "cadence"))
        if wanted
    ]
    if "actions" in parts and with_items:
        parts.append("items")
    # only the cadence rows (their insights) read the templates' placeholder lines
    placeholders = (
        template_placeholders(root / config.templates_dir) if "cadence" in parts else frozenset()
    )
    found = person_results(
        root,
        config,
        PersonResults(tuple(parts), config, window, placeholders),
        depends_on=repr(window),
        extra={"cadence": repr(sorted(placeholders))},
        choose=lambda everyone: select_people(everyone, person),
        progress=_progress_bar if progress else None,
    )
    cadence = actions = None
    if "cadence" in parts:
        rows = [found.of("cadence", slug) for slug in found.people]
        cadence = assemble_cadence(
            window, [row for row, _ in rows], [p for _, ps in rows for p in ps]
        )
    if "actions" in parts:
        results = [found.of("actions", slug) for slug in found.people]
        if with_items:
            results = [dataclasses.replace(r, items=found.of("items", r.person)) for r in results]
        actions = assemble_actions(window, results, (config.me,))
    return cadence, actions, found.problems


def _progress_bar(total: int, threshold: int = PROGRESS_THRESHOLD):
    """A progress bar on stderr while more than ``threshold`` files are parsed."""
    if total <= threshold:
        return None
    import sys

    import click

    bar = click.progressbar(length=total, label="reading notes", file=sys.stderr)
    bar.__enter__()
    done = [0]

    def advance(count: int) -> None:
        bar.update(count)
        done[0] += count
        if done[0] >= total:
            bar.__exit__(None, None, None)

    return advance


# -- writing --------------------------------------------------------------------------------------


def render(
    fmt: str,
    cadence: CadenceReport | None,
    actions: ActionsReport | None,
    color: bool = False,
    items: bool = False,
    title: str = "",
) -> str:
    """The reports in one of FORMATS, as text."""
    if fmt == "table":
        from ononotes.render.report_table import render_table

        return render_table(cadence, actions, color=color, items=items)
    if fmt == "json":
        from ononotes.render.report_json import render_json

        return render_json(cadence, actions)
    if fmt == "csv":
        from ononotes.render.report_csv import render_csv

        return render_csv(cadence, actions, items=items)
    if fmt == "md":
        from ononotes.render.report_md import render_md

        return render_md(cadence, actions, items=items, title=title)
    if fmt == "html":
        from ononotes.render.report_html import render_html

        return render_html(cadence, actions, title=title)
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def run_report(
    roots: Sequence[Path],
    which: str | None,
    today: dt.date,
    fmt: str | None = None,
    as_of: str | None = None,
    since: str | None = None,
    until: str | None = None,
    person: str | None = None,
    output: str | os.PathLike | None = None,
    items: bool = False,
    color: bool = False,
    progress: bool = False,
) -> ReportResult:
    """Everything ``ono report`` does but printing: read, build, render, and write with -o."""
    if which is not None and which not in REPORTS:
        raise UsageError(f"unknown report {which!r}: use cadence or actions (or neither, for both)")
    if items and which == "cadence":
        raise UsageError("--items lists action items: use `ono report actions --items`")
    window = make_window(today, as_of, since, until)
    roots = list(dict.fromkeys(Path(root).resolve() for root in roots))  # each vault once
    fmt = fmt or "table"
    if len(roots) == 1:
        with_items = items or fmt in NEEDS_ITEMS
        cadence, actions, read_problems = cached_reports(
            roots[0], window, which, person, with_items, progress
        )
        title = vault_names(roots)[0]
    else:
        data = combine(read_vaults(roots, progress))
        cadence, actions = build_reports(data, window, which, person)
        read_problems, title = data.problems, ", ".join(data.sources)
    problems = read_problems + (cadence.problems if cadence else ())
    text = render(fmt, cadence, actions, color=color, items=items, title=title)
    if output is None:
        return ReportResult(text, problems)
    return ReportResult(text, problems, write_atomically(Path(output), text))
