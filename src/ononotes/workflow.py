"""The use cases behind the commands: each reads the vault, calls the pure core, writes safely.

``cli.py`` parses options and calls one function here; these functions return plain data for it
to print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .cadence import interval_days
from .carry import CARRY_MARKER, carry_open_items, refresh_carried
from .errors import UsageError
from .fields import is_slug
from .model import Config, Item, Note, Problem, Profile
from .vault import (
    CONFIG_NAME,
    PROFILE_NAME,
    Vault,
    create_file,
    load_config,
    load_vault,
    relative,
    replace_file,
)

GITIGNORE = "# ononotes: cache and generated output\n.ono/\n"


def check_slug(slug: str, what: str = "person") -> str:
    """A valid slug, or a UsageError before any path is built from it."""
    if not isinstance(slug, str) or not is_slug(slug):
        raise UsageError(
            f"invalid {what} slug {slug!r}: use lowercase letters, digits, '-', '_' or '.', no spaces or paths"
        )
    return slug


def check_date(value: str | dt.date | None, option: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} must be a date YYYY-MM-DD, not {value!r}") from None


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
    from .gitsync import commit_paths, ensure_repo

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
    path = root / slug / PROFILE_NAME
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
    _autocommit(root, [path], f"ono person add {slug}")
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


def list_people(vault: Vault, today: dt.date) -> list[PersonRow]:
    rows = []
    for slug in vault.people():
        profile = vault.profiles.get(slug) or Profile(slug, slug)
        notes = vault.notes_for(slug)
        held = [n for n in notes if n.effective_status(today) == "held"]
        rows.append(
            PersonRow(
                slug,
                profile.name,
                profile.cadence or vault.config.cadence,
                profile.relation or "",
                len(notes),
                held[-1].date if held else None,
                not (profile.until and profile.until < today),
            )
        )
    return rows


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


def note_path_for(root: Path, slug: str, date: dt.date, day_taken: bool) -> Path:
    """``<slug>/<date>.md``; when the person already has a meeting that day (of another type),
    ``<date>-2.md``, ``-3``... A race for the plain name ends in a refusal, not a suffix."""
    folder = root / slug
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
) -> NewResult:
    """Scaffold the next meeting with ``slug``: render the template, carry the open items of the
    last note, write it atomically. Refuses when the person already has a note of that type that
    day."""
    check_slug(slug)
    when = check_date(date, "--date") or today
    config = load_config(root)
    vault = load_vault(root, config)
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
            vault = load_vault(root, config)
            notes = vault.notes_for(slug)
            previous = previous_note(notes, when)
    context = _template_context(vault, slug, profile, when, kind, previous, notes)
    from .templates import render_template

    name = choose_template(template, profile, kind, first=not notes)
    rendered = render_template(name, context, root / config.templates_dir, root)
    if previous is not None:
        result = carry_open_items(previous.lines, previous.items, rendered)
        text, carried = result.text, result.carried_items
    else:
        text, carried = _drop_marker(rendered), []
    path = note_path_for(root, slug, when, day_taken=any(note.date == when for note in notes))
    outcome = NewResult(
        path, text, carried, previous.path if previous else None, refreshed=refreshed
    )
    if dry_run:
        outcome.written = False
        return outcome
    if profile is None and not (root / slug / PROFILE_NAME).exists():
        outcome.created_profile = root / slug / PROFILE_NAME
        create_file(root, outcome.created_profile, profile_text(slug, cadence=config.cadence))
    create_file(root, path, text)
    _autocommit(root, [p for p in (path, outcome.created_profile) if p], f"ono new {slug} {when}")
    return outcome


def _default_type(profile: Profile | None) -> str:
    if profile is not None and profile.meta.get("type"):
        return str(profile.meta["type"])
    relation = (profile.relation or "").casefold() if profile else ""
    return {"skip-level": "skip-level", "mentee": "mentor"}.get(relation, "1:1")


def _drop_marker(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip() != CARRY_MARKER)


def _template_context(vault, slug, profile, when, kind, previous, notes):
    from .questions import suggest_questions

    name = profile.name if profile else slug.replace("-", " ").title()
    context = {
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
        seen: set[str] = set()
        context["carried"] = [
            i.text for i in previous.items if i.is_open and not (i.key in seen or seen.add(i.key))
        ]
    return context


def refresh_planned_note(vault: Vault, planned: Note) -> list[str]:
    """Refresh a planned note's carried items from the note before it (SPEC §4).

    Returns the texts of items added; writes only when something changes, and refuses if the
    file changed on disk meanwhile.
    """
    notes = vault.notes_for(planned.person)
    earlier = [n for n in notes if n.sort_key < planned.sort_key]
    if not earlier:
        return []
    source = earlier[-1]
    path = vault.root / planned.path
    original = path.read_bytes()
    text = "\n".join(planned.lines) + "\n"
    result = refresh_carried(source.lines, source.items, text)
    if result is None or result.text == text:
        return []
    replace_file(vault.root, path, result.text, original)
    return result.carried_items or ["(finished items removed)"]


# -- list, todo, check ----------------------------------------------------------------------------


def list_meetings(vault: Vault, slug: str | None) -> list[Note]:
    """The meetings, newest first (one person's when ``slug`` is given)."""
    if slug is not None:
        check_slug(slug)
        if slug not in vault.people():
            raise UsageError(unknown_person_message(vault, slug))
    notes = vault.notes_for(slug) if slug else list(vault.notes)
    return sorted(notes, key=lambda note: (note.sort_key, note.person), reverse=True)


def unknown_person_message(vault: Vault, slug: str) -> str:
    import difflib

    close = difflib.get_close_matches(slug, vault.people(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"no person {slug!r} in this vault{hint}"


@dataclass(frozen=True)
class OpenItem:
    person: str
    note: Note
    item: Item

    @property
    def source(self) -> str:
        return f"{self.note.path}:{self.item.line}"


def open_items(
    vault: Vault,
    today: dt.date,
    person: str | None = None,
    owner: str | None = None,
    overdue: bool = False,
) -> list[OpenItem]:
    """The open items of each person: those open in their latest note up to today, then the
    ones first written in notes planned ahead. Each key once, in the note where it stands now."""
    if person is not None:
        check_slug(person)
    if owner is not None:
        owner = (
            vault.config.me
            if owner.lstrip("@").casefold() == "me"
            else owner.lstrip("@").casefold()
        )
    found: list[OpenItem] = []
    for slug in vault.people():
        if person is not None and slug != person:
            continue
        notes = vault.notes_for(slug)
        current = [n for n in notes if n.date <= today]
        ahead = [n for n in notes if n.date > today]
        ordered = ([current[-1]] if current else []) + ahead
        seen: set[str] = set()
        closed = {i.key for n in ordered for i in n.items if not i.is_open}
        for note in ordered:
            for item in note.items:
                if item.key in seen:
                    continue
                seen.add(item.key)
                if not item.is_open or (note in ahead and item.key in closed):
                    continue
                if owner is not None and item.owner != owner:
                    continue
                if overdue and not (item.due and item.due < today):
                    continue
                found.append(OpenItem(slug, note, item))
    return found


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


def _autocommit(root: Path, paths: list[Path], message: str) -> None:
    config: Config = load_config(root)
    if not config.autocommit:
        return
    from .gitsync import commit_paths

    commit_paths(root, [relative(root, p) for p in paths], message)
