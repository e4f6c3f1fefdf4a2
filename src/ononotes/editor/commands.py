"""The editor's commands (``workspace/executeCommand``): ``ono.new``, ``ono.agenda`` and
``ono.prep``, each the CLI's use case (``app/``) run for a person named by a slug or by one of
their notes. They answer plain dictionaries, which the server sends back as they are.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ononotes.editor.workspace import EditorWorkspace, NotInVault, VaultState, vault_root_of
from ononotes.errors import UsageError

# A person, for a command: their slug (in the vault of the editor's files), or a note of theirs.
Target = str | Path


def person_and_vault(ws: EditorWorkspace, target: Target) -> tuple[VaultState, str]:
    """The vault and slug a command is about: the note's, or the slug's in the first vault the
    editor has open (an open file's, else a workspace folder's)."""
    if isinstance(target, Path):
        opened = ws.read(target)
        if opened.person is None:
            raise UsageError(f"{opened.rel} names no person: give a slug")
        return opened.vault, opened.person
    return default_vault(ws), target.strip().lstrip("@").casefold()


def default_vault(ws: EditorWorkspace) -> VaultState:
    """The vault of the first open file, else of the first workspace folder in one."""
    for path in [*ws.buffers, *(folder / "ono.md" for folder in ws.folders)]:
        if vault_root_of(path, ws.folders) is not None:
            return ws.vault_of(path)
    raise NotInVault("no vault open in the editor: open a note of the vault, or name one")


def new_note(ws: EditorWorkspace, target: Target, today: dt.date, date: str | None = None):
    """``ono new``: the person's next note written (or their planned one opened); its URI for
    the editor to open."""
    from ononotes.app.new import new_meeting

    vault, slug = person_and_vault(ws, target)
    result = new_meeting(vault.root, slug, today, date)
    ws.files_changed(result.paths)
    return {
        "uri": result.path.resolve().as_uri(),
        "carried": len(result.carried),
        "opened": result.opened,
    }


def add_agenda_point(
    ws: EditorWorkspace, target: Target, text: str, today: dt.date, by: str | None = None
):
    """``ono agenda``: a talking point in the person's next note (scaffolded if needed)."""
    from ononotes.app.agenda import add_agenda

    vault, slug = person_and_vault(ws, target)
    result = add_agenda(vault.root, slug, text, today, by)
    written = [result.path, *(result.scaffolded.paths if result.scaffolded else [])]
    ws.files_changed(written)
    return {"uri": result.path.resolve().as_uri(), "section": result.section, "added": result.added}


def prep_brief(ws: EditorWorkspace, target: Target, today: dt.date):
    """``ono prep --format md``: the brief before the next 1:1, as Markdown."""
    from ononotes.app.prep import prepare_brief
    from ononotes.core.brief import render_brief

    vault, slug = person_and_vault(ws, target)
    result = prepare_brief(vault.root, slug, today)
    if result.refreshed and result.note_path:
        ws.files_changed([vault.root / result.note_path])
    note = (vault.root / result.note_path).resolve().as_uri() if result.note_path else None
    return {"markdown": render_brief(result.brief, "md"), "uri": note}
