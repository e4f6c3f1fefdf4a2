"""``ono watch`` as a use case: what one rebuild does, and the watch loop around it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ononotes.core.model import PLANNED, Note, Profile
from ononotes.errors import OnoError, UsageError
from ononotes.store.planned import refresh_planned_note
from ononotes.store.results import person_results
from ononotes.store.vault import (
    CACHE_DIR,
    CONFIG_NAME,
    load_config,
    load_vault,
    names_a_folder,
    output_target,
)

DEFAULT_DASHBOARD = f"{CACHE_DIR}/dashboard.html"


def require_vault(root: Path) -> None:
    """A folder with ono.toml, or with at least one note or profile; else a clear refusal."""
    if (root / CONFIG_NAME).is_file():
        return
    vault = load_vault(root)
    if not vault.notes and not vault.profiles:
        raise UsageError(
            f"{root} is not an ononotes vault (no ono.toml and no notes); run `ono init` there first"
        )


@dataclass(frozen=True)
class PlannedAhead:
    """The paths of each person's notes planned after ``today``, for the store: a rebuild then
    decodes the notes of the few people who have one, not the whole vault."""

    today: dt.date
    parts: ClassVar[tuple[str, ...]] = ("planned",)
    needs_profiles: ClassVar[bool] = False

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        today = self.today
        planned = [n.path for n in notes if n.date > today and n.effective_status(today) == PLANNED]
        return {"planned": tuple(planned)}


def refresh_planned_notes(root: Path, today: dt.date) -> list[str]:
    """Refresh every note planned after today from the note before it (SPEC §4). Returns a line
    for each note refreshed and a warning for each that cannot be: one never stops the others."""
    config = load_config(root)
    found = person_results(root, config, PlannedAhead(today), depends_on=str(today))
    lines = []
    for slug in found.people:
        planned = set(found.of("planned", slug))
        if not planned:
            continue
        vault = load_vault(root, config, person=slug)
        for note in vault.notes_for(slug):
            if note.path not in planned:
                continue
            try:
                if refresh_planned_note(vault, note, "ono watch"):
                    lines.append(f"refreshed carried items in {note.path}")
            except OnoError as exc:
                lines.append(f"warning: {exc}")
    return lines


# what writes a report: ``app.report.run_report``, handed in by the CLI (use cases never
# import each other)
WriteReport = Callable[..., Any]


def rebuild_dashboard(
    root: Path, output: Path, markdown: Path | None, today: dt.date, run_report: WriteReport
) -> list[str]:
    """Refresh planned notes, then write the HTML dashboard — or the HTML site, when ``output``
    is a folder — (and the Markdown summary) with ``run_report``. Returns the lines worth
    telling: warnings about unreadable notes, then what was written.
    """
    lines = refresh_planned_notes(root, today)
    result = run_report([root], None, today, fmt="html", output=output)
    lines += [f"warning: {problem}" for problem in result.problems]
    if markdown is not None:
        run_report([root], None, today, fmt="md", output=markdown)
    written = ", ".join(str(p) for p in (output, markdown) if p is not None)
    lines.append(f"{dt.datetime.now().strftime('%H:%M:%S')} updated {written}")
    return lines


def watch_vault(
    root: Path,
    today: Callable[[], dt.date],
    echo: Callable[[str], None],
    run_report: WriteReport,
    output: str | None = None,
    markdown: str | None = None,
    poll: bool = False,
    commit: bool = False,
    commit_after: float = 30.0,
    stop=None,
) -> None:
    """Keep the dashboard (or the HTML site, when ``output`` names a folder) current until
    Ctrl-C (or ``stop`` is set)."""
    from ononotes.adapters.watcher import watch

    require_vault(root)
    dashboard = Path(output).expanduser() if output else root / DEFAULT_DASHBOARD
    summary = Path(markdown).expanduser() if markdown else None
    site = output is not None and names_a_folder(output)
    if site and not dashboard.is_dir():
        raise UsageError(
            f"cannot write the site into {dashboard}: it does not exist (create it first)"
        )
    if output and not site:
        output_target(dashboard)  # refused before watching: a missing folder, a FIFO...
    elif not output:
        dashboard.parent.mkdir(parents=True, exist_ok=True)  # the vault's own .ono/
    if summary is not None:
        output_target(summary)
    if commit_after < 0:
        raise UsageError(f"--commit-after must be 0 seconds or more, not {commit_after:g}")

    def rebuild() -> None:
        for line in rebuild_dashboard(root, dashboard, summary, today(), run_report):
            echo(line)

    def commit_changes() -> None:
        from ononotes.adapters.git import commit_changes as git_commit

        if git_commit(root, "ono watch: notes changed"):
            echo("committed the changed notes")

    outputs = frozenset(p.resolve() for p in (dashboard, summary) if p is not None)
    what = "site" if site else "dashboard"
    echo(f"watching {root} (Ctrl-C to stop); {what}: {dashboard}")
    watch(
        root.resolve(),
        rebuild,
        echo,
        outputs,
        poll=poll,
        commit=commit_changes if commit else None,
        commit_quiet=commit_after,
        stop=stop,
    )
