"""Plain records shared by the parser, carry-over and the reports.

Everything here is data: frozen dataclasses with no I/O, so the core stays a set of pure
functions over them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"

HELD = "held"
PLANNED = "planned"
# a planned meeting whose day has passed with no notes of it written (SPEC §2 v2)
UNCONFIRMED = "unconfirmed"
CANCELLED_STATUSES = frozenset({"cancelled", "rescheduled", "no-show"})
UNASSIGNED = "unassigned"


# what __reduce__ gives pickle: a callable and the arguments that rebuild the object
Reduced = tuple[Callable[..., Any], tuple[Any, ...]]


class CachedRecord:
    """A base for frozen slots dataclasses the cache stores by the thousand (items, headings,
    a report's results): pickled as their class and field values, rebuilt by the constructor.
    The generic slots ``__setstate__`` looks the fields up again for every object: three times
    slower to unpickle a note."""

    __slots__: tuple[str, ...] = ()

    def __reduce__(self) -> Reduced:
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


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
        from ononotes.errors import format_location

        return format_location(self.path, self.line, self.message)


@dataclass(frozen=True, slots=True)
class Heading(CachedRecord):
    """A top-level ATX or setext heading: 0-based line index, level 1-6, title as written."""

    index: int
    level: int
    title: str


@dataclass(frozen=True, slots=True)
class Item(CachedRecord):
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
    cancelled: dt.date | None = None
    recurring: bool = False  # it has a recurrence rule (🔁, ``[repeat:: …]``)

    @property
    def line(self) -> int:
        return self.start + 1

    @property
    def state(self) -> str:
        return state_of(self.status_char)

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """What the block scanner finds in a Markdown document."""

    items: tuple[Item, ...]
    headings: tuple[Heading, ...]
    list_starts: tuple[tuple[int, int], ...]  # (line index, indent) of every top-level list item
    problems: tuple[tuple[int, str], ...] = ()  # (1-based line, message)


def note_order(date: dt.date, path: str) -> tuple[dt.date, str, str]:
    """(date, file name) as SPEC §5 orders a person's notes, then the whole path: two notes of
    one person with the same date and name in different folders must always come in the same
    order, whichever order they were read in."""
    return (date, path.rsplit("/", 1)[-1], path)


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

    def __reduce__(self) -> Reduced:  # as CachedRecord's, with the lines as one string
        values = [getattr(self, name) for name in Note.__slots__]
        values[Note.__slots__.index("lines")] = "\n".join(self.lines)
        return (_note_from_pickle, tuple(values))

    def effective_status(self, as_of: dt.date) -> str:
        """SPEC §2: a missing status is held up to as-of and planned after it."""
        if self.status:
            return self.status
        return HELD if self.date <= as_of else PLANNED

    @property
    def sort_key(self) -> tuple[dt.date, str, str]:
        return note_order(self.date, self.path)


def _note_from_pickle(*values: Any) -> Note:
    """A pickled Note back: its lines were joined by line breaks they cannot contain."""
    fields = list(values)
    at = Note.__slots__.index("lines")
    fields[at] = tuple(fields[at].split("\n")) if fields[at] else ()
    return Note(*fields)


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
    # headings holding feedback (either way), and those holding the report's feedback to you
    feedback: tuple[str, ...] = ("feedback",)
    upward_feedback: tuple[str, ...] = ("feedback for me", "feedback for you", "upward feedback")
    manager: str | None = None  # a shared person's repository: the manager's slug (an owner)
    # how the HTML pages link a note: a template with {path} (absolute) and {line}, e.g.
    # "vscode://file/{path}:{line}"; None: file:// links
    editor_url: str | None = None
    # what `ono export --metrics` may say (#19): each person's insights, people's names
    share_insights: bool = False
    share_names: bool = False
    metrics_salt: str | None = None  # ono.local.toml only: the salt of the export's hashes
    private_dir: str = "private"
    question_memory: int = 6
    person: str | None = None  # a shared person's repository: whose notes sit at its top level
