"""``ono new``: the next meeting scaffolded (``store.scaffold``), then committed when autocommit is on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ononotes.adapters.git import autocommit
from ononotes.store.scaffold import (
    NewResult,
    scaffold_meeting,
)
from ononotes.store.vault import (
    load_config,
    relative,
)


def new_meeting(
    root: Path,
    slug: str,
    today: dt.date,
    date: str | dt.date | None = None,
    meeting_type: str | None = None,
    template: str | None = None,
    dry_run: bool = False,
    private: bool = False,
) -> NewResult:
    """Scaffold the next meeting with ``slug`` (``store.scaffold.scaffold_meeting``: the template
    rendered, the open items of the last note carried, written atomically), then commit what it
    wrote when ``autocommit = true``."""
    outcome = scaffold_meeting(root, slug, today, date, meeting_type, template, dry_run, private)
    if outcome.written:
        autocommit(root, load_config(root), outcome.paths, f"ono new {slug} {outcome.date}")
    return outcome


def new_meeting_notices(root: Path, slug: str, result: NewResult) -> list[str]:
    """What ``ono new`` tells on stderr beside the note's path: a new person, a profile
    written, the items carried, a planned note opened (and marked held)."""
    lines = []
    profile = relative(root, result.created_profile) if result.created_profile else None
    if result.new_person:
        made = f": created {profile} with the default cadence" if profile else ""
        lines.append(f"new person {slug!r}{made}")
    elif profile:
        lines.append(f"wrote {profile} with the default cadence")
    if result.private_completed:
        lines.append(
            f"{relative(root, result.path)} was already there without its private note: "
            "added the private note"
        )
    elif result.opened:
        done = ["opened the planned note " + relative(root, result.path)]
        if result.refreshed:
            done.append("refreshed its carried items")
        if result.marked_held:
            done.append("marked held")
        lines.append("; ".join(done))
    if result.carried:
        lines.append(f"carried {len(result.carried)} open item(s) from {result.previous}")
    return lines
