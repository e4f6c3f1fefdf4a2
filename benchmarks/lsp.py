"""Time ``ono lsp`` the way an editor feels it, on a generated vault with a warm cache.

    python benchmarks/lsp.py [--people 200] [--weeks 104] [--runs 20]

Also run by ``benchmarks/run.py``. A raw JSON-RPC client (no test framework) starts ``ono lsp``
and measures: ``initialize`` to the first diagnostics of an opened note (the process's start
and imports included), the median of completion after ``@`` and of hover on an action item,
the median time from a change to its diagnostics, and the server's peak memory. The targets
are issue 17's.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TODAY = "2026-11-01"
TARGETS = {  # issue 17
    "lsp: start -> first diagnostics (s)": 1.0,
    "lsp: completion median (ms)": 50.0,
    "lsp: hover median (ms)": 50.0,
    "lsp: diagnostics after a change (ms)": 150.0,
    "lsp: peak memory (MB)": 200.0,
}


class RawClient:
    """``ono lsp`` in a subprocess, spoken to in framed JSON-RPC; what it sends is queued."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.inbox: queue.Queue[dict] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.inbox.put(json.loads(stream.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def notify(self, method: str, params) -> None:
        self.send({"method": method, "params": params})

    def wait(self, wanted, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = self.inbox.get(timeout=max(deadline - time.monotonic(), 0.01))
            if wanted(message):
                return message

    def diagnostics_of(self, uri: str) -> dict:
        return self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )

    def peak_memory_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure_lsp(vault: Path, env: dict[str, str], runs: int = 20) -> list[tuple[str, float, float]]:
    """(label, measured, target) of each figure; prints them as it goes."""
    ono = shutil.which("ono", path=os.path.dirname(sys.executable)) or "ono"
    subprocess.run([ono, "--vault", str(vault), "todo"], env=env, capture_output=True)  # warm
    person = sorted(p for p in vault.iterdir() if (p / "profile.md").is_file())[0]
    note = max(p for p in person.glob("*.md") if p.name != "profile.md")
    uri = note.resolve().as_uri()
    text = note.read_text(encoding="utf-8")
    start = time.perf_counter()
    client = RawClient([sys.executable, "-m", "ononotes", "lsp"], env)
    client.request(
        "initialize", {"processId": None, "rootUri": vault.resolve().as_uri(), "capabilities": {}}
    )
    started = time.perf_counter() - start  # the interpreter, pygls and lsprotocol imported
    client.notify("initialized", {})
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
    )
    client.diagnostics_of(uri)
    first = time.perf_counter() - start
    print(f"  (start-up to initialize answered {started:.2f} s; then {first - started:.2f} s)")
    typed = text + "- [ ] @"
    line = typed.count("\n")
    change(client, uri, typed, 2)
    client.diagnostics_of(uri)
    item_line = next(i for i, row in enumerate(text.split("\n")) if row.startswith("- ["))
    completion = timed(runs, lambda: client.request("textDocument/completion", at(uri, line, 7)))
    hover = timed(runs, lambda: client.request("textDocument/hover", at(uri, item_line, 12)))
    changes = []
    for version in range(3, 3 + runs):
        began = time.perf_counter()
        change(client, uri, typed + f"x{version}\n", version)
        client.diagnostics_of(uri)
        changes.append(time.perf_counter() - began)
    memory = client.peak_memory_mb()
    client.close()
    measured = {
        "lsp: start -> first diagnostics (s)": first,
        "lsp: completion median (ms)": _median_ms(completion),
        "lsp: hover median (ms)": _median_ms(hover),
        "lsp: diagnostics after a change (ms)": _median_ms(changes),
        "lsp: peak memory (MB)": memory,
    }
    for label, value in measured.items():
        print(f"  {label:<46} {value:8.2f}  (target {TARGETS[label]})", flush=True)
    return [(label, value, TARGETS[label]) for label, value in measured.items()]


def at(uri: str, line: int, character: int) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def change(client: RawClient, uri: str, text: str, version: int) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def timed(runs: int, action) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    from make_vault import make_vault

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ono-lsp-bench-"))
    count = make_vault(work / "vault", args.people, args.weeks, seed=1)
    print(f"vault: {count} notes ({args.people} people x {args.weeks} weeks)")
    env = {**os.environ, "ONO_TODAY": TODAY, "ONO_CACHE_DIR": str(work / "cache")}
    env.pop("ONO_VAULT", None)
    try:
        measure_lsp(work / "vault", env, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
