"""``ono report``: read one or more vaults, build the reports, render them, write the result.

The imperative shell around the pure ``reports`` module and the ``render`` writers: it reads
the files, decides the window, namespaces people when several vaults are rolled up, and
writes ``-o FILE`` atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .model import UNASSIGNED, Config, Note, Problem, Profile
from .reports import ActionsReport, CadenceReport, Window, actions_report, cadence_report
from .vault import Vault, load_config, load_vault, markdown_files, read_file, write_atomically
from .workflow import check_date, check_slug

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
    """Every vault, read the way ``load_vault`` does; with ``progress`` and more than
    ``threshold`` files in all, a progress bar on stderr while the notes are parsed."""
    if not progress:
        return [load_vault(root) for root in roots]
    configs = [load_config(root) for root in roots]
    files = [
        list(markdown_files(root, config)) for root, config in zip(roots, configs, strict=True)
    ]
    total = sum(len(paths) for paths in files)
    if total <= threshold:
        return [load_vault(root, config) for root, config in zip(roots, configs, strict=True)]
    import sys

    import click

    vaults = []
    with click.progressbar(length=total, label="reading notes", file=sys.stderr) as bar:
        for root, config, paths in zip(roots, configs, files, strict=True):
            vault = Vault(root, config)
            for path in paths:
                kind, record, problems = read_file(root, path, config)
                vault.problems.extend(problems)
                if kind == "note":
                    vault.notes.append(record)
                elif kind == "profile":
                    vault.profiles[record.slug] = record
                bar.update(1)
            vault.notes.sort(key=lambda note: (note.person, note.sort_key))
            vaults.append(vault)
    return vaults


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
    """One vault as it is; several rolled up, each person as ``vault/person``."""
    from .templates import template_placeholders

    names = vault_names([vault.root for vault in vaults])
    placeholders = template_placeholders(*(v.root / v.config.templates_dir for v in vaults))
    if len(vaults) == 1:
        vault = vaults[0]
        return ReportInput(
            list(vault.notes),
            dict(vault.profiles),
            vault.config,
            (vault.config.me,),
            tuple(vault.problems),
            tuple(names),
            placeholders,
        )
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


def make_window(
    today: dt.date,
    as_of: str | dt.date | None,
    since: str | dt.date | None,
    until: str | dt.date | None,
) -> Window:
    """The report's dates from the options; since after until is a usage error."""
    window = Window(
        check_date(as_of, "--as-of") or today,
        check_date(since, "--since"),
        check_date(until, "--until"),
    )
    if window.since is not None and window.since > window.end:
        raise UsageError(f"--since {window.since} is after the end of the window, {window.end}")
    return window


def select_people(people: Sequence[str], person: str | None) -> list[str]:
    """Everyone, or the one person asked for (``alice``, or ``team/alice`` in a roll-up)."""
    if person is None:
        return list(people)
    check_slug(person.rsplit("/", 1)[-1])
    chosen = [p for p in people if p == person or p.rsplit("/", 1)[-1] == person]
    if not chosen:
        import difflib

        close = difflib.get_close_matches(person, list(people), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"no person {person!r} in this vault{hint}")
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
        from .render.report_table import render_table

        return render_table(cadence, actions, color=color, items=items)
    if fmt == "json":
        from .render.report_json import render_json

        return render_json(cadence, actions)
    if fmt == "csv":
        from .render.report_csv import render_csv

        return render_csv(cadence, actions, items=items)
    if fmt == "md":
        from .render.report_md import render_md

        return render_md(cadence, actions, items=items, title=title)
    if fmt == "html":
        from .render.report_html import render_html

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
    data = combine(read_vaults(roots, progress))
    cadence, actions = build_reports(data, window, which, person)
    problems = data.problems + (cadence.problems if cadence else ())
    text = render(
        fmt or "table", cadence, actions, color=color, items=items, title=", ".join(data.sources)
    )
    if output is None:
        return ReportResult(text, problems)
    return ReportResult(text, problems, write_atomically(Path(output), text))
