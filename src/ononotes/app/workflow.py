"""The use cases behind the commands: each reads the vault, calls the pure core, writes safely.

``cli.py`` parses options and calls one function here; these functions return plain data for it
to print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from ononotes.core.cadence import interval_days
from ononotes.core.carry import (
    CARRY_MARKER,
    carry_open_items,
    lost_items,
)
from ononotes.core.checks import check_date, check_slug, unknown_person_message
from ononotes.core.model import Config, Note, Problem, Profile, note_order
from ononotes.core.reports import open_items as followed_open_items
from ononotes.core.window import make_window
from ononotes.errors import UsageError
from ononotes.store.planned import refresh_planned_note
from ononotes.store.results import person_results
from ononotes.store.vault import (
    CONFIG_NAME,
    GITIGNORE,
    PROFILE_NAME,
    Vault,
    create_file,
    load_config,
    load_vault,
    read_file,
    relative,
    replace_file,
    require_person,
    write_atomically,
)

if TYPE_CHECKING:
    from ononotes.core.brief import Brief
    from ononotes.store.templates import TemplateContext


# -- init -----------------------------------------------------------------------------------------


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    committed: bool = False


def init_vault(root: Path, me: str | None) -> InitResult:
    """Make a vault: ``ono.toml``, ``.gitignore``, a git repo and a first commit; never clobbers."""
    if me is not None:
        check_slug(me, "--me")
    root.mkdir(parents=True, exist_ok=True)
    result = InitResult(root.resolve())
    config_text = f'# ononotes vault settings: see docs/format.md\nme = "{me or "me"}"\ncadence = "weekly"\nautocommit = false\n'
    for name, text in ((CONFIG_NAME, config_text), (".gitignore", GITIGNORE)):
        path = root / name
        if path.exists():
            result.existing.append(name)
        else:
            create_file(root, path, text)
            result.created.append(name)
    from ononotes.adapters.git import commit_paths, ensure_repo

    ensure_repo(root)
    if result.created:
        result.committed = commit_paths(root, result.created, "ono init: new vault")
    return result


# -- people ---------------------------------------------------------------------------------------


def profile_text(slug: str, name: str | None = None, **fields: str | None) -> str:
    """The front matter of a new profile, with only the fields given."""
    lines = [
        "---",
        f"name: {_yaml_scalar(name or slug.replace('-', ' ').replace('_', ' ').title())}",
    ]
    for key, value in fields.items():
        if value is not None:
            lines.append(f"{key}: {_yaml_scalar(str(value))}")
    lines += ["---", "", f"Notes about working with {name or slug}.", ""]
    return "\n".join(lines)


def _yaml_scalar(text: str) -> str:
    import json

    plain = (
        text
        and text.strip() == text
        and not any(c in text for c in ":#[]{},&*!|>'\"%@`")
        and text[0] not in "-?"
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def add_person(
    root: Path,
    slug: str,
    name: str | None = None,
    cadence: str | None = None,
    role: str | None = None,
    relation: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Path:
    """Create ``<slug>/profile.md``; refuses if the person already has one."""
    check_slug(slug)
    if cadence is not None:
        try:
            interval_days(cadence)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    since_date = check_date(since, "--since")
    until_date = check_date(until, "--until")
    config = load_config(root)
    path = person_folder(root, config, slug) / PROFILE_NAME
    text = profile_text(
        slug,
        name,
        cadence=cadence,
        role=role,
        relation=relation,
        since=since_date.isoformat() if since_date else None,
        until=until_date.isoformat() if until_date else None,
    )
    create_file(root, path, text)
    _autocommit(root, config, [path], f"ono person add {slug}")
    return path


@dataclass(frozen=True)
class PersonRow:
    slug: str
    name: str
    cadence: str
    relation: str
    meetings: int
    last: dt.date | None
    active: bool


@dataclass(frozen=True)
class RosterRows:
    """Each person's ``PersonRow`` as of ``today`` (``ono person list``), for the store."""

    config: Config
    today: dt.date
    parts: ClassVar[tuple[str, ...]] = ("roster",)

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        profile = profile or Profile(slug, slug)
        held = [n for n in notes if n.effective_status(self.today) == "held"]
        row = PersonRow(
            slug,
            profile.name,
            profile.cadence or self.config.cadence,
            profile.relation or "",
            len(notes),
            held[-1].date if held else None,
            not (profile.until and profile.until < self.today),
        )
        return {"roster": row}


