"""Writing the next meeting's note: the template rendered, the open items carried, the file
created atomically; and finding (or scaffolding) the next meeting's note. Shared by ``ono new``,
``ono agenda`` and ``ono prep``; committing is the caller's (``adapters.git.autocommit``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ononotes.core.carry import (
    CARRY_MARKER,
    carry_open_items,
    lost_items,
)
from ononotes.core.checks import check_date, check_slug
from ononotes.core.layout import folder_person
from ononotes.core.model import HELD, PLANNED, Config, Note, Problem, Profile
from ononotes.core.parse import yaml_scalar
from ononotes.errors import NoteError, UsageError
from ononotes.store.locks import person_lock
from ononotes.store.planned import (
    refresh_blocked,
    refresh_planned_note,
    refuse_carry_past_unreadable,
)
from ononotes.store.private import create_private_note, private_note_path
from ononotes.store.vault import (
    PROFILE_NAME,
    Vault,
    create_file,
    load_config,
    load_vault,
    owner_folder,
    read_file,
    refuse_likely_typo,
    relative,
    replace_bytes,
)

if TYPE_CHECKING:
    from ononotes.store.templates import TemplateContext


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
    date: dt.date | None = None  # the meeting's
    new_person: bool = False  # no note or profile of theirs before
    opened: bool = False  # the note was there, planned: opened, not written (``open_planned_note``)
    marked_held: bool = False  # ... and its status made held
    private_completed: bool = False  # the note was there without its private note: added

    @property
    def paths(self) -> list[Path]:
        """Every file written: the note, and the profile and private note when made."""
        return [p for p in (self.path, self.created_profile, self.private_path) if p]


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


def person_folder(vault: Vault, slug: str) -> Path:
    """Where a person's notes and profile go: the folder that holds them already (their
    profile's, else the one whose name gave their latest note its person:
    ``People/Alice Moreno/`` for ``alice-moreno``), else ``<slug>/`` at the top; the top of a
    shared repository's clone, which is theirs alone (``person`` in its ono.toml). ``vault``:
    read for ``slug`` at least. A person folder that is a symbolic link out of the vault is
    refused: nothing ono writes may land outside it."""
    if vault.config.person == slug:
        return vault.root
    name = _folder_holding(vault, slug) or slug
    folder = vault.root / name
    target = folder.resolve()
    if not target.is_relative_to(vault.root.resolve()):
        raise UsageError(
            f"{name}/ is a symbolic link to {target}, outside the vault; ono writes notes only "
            "inside the vault"
        )
    return folder


def _folder_holding(vault: Vault, slug: str) -> str | None:
    """The folder (relative to the vault) that holds ``slug``'s profile, else the one that names
    the person of their latest note filed by folder; None when neither exists."""
    profile = vault.profiles.get(slug)
    if profile is not None and profile.path and "/" in profile.path:
        return profile.path.rpartition("/")[0]
    for note in reversed(vault.notes_for(slug)):
        folder = owner_folder(vault.root, note.path.rpartition("/")[0])
        if folder and folder_person(folder) == slug:
            return folder
    return None


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


def scaffold_meeting(
    root: Path,
    slug: str,
    today: dt.date,
    date: str | dt.date | None = None,
    meeting_type: str | None = None,
    template: str | None = None,
    dry_run: bool = False,
    private: bool = False,
    planned: bool | None = None,
    command: str = "ono new",
) -> NewResult:
    """Scaffold the next meeting with ``slug``: render the template, carry the open items of the
    last note, write it atomically. A note written ahead of its meeting (``planned``; default:
    dated after today) says ``status: planned`` unless its template sets a status.

    When the person already has a note of that type that day, a planned one is opened instead
    (``open_planned_note``), any other refused. A slug close to someone's is refused as a likely
    typo, and so is carrying past a note of theirs that cannot be read (``command`` names who
    refuses)."""
    with person_lock(root, slug):  # one writer of a person's notes at a time, from read to write
        return _scaffold_meeting(
            root, slug, today, date, meeting_type, template, dry_run, private, planned, command
        )


def _scaffold_meeting(
    root: Path,
    slug: str,
    today: dt.date,
    date: str | dt.date | None,
    meeting_type: str | None,
    template: str | None,
    dry_run: bool,
    private: bool,
    planned: bool | None,
    command: str,
) -> NewResult:
    from ononotes.store.templates import render_template, template_location

    check_slug(slug)
    when = check_date(date, "--date") or today
    config = load_config(root)
    vault = load_vault(root, config, person=slug)
    new_person = slug not in vault.people()
    if new_person:
        refuse_likely_typo(root, config, slug)
    profile = vault.profiles.get(slug)
    notes = vault.notes_for(slug)
    if meeting_type is not None and _control_characters(meeting_type):
        raise UsageError(f"--type must be one line of text, not {meeting_type!r}")
    kind = meeting_type or default_type(profile)
    same_day = [
        note for note in notes if note.date == when and note.type.casefold() == kind.casefold()
    ]
    if same_day and same_day[0].effective_status(today) == PLANNED:
        return open_planned_note(vault, same_day[0], today, dry_run, private, command)
    if same_day and private and not dry_run:
        # an `ono new --private` killed between the two files: running it again completes it
        missing = _complete_private_note(vault, same_day[0])
        if missing is not None:
            return missing
    if same_day:
        raise UsageError(f"{same_day[0].path} already exists for {slug} on {when}; not overwritten")
    previous = previous_note(notes, when)
    refuse_carry_past_unreadable(vault, slug, previous, when, command)
    refreshed: list[str] = []
    if previous is not None and previous.effective_status(today) == PLANNED and not dry_run:
        # the note we carry from is itself scaffolded ahead: bring it up to date first
        refreshed = refresh_planned_note(vault, previous, command)
        if refreshed:
            vault = load_vault(root, config, person=slug)
            notes = vault.notes_for(slug)
            previous = previous_note(notes, when)
    context = _template_context(vault, slug, profile, when, kind, previous, notes)
    name = choose_template(template, profile, kind, first=not notes)
    rendered = render_template(name, context, root / config.templates_dir, root)
    source = template_location(name, root / config.templates_dir, root)
    ahead = when > today if planned is None else planned
    rendered, rendered_type = as_meeting(
        rendered, slug, when, kind, source, config.me, PLANNED if ahead else None
    )
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
    folder = person_folder(vault, slug)
    path = note_path_for(folder, when, day_taken=any(note.date == when for note in notes))
    outcome = NewResult(
        path,
        text,
        carried,
        previous.path if previous else None,
        refreshed=refreshed,
        date=when,
        new_person=new_person,
    )
    if dry_run:
        outcome.written = False
        return outcome
    if private:  # its private sidecar must be free before anything is written
        outcome.private_path = _free_private_path(root, config, slug, path)
    if profile is None and not (folder / PROFILE_NAME).exists():
        outcome.created_profile = folder / PROFILE_NAME
        create_file(root, outcome.created_profile, profile_text(slug, cadence=config.cadence))
    create_file(root, path, text)
    if outcome.private_path:
        create_private_note(root, slug, when, path)
    return outcome


def _complete_private_note(vault: Vault, note: Note) -> NewResult | None:
    """The private note of an existing meeting note that has none, written now; None when it
    has one (then ``ono new`` refuses as for any existing note)."""
    root = vault.root
    path = root / note.path
    if private_note_path(root, vault.config, note.person, path).exists():
        return None
    outcome = NewResult(path, "", [], None, date=note.date, opened=True, private_completed=True)
    outcome.private_path = create_private_note(root, note.person, note.date, path)
    outcome.text = path.read_text(encoding="utf-8-sig")
    return outcome


def _control_characters(text: str) -> bool:
    """Line breaks (every kind YAML and str.splitlines know) and other control characters."""
    return any(not char.isprintable() and char != "\t" for char in text)


def _one_line(value: Any) -> Any:
    """A template's value with no line break in it (nor any other control character), in every
    string of it: what reaches the front matter through ``{{ name }}`` can add no key to it
    (a profile's name ``"Alice\nstatus: cancelled"`` would, in every new note)."""
    if isinstance(value, str):
        if not _control_characters(value):
            return value
        return " ".join("".join(c if c.isprintable() else " " for c in value).split())
    if isinstance(value, dict):
        return {key: _one_line(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_one_line(item) for item in value]
    return value


def _free_private_path(root: Path, config: Config, slug: str, path: Path) -> Path:
    """Where the private note of the meeting at ``path`` goes; refused when it exists."""
    private_path = private_note_path(root, config, slug, path)
    if private_path.exists():
        raise UsageError(f"{relative(root, private_path)} already exists; not overwritten")
    return private_path


def open_planned_note(
    vault: Vault,
    note: Note,
    today: dt.date,
    dry_run: bool = False,
    private: bool = False,
    command: str = "ono new",
) -> NewResult:
    """``ono new`` for a meeting whose note was scaffolded ahead (SPEC §2 v2): that note, its
    carried items refreshed, marked held when its date has come (its ``status: planned`` line
    made ``status: held``, every other byte kept), and with ``private`` its private note added
    when it has none. With ``dry_run``, its text as it is, nothing written."""
    root, config = vault.root, vault.config
    path = root / note.path
    outcome = NewResult(path, "", [], None, written=not dry_run, date=note.date, opened=True)
    if dry_run:
        outcome.text = path.read_text(encoding="utf-8-sig")
        return outcome
    outcome.refreshed = refresh_planned_note(vault, note, command)
    if note.status == PLANNED and note.date <= today:
        mark_held(root, note.path)
        outcome.marked_held = True
    if private and not private_note_path(root, config, note.person, path).exists():
        outcome.private_path = create_private_note(root, note.person, note.date, path)
    outcome.text = path.read_text(encoding="utf-8-sig")
    return outcome


def mark_held(root: Path, rel: str) -> None:
    """Make the ``status: planned`` line of the note at ``rel`` say ``held`` (atomically, every
    other byte kept); a NoteError when its status is not written so that ono can change it."""
    from ononotes.core.parse import FileProblem, set_front_matter_value

    path = root / rel
    data = path.read_bytes()
    try:
        changed = set_front_matter_value(data, "status", HELD)
    except FileProblem as exc:
        raise NoteError(exc.message, rel, exc.line) from None
    if changed is None:
        raise NoteError(
            "its status is not a plain `status: planned` line ono can change; set status: held",
            rel,
        )
    replace_bytes(root, path, changed, data)


def as_meeting(
    rendered: str,
    slug: str,
    when: dt.date,
    kind: str,
    source: str,
    me: str = "me",
    status: str | None = None,
) -> tuple[str, str]:
    """A rendered template as the meeting note of ``slug`` on ``when``, and the note's type.

    A file is a meeting by its front matter ``date`` (SPEC §1), so a template that leaves it out
    gets it: the line goes first in its front matter, or a front matter block of its own goes on
    top (with ``type`` too when the meeting is not a plain 1:1). ``status`` (``planned`` for a
    note written ahead, SPEC §2 v2) goes last in the front matter, unless the template sets one.
    A note ono could not read back, or one that names another date or person, is refused (a
    TemplateError naming the template), so ``ono new`` never writes a file that is not this
    meeting.
    """
    from ononotes.core.parse import (
        FileProblem,
        add_front_matter_line,
        note_from_document,
        read_document,
    )
    from ononotes.errors import TemplateError

    def refuse(problem: str):
        return TemplateError(f"the note it renders {problem}; nothing written", source)

    from ononotes.core.parse import MAX_NOTE_BYTES

    size = len(rendered.encode("utf-8", "surrogatepass"))
    if size > MAX_NOTE_BYTES:  # the reader would skip it: never write what ono cannot read
        mb = MAX_NOTE_BYTES // (1024 * 1024)
        raise refuse(f"is {size / (1024 * 1024):.1f} MB, over the {mb} MB a note may have")
    if "\x00" in rendered:
        raise refuse("holds a NUL byte, which makes it a binary file to every reader")

    try:
        document = read_document(rendered)
    except FileProblem as exc:
        raise refuse(f"cannot be read (line {exc.line}: {exc.message})") from None
    meta = document.meta or {}
    added = [] if "date" in meta else [f"date: {when.isoformat()}"]
    if added and "type" not in meta and kind.casefold() != "1:1":
        added.append(f"type: {yaml_scalar(kind)}")
    if added:
        text = rendered.removeprefix("\ufeff")
        if document.meta is None:
            rendered = "---\n" + "\n".join(added) + "\n---\n" + text
        else:
            first, _, rest = text.partition("\n")
            rendered = first + "\n" + "\n".join(added) + "\n" + rest
    add_status = status is not None and "status" not in meta
    try:
        if add_status:
            rendered = add_front_matter_line(rendered, f"status: {status}")
        document = read_document(rendered) if added or add_status else document
        note, _ = note_from_document(document, f"{slug}/{when.isoformat()}.md", slug, me)
    except FileProblem as exc:
        raise refuse(f"is not a meeting ono can read (line {exc.line}: {exc.message})") from None
    if note is None:  # the date line added above is not in its front matter (CR line endings)
        raise refuse("has no date in its front matter (write date: {{ date }})")
    if note.date != when:
        raise refuse(f"is dated {note.date}, not {when} (write date: {{{{ date }}}})")
    if note.person != slug:
        raise refuse(f"is about {note.person!r}, not {slug!r} (write person: {{{{ person }}}})")
    if add_status and note.status != status:
        raise refuse(f"has no status {status} where ono put it in its front matter")
    return rendered, note.type


def default_type(profile: Profile | None) -> str:
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
    return cast("TemplateContext", _one_line(context))


def profile_text(slug: str, name: str | None = None, **fields: str | None) -> str:
    """The front matter of a new profile, with only the fields given."""
    lines = [
        "---",
        f"name: {yaml_scalar(name or slug.replace('-', ' ').replace('_', ' ').title())}",
    ]
    for key, value in fields.items():
        if value is not None:
            lines.append(f"{key}: {yaml_scalar(str(value))}")
    lines += ["---", "", f"Notes about working with {name or slug}.", ""]
    return "\n".join(lines)


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
    from ononotes.core.insights import meeting_evidence
    from ononotes.core.window import meeting_kind
    from ononotes.store.templates import template_placeholders

    _, interval = person_cadence(vault, slug)
    placeholders = template_placeholders(vault.root / vault.config.templates_dir)
    written = meeting_evidence(vault.config, placeholders)  # held as the reports count it
    held = [n for n in vault.notes_for(slug) if meeting_kind(n, today, written) == HELD]
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


def upcoming_note(
    root: Path, vault: Vault, slug: str, today: dt.date, scaffold: bool, command: str = "ono"
):
    """The next meeting's note, its carried items refreshed while it is planned (SPEC §4); with
    ``scaffold``, one is written for the next due date when there is none (as ``ono new`` does,
    with ``status: planned``). Returns an ``Upcoming``, or None when there is no note and
    ``scaffold`` is false. A refresh that would carry past a note that cannot be read is refused
    when writing (``scaffold``), else left out: the brief shows the note's problem."""
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
        created = scaffold_meeting(root, slug, today, when, planned=True, command=command)
        vault, note = _reload_note(root, vault.config, slug, relative(root, created.path))
        return Upcoming(vault, note, scaffolded=created)
    refreshed: list[str] = []
    if note.effective_status(today) == PLANNED and (scaffold or not refresh_blocked(vault, note)):
        refreshed = refresh_planned_note(vault, note, command)
        if refreshed:
            vault, note = _read_note_again(vault, note.path)
    return Upcoming(vault, note, refreshed)
