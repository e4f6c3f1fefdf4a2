"""Reports as a Markdown summary, for pasting into a doc: GitHub-flavoured tables and lists."""

from __future__ import annotations

from collections.abc import Sequence

from ononotes.core.reports import ActionItem, ActionsReport, CadenceReport, FollowThrough
from ononotes.render.report_table import (
    counter_cells,
    day,
    number,
    one_decimal,
    percent,
    signed,
    window_words,
)


def escape(text: str, in_table: bool = False) -> str:
    """Item text stays Markdown (links, code), but no raw HTML and no broken table cells."""
    text = text.replace("<", "&lt;")
    return text.replace("|", "\\|") if in_table else text


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if r else "---" for r in right) + " |")
    lines += ["| " + " | ".join(escape(cell, True) for cell in row) + " |" for row in rows]
    return lines


def _cadence(report: CadenceReport) -> list[str]:
    lines = ["## Cadence", "", f"Meetings {window_words(report.window)}.", ""]
    if not report.people:
        return lines + ["No people yet."]
    rows = []
    for row in report.people:
        flag = "**overdue**" if row.overdue else ("left" if not row.active else "")
        rows.append(
            (
                row.name if row.name == row.person else f"{row.name} ({row.person})",
                row.cadence,
                str(row.held),
                str(row.cancelled),
                str(row.planned),
                day(row.last_held),
                number(row.days_since),
                day(row.next_due),
                percent(row.on_cadence_ratio),
                flag,
            )
        )
    header = (
        "Person",
        "Cadence",
        "Held",
        "Cancelled",
        "Planned",
        "Last held",
        "Days since",
        "Next due",
        "On cadence",
        "",
    )
    lines += table(header, rows, (False, False, True, True, True, False, True, False, True, False))
    team = report.team
    lines += [
        "",
        f"**Team:** {team.people} people, {team.overdue} overdue, {team.held} held, "
        f"{team.cancelled} cancelled, {percent(team.on_cadence_ratio)} of gaps on cadence.",
    ]
    if report.overdue:
        lines += ["", "**Overdue:**", ""]
        lines += [
            f"- {escape(row.name)}: {row.days_since} days since the last 1:1 "
            f"({row.cadence}, was due {day(row.next_due)})"
            for row in report.overdue
        ]
    return lines


def _insights(report: CadenceReport) -> list[str]:
    """SPEC §9 per person and for the team, then the flags (docs/insights.md)."""
    rows = [(row, row.insights) for row in report.people if row.insights is not None]
    if not rows:
        return []
    lines = [
        "## Insights",
        "",
        f"Held 1:1s {window_words(report.window)}. Agenda ownership = their points ÷ all agenda "
        "points; growth, feedback = share of held 1:1s whose growth or feedback section has "
        'something written (their feedback to you: a "Feedback for me" section, or a line '
        '"From …:" in a feedback section); mood = '
        "mean of the last 4 held 1:1s with a mood, and the change against the 4 before.",
        "",
    ]
    body = [
        (
            row.name if row.name == row.person else f"{row.name} ({row.person})",
            f"{percent(i.agenda_ownership)} ({i.their_points} of {i.their_points + i.my_points})",
            percent(i.development_coverage),
            day(i.last_development),
            percent(i.feedback_coverage),
            percent(i.upward_feedback),
            percent(i.cancellation_rate),
            one_decimal(i.mood_recent),
            signed(i.mood_change),
        )
        for row, i in rows
    ]
    team = report.team.insights
    if team is not None:
        body.append(
            (
                "**Team**",
                f"{percent(team.agenda_ownership)} ({team.their_points} of "
                f"{team.their_points + team.my_points})",
                percent(team.development_coverage),
                "",
                percent(team.feedback_coverage),
                percent(team.upward_feedback),
                percent(team.cancellation_rate),
                "",
                "",
            )
        )
    header = (
        "Person",
        "Agenda ownership",
        "Growth talked about",
        "Last growth talk",
        "Feedback",
        "Their feedback to you",
        "Cancelled",
        "Mood (last 4)",
        "Change",
    )
    lines += table(header, body, (False, True, True, False, True, True, True, True, True))
    flags = [(row, flag) for row, i in rows for flag in i.flags]
    if flags:
        lines += ["", "**Flags:**", ""]
        lines += [f"- {escape(row.name)}: {flag}" for row, flag in flags]
    return lines


def _counters(label: str, rows: Sequence[FollowThrough], me: Sequence[str] = ()) -> list[str]:
    header = (
        label,
        "Created",
        "Done",
        "Open",
        "Dropped",
        "Cancelled",
        "Follow-through",
        "Median days to close",
        "Stale",
        "Overdue",
    )
    body = [counter_cells(row, f"{row.name} (me)" if row.name in me else row.name) for row in rows]
    return table(header, body, (False,) + (True,) * 9)


def _item(item: ActionItem) -> str:
    facts = [item.state]
    if item.times_carried:
        carried = f"carried {plural(item.times_carried, 'time')}"
        facts.append(f"**stale**, {carried}" if item.stale else carried)
    if item.due:
        facts.append(("**overdue**, due " if item.overdue else "due ") + item.due.isoformat())
    return f"- {item.person}: {escape(item.text)} — {', '.join(facts)} — `{item.source}`"


def _actions(report: ActionsReport, items: bool) -> list[str]:
    lines = ["## Follow-through", "", f"Action items created {window_words(report.window)}.", ""]
    lines += _counters("Person", [*report.people, report.team])
    if report.owners:
        lines += ["", "### By owner", ""] + _counters("Owner", report.owners, report.me)
    attention = [i for i in report.items if i.stale or i.overdue]
    lines += ["", "### Needs attention", ""]
    lines += [_item(i) for i in attention] or ["Nothing is stale or overdue."]
    if items:
        lines += ["", "### All items", ""] + ([_item(i) for i in report.items] or ["No items."])
    return lines


def render_md(
    cadence: CadenceReport | None,
    actions: ActionsReport | None,
    items: bool = False,
    title: str = "",
) -> str:
    """A Markdown summary: a heading, the cadence table, the follow-through tables and items."""
    report = cadence or actions
    as_of = report.as_of if report else None
    heading = "# 1:1 report" + (f": {escape(title)}" if title else "")
    lines = [heading, "", f"As of {day(as_of)}.", ""]
    if cadence is not None:
        lines += _cadence(cadence) + [""]
        lines += _insights(cadence) + [""]
    if actions is not None:
        lines += _actions(actions, items) + [""]
    return "\n".join(lines).rstrip("\n") + "\n"