def list_people(root: Path, today: dt.date) -> Listing:
    """``ono person list``: everyone with a profile or a note, through the store's results."""
    config = load_config(root)
    found = person_results(root, config, RosterRows(config, today), depends_on=str(today))
    return Listing([found.of("roster", slug) for slug in found.people], found.problems)


# -- new ------------------------------------------------------------------------------------------


@dataclass
class NewResult:
    path: Path
    text: str
    carried: list[str]
    previous: str | None
    created_profile: Path | None = None
    refreshed: list[str] = field(default_factory=list)
    written: bool = True
    private_path: Path | None = None  # the private sidecar, with ``ono new --private``


def choose_template(
    explicit: str | None, profile: Profile | None, meeting_type: str, first: bool
) -> str:
    if explicit is not None:
        return explicit
    if profile is not None and profile.template:
        return profile.template
    kind = meeting_type.casefold()
    if kind in ("skip-level", "skip level", "skiplevel"):
        return "skip-level"
    if kind == "career":
        return "career"
    return "first" if first else "1on1"


def person_folder(root: Path, config: Config, slug: str) -> Path:
    """Where a person's notes and profile go: their folder in the vault, or the top of a shared
    repository's clone, which is theirs alone (``person`` in its ono.toml). A person folder that
    is a symbolic link out of the vault is refused: nothing ono writes may land outside it."""
    folder = root if config.person == slug else root / slug
    target = folder.resolve()
    if not target.is_relative_to(root.resolve()):
        raise UsageError(
            f"{slug}/ is a symbolic link to {target}, outside the vault; ono writes notes only "
            "inside the vault"
        )
    return folder


def note_path_for(folder: Path, date: dt.date, day_taken: bool) -> Path:
    """``<date>.md`` in ``folder``; when the person already has a meeting that day (of another
    type), ``<date>-2.md``, ``-3``... A race for the plain name ends in a refusal, not a suffix."""
    path = folder / f"{date.isoformat()}.md"
    number = 2
    while day_taken and path.exists():
        path = folder / f"{date.isoformat()}-{number}.md"
        number += 1
    return path


def previous_note(notes: list[Note], date: dt.date) -> Note | None:
    """The person's most recent note dated on or before ``date`` (by date, then file name)."""
    earlier = [note for note in notes if note.date <= date]
    return max(earlier, key=lambda note: note.sort_key) if earlier else None


def new_meeting(
    root: Path,
    slug: str,
    today: dt.date,
    date: str | dt.date | None = None,
    meeting_type: str | None = None,
    template: str | None = None,
    dry_run: bool = False,
    private: bool = False,
) -> NewResult:
    """Scaffold the next meeting with ``slug``: render the template, carry the open items of the
    last note, write it atomically. Refuses when the person already has a note of that type that
    day."""
    from ononotes.store.templates import render_template, template_location

    check_slug(slug)
    when = check_date(date, "--date") or today
    config = load_config(root)
    vault = load_vault(root, config, person=slug)
    profile = vault.profiles.get(slug)
    notes = vault.notes_for(slug)
    kind = meeting_type or _default_type(profile)
    same_day = [
        note for note in notes if note.date == when and note.type.casefold() == kind.casefold()
    ]
    if same_day:
        raise UsageError(f"{same_day[0].path} already exists for {slug} on {when}; not overwritten")
    previous = previous_note(notes, when)
    refreshed: list[str] = []
    if previous is not None and previous.effective_status(today) == "planned" and not dry_run:
        # the note we carry from is itself scaffolded ahead: bring it up to date first
        refreshed = refresh_planned_note(vault, previous)
        if refreshed:
            vault = load_vault(root, config, person=slug)
            notes = vault.notes_for(slug)
            previous = previous_note(notes, when)
    context = _template_context(vault, slug, profile, when, kind, previous, notes)
    name = choose_template(template, profile, kind, first=not notes)
    rendered = render_template(name, context, root / config.templates_dir, root)
    source = template_location(name, root / config.templates_dir, root)
    rendered, rendered_type = as_meeting(rendered, slug, when, kind, source, config.me)
    if rendered_type.casefold() != kind.casefold():  # the template wrote a type of its own
        same_day = [
            n for n in notes if n.date == when and n.type.casefold() == rendered_type.casefold()
        ]
        if same_day:
            raise UsageError(
                f"{same_day[0].path} already exists for {slug} on {when}; not overwritten"
            )
    if previous is not None:
        result = carry_open_items(previous.lines, previous.items, rendered)
        text, carried = result.text, result.carried_items
        lost = lost_items(result)
        if lost:
            from ononotes.errors import TemplateError

            raise TemplateError(
                f"the open item {lost!r} would not be an item in the note it renders: it lands "
                "inside a code block or HTML comment the template never closes; nothing written",
                source,
            )
    else:
        text, carried = _drop_marker(rendered), []
    folder = person_folder(root, config, slug)
    path = note_path_for(folder, when, day_taken=any(note.date == when for note in notes))
    outcome = NewResult(
        path, text, carried, previous.path if previous else None, refreshed=refreshed
    )
    if dry_run:
        outcome.written = False
        return outcome
    if private:  # its private sidecar must be free before anything is written
        from ononotes.store.private import private_note_path

        outcome.private_path = private_note_path(root, config, slug, path)
        if outcome.private_path.exists():
            raise UsageError(
                f"{relative(root, outcome.private_path)} already exists; not overwritten"
            )
    if profile is None and not (folder / PROFILE_NAME).exists():
        outcome.created_profile = folder / PROFILE_NAME
        create_file(root, outcome.created_profile, profile_text(slug, cadence=config.cadence))
    create_file(root, path, text)
    if outcome.private_path:
        from ononotes.store.private import create_private_note

        create_private_note(root, slug, when, path)
    _autocommit(
        root,
        config,
        [p for p in (path, outcome.created_profile, outcome.private_path) if p],
        f"ono new {slug} {when}",
    )
    return outcome


