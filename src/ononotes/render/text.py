"""Plain-text listings for the terminal: the roster, the meetings, the open items."""

from __future__ import annotations

from collections.abc import Sequence


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


def todo_list(found) -> str:
    if not found:
        return "no open items\n"
    rows = []
    for item in found:
        due = ""
        if item.due:
            due = f"due {item.due.isoformat()}" + (" OVERDUE" if item.overdue else "")
        rows.append((item.person, item.owner, item.text, due, item.source))
    return columns(rows, ("PERSON", "OWNER", "ITEM", "DUE", "WHERE"))
