"""``ono export``: every note and item of one or more vaults, one JSON object a line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ononotes.core.model import Problem
from ononotes.store.vault import (
    load_vault,
)


def export_vaults(roots: list[Path], today: dt.date) -> tuple[str, list[Problem]]:
    """``ono export``: every note and item of every vault as JSON lines, and the problems."""
    from ononotes.render.export import export_jsonl

    lines: list[str] = []
    problems: list[Problem] = []
    for root in roots:
        vault = load_vault(root)
        problems.extend(vault.problems)
        lines.extend(export_jsonl(vault.notes, root.name, today))
    return "".join(line + "\n" for line in lines), problems