def as_meeting(
    rendered: str, slug: str, when: dt.date, kind: str, source: str, me: str = "me"
) -> tuple[str, str]:
    """A rendered template as the meeting note of ``slug`` on ``when``, and the note's type.

    A file is a meeting by its front matter ``date`` (SPEC §1), so a template that leaves it out
    gets it: the line goes first in its front matter, or a front matter block of its own goes on
    top (with ``type`` too when the meeting is not a plain 1:1). A note ono could not read back,
    or one that names another date or person, is refused (a TemplateError naming the template),
    so ``ono new`` never writes a file that is not this meeting.
    """
    from ononotes.core.parse import FileProblem, note_from_document, read_document
    from ononotes.errors import TemplateError

    def refuse(problem: str):
        return TemplateError(f"the note it renders {problem}; nothing written", source)

    try:
        document = read_document(rendered)
    except FileProblem as exc:
        raise refuse(f"cannot be read (line {exc.line}: {exc.message})") from None
    meta = document.meta or {}
    added = [] if "date" in meta else [f"date: {when.isoformat()}"]
    if added and "type" not in meta and kind.casefold() != "1:1":
        added.append(f"type: {_yaml_scalar(kind)}")
    if added:
        text = rendered.removeprefix("\ufeff")
        if document.meta is None:
            rendered = "---\n" + "\n".join(added) + "\n---\n" + text
        else:
            first, _, rest = text.partition("\n")
            rendered = first + "\n" + "\n".join(added) + "\n" + rest
    try:
        document = read_document(rendered) if added else document
        note, _ = note_from_document(document, f"{slug}/{when.isoformat()}.md", slug, me)
    except FileProblem as exc:
        raise refuse(f"is not a meeting ono can read (line {exc.line}: {exc.message})") from None
    if note is None:  # the date line added above is not in its front matter (CR line endings)
        raise refuse("has no date in its front matter (write date: {{ date }})")
    if note.date != when:
        raise refuse(f"is dated {note.date}, not {when} (write date: {{{{ date }}}})")
    if note.person != slug:
        raise refuse(f"is about {note.person!r}, not {slug!r} (write person: {{{{ person }}}})")
    return rendered, note.type


def _default_type(profile: Profile | None) -> str:
    if profile is not None and profile.meta.get("type"):
        return str(profile.meta["type"])
    relation = (profile.relation or "").casefold() if profile else ""
    return {"skip-level": "skip-level", "mentee": "mentor"}.get(relation, "1:1")


def _drop_marker(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip() != CARRY_MARKER)


