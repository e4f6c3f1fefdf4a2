"""What the editor shows on hover, as Markdown: an action item's history from the follow-through
chain (SPEC §5), and a person's cadence, last 1:1 and open items (SPEC §6). Pure: chains, notes
and rows in, text out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ononotes.core.fields import without_fields
from ononotes.core.model import Item, Note, Profile
from ononotes.core.reports import STALE_AFTER, ActionItem, CadenceRow, once_per_key


def appearances(chain: ActionItem, notes: Sequence[Note]) -> list[tuple[Note, Item]]:
    """Every note a chain appears in, with its item there: a chain runs through consecutive
    notes (SPEC §5), from its first note to the latest that has it."""
    paths = [note.path for note in notes]
    last_path = chain.source.rpartition(":")[0]
    if chain.first_note not in paths or last_path not in paths:
        return []
    first = paths.index(chain.first_note)
    last = paths.index(last_path, first)
    found = []
    for note in notes[first : last + 1]:
        item = once_per_key(note.items).get(chain.key)
        if item is not None:
            found.append((note, item))
    return found


def chain_of(
    item: Item, note: Note, chains: Sequence[ActionItem], notes: Sequence[Note]
) -> ActionItem | None:
    """The chain ``item`` of ``note`` belongs to: of its key, running through that note; for
    a recurring item done and open in one note, the one whose appearance is that line."""
    found = []
    for chain in chains:
        if chain.key != item.key:
            continue
        seen = appearances(chain, notes)
        if any(n.path == note.path for n, _ in seen):
            found.append((chain, seen))
    for chain, seen in found:
        if any(n.path == note.path and i.start == item.start for n, i in seen):
            return chain
    return found[0][0] if found else None


def _days(count: int) -> str:
    return f"{count} day{'s' * (count != 1)}"


def item_hover(
    chain: ActionItem, seen: Sequence[tuple[Note, Item]], today: dt.date, here: str, owner: str
) -> str:
    """An item's history: what, whose, created when and where, carried how often, due, and
    every note it appeared in (``here``: the path of the note hovered in)."""
    title = without_fields(chain.text)
    lines = [f"**{title}**", "", f"- state: {_state_line(chain)}"]
    lines.append(f"- owner: {owner}")
    lines.append(f"- created {chain.created}, first in `{chain.first_note}`")
    if chain.due is not None:
        lines.append(f"- due {chain.due}{_lateness(chain, today)}")
    if chain.closed is not None:
        lines.append(f"- {chain.state} {chain.closed}")
    notes = ", ".join(_appearance(note, item, here) for note, item in seen)
    lines.append(f"- appeared in {len(seen)} note{'s' * (len(seen) != 1)}: {notes}")
    return "\n".join(lines) + "\n"


def _state_line(chain: ActionItem) -> str:
    carried = chain.times_carried
    text = f"{chain.state}, carried {carried} time{'s' * (carried != 1)}"
    if chain.state == "open" and carried >= STALE_AFTER:
        text += " (stale)"
    return text


def _lateness(chain: ActionItem, today: dt.date) -> str:
    if chain.state != "open" or chain.due is None:
        return ""
    late = (today - chain.due).days
    if late > 0:
        return f": **overdue** by {_days(late)}"
    return " (today)" if late == 0 else f", in {_days(-late)}"


def _appearance(note: Note, item: Item, here: str) -> str:
    mark = {"done": " ✓", "cancelled": " ✗"}.get(item.state, "")
    where = " (here)" if note.path == here else ""
    return f"{note.date}{mark}{where}"


def owner_label(owner: str, me: str, profiles: dict[str, Profile]) -> str:
    """``@alice (Alice Moreno)``, ``@dana (you)``, ``unassigned``."""
    if owner == "unassigned":
        return "unassigned"
    if owner == me:
        return f"@{owner} (you)"
    profile = profiles.get(owner)
    return f"@{owner} ({profile.name})" if profile and profile.name != owner else f"@{owner}"


def person_hover(
    slug: str,
    profile: Profile | None,
    row: CadenceRow | None,
    open_items: Sequence[ActionItem],
    today: dt.date,
) -> str:
    """A person: name and role, cadence, the last 1:1 and how long ago, the next one due, the
    open items (how many overdue)."""
    name = profile.name if profile else slug
    role = f" · {profile.role}" if profile and profile.role else ""
    lines = [f"**{name}** (@{slug}){role}", ""]
    if row is not None:
        lines.append(f"- cadence: {row.cadence} (every {_days(row.interval_days)})")
        lines.append(f"- last 1:1: {_last_line(row)}")
        if row.next_due is not None and row.active:
            late = " — **overdue**" if row.overdue else ""
            lines.append(f"- next due: {row.next_due}{late}")
        if not row.active:
            lines.append(f"- inactive since {row.until}")
    overdue = sum(1 for item in open_items if item.due is not None and item.due < today)
    late = f" ({overdue} overdue)" if overdue else ""
    lines.append(f"- open items: {len(open_items)}{late}")
    return "\n".join(lines) + "\n"


def _last_line(row: CadenceRow) -> str:
    if row.last_held is None:
        return "none yet"
    return f"{row.last_held}, {_days(row.days_since or 0)} ago"


def me_hover(me: str, open_items: Sequence[ActionItem], today: dt.date) -> str:
    """``@me``: the vault owner, and the items of this person's notes that are theirs."""
    mine = [item for item in open_items if item.owner == me]
    overdue = sum(1 for item in mine if item.due is not None and item.due < today)
    late = f" ({overdue} overdue)" if overdue else ""
    return f"**@me**: you, the vault owner (`me = {me}`)\n\n- your open items here: {len(mine)}{late}\n"
