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