def _template_context(
    vault: Vault,
    slug: str,
    profile: Profile | None,
    when: dt.date,
    kind: str,
    previous: Note | None,
    notes: list[Note],
) -> TemplateContext:
    from ononotes.store.questions import suggest_questions

    name = profile.name if profile else slug.replace("-", " ").title()
    context: TemplateContext = {
        "person": slug,
        "name": name,
        "profile": dict(profile.meta) if profile else {},
        "me": vault.config.me,
        "date": when.isoformat(),
        "weekday": when.strftime("%A"),
        "type": kind,
        "meeting_number": len([n for n in notes if n.date <= when]) + 1,
        "previous": None,
        "days_since": None,
        "carried": [],
        "goals": list(profile.goals) if profile else [],
        "suggested_questions": suggest_questions(vault, slug, when),
        "carry_here": CARRY_MARKER,
    }
    if previous is not None:
        context["previous"] = {
            "path": previous.path,
            "date": previous.date.isoformat(),
            "type": previous.type,
            "status": previous.status,
            "mood": previous.mood,
        }
        context["days_since"] = (when - previous.date).days
        carried: list[str] = []  # an item's text once per key
        seen: set[str] = set()
        for i in previous.items:
            if i.is_open and i.key not in seen:
                seen.add(i.key)
                carried.append(i.text)
        context["carried"] = carried
    return context


# -- list, todo, check ----------------------------------------------------------------------------


class MeetingRow(NamedTuple):
    """A meeting as ``ono list`` shows it (a named tuple: the cache keeps one a note)."""

    date: dt.date
    person: str
    type: str
    status: str  # as of the day it was listed (SPEC §2)
    path: str

    @property
    def sort_key(self) -> tuple[dt.date, str, str]:
        return note_order(self.date, self.path)


@dataclass(frozen=True)
class MeetingRows:
    """Each person's meetings as ``MeetingRow``s as of ``today`` (``ono list``), for the store."""

    today: dt.date
    parts: ClassVar[tuple[str, ...]] = ("meetings",)
    needs_profiles: ClassVar[bool] = False

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        today = self.today
        rows = [
            MeetingRow(n.date, n.person, n.type, n.effective_status(today), n.path) for n in notes
        ]
        return {"meetings": tuple(rows)}


@dataclass(frozen=True)
class Listing:
    """What a listing command prints, and the problems of the files it could not read."""

    rows: list
    problems: tuple[Problem, ...]


def _one_or_everyone(slug: str | None) -> Callable[[list[str]], list[str]]:
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


def list_meetings(root: Path, today: dt.date, slug: str | None) -> Listing:
    """``ono list``: the meetings, newest first (one person's when ``slug`` is given)."""
    found = person_results(
        root,
        load_config(root),
        MeetingRows(today),
        depends_on=str(today),
        choose=_one_or_everyone(slug),
    )
    rows = [row for person in found.people for row in found.of("meetings", person)]
    rows.sort(key=lambda row: (row.sort_key, row.person), reverse=True)
    return Listing(rows, found.problems)


@dataclass(frozen=True)
class OpenItemRows:
    """Each person's open items as of ``today`` by the one rule (``ono todo``), for the store."""

    today: dt.date
    parts: ClassVar[tuple[str, ...]] = ("todo",)
    needs_profiles: ClassVar[bool] = False

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        return {"todo": tuple(followed_open_items(slug, notes, self.today))}


def open_items(
    root: Path,
    today: dt.date,
    person: str | None = None,
    owner: str | None = None,
    overdue: bool = False,
) -> Listing:
    """``ono todo``: the open items of each person (or of ``person``) by the one rule
    (``reports.open_items``), those of ``owner`` alone, or the overdue ones alone."""
    config = load_config(root)
    if owner is not None:
        owner = owner.lstrip("@").casefold()
        owner = config.me if owner == "me" else owner
    found = person_results(
        root, config, OpenItemRows(today), depends_on=str(today), choose=_one_or_everyone(person)
    )
    items = [
        item
        for slug in found.people
        for item in found.of("todo", slug)
        if (owner is None or item.owner == owner) and (not overdue or item.overdue)
    ]
    return Listing(items, found.problems)


