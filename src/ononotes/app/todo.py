"""``ono todo``: the open items by the one rule, from each person's results in the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ononotes.core.checks import check_slug, unknown_person_message
from ononotes.core.model import Note, Profile
from ononotes.core.reports import ActionItem
from ononotes.core.reports import open_items as followed_open_items
from ononotes.errors import UsageError
from ononotes.store.results import Listing, one_or_everyone, person_results
from ononotes.store.vault import (
    load_config,
)


@dataclass(frozen=True)
class OpenItems(Listing):
    """``ono todo``'s items, and whose they are when they are yours (``me``)."""

    me: str = "me"


@dataclass(frozen=True)
class OpenItemRows:
    """Each person's open items as of ``today`` by the one rule (``ono todo``), for the store."""

    today: dt.date
    parts: ClassVar[tuple[str, ...]] = ("todo",)
    needs_profiles: ClassVar[bool] = False

    def __call__(self, slug: str, notes: list[Note], profile: Profile | None) -> dict:
        return {"todo": tuple(followed_open_items(slug, notes, self.today))}


def open_items(
    root: Path,
    today: dt.date,
    person: str | None = None,
    owner: str | None = None,
    overdue: bool = False,
) -> OpenItems:
    """``ono todo``: the open items of each person (or of ``person``) by the one rule
    (``reports.open_items``), those of ``owner`` alone, or the overdue ones alone."""
    config = load_config(root)
    if owner is not None:
        owner = check_slug(owner.removeprefix("@").casefold(), "--owner")
        owner = config.me if owner == "me" else owner
    found = person_results(
        root, config, OpenItemRows(today), depends_on=str(today), choose=one_or_everyone(person)
    )
    everyone = [item for slug in found.people for item in found.of("todo", slug)]
    if owner is not None:
        _require_owner(owner, config.me, found.people, everyone)
    items = [
        item
        for item in everyone
        if (owner is None or item.owner == owner) and (not overdue or item.overdue)
    ]
    return OpenItems(items, found.problems, config.me)


def _require_owner(owner: str, me: str, people: Sequence[str], items: Sequence[ActionItem]):
    """An owner that is no person, not you and owns no open item is a typo: refuse it, with
    the closest name, rather than answer "no open items"."""
    known = {*people, me, *(item.owner for item in items)}
    if owner not in known:
        raise UsageError(unknown_person_message(sorted(known), owner, what="owner"))
