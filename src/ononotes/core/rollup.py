"""The roll-up's result (``ono rollup``): the rows of ``sql/rollup.sql`` as the records
``ono report`` is made of, so the same writers show them.

Each group (the team, a vault, a manager, everything folded into "other") is a team row of
the cadence report (``CadenceTeam``, with its insights when they are shared) and a row of the
follow-through counters (``FollowThrough``); an owner role has the counters alone. Pure: plain
rows in, frozen records out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ononotes.core.insights import TeamInsights
from ononotes.core.reports import CadenceTeam, FollowThrough

TEAM, VAULT, MANAGER, OWNER = "team", "vault", "manager", "owner"
OTHER = "other"  # the group small vaults are folded into
DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True, slots=True)
class RollupGroup:
    dimension: str  # team | vault | manager | owner
    name: str
    actions: FollowThrough
    cadence: CadenceTeam | None = None  # None for an owner role
    vaults: int = 0  # the exports it adds up
    first_as_of: dt.date | None = None
    last_as_of: dt.date | None = None
    mood_recent: float | None = None  # the mean of its people's recent moods, pooled (SPEC §9)
    sharing: int = 0  # its people from vaults that share insights

    @property
    def people(self) -> int:
        return self.cadence.people if self.cadence is not None else 0


@dataclass(frozen=True, slots=True)
class Rollup:
    min_group: int
    team: RollupGroup
    vaults: tuple[RollupGroup, ...]
    managers: tuple[RollupGroup, ...]
    owners: tuple[RollupGroup, ...]

    @property
    def as_of(self) -> dt.date | None:
        """The day of the latest export."""
        return self.team.last_as_of

    @property
    def mixed_days(self) -> bool:
        """The vaults were exported on different days."""
        return self.team.first_as_of != self.team.last_as_of


NO_ITEMS = FollowThrough(TEAM, 0, 0, 0, 0, 0, None, None, 0, 0)


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _whole(value: Any) -> int | float | None:
    """A median as ``core.window.median`` gives it: a whole number when it is one."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def _ratio(value: Any) -> float | None:
    return None if value is None else float(value)


def rollup_group(row: Mapping[str, Any]) -> RollupGroup:
    """One row of the SQL as a group."""
    name = str(row["name"])
    actions = FollowThrough(
        name=name,
        created=int(row["created"]),
        done=int(row["done"]),
        open=int(row["open"]),
        dropped=int(row["dropped"]),
        cancelled=int(row["items_cancelled"]),
        follow_through=_ratio(row["follow_through"]),
        median_days_to_close=_whole(row["median_days_to_close"]),
        stale=int(row["stale"]),
        overdue=int(row["items_overdue"]),
    )
    if row["dimension"] == OWNER:
        return RollupGroup(OWNER, name, actions)
    insights = None
    if row["their_points"] is not None:
        insights = TeamInsights(
            agenda_ownership=_ratio(row["agenda_ownership"]),
            development_coverage=_ratio(row["development_coverage"]),
            cancellation_rate=_ratio(row["cancellation_rate"]),
            their_points=int(row["their_points"]),
            my_points=int(row["my_points"]),
            feedback_coverage=_ratio(row["feedback_coverage"]),
            upward_feedback=_ratio(row["upward_feedback"]),
        )
    cadence = CadenceTeam(
        people=int(row["people"] or 0),
        overdue=int(row["overdue"] or 0),
        held=int(row["held"] or 0),
        cancelled=int(row["cancelled"] or 0),
        on_cadence_ratio=_ratio(row["on_cadence_ratio"]),
        planned=int(row["planned"] or 0),
        active=int(row["active"] or 0),
        insights=insights,
        unconfirmed=int(row["unconfirmed"] or 0),
    )
    return RollupGroup(
        str(row["dimension"]),
        name,
        actions,
        cadence,
        vaults=int(row["vaults"] or 0),
        first_as_of=_day(row["first_as_of"]),
        last_as_of=_day(row["last_as_of"]),
        mood_recent=_ratio(row["mood_recent"]) if insights is not None else None,
        sharing=int(row["sharing"] or 0),
    )


def assemble_rollup(rows: Sequence[Mapping[str, Any]], min_group: int) -> Rollup:
    """The roll-up from the SQL's rows (in its order: team, vaults, managers, owners)."""
    groups = [rollup_group(row) for row in rows]
    teams = [g for g in groups if g.dimension == TEAM]
    team = teams[0] if teams else RollupGroup(TEAM, TEAM, NO_ITEMS, CadenceTeam(0, 0, 0, 0, None))
    return Rollup(
        min_group,
        team,
        tuple(g for g in groups if g.dimension == VAULT),
        tuple(g for g in groups if g.dimension == MANAGER),
        tuple(g for g in groups if g.dimension == OWNER),
    )