def check_vault(root: Path) -> tuple[Vault, list[Problem]]:
    """Read everything and list every problem (not just the first), in path order."""
    config = load_config(root)
    vault = load_vault(root, config)
    problems = list(vault.problems)
    for slug, profile in vault.profiles.items():
        if profile.cadence:
            try:
                interval_days(profile.cadence)
            except ValueError as exc:
                problems.append(Problem(profile.path or slug, None, str(exc)))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return vault, problems


def _autocommit(root: Path, config: Config, paths: list[Path], message: str) -> None:
    """Commit what a command wrote, when ``autocommit = true`` in ono.toml."""
    if not config.autocommit:
        return
    from ononotes.adapters.git import commit_paths

    commit_paths(root, [relative(root, p) for p in paths], message)


# -- the week ahead: agenda, prep, calendar -------------------------------------------------------


def person_cadence(vault: Vault, slug: str) -> tuple[str, int]:
    """(cadence, days between 1:1s) with ``slug``: the profile's, else ono.toml's (SPEC §6).
    One that cannot be read falls back as in the reports, and is noted in the vault's problems:
    one person's typo never stops a command about everyone."""
    from ononotes.core.reports import resolve_cadence

    problems: list[Problem] = []
    cadence = resolve_cadence(vault.profiles.get(slug), vault.config, problems)
    vault.problems.extend(problem for problem in problems if problem not in vault.problems)
    return cadence


def next_meeting_note(vault: Vault, slug: str, today: dt.date) -> Note | None:
    """The note of the next meeting with ``slug``: the earliest dated after today whose status
    is planned or not written. On the day itself, that day's note still counts as the meeting to
    come unless its status says otherwise (held, cancelled, ...): an agenda point added twice on
    a meeting day lands in one note, not in this one and next week's."""
    for note in vault.notes_for(slug):
        if note.date >= today and note.status in (None, "planned"):
            return note
    return None


def next_due_date(vault: Vault, slug: str, today: dt.date) -> dt.date:
    """When the next 1:1 with ``slug`` is due: the last held one (else the profile's ``since``)
    plus the cadence's interval; today if that has passed or there is neither."""
    _, interval = person_cadence(vault, slug)
    held = [
        n for n in vault.notes_for(slug) if n.date <= today and n.effective_status(today) == "held"
    ]
    profile = vault.profiles.get(slug)
    base = held[-1].date if held else (profile.since if profile else None)
    if base is None:
        return today
    return max(base + dt.timedelta(days=interval), today)


@dataclass
class Upcoming:
    """The next meeting's note, after refreshing or scaffolding it."""

    vault: Vault
    note: Note
    refreshed: list[str] = field(default_factory=list)
    scaffolded: NewResult | None = None


def _reload_note(root: Path, config: Config, slug: str, path: str) -> tuple[Vault, Note]:
    """``slug``'s notes read again (after ``ono new`` wrote a note, maybe a profile, maybe
    refreshed another note), and the note at ``path`` among them."""
    return _note_in(load_vault(root, config, person=slug), path)


def _read_note_again(vault: Vault, path: str) -> tuple[Vault, Note]:
    """``vault`` with the one note at ``path`` read again (a refresh rewrote it alone)."""
    kind, record, problems = read_file(vault.root, vault.root / path, vault.config, path)
    notes = [note for note in vault.notes if note.path != path]
    if kind == "note":
        notes.append(record)
    notes.sort(key=lambda note: (note.person, note.sort_key))
    kept = [problem for problem in vault.problems if problem.path != path]
    return _note_in(Vault(vault.root, vault.config, notes, vault.profiles, kept + problems), path)


def _note_in(vault: Vault, path: str) -> tuple[Vault, Note]:
    note = next((n for n in vault.notes if n.path == path), None)
    if note is None:
        problem = next((p for p in vault.problems if p.path == path), None)
        raise UsageError(str(problem) if problem else f"{path} is no longer a meeting note")
    return vault, note


