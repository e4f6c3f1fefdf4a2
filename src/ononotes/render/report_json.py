"""Reports as JSON (SPEC §8): one object, the fixed keys first in a stable order.

The ``*_dict`` functions are shared with the CSV writer: dates become ``YYYY-MM-DD`` strings,
ratios stay floats (or None).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from ononotes.core.attention import Attention, who_needs_you
from ononotes.core.reports import (
    ActionItem,
    ActionsReport,
    CadenceReport,
    CadenceRow,
    FollowThrough,
)
from ononotes.core.window import Window

CADENCE_PERSON_KEYS = (
    "person",
    "name",
    "cadence",
    "interval_days",
    "held",
    "cancelled",
    "planned",
    "last_held",
    "days_since",
    "next_due",
    "overdue",
    "median_gap_days",
    "max_gap_days",
    "on_cadence_ratio",
    "active",
    "unconfirmed",  # v2: planned meetings whose day passed with no notes (SPEC §2)
)
CADENCE_TEAM_KEYS = ("people", "overdue", "held", "cancelled", "on_cadence_ratio", "unconfirmed")
# SPEC §9: the insights join each person's cadence row, and three of them the team row
INSIGHT_KEYS = (
    "their_points",
    "my_points",
    "agenda_ownership",
    "development_coverage",
    "last_development",
    "cancellation_rate",
    "mood_recent",
    "mood_change",
    "feedback_coverage",  # v2 (#18): as development, for sections about feedback
    "last_feedback",
    "upward_feedback",  # the share of held 1:1s with their feedback to you written
)
TEAM_INSIGHT_KEYS = (
    "agenda_ownership",
    "development_coverage",
    "cancellation_rate",
    "feedback_coverage",
    "upward_feedback",
)
CADENCE_PERSON_COLUMNS = CADENCE_PERSON_KEYS + INSIGHT_KEYS
COUNTER_KEYS = (
    "created",
    "done",
    "open",
    "dropped",
    "cancelled",
    "follow_through",
    "median_days_to_close",
    "stale",
    "overdue",
)
ITEM_KEYS = (
    "person",
    "key",
    "text",
    "owner",
    "state",
    "created",
    "closed",
    "due",
    "times_carried",
    "stale",
    "overdue",
    "source",
)


def plain(value: Any) -> Any:
    """A value as JSON has it: dates as ISO strings, everything else unchanged."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _pick(record: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: plain(getattr(record, key)) for key in keys}


def window_dict(window: Window) -> dict[str, Any]:
    return {"as_of": plain(window.as_of), "since": plain(window.since), "until": plain(window.end)}


def _insights(insights: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The insight keys of a row (null when the row was built without them)."""
    if insights is None:
        return dict.fromkeys(keys)
    return _pick(insights, keys)


def cadence_person_dict(row: CadenceRow) -> dict[str, Any]:
    return _pick(row, CADENCE_PERSON_KEYS) | _insights(row.insights, INSIGHT_KEYS)


def counters_dict(label: str | None, row: FollowThrough) -> dict[str, Any]:
    head = {label: row.name} if label else {}
    return head | _pick(row, COUNTER_KEYS)


def item_dict(item: ActionItem) -> dict[str, Any]:
    return _pick(item, ITEM_KEYS)


def items_json(items: Sequence[ActionItem]) -> str:
    """A JSON list of action items, each with the keys of the report's items (``ono todo``)."""
    return json.dumps([item_dict(item) for item in items], indent=2, ensure_ascii=False) + "\n"


def cadence_dict(report: CadenceReport) -> dict[str, Any]:
    return window_dict(report.window) | {
        "people": [cadence_person_dict(row) for row in report.people],
        "team": _pick(report.team, CADENCE_TEAM_KEYS)
        | _insights(report.team.insights, TEAM_INSIGHT_KEYS),
    }


def actions_dict(report: ActionsReport) -> dict[str, Any]:
    return window_dict(report.window) | {
        "people": [counters_dict("person", row) for row in report.people],
        "owners": [counters_dict("owner", row) for row in report.owners],
        "team": counters_dict(None, report.team),
        "items": [item_dict(item) for item in report.items],
    }


def attention_list(ranked: Sequence[Attention]) -> list[dict[str, Any]]:
    """ "Who needs you now" (#18): each person's score and reasons, heaviest first."""
    return [
        {
            "person": person.person,
            "name": person.name,
            "score": person.score,
            "reasons": [
                {"kind": r.kind, "text": r.text, "source": r.source, "weight": r.weight}
                for r in person.reasons
            ],
        }
        for person in ranked
    ]


def render_json(cadence: CadenceReport | None, actions: ActionsReport | None) -> str:
    """One JSON object: the cadence or the actions report, or both under their names."""
    if cadence is not None and actions is not None:
        data = window_dict(cadence.window) | {
            "cadence": cadence_dict(cadence),
            "actions": actions_dict(actions),
            "attention": attention_list(
                who_needs_you(cadence.people, actions.items, actions.me, cadence.as_of)
            ),
        }
    elif cadence is not None:
        data = cadence_dict(cadence)
    elif actions is not None:
        data = actions_dict(actions)
    else:
        data = {}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
