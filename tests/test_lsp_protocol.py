"""``ono lsp`` on the wire: garbage, malformed requests and the end of a session, written as
raw bytes to a real ``ono lsp`` process. Nothing may reach stderr; shutdown then exit is 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .lsp_vault import TODAY, make_lsp_vault


def frame(message: dict | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(msg_id, method: str, params) -> bytes:
    return frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})


def notify(method: str, params) -> bytes:
    return frame({"jsonrpc": "2.0", "method": method, "params": params})


def messages(stdout: bytes) -> list[dict]:
    """The JSON-RPC messages in the server's output."""
    found, rest = [], stdout
    while rest:
        header, _, rest = rest.partition(b"\r\n\r\n")
        length = int(header.split(b"\r\n")[0].split(b":")[1])
        found.append(json.loads(rest[:length]))
        rest = rest[length:]
    return found


def run_session(vault: Path, tmp_path: Path, *middle: bytes, shutdown: bool = True):
    start = request(
        1, "initialize", {"processId": None, "rootUri": vault.as_uri(), "capabilities": {}}
    )
    end = (request(99, "shutdown", None) if shutdown else b"") + notify("exit", None)
    env = {**os.environ, "ONO_TODAY": TODAY, "ONO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("ONO_VAULT", None)
    done = subprocess.run(
        [sys.executable, "-m", "ononotes", "lsp"],
        input=start + notify("initialized", {}) + b"".join(middle) + end,
        capture_output=True,
        env=env,
        timeout=60,
    )
    return done.returncode, messages(done.stdout), done.stderr


def test_garbage_and_malformed_requests_get_errors_never_a_traceback(tmp_path):
    vault = make_lsp_vault(tmp_path / "vault").resolve()
    note = (vault / "alice/2026-11-24.md").as_uri()
    code, sent, stderr = run_session(
        vault,
        tmp_path,
        frame(b"this is not json"),
        frame(b"[1, 2, 3]"),
        frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"nonsense": 1}}),
        request(2, "textDocument/hover", {"textDocument": "no", "position": 7}),
        request(3, "textDocument/completion", {"textDocument": {"uri": note}}),
        request(4, "no/suchMethod", {}),
        request(
            5,
            "textDocument/hover",
            {"textDocument": {"uri": "untitled:1"}, "position": {"line": 0, "character": 0}},
        ),
        request(
            6,
            "textDocument/hover",
            {"textDocument": {"uri": note}, "position": {"line": 900, "character": 0}},
        ),
        request(7, "workspace/executeCommand", {"command": "ono.prep", "arguments": [{"x": 1}]}),
    )
    assert code == 0
    assert stderr == b""
    answers = {m["id"]: m for m in sent if "id" in m and "method" not in m}
    for msg_id in (2, 3, 4, 7):
        assert "error" in answers[msg_id], answers[msg_id]
        assert "Traceback" not in json.dumps(answers[msg_id])
    assert answers[5]["result"] is None and answers[6]["result"] is None
    assert answers[99]["result"] is None
    logs = [m["params"]["message"] for m in sent if m.get("method") == "window/logMessage"]
    assert len([line for line in logs if "could not handle" in line]) == 3
    assert all("\n" not in line and "Traceback" not in line for line in logs)


def test_exit_without_shutdown_is_1(tmp_path):
    vault = make_lsp_vault(tmp_path / "vault").resolve()
    code, _, stderr = run_session(vault, tmp_path, shutdown=False)
    assert (code, stderr) == (1, b"")


def test_ono_help_and_other_commands_do_not_import_pygls(tmp_path):
    probe = (
        "import sys\nfrom click.testing import CliRunner\nfrom ononotes.cli import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        "CliRunner().invoke(cli, ['--vault', sys.argv[1], 'todo'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))\n"
    )
    vault = make_lsp_vault(tmp_path / "vault")
    env = {**os.environ, "ONO_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(vault)], capture_output=True, text=True, env=env
    )
    assert done.stdout.strip() == "[]", done.stderr
