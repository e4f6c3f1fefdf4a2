"""Notes scaffolded ahead of their meeting: their carried items refreshed from the note before
(SPEC §4), written only when something changes and never over an edit made meanwhile; and the
rule that no carry crosses a note of the person's that cannot be read."""

from __future__ import annotations

import datetime as dt
import re

from ononotes.core.carry import lost_items, refresh_carried
from ononotes.core.model import Note, Problem
from ononotes.errors import NoteError, UsageError
from ononotes.store.locks import person_lock
from ononotes.store.vault import (
    PROFILE_NAME,
    Vault,
    front_matter_head,
    person_of_folder,
    read_bytes,
    replace_file,
)

_NAME_DATE_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})")
_DATE_VALUE_RE = re.compile(rb"^date[ \t]*:[ \t]*['\"]?([0-9]{4}-[0-9]{2}-[0-9]{2})\b", re.M)
_DATE_KEY_RE = re.compile(rb"^date[ \t]*:", re.M)


def refresh_planned_note(vault: Vault, planned: Note, command: str = "ono") -> list[str]:
    """Refresh a planned note's carried items from the note before it (SPEC §4).

    Returns the texts of items added; writes only when something changes, and refuses if the
    file changed on disk meanwhile, or if a note of the person's between the two cannot be read
    (``command`` names who refuses: see ``refuse_carry_past_unreadable``).
    """
    source = note_before(vault, planned)
    if source is None:
        return []
    refuse_carry_past_unreadable(vault, planned.person, source, planned.date, command)
    path = vault.root / planned.path
    with person_lock(vault.root, planned.person):
        original = path.read_bytes()
        if _lines_of(original) != list(planned.lines):  # written since it was read: not ours
            raise UsageError(
                f"{planned.path} changed while ono was working; not overwritten, run again"
            )
        text = "\n".join(planned.lines) + "\n"
        result = refresh_carried(source.lines, source.items, text)
        if result is None or result.text == text:
            return []
        lost = lost_items(result)
        if lost:  # written anyway, it would be added again on every refresh
            raise NoteError(
                f"the open item {lost!r} of {source.path} cannot be carried here: it would "
                "land inside a code block or HTML comment this note never closes; close it, "
                "then run again; nothing written",
                planned.path,
            )
        replace_file(vault.root, path, result.text, original)
    return result.carried_items or ["(finished items removed)"]


def _lines_of(data: bytes) -> list[str] | None:
    from ononotes.core.parse import FileProblem, decode, split_lines

    try:
        return split_lines(decode(data).removeprefix("\ufeff"))
    except FileProblem:
        return None


def note_before(vault: Vault, planned: Note) -> Note | None:
    """The note a planned note's items are carried from: the person's one before it."""
    earlier = [n for n in vault.notes_for(planned.person) if n.sort_key < planned.sort_key]
    return earlier[-1] if earlier else None


def refresh_blocked(vault: Vault, planned: Note) -> bool:
    """Whether refreshing ``planned`` would carry past a note that cannot be read."""
    source = note_before(vault, planned)
    if source is None:
        return False
    return unreadable_note_between(vault, planned.person, source.date, planned.date) is not None


def refuse_carry_past_unreadable(
    vault: Vault, slug: str, source: Note | None, until: dt.date, command: str = "ono"
) -> None:
    """A NoteError (``path:line: why``) when items would be carried from ``source`` (None: no
    earlier note) into a note dated ``until`` past a note of ``slug``'s that cannot be read: the
    latest one might be that note, and an item ticked in it would come back open."""
    problem = unreadable_note_between(vault, slug, source.date if source else None, until)
    if problem is not None:
        raise NoteError(
            f"{problem.message} — {command} will not carry items past a note it cannot read",
            problem.path,
            problem.line,
        )


def unreadable_note_between(
    vault: Vault, slug: str, since: dt.date | None, until: dt.date
) -> Problem | None:
    """The problem of a file in ``slug``'s folder that could not be read and may be a note of
    theirs dated from ``since`` (None: any time) to ``until``: its date is the one in its front
    matter or else its file name (``YYYY-MM-DD*.md``); with neither, it may be the latest. A
    file with no date in its name and no ``date:`` in its front matter is no note. ``vault``:
    read for ``slug`` at least (such files are about the person their folder names)."""
    readable = {note.path for note in vault.notes}
    readable |= {profile.path for profile in vault.profiles.values() if profile.path}
    for problem in vault.problems:
        folder, _, name = problem.path.rpartition("/")
        if problem.path in readable or name == PROFILE_NAME or not name.endswith(".md"):
            continue
        if person_of_folder(vault.root, vault.config, folder) != slug:
            continue
        looks_like_note, date = _unreadable_note_date(vault, problem.path)
        if not looks_like_note:
            continue
        if date is None or ((since is None or date >= since) and date <= until):
            return problem
    return None


def _unreadable_note_date(vault: Vault, rel: str) -> tuple[bool, dt.date | None]:
    """(whether the file at ``rel`` may be a note, its date if one can be told): the latest
    ``date:`` its front matter has (conflict markers may leave two), else its file name's."""
    named = _NAME_DATE_RE.match(rel.rpartition("/")[2])
    name_date = _iso_date(named.group(1)) if named else None
    try:
        head = front_matter_head(read_bytes(vault.root, vault.root / rel))
    except NoteError:
        head = None
    if head is not None and _DATE_KEY_RE.search(head):
        dates = [d for d in map(_iso_date, _DATE_VALUE_RE.findall(head)) if d is not None]
        return True, max(dates) if dates else name_date
    return name_date is not None, name_date


def _iso_date(text: str | bytes) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.decode() if isinstance(text, bytes) else text)
    except ValueError:
        return None
