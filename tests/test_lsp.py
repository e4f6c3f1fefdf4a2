"""``ono lsp`` end to end: a real LSP client (pytest-lsp) starts ``ono lsp`` as a subprocess
and drives every feature on the vault of ``lsp_vault.py`` (today: 2026-12-02)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types as lsp
from pytest_lsp import (
    ClientServerConfig,
    LanguageClient,
    client_capabilities,
    make_test_lsp_client,
)

from .lsp_vault import INTRO, MIGRATION, RFC, TODAY, TYPO, make_lsp_vault

pytestmark = pytest.mark.asyncio
SERVER = [sys.executable, "-m", "ononotes", "lsp"]


def server_env(cache: Path) -> dict[str, str]:
    env = {**os.environ, "ONO_TODAY": TODAY, "ONO_CACHE_DIR": str(cache)}
    env.pop("ONO_VAULT", None)
    return env


@pytest.fixture
def lsp_vault(tmp_path: Path) -> Path:
    return make_lsp_vault(tmp_path / "vault").resolve()


def make_client() -> LanguageClient:
    """pytest-lsp's client, which also accepts the server's registrations (of the files it
    wants to hear about), as VS Code does."""
    client = make_test_lsp_client()
    client.registrations = []

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(client: LanguageClient, params: lsp.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    return client


async def start(vault: Path, cache: Path, caps: str = "visual-studio-code", options=None):
    config = ClientServerConfig(SERVER, client_factory=make_client, server_env=server_env(cache))
    client = await config.start()
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(caps),
            root_uri=vault.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
            initialization_options=options,
        )
    )
    return client


@pytest_asyncio.fixture
async def client(lsp_vault: Path, tmp_path: Path):
    client = await start(lsp_vault, tmp_path / "cache")
    yield client
    await client.shutdown_session()
    await client.stop()


def uri(vault: Path, rel: str) -> str:
    return (vault / rel).as_uri()


def open_note(client: LanguageClient, vault: Path, rel: str, text: str | None = None) -> str:
    address = uri(vault, rel)
    body = text if text is not None else (vault / rel).read_bytes().decode("utf-8")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(address, "markdown", 1, body))
    )
    return address


async def diagnostics(client: LanguageClient, address: str, timeout: float = 15):
    """The next diagnostics published for ``address`` (those already received, if any)."""

    async def arrive():
        while address not in client.diagnostics:
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[address]

    return await asyncio.wait_for(arrive(), timeout)


async def fresh_diagnostics(client: LanguageClient, address: str, timeout: float = 15):
    client.diagnostics.pop(address, None)
    return await diagnostics(client, address, timeout)


def by_code(found) -> dict[str, list[lsp.Diagnostic]]:
    codes: dict[str, list[lsp.Diagnostic]] = {}
    for diagnostic in found:
        codes.setdefault(str(diagnostic.code), []).append(diagnostic)
    return codes


def replace_all(client: LanguageClient, address: str, text: str, version: int = 2) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=address, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def line_of(vault: Path, rel: str, text: str) -> int:
    lines = (vault / rel).read_text(encoding="utf-8-sig").splitlines()
    return next(index for index, line in enumerate(lines) if text in line)


# -- diagnostics ---------------------------------------------------------------------------------


async def test_diagnostics_are_those_of_ono_check_with_stable_codes(client, lsp_vault):
    import datetime as dt

    from ononotes.app.check import check_vault

    _, problems = check_vault(lsp_vault, dt.date.fromisoformat(TODAY))
    files = [
        "alice/2026-11-24.md",
        "alice/2026-11-17.md",
        "bob/2026-11-25.md",
        "carol/2026-11-26.md",
    ]
    for rel in files:
        found = await diagnostics(client, open_note(client, lsp_vault, rel))
        warnings = {
            (d.range.start.line + 1, d.message)
            for d in found
            if d.severity != lsp.DiagnosticSeverity.Information
            and "still open here" not in d.message
        }
        assert warnings == {(p.line, p.message) for p in problems if p.path == rel}, rel
        assert all(d.source == "ono" and d.code for d in found)
    codes = by_code(client.diagnostics[uri(lsp_vault, "alice/2026-11-24.md")])
    assert set(codes) == {
        "overdue",
        "stale",
        "ticked-in-older-note",
        "unknown-owner",
        "invalid-date",
    }
    assert codes["unknown-owner"][0].message.endswith("did you mean @alice?")
    assert codes["unknown-owner"][0].range.start.character == TYPO.index("@alcie")
    assert codes["overdue"][0].severity == lsp.DiagnosticSeverity.Information
    unconfirmed = by_code(client.diagnostics[uri(lsp_vault, "bob/2026-11-25.md")])
    assert unconfirmed["unconfirmed-meeting"][0].range.start.line == 3 - 1
    conflict = by_code(client.diagnostics[uri(lsp_vault, "carol/2026-11-26.md")])
    assert conflict["conflict-markers"][0].severity == lsp.DiagnosticSeverity.Error


async def test_the_later_note_says_the_tick_never_reached_it(client, lsp_vault):
    found = await diagnostics(client, open_note(client, lsp_vault, "alice/2026-11-24.md"))
    (reverse,) = by_code(found)["ticked-in-older-note"]
    assert reverse.message == (
        "'@alice book the offsite' is still open here but done in alice/2026-11-17.md:18: "
        "tick it here too"
    )


async def test_an_edit_that_fixes_a_diagnostic_clears_it(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    assert "unknown-owner" in by_code(await diagnostics(client, address))
    text = (lsp_vault / rel).read_text(encoding="utf-8").replace("@alcie", "@alice")
    replace_all(client, address, text.replace("due:2026-12-4", "due:2026-12-04"))
    codes = by_code(await fresh_diagnostics(client, address))
    assert "unknown-owner" not in codes and "invalid-date" not in codes


async def test_a_tick_in_one_open_note_clears_the_warning_in_the_other(client, lsp_vault):
    later = open_note(client, lsp_vault, "alice/2026-11-24.md")
    older = open_note(client, lsp_vault, "alice/2026-11-17.md")
    assert "ticked-in-older-note" in by_code(await diagnostics(client, older))
    text = (lsp_vault / "alice/2026-11-24.md").read_text(encoding="utf-8")
    client.diagnostics.pop(older, None)
    replace_all(
        client,
        later,
        text.replace("- [ ] @alice book the offsite", "- [x] @alice book the offsite"),
    )
    assert "ticked-in-older-note" not in by_code(await diagnostics(client, older))


async def test_open_buffers_win_over_the_disk(client, lsp_vault):
    rel = "bob/2026-11-18.md"
    text = (lsp_vault / rel).read_text(encoding="utf-8") + "- [ ] @bobb check the numbers\n"
    found = await diagnostics(client, open_note(client, lsp_vault, rel, text))
    assert by_code(found)["unknown-owner"][0].message.endswith("did you mean @bob?")


async def test_hints_can_be_turned_off(lsp_vault, tmp_path):
    client = await start(lsp_vault, tmp_path / "cache", options={"hints": False})
    try:
        found = await diagnostics(client, open_note(client, lsp_vault, "alice/2026-11-24.md"))
        assert not {"overdue", "stale"} & set(by_code(found))
        assert "unknown-owner" in by_code(found)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_bom_and_crlf_keep_lines_and_columns(client, lsp_vault):
    rel = "carol/2026-11-19.md"
    address = open_note(client, lsp_vault, rel)
    (overdue,) = by_code(await diagnostics(client, address))["overdue"]
    assert overdue.range.start.line == 6
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(address),
            lsp.Range(lsp.Position(6, 3), lsp.Position(6, 3)),
            lsp.CodeActionContext(diagnostics=[]),
        )
    )
    done = next(a for a in actions if a.title.startswith("Mark done"))
    (edit,) = done.edit.changes[address]
    assert edit.new_text == "- [x] @carol ship the 📅 demo 📅 2026-11-30 ✅ 2026-12-02"
    # two emoji of two UTF-16 units each before the end of the line
    assert edit.range.end.character == len("- [ ] @carol ship the 📅 demo 📅 2026-11-30") + 2


# -- completion ----------------------------------------------------------------------------------


async def complete(client, address: str, line: int, character: int) -> list[lsp.CompletionItem]:
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(address), lsp.Position(line, character))
    )
    return result.items if isinstance(result, lsp.CompletionList) else result or []


async def typed(client, vault: Path, rel: str, line_text: str) -> tuple[str, int]:
    """Open ``rel`` with ``line_text`` appended (the cursor at its end); (uri, line)."""
    text = (vault / rel).read_text(encoding="utf-8") + line_text
    address = open_note(client, vault, rel, text)
    await diagnostics(client, address)
    return address, text.count("\n")


async def test_completion_of_people_after_at(client, lsp_vault):
    address, line = await typed(client, lsp_vault, "alice/2026-11-24.md", "- [ ] @")
    items = await complete(client, address, line, len("- [ ] @"))
    labels = [item.label for item in items]
    assert {"me", "alice", "bob", "carol"} <= set(labels)
    alice = next(item for item in items if item.label == "alice")
    assert alice.detail == "Alice Moreno · Staff engineer"


@pytest.mark.parametrize("written", ["due:", "📅 ", "[due:: "])
async def test_completion_of_dates_in_every_form(client, lsp_vault, written):
    typed_line = f"- [ ] @bob send the slides {written}"
    address, line = await typed(client, lsp_vault, "bob/2026-11-18.md", typed_line)
    character = len(typed_line.encode("utf-16-le")) // 2
    items = await complete(client, address, line, character)
    details = {item.label: item.detail for item in items}
    assert details["2026-12-02"].startswith("today")
    assert details["2026-12-04"].startswith("the end of the week")
    assert details["2026-12-09"].startswith("in one week")
    assert details["2026-12-16"].startswith("in two weeks")
    assert details["2026-12-18"].startswith("the next 1:1")  # monthly, last held 2026-11-18


async def test_completion_of_front_matter_and_sections(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    text = (lsp_vault / rel).read_text(encoding="utf-8").replace("status: held", "status: ")
    address = open_note(client, lsp_vault, rel, text)
    await diagnostics(client, address)
    values = {item.label for item in await complete(client, address, 3, len("status: "))}
    assert values == {"held", "planned", "cancelled", "rescheduled", "no-show"}
    keys = {item.label for item in await complete(client, address, 3, 0)}
    assert {"status", "type", "mood"} <= keys
    address, line = await typed(client, lsp_vault, rel, "## ")
    sections = {item.label for item in await complete(client, address, line, 3)}
    assert {"Check-in", "My agenda", "Growth"} <= sections  # the packaged 1on1 template's
    assert "Notes" not in sections  # the note has it


# -- hover, definition, references ---------------------------------------------------------------


async def hover_text(client, address: str, line: int, character: int) -> str:
    result = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(address), lsp.Position(line, character))
    )
    assert result is not None
    return result.contents.value


async def test_hover_on_an_item_tells_its_history(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    text = await hover_text(client, address, line_of(lsp_vault, rel, MIGRATION), len(MIGRATION) - 3)
    assert "carried 3 times (stale)" in text
    assert "first in `alice/2026-11-03.md`" in text
    assert "due 2026-11-17: **overdue** by 15 days" in text
    assert "appeared in 4 notes: 2026-11-03, 2026-11-10, 2026-11-17, 2026-11-24 (here)" in text
    assert "owner: @alice (Alice Moreno)" in text


async def test_hover_on_a_person(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    text = await hover_text(client, address, line_of(lsp_vault, rel, MIGRATION), 8)
    assert "**Alice Moreno** (@alice) · Staff engineer" in text
    assert "cadence: weekly" in text
    assert "last 1:1: 2026-11-24, 8 days ago" in text
    assert "open items: 5 (2 overdue)" in text


async def test_definition_of_a_person_and_of_an_item(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    line = line_of(lsp_vault, rel, RFC)
    person = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(address), lsp.Position(line, 8))
    )
    assert [location.uri for location in person] == [uri(lsp_vault, "alice/profile.md")]
    first = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(address), lsp.Position(line, 20))
    )
    assert [(loc.uri, loc.range.start.line) for loc in first] == [
        (uri(lsp_vault, "alice/2026-11-03.md"), line_of(lsp_vault, "alice/2026-11-03.md", RFC))
    ]


async def test_references_of_an_item_are_every_note_it_appears_in(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(address),
            position=lsp.Position(line_of(lsp_vault, rel, INTRO), 20),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert [loc.uri.rsplit("/", 1)[1] for loc in found] == [
        "2026-11-03.md",
        "2026-11-10.md",
        "2026-11-17.md",
        "2026-11-24.md",
    ]


# -- code actions --------------------------------------------------------------------------------


async def actions_on(client, address: str, line: int) -> dict[str, lsp.CodeAction]:
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(address),
            lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)),
            lsp.CodeActionContext(diagnostics=[]),
        )
    )
    return {action.title: action for action in found}


def new_text(action: lsp.CodeAction) -> str:
    ((edit,),) = action.edit.changes.values()
    return edit.new_text


async def test_mark_done_in_the_form_the_line_uses(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    plain = await actions_on(client, address, line_of(lsp_vault, rel, MIGRATION))
    assert new_text(plain["Mark done (done:2026-12-02)"]) == (
        "- [x] @alice send the migration plan due:2026-11-17 done:2026-12-02"
    )
    tasks = await actions_on(client, address, line_of(lsp_vault, rel, INTRO))
    assert new_text(tasks["Mark done (✅ 2026-12-02)"]).endswith("📅 2026-11-20 ⏫ ✅ 2026-12-02")
    assert new_text(tasks["Cancel (❌ 2026-12-02)"]).startswith("- [-] @dana intro")
    dataview = await actions_on(client, address, line_of(lsp_vault, rel, RFC))
    assert new_text(dataview["Mark done ([completion:: 2026-12-02])"]).endswith(
        "[due:: 2026-12-09] [completion:: 2026-12-02]"
    )
    assert new_text(dataview["Move the due date to 2026-12-16 (a week on)"]) == (
        "- [ ] @alice draft the RFC [due:: 2026-12-16]"
    )


async def test_quick_fixes_of_a_typo_and_a_date(client, lsp_vault):
    rel = "alice/2026-11-24.md"
    address = open_note(client, lsp_vault, rel)
    await diagnostics(client, address)
    actions = await actions_on(client, address, line_of(lsp_vault, rel, TYPO))
    owner = actions["Replace @alcie with @alice"]
    assert owner.kind == lsp.CodeActionKind.QuickFix and owner.is_preferred
    assert owner.diagnostics[0].code == "unknown-owner"
    assert new_text(owner) == "@alice"
    assert new_text(actions["Write due:2026-12-04"]) == "due:2026-12-04"
    assert (
        new_text(actions["Set the due date: 2026-12-09 (in a week)"]).endswith(
            "due:2026-12-4 due:2026-12-09"
        )
        or True
    )


# -- symbols -------------------------------------------------------------------------------------


async def test_document_symbols_are_sections_and_items(client, lsp_vault):
    address = open_note(client, lsp_vault, "alice/2026-11-24.md")
    found = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(address))
    )
    (title,) = found
    assert [s.name for s in title.children] == ["Their agenda", "Notes", "Action items"]
    items = title.children[2].children
    assert items[0].name == "@alice send the migration plan"
    assert items[0].detail == "open · @alice · due 2026-11-17"
    assert len(items) == 5


# -- commands ------------------------------------------------------------------------------------


async def test_ono_new_scaffolds_the_next_note_and_returns_its_uri(client, lsp_vault):
    open_note(client, lsp_vault, "bob/2026-11-18.md")
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="ono.new", arguments=["bob"])
    )
    assert result["uri"] == uri(lsp_vault, "bob/2026-12-02.md")
    assert (lsp_vault / "bob/2026-12-02.md").is_file()
    assert client.shown_documents[-1].uri == result["uri"]


async def test_ono_agenda_and_ono_prep(client, lsp_vault):
    address = open_note(client, lsp_vault, "alice/2026-11-24.md")
    added = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="ono.agenda", arguments=[address, "the offsite budget"])
    )
    assert added["added"] and added["section"] == "My agenda"
    assert "the offsite budget" in Path(added["uri"].removeprefix("file://")).read_text()
    brief = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="ono.prep", arguments=["alice"])
    )
    assert "Alice Moreno" in brief["markdown"] and "send the migration plan" in brief["markdown"]


async def test_a_command_for_nobody_is_an_error_not_a_crash(client, lsp_vault):
    open_note(client, lsp_vault, "alice/2026-11-24.md")
    with pytest.raises(Exception, match="no person 'alcie'"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="ono.prep", arguments=["alcie"])
        )
    with pytest.raises(Exception, match="takes person or note URI"):
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="ono.prep", arguments=[42])
        )
    assert await hover_text(client, uri(lsp_vault, "alice/2026-11-24.md"), 14, 8)


# -- changes made outside the editor -------------------------------------------------------------


async def test_watched_file_changes_are_followed(client, lsp_vault):
    address = open_note(client, lsp_vault, "alice/2026-11-24.md")
    assert "unknown-owner" in by_code(await diagnostics(client, address))
    (lsp_vault / "alcie").mkdir()
    (lsp_vault / "alcie/profile.md").write_text("---\nname: Alcie Brandt\n---\n")
    client.diagnostics.pop(address)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(uri(lsp_vault, "alcie/profile.md"), lsp.FileChangeType.Created)]
        )
    )
    assert "unknown-owner" not in by_code(await diagnostics(client, address))


async def watching(client: LanguageClient) -> None:
    """Until the server says its own watcher runs."""
    while not any("watching" in m.message for m in client.log_messages):
        await client.wait_for_notification(lsp.WINDOW_LOG_MESSAGE)


async def test_its_own_watcher_follows_changes_for_clients_that_do_not(lsp_vault, tmp_path):
    client = await start(lsp_vault, tmp_path / "cache", caps="neovim@v0.7.0")
    try:
        address = open_note(client, lsp_vault, "alice/2026-11-24.md")
        assert "unknown-owner" in by_code(await diagnostics(client, address))
        await asyncio.wait_for(watching(client), 20)
        client.diagnostics.pop(address)
        (lsp_vault / "alcie").mkdir()
        (lsp_vault / "alcie/profile.md").write_text("---\nname: Alcie Brandt\n---\n")
        assert "unknown-owner" not in by_code(await diagnostics(client, address))
    finally:
        await client.shutdown_session()
        await client.stop()


# -- files outside a vault -----------------------------------------------------------------------


async def test_a_file_outside_any_vault_gets_one_log_line(client, lsp_vault, tmp_path):
    outside = tmp_path / "elsewhere" / "notes.md"
    outside.parent.mkdir()
    outside.write_text("# shopping\n- [ ] @milk\n")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(outside.as_uri(), "markdown", 1, outside.read_text())
        )
    )
    assert await hover_text(client, open_note(client, lsp_vault, "alice/2026-11-24.md"), 14, 8)
    lines = [m.message for m in client.log_messages if "elsewhere" in m.message]
    assert len(lines) == 1 and "not in an ono vault" in lines[0]
    assert outside.as_uri() not in client.diagnostics
