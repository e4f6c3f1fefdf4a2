"""Recurring topics (#18): a talking point, or a heading, that comes back in three or more held
meetings of the same person is a concern not yet resolved.

Matching is exact on the item key (SPEC §3: case, spacing, list marker, checkbox and date fields
aside). No looser matching: "promo timeline" and "promotion timeline" are two topics, because a
guess that merges two different concerns is worse than a repeat shown twice (docs/insights.md).

Pure: notes, the section names and the templates' placeholder lines in, records out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ononotes.core.carry import ACTION_ITEMS_TITLE
from ononotes.core.model import CachedRecord, Config, Note
from ononotes.core.sections import (
    agenda_sections,
    normalise_title,
    note_sections,
    point_key,
    strip_list_marker,
)

RECURRING_AFTER = 3  # meetings: a topic raised in this many held meetings recurs


@dataclass(frozen=True, slots=True)
class RecurringTopic(CachedRecord):
    """A topic raised again and again: as last written, when, and where (``path:line``)."""

    key: str
    text: str
    dates: tuple[dt.date, ...]  # oldest first, one per meeting
    sources: tuple[str, ...]  # path:line of each mention, in the same order
    theirs: bool  # raised under their agenda at least once

    @property
    def latest(self) -> str:
        return self.sources[-1]


def recurring_topics(
    held: Sequence[Note], config: Config, placeholders: frozenset[str] = frozenset()
) -> tuple[RecurringTopic, ...]:
    """Topics of ``held`` (one person's held meetings, oldest first) raised in at least
    RECURRING_AFTER of them: talking points of the agenda sections, and headings that no
    template writes. Most meetings first, then the latest first."""
    found: dict[str, dict[str, Any]] = {}
    theirs_titles = {normalise_title(t) for t in config.their_agenda}
    standard = {normalise_title(t) for t in (*config.their_agenda, *config.my_agenda)}
    standard.add(ACTION_ITEMS_TITLE)
    # growth and feedback sections are found by a word in their title (docs/insights.md)
    words = [normalise_title(w) for w in (*config.growth, *config.feedback) if w.strip()]
    for note in held:
        seen: set[str] = set()
        sections = note_sections(note)
        for section in agenda_sections(sections, (*config.their_agenda, *config.my_agenda)):
            theirs = normalise_title(section.title) in theirs_titles
            for start, _indent in note.list_starts:
                if not section.start < start < section.end:
                    continue
                text = strip_list_marker(note.lines[start])
                if text and note.lines[start].strip() not in placeholders:
                    _mention(found, seen, note, start, text, theirs)
        for heading in note.headings:
            title = heading.title.strip()
            if (
                heading.index >= note.body_start
                and heading.level > 1
                and normalise_title(title) not in standard
                and not any(word in normalise_title(title) for word in words)
                and note.lines[heading.index].strip() not in placeholders
            ):
                _mention(found, seen, note, heading.index, title, False)
    topics = [
        RecurringTopic(
            key,
            entry["text"],
            tuple(entry["dates"]),
            tuple(entry["sources"]),
            entry["theirs"],
        )
        for key, entry in found.items()
        if len(entry["dates"]) >= RECURRING_AFTER
    ]
    topics.sort(key=lambda topic: (-len(topic.dates), -topic.dates[-1].toordinal(), topic.key))
    return tuple(topics)


def _mention(
    found: dict[str, dict[str, Any]],
    seen: set[str],
    note: Note,
    index: int,
    text: str,
    theirs: bool,
) -> None:
    """One mention of a topic in ``note``; a topic counts once a meeting."""
    key = point_key(text)
    if not key or key in seen:
        return
    seen.add(key)
    entry = found.setdefault(key, {"dates": [], "sources": [], "theirs": False, "text": text})
    entry["dates"].append(note.date)
    entry["sources"].append(f"{note.path}:{index + 1}")
    entry["text"] = text
    entry["theirs"] = entry["theirs"] or theirs
