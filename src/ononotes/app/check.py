"""``ono check``: every problem of every file, not just the first."""

from __future__ import annotations

from pathlib import Path

from ononotes.core.cadence import interval_days
from ononotes.core.model import Problem
from ononotes.store.vault import (
    Vault,
    load_config,
    load_vault,
)


def check_vault(root: Path) -> tuple[Vault, list[Problem]]:
    """Read everything and list every problem (not just the first), in path order."""
    config = load_config(root)
    vault = load_vault(root, config)
    problems = list(vault.problems)
    for slug, profile in vault.profiles.items():
        if profile.cadence:
            try:
                interval_days(profile.cadence)
            except ValueError as exc:
                problems.append(Problem(profile.path or slug, None, str(exc)))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return vault, problems
