"""Plain records shared by the parser, carry-over and the reports.

Everything here is data: frozen dataclasses with no I/O, so the core stays a set of pure
functions over them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"

HELD = "held"
PLANNED = "planned"
CANCELLED_STATUSES = frozenset({"cancelled", "rescheduled", "no-show"})
UNASSIGNED = "unassigned"


def slot_builder(cls, name: str):
    """A function building ``cls`` (a frozen slots dataclass) from every field, positionally:
    it fills an instance of a plain twin class with the same slots, where each store is one
    fast bytecode, then makes it a ``cls`` by assigning ``__class__`` (allowed between classes
    of the same layout). A frozen __init__ goes through object.__setattr__ for each field,
    three times slower, and the parser and the parse cache build hundreds of thousands of
    these. No defaults and no checks: for those hot loops only. ``name`` is the module global
    it is stored in, so that pickle can find it."""
    names = [item.name for item in dataclasses.fields(cls)]
    twin = type(f"_Unfrozen{cls.__name__}", cls.__bases__, {"__slots__": cls.__slots__})
    namespace = {"_twin": twin, "_cls": cls, "__name__": cls.__module__}
    lines = [f"def {name}({', '.join(names)}):", "    self = _twin()"]
    lines += [f"    self.{field} = {field}" for field in names]
    lines += ["    self.__class__ = _cls", "    return self"]
    exec("\n".join(lines), namespace)  # as dataclasses itself writes __init__
    return namespace[name]


@functools.cache
def _builder(cls):
    return slot_builder(cls, "rebuild")


def rebuild(cls, *values):
    """Unpickle a ``CachedRecord``: its slots set directly, by its class's slot builder."""
    return _builder(cls)(*values)


class CachedRecord:
    """A base for frozen slots dataclasses the cache stores by the thousand (a report's
    results): pickled as their field values, and rebuilt by setting the slots directly. A
    dataclass's own __setstate__ looks its fields up again for every object, five times
    slower."""

    __slots__ = ()

    def __reduce__(self):
        return (rebuild, (type(self), *(getattr(self, name) for name in self.__slots__)))


STATE_OF_CHAR = {"x": DONE, "X": DONE, "-": CANCELLED}  # any other character: open


def state_of(status_char: str) -> str:
    """The state an item's checkbox character means (SPEC §3)."""
    return STATE_OF_CHAR.get(status_char, OPEN)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file: where, and what, in the user's words."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        from .errors import format_location

        return format_location(self.path, self.line, self.message)

    def __reduce__(self):
        return (Problem, (self.path, self.line, self.message))


@dataclass(frozen=True, slots=True)
class Heading:
    """A top-level ATX or setext heading: 0-based line index, level 1-6, title as written."""

    index: int
    level: int
    title: str

    def __reduce__(self):
        return (build_heading, (self.index, self.level, self.title))


@dataclass(frozen=True, slots=True)
class Item:
    """One GFM task-list item.

    ``start``/``end`` are 0-based line indexes into the file's lines: the item's first line and
    one past the last line of its content, nested lists included. ``line`` is the 1-based line
    number a user sees.
    """

    start: int
    end: int
    indent: int
    status_char: str
    text: str
    owner: str
    due: dt.date | None
    created: dt.date | None
    done: dt.date | None
    key: str
    section: str
    parent: int | None = None

    @property
    def line(self) -> int:
        return self.start + 1

    def __reduce__(self):
        # slots dataclasses pickle through a generic __getstate__ that looks up the fields of
        # every object; the parse cache stores hundreds of thousands, so call the constructor
        return (
            build_item,
            (
                self.start,
                self.end,
                self.indent,
                self.status_char,
                self.text,
                self.owner,
                self.due,
                self.created,
                self.done,
                self.key,
                self.section,
                self.parent,
            ),
        )

    @property
    def state(self) -> str:
        return state_of(self.status_char)

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


build_heading = slot_builder(Heading, "build_heading")
build_item = slot_builder(Item, "build_item")


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """What the block scanner finds in a Markdown document."""

    items: tuple[Item, ...]
    headings: tuple[Heading, ...]
    list_starts: tuple[tuple[int, int], ...]  # (line index, indent) of every top-level list item
    problems: tuple[tuple[int, str], ...] = ()  # (1-based line, message)


build_parsed_body = slot_builder(ParsedBody, "build_parsed_body")


@dataclass(frozen=True, slots=True)
class Note:
    """A meeting note: its front matter, its lines and the items in it."""

    path: str  # relative to the vault, with forward slashes
    person: str
    date: dt.date
    type: str
    status: str | None  # as written (lower-cased); see effective_status
    mood: int | None
    duration: int | None
    tags: tuple[str, ...]
    lines: tuple[str, ...]  # the whole file, BOM and line endings removed
    body_start: int  # index of the first line after the front matter
    items: tuple[Item, ...]
    headings: tuple[Heading, ...]
    list_starts: tuple[tuple[int, int], ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __reduce__(self):  # see Item.__reduce__
        return (
            _unpickle_note,
            (
                self.path,
                self.person,
                self.date,
                self.type,
                self.status,
                self.mood,
                self.duration,
                self.tags,
                # one string, not one per line: the parse cache pickles every note of a vault
                "\n".join(self.lines) if self.lines else None,
                self.body_start,
                self.items,
                self.headings,
                self.list_starts,
                self.meta,
            ),
        )

    def effective_status(self, as_of: dt.date) -> str:
        """SPEC §2: a missing status is held up to as-of and planned after it."""
        if self.status:
            return self.status
        return HELD if self.date <= as_of else PLANNED

    @property
    def sort_key(self) -> tuple[dt.date, str]:
        return (self.date, self.path.rsplit("/", 1)[-1])


build_note = slot_builder(Note, "build_note")


def _unpickle_note(path, person, date, type, status, mood, duration, tags, text, *rest) -> Note:
    # lines hold no line breaks (parse.split_lines took them out), so joining them is reversible
    lines = tuple(text.split("\n")) if text is not None else ()
    return build_note(path, person, date, type, status, mood, duration, tags, lines, *rest)


@dataclass(frozen=True, slots=True)
class Profile:
    """A person on the roster, from ``<slug>/profile.md``."""

    slug: str
    name: str
    cadence: str | None = None
    role: str | None = None
    relation: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    template: str | None = None
    goals: tuple[str, ...] = ()
    path: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Config:
    """``ono.toml``, with defaults for everything it leaves out."""

    me: str = "me"
    cadence: str = "weekly"
    autocommit: bool = False
    templates_dir: str = "templates"
    their_agenda: tuple[str, ...] = ("their agenda",)
    my_agenda: tuple[str, ...] = ("my agenda",)
    growth: tuple[str, ...] = ("growth", "career", "development")
    private_dir: str = "private"
    question_memory: int = 6
    person: str | None = None  # a shared person's repository: whose notes sit at its top level
