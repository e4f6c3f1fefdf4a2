"""``ono lsp``: the Language Server Protocol server, over stdio. The only module that imports
pygls and lsprotocol: it registers the features, converts between LSP types and the plain
answers of ``features.py`` / ``commands.py``, and keeps the server alive whatever a client
sends. A problem is one ``window/logMessage`` line; a malformed request gets a JSON-RPC error;
nothing is ever written to stderr.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import (
    FeatureRequestError,
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from ononotes import __version__
from ononotes.editor import commands, features
from ononotes.editor.completion import DATE, HEADING, KEY, PERSON, VALUE
from ononotes.editor.diagnostics import ERROR, INFORMATION, WARNING, Mark
from ononotes.editor.workspace import EditorWorkspace, NotInVault
from ononotes.errors import OnoError

DEBOUNCE_SECONDS = 0.05  # diagnostics after a burst of changes: one pass, at its end
WATCH_AFTER_SECONDS = 1.0  # our own watcher starts this long after a vault's first diagnostics
WATCHED_GLOBS = ("**/*.md", "**/ono.toml", "**/ono.local.toml")
SEVERITY = {
    ERROR: lsp.DiagnosticSeverity.Error,
    WARNING: lsp.DiagnosticSeverity.Warning,
    INFORMATION: lsp.DiagnosticSeverity.Information,
}
COMPLETION_KIND = {
    PERSON: lsp.CompletionItemKind.Reference,
    DATE: lsp.CompletionItemKind.Value,
    KEY: lsp.CompletionItemKind.Property,
    VALUE: lsp.CompletionItemKind.EnumMember,
    HEADING: lsp.CompletionItemKind.Module,
}
COMMANDS = ("ono.new", "ono.agenda", "ono.prep")


class MalformedRequest:
    """A request whose parameters could not be read: answered with a JSON-RPC error."""

    def __init__(self, msg_id: Any, method: str, error: JsonRpcException) -> None:
        self.id, self.method, self.error = msg_id, method, error


class OnoProtocol(LanguageServerProtocol):
    """pygls' protocol, made to answer a request it cannot read with an error (pygls would
    drop it, leaving the client waiting), and never to send a traceback to the client."""

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return MalformedRequest(data["id"], str(data["method"]), error)
            raise

    def handle_message(self, message):
        if isinstance(message, MalformedRequest):
            error = JsonRpcInvalidParams(f"invalid parameters for {message.method}")
            self._send_response(message.id, None, error.to_response_error())
            server = self._server
            if isinstance(server, OnoServer):
                server.log(f"answered {message.method} with an error: its parameters are invalid")
            return
        super().handle_message(message)

    def _send_response(self, msg_id, result=None, error=None):
        # pygls puts the traceback of an unexpected exception in the error's data
        if error is not None and isinstance(error.data, dict) and "traceback" in error.data:
            error = lsp.ResponseError(code=error.code, message=error.message)
        super()._send_response(msg_id, result, error)


class OnoServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "ono",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
            protocol_cls=OnoProtocol,
        )
        self.ws = EditorWorkspace()
        self.hints = True
        self.logged: set[Path] = set()  # files already said to be outside a vault
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.watched: set[Path] = set()  # vaults our own watcher follows
        self.client_watches = False  # the client sends workspace/didChangeWatchedFiles
        self.stop_watching = threading.Event()

    # -- messages to the client -----------------------------------------------------------------

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Info) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=f"ono: {message}"))

    def report_server_error(self, error: Exception, source) -> None:
        """Whatever pygls could not handle (a message that is no JSON, a notification it could
        not read): one line in the client's log, and the server goes on. A request's error
        went to the client as its answer already."""
        if source is FeatureRequestError:
            return
        self.log(
            f"ignored a message it could not handle: {one_line(error)}", lsp.MessageType.Warning
        )

    def tell_outside(self, path: Path, reason: NotInVault) -> None:
        """Say once per file why it gets nothing from ono."""
        if path not in self.logged:
            self.logged.add(path)
            self.log(str(reason))

    # -- positions ------------------------------------------------------------------------------

    def client_column(self, line: str, column: int) -> int:
        return self.workspace.position_codec.client_num_units(line[:column])

    def server_column(self, lines: tuple[str, ...], position: lsp.Position) -> int:
        if position.line >= len(lines):
            return 0
        line = lines[position.line]
        units, index = 0, 0
        for char in line:
            if units >= position.character:
                break
            units += self.workspace.position_codec.client_num_units(char)
            index += 1
        return index

    def range_of(self, lines: tuple[str, ...], line: int, start: int, end: int) -> lsp.Range:
        text = lines[line] if line < len(lines) else ""
        return lsp.Range(
            lsp.Position(line, self.client_column(text, start)),
            lsp.Position(line, self.client_column(text, end)),
        )

    # -- diagnostics ----------------------------------------------------------------------------

    def schedule_diagnostics(self, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        self.pending[uri] = self.loop.call_later(delay, self.publish_diagnostics, uri)

    def publish_diagnostics(self, uri: str) -> None:
        self.pending.pop(uri, None)
        path = path_of(uri)
        if path is None or path not in self.ws.buffers:
            return
        found = guarded(self, f"diagnostics of {path}", lambda: self.diagnostics_of(path))
        if found is not None:
            params = lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found)
            self.text_document_publish_diagnostics(params)

    def diagnostics_of(self, path: Path) -> list[lsp.Diagnostic]:
        today = clock_today()
        marks = features.diagnose(self.ws, path, today, self.hints)
        opened = self.ws.read(path)
        self.follow_vault_changes(opened.vault.root)
        return [self.diagnostic(opened.lines, mark) for mark in marks]

    def diagnostic(self, lines: tuple[str, ...], mark: Mark) -> lsp.Diagnostic:
        return lsp.Diagnostic(
            range=self.range_of(lines, mark.line, mark.start, mark.end),
            message=mark.message,
            severity=SEVERITY[mark.severity],
            code=mark.code,
            source="ono",
        )

    def republish_vaults(self, roots: list[Path]) -> None:
        """Diagnostics again for every open file in these vaults."""
        for path in list(self.ws.buffers):
            if any(path.is_relative_to(root) for root in roots):
                self.schedule_diagnostics(uri_of(path))

    def republish_all(self) -> None:
        for path in list(self.ws.buffers):
            self.schedule_diagnostics(uri_of(path))

    # -- files changed outside the editor -------------------------------------------------------

    def follow_vault_changes(self, root: Path) -> None:
        """Start our own watcher on a vault, unless the client tells us of changes
        (``workspace/didChangeWatchedFiles``): a moment after its first diagnostics, which its
        start (a walk of every folder) would otherwise delay."""
        if self.client_watches or root in self.watched:
            return
        self.watched.add(root)
        loop = self.loop or asyncio.get_running_loop()

        def start() -> None:
            if self.client_watches or self.stop_watching.is_set():
                return
            thread = threading.Thread(
                target=self.watch_vault, args=(root, loop), name=f"ono-watch {root}", daemon=True
            )
            thread.start()

        loop.call_later(WATCH_AFTER_SECONDS, start)

    def watch_vault(self, root: Path, loop: asyncio.AbstractEventLoop) -> None:
        from ononotes.adapters.watcher import watch

        started = threading.Event()

        def changed() -> None:
            if started.is_set():
                loop.call_soon_threadsafe(self.disk_changed, [root])
            else:  # watch() runs it once, as soon as it watches: nothing changed yet
                started.set()
                loop.call_soon_threadsafe(self.log, f"watching {root} for changes")

        def report(line: str) -> None:
            loop.call_soon_threadsafe(self.log, f"watching {root}: {line}")

        try:
            watch(root, changed, report, stop=self.stop_watching)
        except Exception as exc:  # no inotify left, a vault gone: the editor still works
            loop.call_soon_threadsafe(self.log, f"cannot watch {root}: {one_line(exc)}")

    def disk_changed(self, paths: list[Path]) -> None:
        changed = self.ws.files_changed(paths)
        self.republish_vaults([vault.root for vault in changed])


def one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def guarded(server: OnoServer, what: str, action: Callable[[], Any]) -> Any:
    """``action()``, or None with one line in the client's log when it fails: a file outside
    a vault, a vault that cannot be read, a bug."""
    try:
        return action()
    except NotInVault:  # said once, when the file was opened
        return None
    except OnoError as exc:
        server.log(f"{what}: {exc}", lsp.MessageType.Warning)
    except Exception as exc:  # a bug must cost one answer, never the server
        server.log(f"{what} failed: {one_line(exc)}", lsp.MessageType.Error)
    return None


def clock_today():
    from ononotes.clock import today

    return today()


def path_of(uri: str) -> Path | None:
    """The file a ``file:`` URI names, or None for any other."""
    if not isinstance(uri, str) or not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path).resolve() if path else None


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def hints_setting(options: Any) -> bool | None:
    """``hints`` in the initialization options or the settings, as ``{"hints": false}`` or
    ``{"ono": {"hints": false}}``; None when they do not say."""
    if not isinstance(options, dict):
        return None
    if isinstance(options.get("ono"), dict):
        options = options["ono"]
    value = options.get("hints")
    return value if isinstance(value, bool) else None


server = OnoServer()


# -- the session ---------------------------------------------------------------------------------


@server.feature(lsp.INITIALIZE)
def initialize(ls: OnoServer, params: lsp.InitializeParams) -> None:
    folders = [path_of(folder.uri) for folder in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [path_of(params.root_uri)]
    ls.ws.folders = [folder for folder in folders if folder is not None]
    setting = hints_setting(params.initialization_options)
    ls.hints = ls.hints if setting is None else setting


@server.feature(lsp.INITIALIZED)
def initialized(ls: OnoServer, params: lsp.InitializedParams) -> None:
    ls.loop = asyncio.get_running_loop()
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if watched is None or not watched.dynamic_registration:
        return
    watchers = [lsp.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
    options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
    registration = lsp.Registration(
        id="ono-watched-files",
        method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )

    def registered(future) -> None:
        ls.client_watches = future.exception() is None

    ls.client_watches = True  # until the client says no
    future = ls.client_register_capability(lsp.RegistrationParams(registrations=[registration]))
    future.add_done_callback(registered)


@server.feature(lsp.SHUTDOWN)
def shutdown(ls: OnoServer, params: None) -> None:
    ls.stop_watching.set()


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
def configuration_changed(ls: OnoServer, params: lsp.DidChangeConfigurationParams) -> None:
    setting = hints_setting(params.settings)
    if setting is not None and setting != ls.hints:
        ls.hints = setting
        ls.republish_all()


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def watched_files_changed(ls: OnoServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    paths = [path for change in params.changes if (path := path_of(change.uri)) is not None]
    ls.disk_changed(paths)


# -- documents -----------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: OnoServer, params: lsp.DidOpenTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is None:
        return
    ls.ws.open(path, params.text_document.text)
    try:
        ls.ws.read(path)
    except NotInVault as reason:
        ls.tell_outside(path, reason)
        return
    except OnoError as exc:
        ls.log(str(exc), lsp.MessageType.Warning)
        return
    ls.schedule_diagnostics(params.text_document.uri, delay=0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: OnoServer, params: lsp.DidChangeTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is None:
        return
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.ws.change(path, document.source)
    # the vault's other open notes too: a tick here can clear a warning there
    vault = guarded(ls, "change", lambda: ls.ws.vault_of(path))
    ls.republish_vaults([vault.root] if vault is not None else [])
    ls.schedule_diagnostics(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: OnoServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is not None:
        ls.ws.close(path)
        ls.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: OnoServer, params: lsp.DidSaveTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is not None:
        ls.disk_changed([path])


# -- requests ------------------------------------------------------------------------------------


def _at(ls: OnoServer, params) -> tuple[Path, tuple[str, ...], int, int] | None:
    """(path, lines, line, column) of a request about a place in a document, or None."""
    path = path_of(params.text_document.uri)
    if path is None:
        return None
    lines = ls.ws.read(path).lines
    return path, lines, params.position.line, ls.server_column(lines, params.position)


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=["@", ":", " ", "#"]),
)
def completion(ls: OnoServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    def answer() -> lsp.CompletionList | None:
        place = _at(ls, params)
        if place is None:
            return None
        path, lines, line, column = place
        found = features.complete(ls.ws, path, line, column, clock_today())
        items = [
            lsp.CompletionItem(
                label=s.label,
                detail=s.detail,
                kind=COMPLETION_KIND[s.kind],
                sort_text=f"{s.order:04d}",
                filter_text=s.insert.strip() if s.kind == HEADING else s.label,
                text_edit=lsp.TextEdit(ls.range_of(lines, line, s.start, column), s.insert),
            )
            for s in found
        ]
        return lsp.CompletionList(is_incomplete=False, items=items)

    return guarded(ls, "completion", answer)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: OnoServer, params: lsp.HoverParams) -> lsp.Hover | None:
    def answer() -> lsp.Hover | None:
        place = _at(ls, params)
        if place is None:
            return None
        path, _, line, column = place
        text = features.hover_at(ls.ws, path, line, column, clock_today())
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

    return guarded(ls, "hover", answer)


def _locations(ls: OnoServer, places: list[features.Place]) -> list[lsp.Location]:
    locations = []
    for place in places:
        lines = ls.ws.read(place.path).lines if place.end else ()
        locations.append(
            lsp.Location(uri_of(place.path), ls.range_of(lines, place.line, place.start, place.end))
        )
    return locations


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: OnoServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    def answer() -> list[lsp.Location] | None:
        place = _at(ls, params)
        if place is None:
            return None
        path, _, line, column = place
        return _locations(ls, features.definition_at(ls.ws, path, line, column, clock_today()))

    return guarded(ls, "definition", answer)


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: OnoServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    def answer() -> list[lsp.Location] | None:
        place = _at(ls, params)
        if place is None:
            return None
        path, _, line, _ = place
        return _locations(ls, features.references_at(ls.ws, path, line, clock_today()))

    return guarded(ls, "references", answer)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite]
    ),
)
def code_action(ls: OnoServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    def answer() -> list[lsp.CodeAction] | None:
        path = path_of(params.text_document.uri)
        if path is None:
            return None
        lines = ls.ws.read(path).lines
        found = features.actions_at(
            ls.ws, path, params.range.start.line, params.range.end.line, clock_today()
        )
        return [_code_action(ls, params.text_document.uri, lines, action) for action in found]

    return guarded(ls, "code actions", answer)


def _code_action(
    ls: OnoServer, uri: str, lines: tuple[str, ...], action: features.Action
) -> lsp.CodeAction:
    edit = lsp.TextEdit(ls.range_of(lines, action.line, action.start, action.end), action.text)
    kind = (
        lsp.CodeActionKind.QuickFix
        if action.kind == "quickfix"
        else lsp.CodeActionKind.RefactorRewrite
    )
    return lsp.CodeAction(
        title=action.title,
        kind=kind,
        edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
        diagnostics=[ls.diagnostic(lines, mark) for mark in action.marks] or None,
        is_preferred=action.preferred or None,
    )


SYMBOL_KIND = {"section": lsp.SymbolKind.Namespace, "item": lsp.SymbolKind.Event}


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: OnoServer, params: lsp.DocumentSymbolParams):
    def answer() -> list[lsp.DocumentSymbol] | None:
        path = path_of(params.text_document.uri)
        if path is None:
            return None
        lines = ls.ws.read(path).lines
        return [_symbol(ls, lines, symbol) for symbol in features.symbols(ls.ws, path)]

    return guarded(ls, "symbols", answer)


def _symbol(ls: OnoServer, lines: tuple[str, ...], symbol: features.Symbol) -> lsp.DocumentSymbol:
    first = lines[symbol.line] if symbol.line < len(lines) else ""
    last = lines[symbol.end_line] if symbol.end_line < len(lines) else ""
    whole = lsp.Range(
        lsp.Position(symbol.line, 0),
        lsp.Position(symbol.end_line, ls.client_column(last, len(last))),
    )
    name_range = lsp.Range(
        lsp.Position(symbol.line, 0), lsp.Position(symbol.line, ls.client_column(first, len(first)))
    )
    return lsp.DocumentSymbol(
        name=symbol.name or "(untitled)",
        kind=SYMBOL_KIND[symbol.kind],
        range=whole,
        selection_range=name_range,
        detail=symbol.detail or None,
        children=[_symbol(ls, lines, child) for child in symbol.children] or None,
    )


# -- commands ------------------------------------------------------------------------------------


def command_arguments(arguments: tuple[Any, ...], names: tuple[str, ...], required: int):
    """The arguments of a command as strings, or InvalidParams naming what it takes."""
    if not required <= len(arguments) <= len(names) or not all(
        isinstance(argument, str) for argument in arguments
    ):
        raise JsonRpcInvalidParams(
            f"takes {', '.join(names[:required])}"
            + (f" [, {', '.join(names[required:])}]" if len(names) > required else "")
            + " as strings"
        )
    return list(arguments) + [None] * (len(names) - len(arguments))


def target_of(argument: str) -> commands.Target:
    """A person: a slug, or the URI of one of their notes."""
    path = path_of(argument)
    return path if path is not None else argument


def run_command(ls: OnoServer, name: str, action: Callable[[], Any]) -> Any:
    """A command's answer; OnoError and NotInVault become a JSON-RPC error with their line,
    and are shown to the user."""
    try:
        return action()
    except (OnoError, NotInVault) as exc:
        ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"{name}: {exc}"))
        raise JsonRpcInternalError(f"{name}: {exc}") from None
    except JsonRpcException:
        raise
    except Exception as exc:
        ls.log(f"{name} failed: {one_line(exc)}", lsp.MessageType.Error)
        raise JsonRpcInternalError(f"{name} failed: {one_line(exc)}") from None


@server.command("ono.new")
def new_command(ls: OnoServer, *arguments: Any):
    person, date = command_arguments(arguments, ("person or note URI", "date"), 1)

    def run():
        result = commands.new_note(ls.ws, target_of(person), clock_today(), date)
        _show(ls, result["uri"])
        ls.republish_all()
        return result

    return run_command(ls, "ono.new", run)


@server.command("ono.agenda")
def agenda_command(ls: OnoServer, *arguments: Any):
    person, text, by = command_arguments(arguments, ("person or note URI", "text", "by"), 2)

    def run():
        result = commands.add_agenda_point(ls.ws, target_of(person), text, clock_today(), by)
        ls.republish_all()
        return result

    return run_command(ls, "ono.agenda", run)


@server.command("ono.prep")
def prep_command(ls: OnoServer, *arguments: Any):
    (person,) = command_arguments(arguments, ("person or note URI",), 1)
    return run_command(
        ls, "ono.prep", lambda: commands.prep_brief(ls.ws, target_of(person), clock_today())
    )


def _show(ls: OnoServer, uri: str) -> None:
    """Ask the client to open ``uri`` when it can (``window/showDocument``)."""
    window = ls.client_capabilities.window
    if window is not None and window.show_document is not None and window.show_document.support:
        ls.window_show_document(lsp.ShowDocumentParams(uri=uri, take_focus=True))


def serve() -> int:
    """Run the server on stdin and stdout until the client says exit; 0 after a shutdown
    request (as LSP asks), else 1."""
    import warnings

    warnings.simplefilter("ignore")
    logging.getLogger().addHandler(logging.NullHandler())  # pygls logs: never to stderr
    logging.getLogger().setLevel(logging.CRITICAL + 1)
    threading.excepthook = lambda args: None
    server.start_io()
    server.stop_watching.set()
    return 0 if server.protocol._shutdown else 1


if __name__ == "__main__":
    sys.exit(serve())
