"""Each editor feature as a plain function of the workspace and a place in a file: the
diagnostics, completion, hover, definition, references, code actions and symbols of a note.
The server converts their answers to LSP types; tests call them without a client.

Columns are indexes into a line's characters (the server converts them to the client's
units); lines are 0-based.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ononotes.core.consistency import PHANTOM_CODE
from ononotes.core.editing import cancel, due_of, moved_due, tick
from ononotes.core.fields import OWNER_RE, without_fields
from ononotes.core.model import Item, Note
from ononotes.core.reports import ActionItem, cadence_row, open_items
from ononotes.core.sections import find_sections
from ononotes.core.window import Window
from ononotes.editor.completion import Suggestion, VaultFacts, front_matter_end, suggestions
from ononotes.editor.diagnostics import (
    INVALID_DATE_CODE,
    Mark,
    NoteContext,
    chains_through,
    note_marks,
)
from ononotes.editor.hover import (
    appearances,
    chain_of,
    item_hover,
    me_hover,
    owner_label,
    person_hover,
)
from ononotes.editor.workspace import EditorWorkspace, OpenFile, VaultState

# -- diagnostics ---------------------------------------------------------------------------------


def diagnose(ws: EditorWorkspace, path: Path, today: dt.date, hints: bool = True) -> list[Mark]:
    """The marks of one file: ``ono check``'s problems in it, and the hints."""
    opened = ws.read(path)
    vault = opened.vault
    note = opened.note
    person_notes = ws.person_notes(vault, note.person) if note is not None else []
    from ononotes.core.insights import meeting_evidence

    context = NoteContext(
        opened.rel,
        opened.lines,
        note,
        opened.problems + _profile_problems(opened),
        person_notes,
        vault.people(),
        vault.config.me,
        today,
        meeting_evidence(vault.config, vault.placeholders()),
        hints,
        readable=opened.profile is not None,
    )
    return note_marks(context)


def _profile_problems(opened: OpenFile) -> tuple:
    """A profile's cadence that cannot be read (``ono check`` names it too)."""
    from ononotes.core.cadence import interval_days
    from ononotes.core.model import Problem
    from ononotes.core.parse import key_line, read_document

    profile = opened.profile
    if profile is None or not profile.cadence:
        return ()
    try:
        interval_days(profile.cadence)
    except ValueError as exc:
        line = key_line(read_document("\n".join(opened.lines)), "cadence")
        return (Problem(opened.rel, line, str(exc)),)
    return ()


# -- what is at the cursor -----------------------------------------------------------------------


def mention_at(line: str, column: int) -> tuple[int, int, str] | None:
    """The ``@slug`` mention under ``column``: (start, end, slug case folded)."""
    for match in OWNER_RE.finditer(line):
        if match.start() <= column <= match.end():
            return match.start(), match.end(), match.group(1).casefold()
    return None


def item_at(note: Note, line: int) -> Item | None:
    """The innermost item whose lines hold ``line``."""
    holding = [item for item in note.items if item.start <= line < max(item.end, item.start + 1)]
    return max(holding, key=lambda item: item.start) if holding else None


@dataclass(frozen=True)
class ItemHistory:
    """An item, the chain it belongs to, and every note of the chain with its item there."""

    item: Item
    chain: ActionItem
    seen: list[tuple[Note, Item]]


def history_at(ws: EditorWorkspace, opened: OpenFile, line: int, today: dt.date):
    note = opened.note
    item = item_at(note, line) if note is not None else None
    if note is None or item is None:
        return None
    notes = ws.person_notes(opened.vault, note.person)
    chain = chain_of(item, note, chains_through(notes, note, today), notes)
    if chain is None:
        return None
    return ItemHistory(item, chain, appearances(chain, notes))


# -- hover ---------------------------------------------------------------------------------------


def hover_at(ws: EditorWorkspace, path: Path, line: int, column: int, today: dt.date):
    """Markdown for the ``@slug`` or the item under the cursor, or None."""
    opened = ws.read(path)
    if line >= len(opened.lines) or opened.note is None:
        return None
    mention = mention_at(opened.lines[line], column)
    if mention is not None:
        return _person_text(ws, opened, mention[2], today)
    history = history_at(ws, opened, line, today)
    if history is None:
        return None
    vault = opened.vault
    owner = owner_label(history.chain.owner, vault.config.me, vault.roster().profiles)
    return item_hover(history.chain, history.seen, today, opened.rel, owner)


