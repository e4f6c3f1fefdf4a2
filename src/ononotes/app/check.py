"""``ono check``: every problem of every file, not just the first, and what is wrong across
notes (SPEC §2, §3, §5 v2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ononotes.core.cadence import interval_days
from ononotes.core.consistency import (
    Finding,
    ticked_in_older_note,
    unconfirmed_meetings,
    unknown_owners,
)
from ononotes.core.insights import meeting_evidence
from ononotes.core.model import Problem
from ononotes.core.window import group_by_person
from ononotes.store.templates import template_placeholders
from ononotes.store.vault import Vault, load_config, load_vault


def check_vault(root: Path, today: dt.date | None = None) -> tuple[Vault, list[Problem]]:
    """Read everything and list every problem (not just the first), in path and line order;
    ``today`` (default: the clock's) decides which planned meetings have passed."""
    if today is None:
        from ononotes.clock import today as clock_today

        today = clock_today()
    config = load_config(root)
    vault = load_vault(root, config)
    problems = list(vault.problems)
    for slug, profile in vault.profiles.items():
        if profile.cadence:
            try:
                interval_days(profile.cadence)
            except ValueError as exc:
                problems.append(Problem(profile.path or slug, None, str(exc)))
    problems += map(_as_problem, cross_note_findings(root, vault, today))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return vault, problems


def cross_note_findings(root: Path, vault: Vault, today: dt.date) -> list[Finding]:
    """Ticks that never reached the later note, unknown owners, unconfirmed meetings."""
    config = vault.config
    written = meeting_evidence(config, template_placeholders(root / config.templates_dir))
    found: list[Finding] = []
    for notes in group_by_person(vault.notes).values():
        found += ticked_in_older_note(notes)
    known = [*vault.people(), *([config.manager] if config.manager else [])]
    found += unknown_owners(vault.notes, known, config.me)
    found += unconfirmed_meetings(vault.notes, today, written)
    return found


def _as_problem(finding: Finding) -> Problem:
    return Problem(finding.path, finding.line, finding.message)
