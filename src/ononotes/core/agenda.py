"""Talking points: add one to a section of a note (``ono agenda``). Pure: text in, text out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ononotes.core.markdown import BULLET_RE, scan
from ononotes.core.model import Heading
from ononotes.core.sections import find_section, list_points, point_key, strip_list_marker


@dataclass(frozen=True, slots=True)
class AgendaEdit:
    """The outcome of adding a point: the new lines (None when it was there already)."""

    lines: list[str] | None
    section: str  # the heading's title as written in the note
    created_section: bool = False


def clean_point(text: str) -> str:
    """A talking point on one line: white space folded, a leading list marker the user typed
    (``- ``) removed. Empty when there is nothing to say."""
    point = " ".join(text.split())
    marker = BULLET_RE.match(point)
    if marker and point[marker.end() :].strip():
        point = point[marker.end() :].strip()
    return point


def _section_title(titles: Sequence[str]) -> str:
    title = titles[0] if titles else "agenda"
    return title[:1].upper() + title[1:]


def add_point(lines: Sequence[str], titles: Sequence[str], point: str) -> AgendaEdit:
    """Add ``- point`` at the end of the first section titled one of ``titles`` (case folded).

    A point whose key a list item of that section already has is not added again. A note with no
    such section gets one, just before "Action items" (else at the end), at the level of its
    other sections.
    """
    lines = list(lines)
    body = scan(lines)
    section = find_section(len(lines), body.headings, titles)
    if section is None:
        return _add_section(lines, body.headings, titles, point)
    key = point_key(strip_list_marker(f"- {point}"))
    if key in {point_key(p) for p in list_points(lines, body.list_starts, section)}:
        return AgendaEdit(None, section.title)
    # the point goes at the end of the section's own part, before any subheading of it
    own_end = next((h.index for h in body.headings if section.start < h.index < section.end), None)
    own_end = section.end if own_end is None else own_end
    last = section.start
    for number in range(section.start + 1, own_end):
        if lines[number].strip():
            last = number
    bullet = "-"
    starts = [s for s, _ in body.list_starts if section.start < s < own_end]
    if starts:
        previous = BULLET_RE.match(lines[starts[-1]].lstrip())
        bullet = previous.group(0) if previous else "-"
    new = [f"{bullet} {point}"]
    # right under a list item (or its indented continuation) the point joins that list;
    # under a paragraph or a comment it starts one after a blank line
    in_list = (
        bool(starts) and starts[-1] <= last and (last == starts[-1] or lines[last][:1].isspace())
    )
    if last != section.start and not in_list:
        new.insert(0, "")
    following = lines[last + 1] if last + 1 < len(lines) else ""
    if following.strip():
        new.append("")
    return AgendaEdit(lines[: last + 1] + new + lines[last + 1 :], section.title)


def _add_section(
    lines: list[str], headings: Sequence[Heading], titles: Sequence[str], point: str
) -> AgendaEdit:
    title = _section_title(titles)
    level = next((h.level for h in headings if h.level >= 2), 2)
    actions = next((h for h in headings if h.title.casefold() == "action items"), None)
    block = ["#" * level + " " + title, "", f"- {point}", ""]
    if actions is None:
        while lines and not lines[-1].strip():
            lines.pop()
        return AgendaEdit(lines + ([""] if lines else []) + block[:-1], title, True)
    at = actions.index
    return AgendaEdit(lines[:at] + block + lines[at:], title, True)
