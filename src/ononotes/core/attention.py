"""Who needs you now (#18): one ranked list of people, each with the reasons that put them
there and where to see each one (``path:line``).

The rule (docs/insights.md says it in words, tests hold it):

- each reason has a weight; a person's score is the sum of their reasons' weights, plus, for an
  overdue 1:1, one point per full interval it is late (a 1:1 three weeks late for a weekly
  cadence weighs more than one two days late);
- people are ranked by score, highest first; ties by days since the last 1:1 (longest first),
  then by slug;
- only active people with at least one reason are listed.

Pure: the cadence rows (with their insights) and the open items in, records out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ononotes.core.model import CachedRecord
from ononotes.core.reports import ActionItem, CadenceRow

FEEDBACK_QUIET_DAYS = 42  # no feedback either way for six weeks: a reason, as growth talks are

# reason kind -> weight
WEIGHTS = {
    "overdue": 3.0,
    "unconfirmed": 2.0,
    "mood": 3.0,
    "my-items": 2.0,
    "their-items": 1.0,
    "topic": 1.5,
    "growth": 1.5,
    "agenda": 1.5,
    "feedback": 1.0,
}


@dataclass(frozen=True, slots=True)
class Reason(CachedRecord):
    """Why a person needs you: a kind (a key of WEIGHTS), the words, and where to look."""

    kind: str
    text: str
    source: str | None  # path:line (or path) of the evidence
    weight: float


@dataclass(frozen=True, slots=True)
class Attention(CachedRecord):
    """One person on the ranked list."""

    person: str
    name: str
    score: float
    reasons: tuple[Reason, ...]  # heaviest first
    days_since: int | None


def who_needs_you(
    rows: Iterable[CadenceRow], items: Iterable[ActionItem], me: Sequence[str], as_of: dt.date
) -> tuple[Attention, ...]:
    """The ranked list over ``rows`` (one per person) and every person's ``items``."""
    open_by_person: dict[str, list[ActionItem]] = {}
    for item in items:
        if item.state == "open":
            open_by_person.setdefault(item.person, []).append(item)
    ranked = []
    for row in rows:
        if not row.active:
            continue
        reasons = person_reasons(row, open_by_person.get(row.person, []), me, as_of)
        if reasons:
            score = round(sum(reason.weight for reason in reasons), 2)
            ranked.append(Attention(row.person, row.name, score, reasons, row.days_since))
    ranked.sort(key=lambda a: (-a.score, -(a.days_since or 0), a.person))
    return tuple(ranked)


def person_reasons(
    row: CadenceRow, open_items: Sequence[ActionItem], me: Sequence[str], as_of: dt.date
) -> tuple[Reason, ...]:
    """Every reason ``row``'s person needs you, heaviest first."""
    reasons = [
        *_cadence_reasons(row),
        *_item_reasons(open_items, me),
        *_insight_reasons(row),
    ]
    reasons.sort(key=lambda reason: -reason.weight)
    return tuple(reasons)


def _reason(kind: str, text: str, source: str | None, extra: float = 0.0) -> Reason:
    return Reason(kind, text, source, WEIGHTS[kind] + extra)


def _last_held_path(row: CadenceRow) -> str | None:
    held = [m for m in row.meetings if m.kind == "held"]
    return held[-1].path if held else None


def _cadence_reasons(row: CadenceRow) -> list[Reason]:
    found = []
    if row.overdue and row.days_since is not None:
        late = row.days_since - row.interval_days
        since = f"since {row.last_held}" if row.last_held else "since they started"
        found.append(
            _reason(
                "overdue",
                f"1:1 overdue: {row.days_since} days {since} ({row.cadence})",
                _last_held_path(row),
                float(late // row.interval_days) if row.interval_days else 0.0,
            )
        )
    for meeting in row.meetings:
        if meeting.kind == "unconfirmed":
            found.append(
                _reason(
                    "unconfirmed",
                    f"the 1:1 planned for {meeting.date} is not confirmed: held or skipped?",
                    meeting.path,
                )
            )
    return found


def _item_reasons(open_items: Sequence[ActionItem], me: Sequence[str]) -> list[Reason]:
    """Stale or overdue items: yours first (you owe them), then theirs and others'."""
    found = []
    stuck = [item for item in open_items if item.stale or item.overdue]
    mine = [item for item in stuck if item.owner in me]
    others = [item for item in stuck if item.owner not in me]
    for kind, group, whose in (("my-items", mine, "yours"), ("their-items", others, "theirs")):
        if not group:
            continue
        worst = max(group, key=lambda item: (item.overdue, item.times_carried, item.age_days or 0))
        count = f"{len(group)} stuck item{'s' if len(group) != 1 else ''} ({whose})"
        found.append(_reason(kind, f"{count}, e.g. {_describe(worst)}", worst.source))
    return found


def _describe(item: ActionItem) -> str:
    from ononotes.core.fields import without_fields

    facts = []
    if item.overdue and item.due:
        facts.append(f"due {item.due}")
    if item.stale:
        facts.append(f"carried {item.times_carried}x")
    text = without_fields(item.text)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"“{text}” ({', '.join(facts)})"


def _insight_reasons(row: CadenceRow) -> list[Reason]:
    insights = row.insights
    if insights is None:
        return []
    found = []
    moods = insights.moods
    if insights.mood_drop and insights.mood_change is not None:
        found.append(
            _reason(
                "mood",
                f"mood dropping: down {abs(insights.mood_change):.1f} over the last meetings",
                moods[-1].path if moods else None,
            )
        )
    for topic in insights.topics[:2]:
        found.append(
            _reason(
                "topic",
                f"keeps raising “{topic.text}” ({len(topic.dates)} meetings since "
                f"{topic.dates[0]})",
                topic.latest,
            )
        )
    if insights.development_stale:
        last = insights.last_development
        words = f"for {insights.days_since_development} days" if last else "yet"
        found.append(_reason("growth", f"no growth talk {words}", _dated_path(row, last)))
    if insights.low_ownership:
        found.append(
            _reason(
                "agenda",
                f"the agenda is mostly yours: their share under 30% in the last "
                f"{insights.low_streak} 1:1s",
                _last_held_path(row),
            )
        )
    quiet = insights.days_since_feedback
    if insights.held >= 3 and (quiet is None or quiet > FEEDBACK_QUIET_DAYS):
        last = insights.last_feedback
        words = f"for {quiet} days" if last else "in any 1:1 yet"
        found.append(_reason("feedback", f"no feedback given {words}", _dated_path(row, last)))
    return found


def _dated_path(row: CadenceRow, day: dt.date | None) -> str | None:
    """The held meeting of ``day`` (the evidence of a "last ..."), else the last held one."""
    for meeting in reversed(row.meetings):
        if meeting.kind == "held" and (day is None or meeting.date == day):
            return meeting.path
    return _last_held_path(row)