def _person_text(ws: EditorWorkspace, opened: OpenFile, slug: str, today: dt.date) -> str | None:
    vault = opened.vault
    config = vault.config
    if slug in ("me", config.me) and slug not in vault.roster().profiles:
        note = opened.note
        assert note is not None  # hover_at asks only on notes
        notes = ws.person_notes(vault, note.person)
        return me_hover(config.me, open_items(note.person, notes, today), today)
    if slug not in vault.people():
        return None
    notes = ws.person_notes(vault, slug)
    profile = vault.roster().profiles.get(slug)
    row = cadence_row(slug, notes, profile, config, Window(today), None, vault.placeholders())
    return person_hover(slug, profile, row, open_items(slug, notes, today), today)


# -- definition and references -------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A place in a file: an absolute path, a 0-based line, columns."""

    path: Path
    line: int
    start: int = 0
    end: int = 0


def definition_at(ws: EditorWorkspace, path: Path, line: int, column: int, today: dt.date):
    """``@slug``: the person's profile; an item: its first appearance."""
    opened = ws.read(path)
    if line >= len(opened.lines) or opened.note is None:
        return []
    mention = mention_at(opened.lines[line], column)
    if mention is not None:
        profile = opened.vault.roster().profiles.get(mention[2])
        if profile is None or profile.path is None:
            return []
        return [Place(opened.vault.root / profile.path, 0)]
    history = history_at(ws, opened, line, today)
    if history is None or not history.seen:
        return []
    return [_item_place(opened.vault, *history.seen[0])]


def references_at(ws: EditorWorkspace, path: Path, line: int, today: dt.date) -> list[Place]:
    """An item: every note its chain appears in, at its line there."""
    opened = ws.read(path)
    history = history_at(ws, opened, line, today)
    if history is None:
        return []
    return [_item_place(opened.vault, note, item) for note, item in history.seen]


def _item_place(vault: VaultState, note: Note, item: Item) -> Place:
    text = note.lines[item.start]
    start = len(text) - len(text.lstrip())
    return Place(vault.root / note.path, item.start, start, len(text.rstrip()))


# -- completion ----------------------------------------------------------------------------------


def complete(
    ws: EditorWorkspace, path: Path, line: int, column: int, today: dt.date
) -> list[Suggestion]:
    opened = ws.read(path)
    return suggestions(opened.lines, line, column, vault_facts(ws, opened, today))


def vault_facts(ws: EditorWorkspace, opened: OpenFile, today: dt.date) -> VaultFacts:
    """What completion needs: the people, and of the note's person the next 1:1 by cadence,
    the template's sections and the meeting types they use."""
    vault = opened.vault
    roster = vault.roster()
    slug = opened.person
    if slug is None:
        return VaultFacts(roster.people, roster.profiles, vault.config.me, today)
    from ononotes.store.scaffold import next_due_date
    from ononotes.store.vault import Vault

    notes = ws.person_notes(vault, slug)
    profiles = {slug: roster.profiles[slug]} if slug in roster.profiles else {}
    person_vault = Vault(vault.root, vault.config, notes, profiles)
    return VaultFacts(
        roster.people,
        roster.profiles,
        vault.config.me,
        today,
        next_due_date(person_vault, slug, today),
        template_headings(vault, roster.profiles.get(slug)),
        _headings_of(opened),
        tuple(dict.fromkeys(note.type for note in notes)),
    )


def _headings_of(opened: OpenFile) -> tuple[str, ...]:
    from ononotes.core.markdown import scan

    closing = front_matter_end(opened.lines)
    first = closing + 1 if closing is not None else 0
    return tuple(h.title for h in scan(opened.lines, first).headings)


TEMPLATE_TAG_RE = re.compile(r"\{[{%#]")


def template_headings(vault: VaultState, profile) -> tuple[str, ...]:
    """The section titles of the template the person's next note would be written from."""
    from ononotes.core.markdown import scan
    from ononotes.errors import OnoError
    from ononotes.store.scaffold import choose_template, default_type
    from ononotes.store.templates import packaged_template_dir, template_file_name

    try:
        name = template_file_name(choose_template(None, profile, default_type(profile), False))
        source = vault.root / vault.config.templates_dir / name
        if not source.is_file():
            source = packaged_template_dir() / name
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except (OnoError, OSError, UnicodeDecodeError):
        return ()
    closing = front_matter_end(lines)
    headings = scan(lines, closing + 1 if closing is not None else 0).headings
    return tuple(h.title for h in headings if h.level > 1 and not TEMPLATE_TAG_RE.search(h.title))


