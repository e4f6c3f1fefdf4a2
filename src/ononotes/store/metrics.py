"""The files of the metrics export and the roll-up: what a vault lets its export say, the salt
of its hashes, and the export files ``ono rollup`` is given.

The salt is this copy's secret: it lives in ``ono.local.toml``, which is never shared (a shared
person's repository ignores it; ``ono export --metrics`` adds it to the vault's ``.gitignore``
when it writes the salt there), and never in an export. Without it, nobody who reads an export
can tell whose numbers a hash stands for by hashing the slugs they guess.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ononotes.core.checks import SALT_BYTES, is_salt
from ononotes.core.metrics import ExportLine
from ononotes.core.model import Problem
from ononotes.errors import NoteError, UsageError
from ononotes.store.config import SALT_KEY, load_config, read_toml
from ononotes.store.vault import (
    LOCAL_CONFIG_NAME,
    create_file,
    replace_file,
)

SALT_COMMENT = (
    "# ononotes: the salt of `ono export --metrics`'s hashes. Keep it on this machine: never\n"
    "# commit or share it (whoever has it can tell whose numbers a hash stands for).\n"
)
EXPORT_SUFFIXES = (".jsonl", ".ndjson", ".json")


@dataclass(frozen=True)
class MetricsSettings:
    share_insights: bool
    share_names: bool
    salt: str
    created: bool = False  # the salt was made by this call
    ignored: bool = False  # ... and ono.local.toml added to the vault's .gitignore


def metrics_settings(root: Path, create_salt: bool = True) -> MetricsSettings:
    """``share_insights`` and ``share_names`` (checked with every setting by
    ``store/config.load_config``), and the salt from ono.local.toml, made there (32 random
    bytes, in hex) when it has none and ``create_salt``."""
    config = load_config(root)
    salt = config.metrics_salt
    created = ignored = False
    if salt is None and create_salt:
        salt = _write_salt(root, read_toml(root, LOCAL_CONFIG_NAME)[1])
        created = True
        ignored = _keep_out_of_git(root)
    return MetricsSettings(config.share_insights, config.share_names, salt or "", created, ignored)


def _write_salt(root: Path, data: bytes | None) -> str:
    """A new salt written at the top of ono.local.toml (where a key is always at the top level,
    whatever tables the file holds); the file made, or replaced atomically if nobody changed it
    meanwhile. Read back from the file, so two exports racing agree on one salt."""
    salt = secrets.token_hex(SALT_BYTES)
    path = root / LOCAL_CONFIG_NAME
    lines = f'{SALT_COMMENT}{SALT_KEY} = "{salt}"\n'
    if data is None:
        with contextlib.suppress(UsageError):  # made by another export meanwhile: take its salt
            create_file(root, path, lines)
    else:  # refused if the file changed since it was read
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
        replace_file(root, path, lines + ("\n" if text.strip() else "") + text, data)
    written = read_toml(root, LOCAL_CONFIG_NAME)[0].get(SALT_KEY)
    if not is_salt(written):
        raise NoteError(f"could not write {SALT_KEY}", LOCAL_CONFIG_NAME)
    return str(written)


_IGNORES_LOCAL = re.compile(r"^/?(ono\.local\.toml|\*\.local\.toml|ono\.local\.\*)\s*$", re.M)


def _keep_out_of_git(root: Path) -> bool:
    """Add ono.local.toml to the .gitignore of a vault that is a git repository, unless it is
    there already. True when it was added."""
    if not (root / ".git").exists():
        return False
    path = root / ".gitignore"
    try:
        old = path.read_bytes() if path.exists() else None
    except OSError:
        return False
    if old is not None and _IGNORES_LOCAL.search(old.decode("utf-8", "replace")):
        return False
    line = f"# ononotes: this copy's own settings and the metrics salt\n/{LOCAL_CONFIG_NAME}\n"
    if old is None:
        create_file(root, path, line)
    else:
        text = old.decode("utf-8", "replace")
        separator = "" if not text or text.endswith("\n") else "\n"
        replace_file(root, path, text + separator + line, old)
    return True


# -- the export files ``ono rollup`` reads ---------------------------------------------------------


def export_files(patterns: list[str]) -> tuple[list[Path], list[Problem]]:
    """The files named by ``patterns`` (files; folders, for every ``*.jsonl``, ``*.ndjson`` and
    ``*.json`` under them; glob patterns, ``**`` included), each once, sorted by path; a
    pattern that names nothing is a problem."""
    found: dict[Path, None] = {}
    problems = []
    for pattern in patterns:
        matches = [Path(pattern)] if os.path.exists(pattern) else []
        if not matches and glob.has_magic(pattern):
            matches = [Path(p) for p in sorted(glob.glob(pattern, recursive=True))]
        if not matches:
            problems.append(Problem(pattern, None, "no such file or folder"))
            continue
        for match in matches:
            if match.is_dir():
                for path in sorted(match.rglob("*")):
                    hidden = any(part.startswith(".") for part in path.relative_to(match).parts)
                    if path.suffix in EXPORT_SUFFIXES and path.is_file() and not hidden:
                        found.setdefault(path.resolve())
            else:
                found.setdefault(match.resolve())
    return sorted(found), problems


def export_lines(path: Path) -> Iterator[ExportLine]:
    """A file's lines, one at a time (an export may be large); a line that is not UTF-8 comes
    with no text, for the reader to name."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            ended = raw.endswith(b"\n")
            try:
                yield ExportLine(number, raw.decode("utf-8"), ended)
            except UnicodeDecodeError:
                yield ExportLine(number, None, ended)
