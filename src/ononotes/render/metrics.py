"""``ono export --metrics``: a vault's metrics as JSON lines, with no 1:1 content.

Pure: the facts of ``core/metrics.py`` in, lines out. People and item keys are written as
keyed hashes of the vault's salt (names only when the vault shares them); the insights'
counters only when the vault shares insights. Every record starts with the schema version,
its kind and the export's id, a hash of the export's own lines: two files with the same id
are the same export.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ononotes.core.metrics import SCHEMA, PersonFacts, pseudonym
from ononotes.core.window import Window


@dataclass(frozen=True)
class ExportSettings:
    """What a vault lets its metrics export say, and the salt of its hashes."""

    vault: str  # the vault's folder name, as ``ono report --vault`` names it
    manager: str
    salt: str
    share_insights: bool = False
    share_names: bool = False


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def _records(
    settings: ExportSettings, window: Window, people: Sequence[PersonFacts], version: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, fields) of every record but the fields every record starts with."""
    salt, vault = settings.salt, settings.vault
    yield (
        "export",
        {
            "vault": vault,
            "vault_id": pseudonym(salt, "vault"),
            "manager": settings.manager,
            "as_of": window.as_of.isoformat(),
            "since": _day(window.since),
            "until": _day(window.until),
            "people": len(people),
            "share_insights": settings.share_insights,
            "share_names": settings.share_names,
            "ononotes": version,
        },
    )
    for facts in people:
        person = facts.person if settings.share_names else pseudonym(salt, "person", facts.person)
        record: dict[str, Any] = {"vault": vault, "person": person}
        if settings.share_names:
            record["name"] = facts.name
        record |= {
            "interval_days": facts.interval_days,
            "active": facts.active,
            "overdue": facts.overdue,
            "held": facts.held,
            "cancelled": facts.cancelled,
            "planned": facts.planned,
            "unconfirmed": facts.unconfirmed,
            "gaps": facts.gaps,
            "gaps_on_cadence": facts.gaps_on_cadence,
        }
        if settings.share_insights:
            record |= {
                "their_points": facts.their_points,
                "my_points": facts.my_points,
                "developed": facts.developed,
                "with_feedback": facts.with_feedback,
                "with_upward": facts.with_upward,
                "mood_recent": facts.mood_recent,
                "mood_change": facts.mood_change,
                "mood_count": facts.mood_count,
            }
        yield "person", record
        for meeting in facts.meetings:
            yield (
                "meeting",
                {
                    "vault": vault,
                    "person": person,
                    "date": meeting.date.isoformat(),
                    "type": meeting.type,
                    "status": meeting.status,
                    "kind": meeting.kind,
                },
            )
        for item in facts.items:
            yield (
                "item",
                {
                    "vault": vault,
                    "person": person,
                    "key": pseudonym(salt, "item", facts.person, item.key),
                    "owner": item.owner_role,
                    "state": item.state,
                    "created": item.created.isoformat(),
                    "closed": _day(item.closed),
                    "times_carried": item.times_carried,
                    "stale": item.stale,
                    "overdue": item.overdue,
                    "days_to_close": item.days_to_close,
                },
            )


def metrics_lines(
    settings: ExportSettings, window: Window, people: Sequence[PersonFacts], version: str
) -> list[str]:
    """The export of one vault: its export record, then each person's record followed by
    their meetings and items; every line ``{"schema": 1, "record": KIND, "export": ID, ...}``."""
    bodies = [
        (kind, json.dumps(fields, ensure_ascii=False))
        for kind, fields in _records(settings, window, people, version)
    ]
    digest = hashlib.sha256()
    for kind, body in bodies:
        digest.update(f"{kind}\n{body}\n".encode())
    export = digest.hexdigest()[:16]
    # the fields every record starts with, then the rest of its object (``body[1:]``)
    return [
        f'{{"schema": {SCHEMA}, "record": "{kind}", "export": "{export}", {body[1:]}'
        for kind, body in bodies
    ]