# -- code actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A code action: replace ``line[start:end]`` with ``text``; ``marks``: the diagnostics it
    fixes."""

    title: str
    kind: str  # "quickfix" or "refactor"
    line: int
    start: int
    end: int
    text: str
    marks: tuple[Mark, ...] = field(default=())
    preferred: bool = False


def actions_at(
    ws: EditorWorkspace, path: Path, first: int, last: int, today: dt.date
) -> list[Action]:
    """The fixes of the diagnostics on lines ``first``..``last``, then what can be done to the
    item there: mark done, cancel, set or move its due date."""
    opened = ws.read(path)
    if opened.note is None:
        return []
    marks = [m for m in diagnose(ws, path, today, hints=False) if first <= m.line <= last]
    found = [fix for mark in marks for fix in _fixes(opened, mark, today)]
    lines = {item.start for line in range(first, last + 1) if (item := item_at(opened.note, line))}
    for index in sorted(lines):
        found += item_actions(opened.lines[index], index, today)
    return found


def _fixes(opened: OpenFile, mark: Mark, today: dt.date) -> list[Action]:
    line = opened.lines[mark.line]
    if mark.fix is not None:
        written = line[mark.start : mark.end]
        title = (
            f"Write {mark.fix}"
            if mark.code == INVALID_DATE_CODE
            else f"Replace {written} with {mark.fix}"
        )
        return [Action(title, "quickfix", mark.line, mark.start, mark.end, mark.fix, (mark,), True)]
    ticked = tick(line, today) if mark.code == PHANTOM_CODE else None
    if ticked is None:
        return []
    return [
        Action("Mark done here too", "quickfix", mark.line, 0, len(line), ticked, (mark,), True)
    ]


def item_actions(line: str, index: int, today: dt.date) -> list[Action]:
    """Mark done, cancel, and set or move the due date of the open item on ``line``."""
    done, cancelled = tick(line, today), cancel(line, today)
    if done is None or cancelled is None:
        return []
    moved, day = moved_due(line, today)
    if due_of(line) is not None:
        due_title = f"Move the due date to {day} (a week on)"
    else:
        due_title = f"Set the due date: {day} (in a week)"
    whole = (index, 0, len(line))
    return [
        Action(f"Mark done ({_added(line, done)})", "refactor", *whole, done),
        Action(f"Cancel ({_added(line, cancelled)})", "refactor", *whole, cancelled),
        Action(due_title, "refactor", *whole, moved),
    ]


def _added(before: str, after: str) -> str:
    """What an edit added at the end of a line (the date field), for the action's title."""
    body = before.rstrip()
    tail = after.rstrip()[len(body) :].strip()
    return tail or "ticked"


# -- symbols -------------------------------------------------------------------------------------


@dataclass
class Symbol:
    """A section or an item, with what it holds."""

    name: str
    detail: str
    kind: str  # "section" or "item"
    line: int
    end_line: int  # 0-based, inclusive
    children: list[Symbol] = field(default_factory=list)


def symbols(ws: EditorWorkspace, path: Path) -> list[Symbol]:
    """The note's sections, nested by level, and its items inside them (sub-items inside
    their parents)."""
    opened = ws.read(path)
    note = opened.note
    if note is None:
        return []
    headings = [h for h in note.headings if h.index >= note.body_start]
    top: list[Symbol] = []
    open_sections: list[tuple[int, Symbol]] = []  # (level, symbol)
    for section in find_sections(len(note.lines), headings):
        symbol = Symbol(
            section.title, "", "section", section.start, max(section.end - 1, section.start)
        )
        while open_sections and open_sections[-1][0] >= section.level:
            open_sections.pop()
        (open_sections[-1][1].children if open_sections else top).append(symbol)
        open_sections.append((section.level, symbol))
    _place_items(note, top)
    return top


def _place_items(note: Note, top: list[Symbol]) -> None:
    made: list[Symbol] = []
    for item in note.items:
        symbol = Symbol(
            without_fields(item.text) or item.text,
            _item_detail(item),
            "item",
            item.start,
            max(item.end - 1, item.start),
        )
        made.append(symbol)
        if item.parent is not None:
            made[item.parent].children.append(symbol)
        else:
            _innermost(top, item.start).append(symbol)


def _innermost(symbols: list[Symbol], line: int) -> list[Symbol]:
    for symbol in symbols:
        if symbol.kind == "section" and symbol.line <= line <= symbol.end_line:
            return _innermost(symbol.children, line)
    return symbols


def _item_detail(item: Item) -> str:
    parts = [item.state]
    if item.owner != "unassigned":
        parts.append(f"@{item.owner}")
    if item.due is not None:
        parts.append(f"due {item.due}")
    return " · ".join(parts)
