"""A note's sections, found by heading title (SPEC §9). Pure: lines and headings in.

A section runs from its heading to the next heading of the same or a higher level; its content
is those lines minus blank lines and HTML comments (the templates' placeholders are comments).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ononotes.core.markdown import BULLET_RE, ORDERED_RE, TASK_RE
from ononotes.core.model import Heading, Note

COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


def md_text(text: str) -> str:
    """Note text inside a Markdown bullet: no raw HTML, and never a task item when pasted (a
    leading ``[x]`` would make it one, to be carried if pasted into a note)."""
    text = text.replace("<", "&lt;")
    return "\\" + text if TASK_RE.match(text) else text


def private_body(text: str) -> list[tuple[int, str]]:
    """(line number in the file, line) of a private note's body: the front matter cut, HTML
    comments blanked (their lines kept, empty), and its ``# Private · ...`` title left out."""
    from ononotes.core.parse import FileProblem, read_document

    try:
        document = read_document(text)
        lines, start = document.lines, document.body_start
    except FileProblem:
        lines, start = tuple(text.splitlines()), 0
    body = COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), "\n".join(lines[start:]))
    return [
        (start + offset + 1, line)
        for offset, line in enumerate(body.split("\n"))
        if not (line.startswith("# ") and "private" in line.casefold())
    ]


LIST_MARKER_RE = re.compile(rf"[ \t]*(?:{BULLET_RE.pattern}|{ORDERED_RE.pattern})[ \t]*")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the lines it covers: ``start`` is the heading's line index, ``end`` one
    past the section's last line."""

    title: str
    level: int
    start: int
    end: int

    @property
    def key(self) -> str:
        return self.title.casefold()


def find_sections(line_count: int, headings: Sequence[Heading]) -> list[Section]:
    """Every heading's section, in order; each ends at the next heading of its level or higher.

    One pass from the end, keeping the headings still waiting for their end on a stack: linear
    in the number of headings, however many a hand-made note holds."""
    ends = [line_count] * len(headings)
    waiting: list[int] = []  # positions of headings later in the note, levels rising to the top
    for position in range(len(headings) - 1, -1, -1):
        level = headings[position].level
        while waiting and headings[waiting[-1]].level > level:
            waiting.pop()
        if waiting:
            ends[position] = headings[waiting[-1]].index
        waiting.append(position)
    return [
        Section(heading.title, heading.level, heading.index, end)
        for heading, end in zip(headings, ends, strict=True)
    ]


def find_section(
    line_count: int, headings: Sequence[Heading], titles: Iterable[str]
) -> Section | None:
    """The first section whose title, case folded, is one of ``titles``."""
    wanted = {title.casefold() for title in titles}
    return next((s for s in find_sections(line_count, headings) if s.key in wanted), None)


def section_content(lines: Sequence[str], section: Section) -> list[str]:
    """The section's own lines (up to its first subheading's section too), without blank lines
    and HTML comments, right-stripped."""
    text = "\n".join(lines[section.start + 1 : section.end])
    text = COMMENT_RE.sub("", text)
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def strip_list_marker(line: str) -> str:
    """A list item's first line without its marker and task checkbox: ``- [ ] a b`` -> ``a b``."""
    match = LIST_MARKER_RE.match(line)
    rest = line[match.end() :] if match else line.lstrip()
    task = TASK_RE.match(rest)
    return (rest[task.end() :] if task else rest).strip()


def list_points(
    lines: Sequence[str], list_starts: Sequence[tuple[int, int]], section: Section
) -> list[str]:
    """The top-level list items of a section, marker and checkbox removed (talking points)."""
    return [
        strip_list_marker(lines[start])
        for start, _indent in list_starts
        if section.start < start < section.end
    ]


def point_key(text: str) -> str:
    """How two talking points are compared: like an item's key (SPEC §3), so case, spacing and
    date fields do not make a point new."""
    from ononotes.core.fields import item_key

    return item_key(text)


@lru_cache(maxsize=4096)  # the same few titles, in every note
def normalise_title(title: str) -> str:
    """A heading title as names are compared: case folded, runs of white space made one."""
    return " ".join(title.casefold().split())


@lru_cache(maxsize=64)
def _normalised(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalise_title(name) for name in names if name.strip())


def note_sections(note: Note) -> list[Section]:
    """The note's sections, without its title: a level-1 heading with deeper headings under it
    (``# 1:1 · Alice · 2026-11-10`` in every template) holds the sections rather than being one,
    so ``# Career conversation · ...`` does not make the whole note a growth section."""
    headings: list[Heading] = [h for h in note.headings if h.index >= note.body_start]
    sections = find_sections(len(note.lines), headings)
    return [
        section
        for section in sections
        if not (
            section.level == 1
            and any(section.start < h.index < section.end and h.level > 1 for h in headings)
        )
    ]


def agenda_sections(sections: Sequence[Section], names: Iterable[str]) -> list[Section]:
    """Sections whose whole title is one of ``names`` (case folded)."""
    wanted = _normalised(tuple(names))
    return [s for s in sections if normalise_title(s.title) in wanted]


def growth_sections(sections: Sequence[Section], words: Iterable[str]) -> list[Section]:
    """Sections whose title contains one of ``words`` (case folded): Growth, Growth plan,
    Career, Development..."""
    wanted = _normalised(tuple(words))
    return [s for s in sections if any(word in normalise_title(s.title) for word in wanted)]
