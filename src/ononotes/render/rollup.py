"""``ono rollup``'s output: the same tables and formats as ``ono report``, for groups of people
(the team, each vault, each manager, "other") instead of people, and owner roles instead of
owners.

JSON mirrors ``ono report --format json``: ``cadence.team`` and ``actions.team`` hold the keys
of the report's team rows (SPEC §8, §9), ``actions.owners`` the owner roles; ``vaults`` and
``managers`` hold a row of the same keys per group.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ononotes.core.reports import FollowThrough
from ononotes.core.rollup import OTHER, Rollup, RollupGroup
from ononotes.render.report_csv import csv_cell
from ononotes.render.report_json import (
    CADENCE_TEAM_KEYS,
    COUNTER_KEYS,
    TEAM_INSIGHT_KEYS,
    counters_dict,
    plain,
)
from ononotes.render.report_table import (
    BOLD,
    COUNTER_HEADER,
    counter_cells,
    day,
    grid,
    one_decimal,
    paint,
    percent,
    wrap,
)

GROUP_EXTRA_KEYS = ("planned", "active", "vaults", "as_of", "mood_recent")
# the terminal's short column names, in words for Markdown and HTML (as ``ono report`` has them)
HEADER_WORDS = {
    "CXL": "Cancelled",
    "UNCONF": "Not confirmed",
    "ON-CAD": "On cadence",
    "AGENDA": "Agenda ownership",
    "GROWTH": "Growth talked about",
    "FEEDBK": "Feedback",
    "THEIRS": "Their feedback to you",
    "MOOD": "Mood (last 4)",
    "FOLLOW": "Follow-through",
    "MED DAYS": "Median days to close",
}
OWNER_ROLE_WORDS = {
    "manager": "the manager (me)",
    "report": "the person met",
    "other": "someone else",
    "unassigned": "nobody",
}


# -- JSON ------------------------------------------------------------------------------------------


def cadence_group_dict(group: RollupGroup) -> dict[str, Any]:
    """A group as the team row of ``ono report cadence --format json``, and a few more keys."""
    team = group.cadence
    values: dict[str, Any] = {key: plain(getattr(team, key, None)) for key in CADENCE_TEAM_KEYS}
    insights = team.insights if team is not None else None
    values |= {key: getattr(insights, key, None) for key in TEAM_INSIGHT_KEYS}
    values |= {
        "planned": team.planned if team else 0,
        "active": team.active if team else 0,
        "vaults": group.vaults,
        "as_of": plain(group.last_as_of),
        "mood_recent": group.mood_recent,
    }
    return values


def _named(label: str, group: RollupGroup, values: dict[str, Any]) -> dict[str, Any]:
    return {label: group.name} | values


def rollup_dict(rollup: Rollup) -> dict[str, Any]:
    team = rollup.team
    return {
        "as_of": plain(rollup.as_of),
        "first_as_of": plain(team.first_as_of),
        "min_group": rollup.min_group,
        "cadence": {
            "team": cadence_group_dict(team),
            "vaults": [_named("vault", g, cadence_group_dict(g)) for g in rollup.vaults],
            "managers": [_named("manager", g, cadence_group_dict(g)) for g in rollup.managers],
        },
        "actions": {
            "team": counters_dict(None, team.actions),
            "vaults": [counters_dict("vault", g.actions) for g in rollup.vaults],
            "managers": [counters_dict("manager", g.actions) for g in rollup.managers],
            "owners": [counters_dict("owner", g.actions) for g in rollup.owners],
        },
    }


def render_json(rollup: Rollup) -> str:
    return json.dumps(rollup_dict(rollup), indent=2, ensure_ascii=False) + "\n"


# -- CSV -------------------------------------------------------------------------------------------


def render_csv(rollup: Rollup) -> str:
    """One row per group (``group`` says which: team, vault, manager, owner): the cadence and
    insight columns, then the counters prefixed ``items_`` as in ``ono report --format csv``."""
    import csv
    import io

    cadence_keys = [*CADENCE_TEAM_KEYS, *TEAM_INSIGHT_KEYS, *GROUP_EXTRA_KEYS]
    counter_keys = [
        key if key in ("follow_through", "median_days_to_close") else f"items_{key}"
        for key in COUNTER_KEYS
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "name", *cadence_keys, *counter_keys])
    groups = [rollup.team, *rollup.vaults, *rollup.managers, *rollup.owners]
    for group in groups:
        cadence = cadence_group_dict(group) if group.cadence is not None else {}
        counters = counters_dict(None, group.actions)
        row: list[Any] = [group.dimension, group.name]
        row += [cadence.get(key) for key in cadence_keys]
        row += [counters[key] for key in COUNTER_KEYS]
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


# -- tables: the terminal, Markdown, HTML -----------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]
    last_is_total: bool = True


@dataclass(frozen=True)
class Section:
    title: str
    caption: str
    tables: tuple[Table, ...]


TOTAL_LABEL = "all"  # the team's row under each table (a vault may well be called "team")


def _label(group: RollupGroup) -> str:
    return TOTAL_LABEL if group.dimension == "team" else group.name


def _dimensions(rollup: Rollup) -> list[tuple[str, Sequence[RollupGroup]]]:
    return [("VAULT", rollup.vaults), ("MANAGER", rollup.managers)]


def _cadence_cells(group: RollupGroup) -> tuple[str, ...]:
    c = group.cadence
    assert c is not None
    return (
        _label(group),
        str(c.people),
        str(c.overdue),
        str(c.held),
        str(c.cancelled),
        str(c.planned),
        str(c.unconfirmed),
        percent(c.on_cadence_ratio),
    )


def _insight_cells(group: RollupGroup) -> tuple[str, ...]:
    c = group.cadence
    i = c.insights if c is not None else None
    if i is None:
        return (_label(group), "-", "-", "-", "-", "-", "-")
    return (
        _label(group),
        percent(i.agenda_ownership),
        percent(i.development_coverage),
        percent(i.feedback_coverage),
        percent(i.upward_feedback),
        percent(i.cancellation_rate),
        one_decimal(group.mood_recent),
    )


def _counter_cells(group: RollupGroup, name: str | None = None) -> tuple[str, ...]:
    actions: FollowThrough = group.actions
    return counter_cells(actions, name if name is not None else _label(group))


def sections(rollup: Rollup) -> list[Section]:
    """What every text format shows: cadence, insights (when any group shows them) and
    follow-through, each by vault and by manager with the team last."""
    team = rollup.team
    cadence_tables = []
    insight_tables = []
    action_tables = []
    for label, groups in _dimensions(rollup):
        every = [*groups, team]
        cadence_tables.append(
            Table(
                (label, "PEOPLE", "OVERDUE", "HELD", "CXL", "PLANNED", "UNCONF", "ON-CAD"),
                tuple(_cadence_cells(g) for g in every),
                (False,) + (True,) * 7,
            )
        )
        insight_tables.append(
            Table(
                (label, "AGENDA", "GROWTH", "FEEDBK", "THEIRS", "CXL", "MOOD"),
                tuple(_insight_cells(g) for g in every),
                (False,) + (True,) * 6,
            )
        )
        action_tables.append(
            Table(
                (label, *COUNTER_HEADER),
                tuple(_counter_cells(g) for g in every),
                (False,) + (True,) * 9,
            )
        )
    owners = [*rollup.owners]
    action_tables.append(
        Table(
            ("OWNER", *COUNTER_HEADER),
            tuple(_counter_cells(g) for g in owners) + (_counter_cells(team),),
            (False,) + (True,) * 9,
        )
    )
    shown = [
        Section(
            "Cadence",
            "held, cancelled and planned meetings; on cadence = gaps <= each person's interval "
            "+ tolerance, every gap pooled",
            tuple(cadence_tables),
        )
    ]
    if any(
        g.cadence is not None and g.cadence.insights is not None
        for g in [team, *rollup.vaults, *rollup.managers]
    ):
        shown.append(
            Section(
                "Insights",
                "from vaults that share them; agenda = their points / all points; growth, "
                "feedback, theirs (feedback to you) = held 1:1s with that section written; "
                "mood = the mean of each person's last 4 moods, pooled",
                tuple(insight_tables),
            )
        )
    shown.append(
        Section(
            "Follow-through",
            "items created in each export's window; follow = done / (done + dropped + open); "
            "owners: " + ", ".join(f"{role} = {words}" for role, words in OWNER_ROLE_WORDS.items()),
            tuple(action_tables),
        )
    )
    return shown


def _headline(rollup: Rollup) -> str:
    team = rollup.team
    days = (
        f"exported {day(team.first_as_of)} to {day(team.last_as_of)}"
        if rollup.mixed_days
        else f"as of {day(rollup.as_of)}"
    )
    folded = (
        f'vaults of fewer than {rollup.min_group} people are folded into "{OTHER}"'
        if rollup.min_group > 1
        else "no vault folded (--min-group 1)"
    )
    people = f"{team.people} {'person' if team.people == 1 else 'people'}"
    return f"{team.vaults} vault{'s' if team.vaults != 1 else ''}, {people}, {days}; {folded}"


def render_table(rollup: Rollup, color: bool = False) -> str:
    lines = [paint(f"Roll-up as of {day(rollup.as_of)}", BOLD, color)]
    lines += wrap(_headline(rollup))
    for section in sections(rollup):
        lines += ["", paint(section.title, BOLD, color), *wrap(section.caption)]
        for table in section.tables:
            styles = [None] * (len(table.rows) - 1) + [BOLD]
            lines += ["", *grid(table.header, table.rows, table.right, styles, color)]
    return "\n".join(lines) + "\n"


def in_words(header: Sequence[str]) -> tuple[str, ...]:
    return tuple(HEADER_WORDS.get(cell, cell.capitalize()) for cell in header)


def render_md(rollup: Rollup) -> str:
    from ononotes.render.report_md import escape, table

    lines = [f"# Roll-up as of {day(rollup.as_of)}", "", escape(_headline(rollup)) + "."]
    for section in sections(rollup):
        caption = section.caption[:1].upper() + section.caption[1:]
        lines += ["", f"## {section.title}", "", escape(caption) + "."]
        for shown in section.tables:
            header = in_words(shown.header)
            rows = [
                (f"**{row[0]}**", *row[1:])
                if shown.last_is_total and n == len(shown.rows) - 1
                else row
                for n, row in enumerate(shown.rows)
            ]
            lines += ["", *table(header, rows, shown.right)]
    return "\n".join(lines) + "\n"


def render_html(rollup: Rollup) -> str:
    from ononotes.render.page import page_environment

    template = page_environment().get_template("rollup.html.j2")
    shown = [
        Section(
            s.title,
            s.caption[:1].upper() + s.caption[1:],
            tuple(Table(in_words(t.header), t.rows, t.right, t.last_is_total) for t in s.tables),
        )
        for s in sections(rollup)
    ]
    return template.render(
        title=f"Roll-up as of {day(rollup.as_of)}", headline=_headline(rollup), sections=shown
    )


def render_rollup(rollup: Rollup, fmt: str, color: bool = False) -> str:
    """The roll-up in one of ``ono report``'s formats."""
    if fmt == "json":
        return render_json(rollup)
    if fmt == "csv":
        return render_csv(rollup)
    if fmt == "md":
        return render_md(rollup)
    if fmt == "html":
        return render_html(rollup)
    return render_table(rollup, color)
