"""``ono rollup``: the organisation's numbers from metrics exports, by the SQL the package
ships, run by DuckDB (the ``[org]`` extra).

Reads each export file named (files, folders, glob patterns) line by line through the
checks of ``core.metrics.ExportReader``: a bad line, a file that is no metrics export, an
export of a newer or older ononotes, a second export of a vault and day are each named in one
``path:line: message`` and left out, and the rest is counted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ononotes.core.metrics import ExportReader
from ononotes.core.model import Problem
from ononotes.core.rollup import DEFAULT_MIN_GROUP, Rollup, assemble_rollup
from ononotes.errors import UsageError

FORMATS = ("table", "json", "csv", "md", "html")


@dataclass(frozen=True)
class RollupResult:
    text: str  # '' when nothing could be counted
    problems: tuple[Problem, ...]
    rollup: Rollup | None = None
    path: Path | None = None  # where it was written, with -o


def shown_path(path: Path) -> str:
    """A path as a person would name it: relative to the current folder when under it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _records(reader: ExportReader, files: Sequence[Path]) -> Iterator[tuple[dict[str, Any], str]]:
    from ononotes.store.metrics import export_lines

    for path in files:
        name = shown_path(path)
        try:
            yield from reader.read_file(name, export_lines(path))
        except OSError as exc:
            reader.problems.append(Problem(name, None, f"cannot read: {exc.strerror or exc}"))


def run_rollup(
    patterns: Sequence[str],
    fmt: str | None = None,
    min_group: int | None = None,
    output: str | os.PathLike | None = None,
    color: bool = False,
) -> RollupResult:
    """Everything ``ono rollup`` does but printing: find the exports, read and check them, run
    the SQL, render, and write with -o."""
    from ononotes.adapters.duckdb_rollup import run_rollup as run_sql
    from ononotes.render.rollup import render_rollup
    from ononotes.store.metrics import export_files
    from ononotes.store.vault import write_atomically

    fmt = fmt or "table"
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    min_group = DEFAULT_MIN_GROUP if min_group is None else min_group
    if min_group < 1:
        raise UsageError(f"--min-group must be 1 or more, not {min_group}")
    if not patterns:
        raise UsageError("name the exports to roll up: files, folders or glob patterns")
    files, problems = export_files(list(patterns))
    reader = ExportReader()
    rows = run_sql(_records(reader, files), min_group)
    found = [*problems, *reader.problems]
    if not reader.records:
        found.append(
            Problem(
                ", ".join(patterns),
                None,
                f"no metrics records to roll up in {len(files)} file(s): make them with "
                "`ono export --format jsonl --metrics -o FILE`",
            )
        )
        return RollupResult("", tuple(found))
    rollup = assemble_rollup(rows, min_group)
    text = render_rollup(rollup, fmt, color=color)
    path = write_atomically(Path(output), text) if output is not None else None
    return RollupResult(text, tuple(found), rollup, path)
