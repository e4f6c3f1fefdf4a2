"""Reports as aligned plain text for the terminal, readable at 80 columns.

Overdue people and stale or overdue items are flagged in words, so the table reads the same
without colour; ``color=True`` (the CLI decides: a terminal, and no ``NO_COLOR``) adds ANSI
colour on top.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from ononotes.core.attention import Attention, who_needs_you
from ononotes.core.reports import ActionItem, ActionsReport, CadenceReport, FollowThrough
from ononotes.core.window import Window

WIDTH = 80
# the follow-through counters' columns (``ono rollup`` prints the same)
COUNTER_HEADER = (
    "CREATED",
    "DONE",
    "OPEN",
    "DROPPED",
    "CXL",
    "FOLLOW",
    "MED DAYS",
    "STALE",
    "OVERDUE",
)
RED, YELLOW, GREEN, BOLD, DIM = "31;1", "33", "32", "1", "2"


def paint(text: str, code: str | None, color: bool) -> str:
    """``text`` in an ANSI colour when ``color`` is on (and there is something to paint)."""
    if not color or not code or not text:
        return text
    return f"\x1b[{code}m{text}\x1b[0m"


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[bool],
    styles: Sequence[str | None] = (),
    color: bool = False,
) -> list[str]:
    """Rows aligned under ``header`` (numbers right-aligned), two spaces apart, one row's style
    painted over the whole padded line so the colour never shifts the columns."""
    table = [list(header), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for number, row in enumerate(table):
        cells = [
            cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        line = "  ".join(cells).rstrip()
        style = BOLD if number == 0 else (styles[number - 1] if number - 1 < len(styles) else None)
        lines.append(paint(line, style, color))
    return lines


def day(value) -> str:
    return value.isoformat() if value else "-"


def number(value) -> str:
    return "-" if value is None else str(value)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def window_words(window: Window) -> str:
    since = f"from {window.since.isoformat()} " if window.since else ""
    return f"{since}up to {window.end.isoformat()}"


def _heading(title: str, counted: str, rule: str, report, color: bool) -> list[str]:
    """A report's first lines: its title and date, what it counts over which dates, its rule."""
    return [
        paint(f"{title} as of {report.as_of.isoformat()}", BOLD, color),
        f"{counted} {window_words(report.window)}; {rule}",
        "",
    ]


def _no_people(lines: list[str]) -> str:
    return "\n".join([*lines, "no people yet: `ono person add SLUG` or `ono new SLUG`"]) + "\n"


def render_cadence_table(report: CadenceReport, color: bool = False) -> str:
    """Who you meet, how regularly, and who is overdue."""
    lines = _heading(
        "Cadence", "meetings", "on cadence = gap <= interval + tolerance", report, color
    )
    if not report.people:
        return _no_people(lines)
    rows, styles = [], []
    for row in report.people:
        flag = "OVERDUE" if row.overdue else ("" if row.active else "left")
        rows.append(
            (
                row.person,
                row.cadence,
                str(row.held),
                str(row.cancelled),
                day(row.last_held),
                number(row.days_since),
                day(row.next_due),
                percent(row.on_cadence_ratio),
                flag,
            )
        )
        styles.append(RED if row.overdue else (DIM if not row.active else None))
    header = ("PERSON", "CADENCE", "HELD", "CXL", "LAST HELD", "DAYS", "NEXT DUE", "ON-CAD", "")
    right = (False, False, True, True, False, True, False, True, False)
    lines += grid(header, rows, right, styles, color)
    team = report.team
    lines.append("")
    lines += wrap(
        f"team: {team.people} people, {team.overdue} overdue, {team.held} held, "
        f"{team.cancelled} cancelled, {team.planned} planned"
        + (f" ({team.unconfirmed} not confirmed)" if team.unconfirmed else "")
        + f"; {percent(team.on_cadence_ratio)} of gaps on cadence",
        "  ",
    )
    for row in report.overdue:
        text = (
            f"overdue: {row.person}: {row.days_since} days since "
            f"{'the last 1:1' if row.last_held else 'they started'} "
            f"({row.cadence}, due {day(row.next_due)})"
        )
        lines += [paint(line, RED, color) for line in wrap(text, "  ")]
    lines += _insights(report, color)
    return "\n".join(lines) + "\n"


def signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


