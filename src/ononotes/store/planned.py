"""Notes scaffolded ahead of their meeting: their carried items refreshed from the note before
(SPEC §4), written only when something changes and never over an edit made meanwhile."""

from __future__ import annotations

from ononotes.core.carry import lost_items, refresh_carried
from ononotes.core.model import Note
from ononotes.errors import NoteError
from ononotes.store.vault import Vault, replace_file


def refresh_planned_note(vault: Vault, planned: Note) -> list[str]:
    """Refresh a planned note's carried items from the note before it (SPEC §4).

    Returns the texts of items added; writes only when something changes, and refuses if the
    file changed on disk meanwhile.
    """
    notes = vault.notes_for(planned.person)
    earlier = [n for n in notes if n.sort_key < planned.sort_key]
    if not earlier:
        return []
    source = earlier[-1]
    path = vault.root / planned.path
    original = path.read_bytes()
    text = "\n".join(planned.lines) + "\n"
    result = refresh_carried(source.lines, source.items, text)
    if result is None or result.text == text:
        return []
    lost = lost_items(result)
    if lost:  # written anyway, it would be added again on every refresh
        raise NoteError(
            f"the open item {lost!r} of {source.path} cannot be carried here: it would land "
            "inside a code block or HTML comment this note never closes; close it, then run "
            "again; nothing written",
            planned.path,
        )
    replace_file(vault.root, path, result.text, original)
    return result.carried_items or ["(finished items removed)"]
