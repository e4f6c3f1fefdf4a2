"""Plain-text listings for the terminal: the roster, the meetings, the open items."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence

from ononotes.core.fields import without_fields
from ononotes.core.model import UNASSIGNED
from ononotes.core.reports import ActionItem


def columns(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Rows as left-aligned columns separated by two spaces; the last column is not padded."""
    table = ([tuple(header)] if header else []) + [tuple(row) for row in rows]
    if not table:
        return ""
    widths = [max(map(len, column)) for column in zip(*table, strict=True)][:-1]
    # one format string for every line: ``ono list`` prints one line a meeting, 20,000 of them
    line = "  ".join([*(f"{{:<{width}}}" for width in widths), "{}"])
    return "".join(line.format(*row).rstrip() + "\n" for row in table)


def people_table(rows) -> str:
    if not rows:
        return "no people yet: `ono person add SLUG` or `ono new SLUG`\n"
    return columns(
        [
            (
                r.slug,
                r.name,
                r.cadence,
                r.relation or "-",
                str(r.meetings),
                r.last.isoformat() if r.last else "-",
                "" if r.active else "inactive",
            )
            for r in rows
        ],
        ("PERSON", "NAME", "CADENCE", "RELATION", "MEETINGS", "LAST HELD", ""),
    )


def meetings_table(rows) -> str:
    if not rows:
        return "no meetings yet: `ono new SLUG`\n"
    return columns(
        [(r.date.isoformat(), r.person, r.type, r.status, r.path) for r in rows],
        ("DATE", "PERSON", "TYPE", "STATUS", "PATH"),
    )


def todo_list(found: Sequence[ActionItem], me: str = "me", color: bool = False) -> str:
    """The open items for an 80-column terminal, grouped by owner (yours first, unassigned
    last); in a group, the overdue ones first, then by due date. Each item is its text (its
    date fields shown apart), wrapped, then what is late and where it stands."""
    from ononotes.render.report_table import BOLD, DIM, RED, YELLOW, paint, wrap

    if not found:
        return "no open items\n"
    overdue = sum(item.overdue for item in found)
    stale = sum(item.stale for item in found)
    lines = [f"Open items: {len(found)}, {overdue} overdue, {stale} stale", ""]
    for owner, items in _by_owner(found, me):
        label = f"yours (@{owner})" if owner == me else owner
        lines.append(paint(f"{label}: {len(items)}", BOLD, color))
        for item in items:
            lines += wrap(f"  - {item.person}: {without_fields(item.text)}", "      ")
            flags = [
                paint(word, code, color)
                for word, code, on in (
                    ("OVERDUE", RED, item.overdue),
                    ("STALE", YELLOW, item.stale),
                )
                if on
            ]
            facts = [f"due {item.due}"] if item.due else []
            facts.append(f"open {item.age_days}d")
            if item.times_carried:
                facts.append(f"carried {item.times_carried}x")
            detail = " ".join(flags + [" · ".join(facts)])
            lines += [f"      {line}" for line in _wrap_plain(detail, 74)]
            lines.append(paint(f"      {item.source}", DIM, color))
        lines.append("")
    return "\n".join(lines)


def _wrap_plain(text: str, width: int) -> list[str]:
    """Wrap text that may hold ANSI colour: its visible length decides."""
    import re

    visible = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [text] if len(visible) <= width else textwrap.wrap(text, width) or [""]


def _by_owner(found: Sequence[ActionItem], me: str) -> list[tuple[str, list[ActionItem]]]:
    groups: dict[str, list[ActionItem]] = {}
    for item in found:
        groups.setdefault(item.owner, []).append(item)
    order = sorted(groups, key=lambda owner: (owner != me, owner == UNASSIGNED, owner))
    return [
        (
            owner,
            sorted(groups[owner], key=lambda i: (not i.overdue, i.due or dt.date.max, i.person)),
        )
        for owner in order
    ]
