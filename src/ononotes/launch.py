"""The ``ono`` entry point. Before click and the commands are imported, a glance at the
arguments says whether this is ``ono new``; if it is, the vault's scan starts at once in a
forked child (see ``vault.ScanAhead``). The stats of a 20,000-note vault then run on the other
core while this process imports click, the parser and Jinja2, which take about as long.

The glance only guesses: the scan is used only if it is of the vault the command resolves."""

from __future__ import annotations

import os
import sys


def main() -> None:
    started = _scan_for(sys.argv[1:])
    from .cli import main as run

    run(started)


def _scan_for(args: list[str]):
    """A ScanAhead of the vault ``ono new`` will use, when ``args`` are plainly that command;
    None for anything else (help, version, other commands, options it does not know)."""
    vault = os.environ.get("ONO_VAULT") or None
    rest = list(args)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option == "--vault" and rest:
            vault = rest.pop(0)
        elif option.startswith("--vault="):
            vault = option.partition("=")[2]
        else:
            return None
    if not rest or rest[0] != "new" or "--help" in rest or "-h" in rest:
        return None
    from .errors import OnoError
    from .vault import find_vault, scan_ahead

    try:
        return scan_ahead(find_vault(vault))
    except OnoError:
        return None