def upcoming_note(root: Path, vault: Vault, slug: str, today: dt.date, scaffold: bool):
    """The next meeting's note, its carried items refreshed while it is planned (SPEC §4); with
    ``scaffold``, one is written for the next due date when there is none (as ``ono new`` does).
    Returns an ``Upcoming``, or None when there is no note and ``scaffold`` is false."""
    note = next_meeting_note(vault, slug, today)
    if note is None:
        if not scaffold:
            return None
        profile = vault.profiles.get(slug)
        if profile is not None and profile.until is not None and profile.until < today:
            raise UsageError(
                f"{slug}'s 1:1s ended on {profile.until} (until: in {profile.path}), so there is "
                f"no next meeting to add to; `ono new {slug} --date D` writes one anyway"
            )
        when = next_due_date(vault, slug, today)
        taken = {n.date for n in vault.notes_for(slug)}
        while when in taken:  # a held or cancelled meeting that day: the next free day
            when += dt.timedelta(days=1)
        created = new_meeting(root, slug, today, when)
        vault, note = _reload_note(root, vault.config, slug, relative(root, created.path))
        return Upcoming(vault, note, scaffolded=created)
    refreshed: list[str] = []
    if note.effective_status(today) == "planned":
        refreshed = refresh_planned_note(vault, note)
        if refreshed:
            vault, note = _read_note_again(vault, note.path)
    return Upcoming(vault, note, refreshed)


@dataclass
class AgendaResult:
    path: Path
    point: str
    section: str
    added: bool
    scaffolded: NewResult | None = None
    refreshed: list[str] = field(default_factory=list)


def agenda_author(by: str | None, config: Config) -> str:
    """``--by``: a slug (``@`` optional); ``me`` or nothing is the vault owner."""
    if by is None:
        return config.me
    slug = by.strip().lstrip("@").casefold()
    return config.me if slug == "me" else check_slug(slug, "--by")


def add_agenda(
    root: Path, slug: str, text: str, today: dt.date, by: str | None = None
) -> AgendaResult:
    """Add a talking point to the next meeting with ``slug``: under "Their agenda" when ``by``
    is them, else "My agenda". Scaffolds the note for the next due date when there is none,
    refreshes it first when it is planned; a point already there is not added again."""
    from ononotes.core.agenda import add_point, clean_point

    check_slug(slug)
    point = clean_point(text)
    if not point:
        raise UsageError("the talking point is empty: say what you want to talk about")
    config = load_config(root)
    author = agenda_author(by, config)
    vault = load_vault(root, config, person=slug)  # their notes alone are decoded
    require_person(vault, slug)
    upcoming = upcoming_note(root, vault, slug, today, scaffold=True)
    titles = config.their_agenda if author == slug else config.my_agenda
    path = root / upcoming.note.path
    original = path.read_bytes()
    edit = add_point(_lines_of(original, upcoming.note.path), titles, point)
    if edit.lines is not None:
        replace_file(root, path, "\n".join(edit.lines) + "\n", original)
        _autocommit(root, config, [path], f"ono agenda {slug}")
    return AgendaResult(
        path,
        point,
        edit.section,
        edit.lines is not None,
        upcoming.scaffolded,
        upcoming.refreshed,
    )


def _lines_of(data: bytes, path: str) -> list[str]:
    from ononotes.core.parse import FileProblem, decode, split_lines

    try:
        return split_lines(decode(data))
    except FileProblem as exc:
        raise UsageError(f"{path}: {exc.message}") from None


@dataclass
class PrepResult:
    brief: Brief
    problems: list[Problem]
    refreshed: list[str]  # what refreshing the planned note changed, if it did
    note_path: str | None  # the next meeting's note


def prepare_brief(root: Path, slug: str, today: dt.date) -> PrepResult:
    """The brief before the next meeting with ``slug`` (see ``prep.build_brief``). Refreshes the
    planned note's carried items first; never scaffolds one."""
    from ononotes.core.brief import build_brief
    from ononotes.store.questions import suggest_questions
    from ononotes.store.templates import template_placeholders

    check_slug(slug)
    config = load_config(root)
    vault = load_vault(root, config, person=slug)  # their notes alone are decoded
    require_person(vault, slug)
    upcoming = upcoming_note(root, vault, slug, today, scaffold=False)
    note = upcoming.note if upcoming else None
    vault = upcoming.vault if upcoming else vault
    problems = list(vault.problems)
    brief = build_brief(
        slug,
        vault.profiles.get(slug),
        config,
        vault.notes_for(slug),
        note,
        today,
        questions=suggest_questions(vault, slug, note.date if note else today),
        private=_private_notes(vault, slug),
        placeholders=template_placeholders(root / config.templates_dir),
        problems=problems,
    )
    refreshed = upcoming.refreshed if upcoming else []
    return PrepResult(brief, problems, refreshed, note.path if note else None)


