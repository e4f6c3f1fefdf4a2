"""``ono export``: every note and item of one or more vaults, one JSON object a line; with
``--metrics``, each vault's numbers without any 1:1 content, for ``ono rollup``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ononotes.core.metrics import PersonFacts, person_facts
from ononotes.core.model import Config, Note, Problem, Profile
from ononotes.core.window import Window
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


# -- the metrics export --------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricsCompute:
    """Each person's facts (``core.metrics.person_facts``), through the store: a warm export
    decodes no note. Picklable, as a cold run computes it in the parse workers."""

    config: Config
    window: Window
    placeholders: frozenset[str]
    parts: tuple[str, ...] = ("metrics",)

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict[str, object]:
        facts = person_facts(slug, notes, profile, self.config, self.window, self.placeholders)
        return {"metrics": facts}


@dataclass(frozen=True)
class MetricsExport:
    text: str
    problems: tuple[Problem, ...]
    notices: tuple[str, ...]  # what the export did besides (a salt made), for stderr


def manager_of(config: Config, vault: str) -> str:
    """Whose vault it is, as the roll-up groups vaults by manager: ``me`` in ono.toml; a
    vault that leaves it unset is its own manager, named by the vault."""
    return config.me if config.me != Config().me else vault


def export_metrics(roots: list[Path], today: dt.date) -> MetricsExport:
    """``ono export --metrics``: each vault's numbers as JSON lines with no 1:1 content (SPEC
    §5, §6, §9 facts per person, meeting and item, people and keys as salted hashes), and the
    problems ``ono report`` would name."""
    from ononotes import __version__
    from ononotes.render.metrics import ExportSettings, metrics_lines
    from ononotes.store.metrics import metrics_settings
    from ononotes.store.results import person_results
    from ononotes.store.templates import template_placeholders
    from ononotes.store.vault import LOCAL_CONFIG_NAME, load_config

    window = Window(today)
    lines: list[str] = []
    problems: list[Problem] = []
    notices: list[str] = []
    for root in roots:
        config = load_config(root)
        settings = metrics_settings(root)
        if settings.created:
            where = f" (and added it to {root / '.gitignore'})" if settings.ignored else ""
            notices.append(
                f"made the salt of the metrics hashes in {root / LOCAL_CONFIG_NAME}{where}: "
                "keep it on this machine"
            )
        placeholders = template_placeholders(root / config.templates_dir)
        found = person_results(
            root,
            config,
            MetricsCompute(config, window, placeholders),
            depends_on=repr(window),
            extra={"metrics": repr(sorted(placeholders))},
        )
        people: list[PersonFacts] = [found.of("metrics", slug) for slug in found.people]
        problems.extend(found.problems)
        problems.extend(p for facts in people for p in facts.problems)
        export = ExportSettings(
            vault=root.name or "vault",
            manager=manager_of(config, root.name or "vault"),
            salt=settings.salt,
            share_insights=settings.share_insights,
            share_names=settings.share_names,
        )
        lines.extend(metrics_lines(export, window, people, __version__))
    return MetricsExport("".join(line + "\n" for line in lines), tuple(problems), tuple(notices))
