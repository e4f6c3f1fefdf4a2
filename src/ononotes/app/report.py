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
from typing import TYPE_CHECKING

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
from ononotes.render.page import NoteLinks
from ononotes.store.results import person_results
from ononotes.store.vault import Vault, load_config, load_vault, names_a_folder, write_atomically

if TYPE_CHECKING:
    from ononotes.render.site import PersonPageParts, PrivateText

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
        if "page" in self.parts:  # the HTML site's page: the notes rendered, the goals
            from ononotes.render.site import person_page_parts

            computed["page"] = person_page_parts(
                notes, profile, self.config, self.window, self.placeholders
            )
        return computed


@dataclass(frozen=True)
class CachedReports:
    cadence: CadenceReport | None
    actions: ActionsReport | None
    problems: tuple[Problem, ...]
    pages: dict[str, PersonPageParts]  # person -> what their page of the site needs


def cached_reports(
    root: Path,
    window: Window,
    which: str | None,
    person: str | None,
    with_items: bool,
    progress: bool = False,
    pages: bool = False,
) -> CachedReports:
    """``build_reports`` for one vault, from each person's results as the store keeps them
    (``store.results.person_results``): a warm report decodes no note at all. Items are kept
    apart from the counters and loaded only when ``with_items``; what each person's page of the
    HTML site needs (their notes rendered) only with ``pages``."""
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
    if pages:
        parts.append("page")
    # only the cadence rows (their insights) read the templates' placeholder lines
    placeholders = (
        template_placeholders(root / config.templates_dir) if "cadence" in parts else frozenset()
    )
    found = person_results(
        root,
        config,
        PersonResults(tuple(parts), config, window, placeholders),
        depends_on=repr(window),
        extra={"cadence": repr(sorted(placeholders)), "page": repr(sorted(placeholders))},
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
    page_parts = {slug: found.of("page", slug) for slug in found.people} if pages else {}
    return CachedReports(cadence, actions, found.problems, page_parts)


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
    links: NoteLinks | None = None,
) -> str:
    """The reports in one of FORMATS, as text; ``links``: how the dashboard links a note."""
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
        from ononotes.render.report_html import Links, render_html

        return render_html(cadence, actions, title=title, links=Links(links or NoteLinks()))
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def note_links(roots: Sequence[Path]) -> NoteLinks:
    """How the HTML pages link a note of these vaults: each vault's absolute folder (under its
    name in a roll-up), and the first vault's ``editor_url``."""
    if len(roots) == 1:
        prefixes = [("", str(roots[0]))]
    else:
        prefixes = [
            (f"{name}/", str(root)) for name, root in zip(vault_names(roots), roots, strict=True)
        ]
    return NoteLinks(tuple(prefixes), load_config(roots[0]).editor_url if roots else None)


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
    site: str | os.PathLike | None = None,
) -> ReportResult:
    """Everything ``ono report`` does but printing: read, build, render, and write with -o;
    with ``site`` (or ``--format html`` and ``-o`` naming a folder), the HTML site."""
    if which is not None and which not in REPORTS:
        raise UsageError(f"unknown report {which!r}: use cadence or actions (or neither, for both)")
    if items and which == "cadence":
        raise UsageError("--items lists action items: use `ono report actions --items`")
    window = make_window(today, as_of, since, until)
    roots = list(dict.fromkeys(Path(root).resolve() for root in roots))  # each vault once
    folder = site_folder_asked(fmt, output, site)
    if folder is not None:
        if which is not None:
            raise UsageError(
                f"the HTML site shows both reports: leave out {which!r} "
                "(`ono report --format html -o DIR/`)"
            )
        return write_site(roots, window, person, folder, progress)
    fmt = fmt or "table"
    if len(roots) == 1:
        with_items = items or fmt in NEEDS_ITEMS
        found = cached_reports(roots[0], window, which, person, with_items, progress)
        cadence, actions, read_problems = found.cadence, found.actions, found.problems
        title = vault_names(roots)[0]
    else:
        data = combine(read_vaults(roots, progress))
        cadence, actions = build_reports(data, window, which, person)
        read_problems, title = data.problems, ", ".join(data.sources)
    problems = read_problems + (cadence.problems if cadence else ())
    links = note_links(roots) if fmt == "html" else None
    text = render(fmt, cadence, actions, color=color, items=items, title=title, links=links)
    if output is None:
        return ReportResult(text, problems)
    return ReportResult(text, problems, write_atomically(Path(output), text))


# -- the HTML site ----------------------------------------------------------------------------------