def _private_notes(vault: Vault, slug: str) -> list[tuple[str, dt.date | None, str]]:
    """The manager's private notes about ``slug`` as (path, date, text)."""
    from ononotes.store.private import read_private_notes

    return [(n.path, n.date, n.text) for n in read_private_notes(vault.root, slug, vault.config)]


@dataclass
class ReviewResult:
    text: str
    problems: list[Problem]


def review_digest(
    root: Path,
    slug: str,
    today: dt.date,
    since: str | None = None,
    until: str | None = None,
    fmt: str = "md",
    private: bool = False,
    output: str | None = None,
) -> ReviewResult:
    """The review digest of ``slug`` (see ``review.build_review``) as Markdown or HTML. The
    manager's private notes are read only with ``private``, and never in a shared repository.
    HTML links to the notes relative to ``output`` when given, else by absolute file URL."""
    import os
    from urllib.parse import quote

    from ononotes.core.review import build_review, render_review_md
    from ononotes.store.templates import template_placeholders

    check_slug(slug)
    config = load_config(root)
    if private and config.person:
        raise UsageError(
            f"--private: this is {config.person}'s shared repository, which holds no private "
            "notes; run ono review in your own vault"
        )

    window = make_window(today, None, since, until)
    vault = load_vault(root, config, person=slug)  # their notes alone are decoded
    require_person(vault, slug)
    review = build_review(
        slug,
        vault.profiles.get(slug),
        config,
        vault.notes_for(slug),
        window,
        template_placeholders(root / config.templates_dir),
        private=_private_notes(vault, slug) if private else None,
    )
    if fmt != "html":
        return ReviewResult(render_review_md(review), list(vault.problems))
    from ononotes.render.review_html import render_review_html

    here = Path(output).expanduser().resolve().parent if output else None

    def link(path: str) -> str:
        if here is None:
            return (root / path).resolve().as_uri()
        return quote(Path(os.path.relpath(root / path, here)).as_posix())

    return ReviewResult(render_review_html(review, link), list(vault.problems))


def calendar_rhythms(vault: Vault, today: dt.date) -> list:
    """Each active person's 1:1 rhythm: the next meeting (its note, else the next due date)
    and the cadence's interval. People whose profile ``until`` has passed are left out."""
    from ononotes.render.ical import Rhythm

    rhythms = []
    for slug in vault.people():
        profile = vault.profiles.get(slug)
        if profile is not None and profile.until is not None and profile.until < today:
            continue
        note = next_meeting_note(vault, slug, today)
        first = note.date if note else next_due_date(vault, slug, today)
        cadence, interval = person_cadence(vault, slug)
        rhythms.append(
            Rhythm(
                person=slug,
                name=profile.name if profile else slug,
                kind=note.type if note else _default_type(profile),
                cadence=cadence,
                interval=interval,
                first=first,
                planned=note.date if note else None,
            )
        )
    return rhythms


@dataclass
class CalendarResult:
    data: bytes
    events: int
    path: Path | None
    problems: list[Problem]


def build_calendar(
    root: Path, today: dt.date, weeks: int = 8, output: str | Path | None = None
) -> CalendarResult:
    """The next ``weeks`` weeks of 1:1s as iCalendar bytes, written atomically to ``output``
    when given."""
    from ononotes.render.ical import schedule, to_ical

    if weeks < 1:
        raise UsageError(f"--weeks must be at least 1, not {weeks}")
    vault = load_vault(root)
    occurrences = schedule(calendar_rhythms(vault, today), today + dt.timedelta(weeks=weeks))
    data = to_ical(occurrences, today, weeks)
    path = write_atomically(Path(output), data) if output is not None else None
    return CalendarResult(data, len(occurrences), path, list(vault.problems))


def export_vaults(roots: list[Path], today: dt.date) -> tuple[str, list[Problem]]:
    """``ono export``: every note and item of every vault as JSON lines, and the problems."""
    from ononotes.render.export import export_jsonl

    lines: list[str] = []
    problems: list[Problem] = []
    for root in roots:
        vault = load_vault(root)
        problems.extend(vault.problems)
        lines.extend(export_jsonl(vault.notes, root.name, today))
    return "".join(line + "\n" for line in lines), problems