def one_decimal(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _insights(report: CadenceReport, color: bool) -> list[str]:
    """The insights of SPEC §9 under the cadence table, and the people they flag."""
    rows, styles = [], []
    for row in report.people:
        i = row.insights
        if i is None:
            continue
        rows.append(
            (
                row.person,
                str(i.their_points),
                str(i.my_points),
                percent(i.agenda_ownership),
                percent(i.development_coverage),
                day(i.last_development),
                percent(i.feedback_coverage),
                percent(i.cancellation_rate),
                one_decimal(i.mood_recent),
                signed(i.mood_change),
            )
        )
        styles.append(YELLOW if i.flags else None)
    if not rows:
        return []
    lines = ["", paint("Insights", BOLD, color)]
    lines += wrap(
        "agenda = their points / all points; growth, feedback = held 1:1s with a growth or "
        "feedback section written; mood = mean of the last 4, and the change against the 4 before"
    )
    lines.append("")
    header = (
        "PERSON",
        "THEIRS",
        "MINE",
        "AGENDA",
        "GROWTH",
        "LAST GROWTH",
        "FEEDBK",
        "CXL",
        "MOOD",
        "CHANGE",
    )
    right = (False, True, True, True, True, False, True, True, True, True)
    lines += grid(header, rows, right, styles, color)
    team = report.team.insights
    if team is not None:
        lines.append("")
        lines += wrap(
            f"team: {percent(team.agenda_ownership)} of agenda points theirs "
            f"({team.their_points} of {team.their_points + team.my_points}), growth talked about "
            f"in {percent(team.development_coverage)} of held 1:1s, feedback in "
            f"{percent(team.feedback_coverage)} (theirs to you in "
            f"{percent(team.upward_feedback)}), {percent(team.cancellation_rate)} cancelled",
            "  ",
        )
    for row in report.people:
        for flag in row.insights.flags if row.insights else ():
            lines += [
                paint(line, YELLOW, color) for line in wrap(f"flag: {row.person}: {flag}", "  ")
            ]
    return lines


def counter_cells(row: FollowThrough, name: str | None = None) -> tuple[str, ...]:
    """A follow-through row as the ten cells the table and Markdown writers show."""
    return (
        row.name if name is None else name,
        str(row.created),
        str(row.done),
        str(row.open),
        str(row.dropped),
        str(row.cancelled),
        percent(row.follow_through),
        number(row.median_days_to_close),
        str(row.stale),
        str(row.overdue),
    )


def _counter_rows(rows: Sequence[FollowThrough]) -> list[tuple[str, ...]]:
    return [counter_cells(row) for row in rows]


def _counters(
    label: str, rows: Sequence[FollowThrough], team: FollowThrough | None, color: bool, me=()
):
    header = (label, *COUNTER_HEADER)
    right = (False,) + (True,) * 9
    body = _counter_rows(rows)
    if me:
        body = [(f"{r[0]} (me)" if r[0] in me else r[0], *r[1:]) for r in body]
    styles: list[str | None] = [YELLOW if row.stale else None for row in rows]
    if team is not None:
        body += _counter_rows([team])
        styles.append(BOLD)
    return grid(header, body, right, styles, color)


def wrap(text: str, indent: str = "", width: int = WIDTH) -> list[str]:
    """``text`` wrapped at ``width``, never breaking a word, a path or a date."""
    return textwrap.wrap(
        text, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    ) or [""]


def _item_lines(item: ActionItem, color: bool) -> list[str]:
    """Two lines (or more, wrapped): who and what, then its flags, state and where it sits."""
    lines = wrap(f"- {item.person}: {item.text}", "    ")
    flags = " ".join(word for word, on in (("STALE", item.stale), ("OVERDUE", item.overdue)) if on)
    if item.state == "open":
        facts = [f"open {item.age_days}d"]
    else:
        facts = [f"{item.state} {day(item.closed)}"]
    if item.times_carried:
        facts.append(f"carried {item.times_carried}x")
    facts.append(item.source)
    detail = wrap(" · ".join(([flags] if flags else []) + facts), "    ", WIDTH - 4)
    detail = ["    " + line.lstrip() for line in detail]
    if flags:
        detail[0] = detail[0].replace(
            flags, paint(flags, RED if item.overdue else YELLOW, color), 1
        )
    return lines + detail


def render_actions_table(report: ActionsReport, color: bool = False, items: bool = False) -> str:
    """Follow-through per person, per owner and for the team, then the items to chase."""
    lines = _heading(
        "Follow-through", "items created", "follow = done / (done + dropped + open)", report, color
    )
    if not report.people:
        return _no_people(lines)
    lines += _counters("PERSON", report.people, report.team, color)
    if report.owners:
        lines.append("")
        lines += _counters("OWNER", report.owners, None, color, report.me)
    shown = report.items if items else [i for i in report.items if i.stale or i.overdue]
    lines.append("")
    if items:
        lines.append(paint(f"Items ({len(shown)})", BOLD, color))
    else:
        lines.append(paint(f"Needs attention: stale or overdue ({len(shown)})", BOLD, color))
    for item in shown:
        lines += _item_lines(item, color)
    if not shown:
        lines.append("nothing: no item is stale or overdue" if not items else "no items")
    return "\n".join(lines) + "\n"


ATTENTION_SHOWN = 10  # people listed in the terminal; the JSON and the dashboard list all


def render_attention(ranked: Sequence[Attention], color: bool = False) -> str:
    """ "Who needs you now": each person, heaviest reason first, with where to look."""
    lines = [paint("Who needs you now", BOLD, color)]
    if not ranked:
        return "\n".join([*lines, "  nobody: no 1:1 overdue, nothing stuck, no flag", ""])
    lines += wrap("ranked by the weight of their reasons (docs/insights.md#who-needs-you-now)")
    for place, person in enumerate(ranked[:ATTENTION_SHOWN], start=1):
        title = (
            person.person if person.name == person.person else f"{person.name} ({person.person})"
        )
        lines.append(paint(f"{place}. {title}", BOLD, color))
        for reason in person.reasons:
            code = RED if reason.kind in ("overdue", "my-items", "mood") else YELLOW
            lines += [paint(line, code, color) for line in wrap(f"  - {reason.text}", "    ")]
            if reason.source:
                lines.append(paint(f"    {reason.source}", DIM, color))
    if len(ranked) > ATTENTION_SHOWN:
        more = len(ranked) - ATTENTION_SHOWN
        lines.append(f"... and {more} more (ono report --format json lists everyone)")
    lines.append("")
    return "\n".join(lines)


def render_table(
    cadence: CadenceReport | None,
    actions: ActionsReport | None,
    color: bool = False,
    items: bool = False,
) -> str:
    parts = []
    if cadence is not None and actions is not None:
        attention = who_needs_you(cadence.people, actions.items, actions.me, cadence.as_of)
        parts.append(render_attention(attention, color))
    if cadence is not None:
        parts.append(render_cadence_table(cadence, color))
    if actions is not None:
        parts.append(render_actions_table(actions, color, items))
    return "\n".join(parts)
