"""``ono export``: every note and item as one JSON object per line, for a data warehouse.

Pure: notes in, lines out. Each object has a ``kind`` ("note" or "item") and the vault's name,
so exports of many vaults can be loaded into one table and joined on (vault, path).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from ononotes.core.model import Note


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def note_record(note: Note, vault: str, as_of: dt.date) -> dict:
    return {
        "kind": "note",
        "vault": vault,
        "path": note.path,
        "person": note.person,
        "date": note.date.isoformat(),
        "type": note.type,
        "status": note.effective_status(as_of),
        "mood": note.mood,
        "duration": note.duration,
        "tags": list(note.tags),
        "items": len(note.items),
        "headings": [heading.title for heading in note.headings],
    }


def item_records(note: Note, vault: str) -> Iterator[dict]:
    for item in note.items:
        yield {
            "kind": "item",
            "vault": vault,
            "path": note.path,
            "line": item.line,
            "person": note.person,
            "date": note.date.isoformat(),
            "key": item.key,
            "text": item.text,
            "state": item.state,
            "status_char": item.status_char,
            "owner": item.owner,
            "due": _date(item.due),
            "created": _date(item.created),
            "done": _date(item.done),
            "section": item.section,
            "parent_line": note.items[item.parent].line if item.parent is not None else None,
        }


def export_jsonl(notes: Iterable[Note], vault: str, as_of: dt.date) -> Iterator[str]:
    """One line per note, each followed by one line per item in it."""
    for note in notes:
        yield json.dumps(note_record(note, vault, as_of), ensure_ascii=False)
        for record in item_records(note, vault):
            yield json.dumps(record, ensure_ascii=False)
