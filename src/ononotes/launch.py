"""The ``ono`` entry point. Before click and the commands are imported, a glance at the
arguments says whether this is ``ono new`` or ``ono report``; if it is, the vault's scan starts
at once in a forked child (see ``vault.scan_ahead``). The stats of a 20,000-note vault then run
on the other core while this process imports click, the parser and Jinja2 (or the reports),
which take about as long.

The glance only guesses: the scan is used only if it is of the vault the command resolves."""

from __future__ import annotations

import os
import sys

SCANNING = ("new", "report")  # the commands that read the vault's index first


def main() -> None:
    started = _scan_for(sys.argv[1:])
    from .cli import main as run

    try:
        run(started)
    finally:
        if started is not None:
            started.close()  # reaped even when the command failed before taking it


def _scan_for(args: list[str]):
    """A scan of the vault ``ono new`` or ``ono report`` will use (a ``forking.Forked`` keyed
    by the ``--vault`` it was started for), when ``args`` are plainly one of those commands;
    None for anything else (help, version, other commands, options it does not know). The
    child is forked at once: it imports the vault module and finds the vault itself, so this
    process pays for the fork alone before it goes on importing."""
    vault = None
    rest = list(args)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option == "--vault" and rest:
            given = rest.pop(0)
        elif option.startswith("--vault="):
            given = option.partition("=")[2]
        else:
            return None
        vault = vault or given  # the first, as the command takes it
    if not rest or rest[0] not in SCANNING or "--help" in rest or "-h" in rest:
        return None
    from .forking import Forked

    explicit = vault or os.environ.get("ONO_VAULT") or None
    return Forked.start(explicit, lambda: _scan_message(explicit))


def _scan_message(explicit: str | None) -> dict | tuple:
    from .vault import scan_message

    return scan_message(explicit)