def site_folder_asked(
    fmt: str | None, output: str | os.PathLike | None, site: str | os.PathLike | None
) -> Path | None:
    """The folder of the HTML site when one is asked for: ``--site DIR``, or ``--format html``
    with ``-o`` naming a folder; else None."""
    if site is not None:
        if output is not None:
            raise UsageError("--site DIR and -o name the same thing: give one of them")
        if fmt not in (None, "html"):
            raise UsageError(f"--site writes HTML pages, not {fmt}: leave out --format")
        return Path(site)
    if output is None or not names_a_folder(output):
        return None
    if fmt != "html":
        raise UsageError(
            f"-o {output} names a folder, which only the HTML site is written into "
            "(--format html -o DIR/, or --site DIR); give a file name for other formats"
        )
    return Path(output)


def site_folder(folder: Path) -> Path:
    """The site's folder, which must exist (ono creates no folder it was not asked for), with
    its ``people/`` subfolder, created when missing; through symlinks, never onto a file."""
    from ononotes.render.site import PEOPLE

    folder = folder.expanduser()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(
            f"cannot write the site into {folder}: it {what} (create the folder first)"
        )
    people = folder / PEOPLE
    if not people.is_dir():
        if people.exists() or people.is_symlink():
            raise UsageError(f"cannot write the site's pages into {people}: it is not a folder")
        people.mkdir()
    return folder


def write_site(
    roots: Sequence[Path],
    window: Window,
    person: str | None,
    folder: Path,
    progress: bool = False,
) -> ReportResult:
    """Build the HTML site (the team's index and a page per person) and write it into
    ``folder``, each file atomically; pages of people no longer in it are removed."""
    from ononotes.render.site import INDEX, PEOPLE, Site, render_site

    folder = site_folder(folder)
    if len(roots) == 1:
        found = cached_reports(roots[0], window, None, person, True, progress, pages=True)
        cadence, actions, problems, parts = (
            found.cadence,
            found.actions,
            found.problems,
            found.pages,
        )
        title = vault_names(roots)[0]
    else:
        data = combine(read_vaults(roots, progress))
        cadence, actions = build_reports(data, window, None, person)
        problems, title = data.problems, ", ".join(data.sources)
        parts = rollup_page_parts(data, window)
    assert cadence is not None and actions is not None  # both asked for
    site = Site(cadence, actions, parts, private_texts(roots, cadence), title)
    pages = render_site(site, note_links(roots))
    for name, html in pages.items():
        write_atomically(folder / name, html)
    if person is None:  # a site of one person leaves the others' pages be
        remove_stale_pages(folder, set(pages))
    problems += cadence.problems
    summary = f"{folder / INDEX} and {len(pages) - 1} person pages in {folder / PEOPLE}"
    return ReportResult(summary, problems, folder / INDEX)


def rollup_page_parts(data: ReportInput, window: Window) -> dict[str, PersonPageParts]:
    """What each person's page needs, from a roll-up's notes (already read)."""
    from ononotes.core.window import group_by_person
    from ononotes.render.site import person_page_parts

    by_person = group_by_person(data.notes)
    return {
        slug: person_page_parts(
            by_person.get(slug, []), data.profiles.get(slug), data.config, window, data.placeholders
        )
        for slug in sorted(set(data.profiles) | set(by_person))
    }


def private_texts(roots: Sequence[Path], cadence: CadenceReport) -> dict[str, list[PrivateText]]:
    """The manager's private notes about each person in the report, below their front matter:
    read only from a vault of one's own (never a shared person's repository), so a site built
    from a shared repository holds none."""
    from ononotes.core.parse import FileProblem, read_document
    from ononotes.render.site import PrivateText
    from ononotes.store.private import read_private_notes

    names = vault_names(roots) if len(roots) > 1 else [""]
    found: dict[str, list[PrivateText]] = {}
    for root, name in zip(roots, names, strict=True):
        config = load_config(root)
        if config.person:
            continue  # a shared repository: never its private notes
        prefix = f"{name}/" if name else ""
        for row in cadence.people:
            if not row.person.startswith(prefix):
                continue
            slug = row.person[len(prefix) :]
            for note in read_private_notes(root, slug, config):
                try:
                    document = read_document(note.text)
                    body = "\n".join(document.lines[document.body_start :])
                except FileProblem:
                    body = note.text
                found.setdefault(row.person, []).append(
                    PrivateText(prefix + note.path, note.date, body)
                )
    return found


GENERATED_MARK = b'<meta name="generator" content="ononotes">'


def remove_stale_pages(folder: Path, written: set[str]) -> None:
    """Remove the person pages ono wrote earlier for people no longer in the site: a regular
    ``people/*.html`` file that says it was generated by ononotes, and only those."""
    from ononotes.render.site import PEOPLE

    for page in (folder / PEOPLE).glob("*.html"):
        if f"{PEOPLE}/{page.name}" in written or page.is_symlink() or not page.is_file():
            continue
        try:
            with page.open("rb") as handle:
                generated = GENERATED_MARK in handle.read(2048)
            if generated:
                page.unlink()
        except OSError:
            continue  # a page that cannot be read or removed stays
