"""Real headless Chromium for the HTML tests, driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``): no WebSocket client, no driver, only the standard library.

``Browser`` starts one Chromium; ``browser.page(url, width)`` opens a tab at that window size
and waits for the load; a ``Page`` evaluates JavaScript of the test's own (the pages have none),
takes screenshots, and records what the page logged and every request it made.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and Path("/usr/bin/chromium").exists():
    CHROMIUM = "/usr/bin/chromium"

# What a page's layout must hold, measured in the page: the document never wider than the
# window, and no visible text under 11 px (an SVG's text is scaled by its transform).
LAYOUT = r"""
(() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest('title')) continue;
    if (!element.getClientRects().length) continue;  // not shown (a closed <details>)
    let size = parseFloat(getComputedStyle(element).fontSize);
    if (element instanceof SVGElement && element.getScreenCTM) size *= element.getScreenCTM().a;
    if (size < 11) small.push(`${element.tagName} ${size.toFixed(1)}px: ${node.textContent.trim().slice(0, 40)}`);
  }
  const root = document.documentElement;
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, small: small};
})()
"""


class Browser:
    """One headless Chromium; close it with ``close`` (or use it as a context manager)."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        read_end, self._out = os.pipe()  # Chromium reads commands on its fd 3
        self._in, write_end = os.pipe()  # and writes replies and events on its fd 4

        def wire() -> None:  # in the child, before exec: copies first, in case 3 or 4 is one
            reads, writes = os.dup(read_end), os.dup(write_end)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(3, 4, read_end, write_end),
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(read_end)
        os.close(write_end)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """One command; its result (events that arrive meanwhile are kept in ``events``)."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def _receive(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def page(self, url: str, width: int, height: int = 900, scripts: bool = True) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session, target)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", {}, session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        if not scripts:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True}, session)
        self.send("Page.navigate", {"url": url}, session)
        page.wait_for_load()
        return page

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)


class Page:
    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser, self.session, self.target = browser, session, target

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def wait_for_load(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._own_events("Page.loadEventFired"):
                return
            self.send("Runtime.evaluate", {"expression": "1"})  # lets events arrive
            time.sleep(0.02)
        raise AssertionError("the page did not load")

    def _own_events(self, method: str) -> list[dict]:
        return [
            e
            for e in self.browser.events
            if e.get("sessionId") == self.session and e.get("method") == method
        ]

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"])
        return result["result"].get("value")

    def layout(self) -> dict:
        return self.evaluate(LAYOUT)

    def screenshot(self, path: Path, full_height: int | None = None) -> Path:
        params: dict = {"format": "png"}
        if full_height:
            width = self.evaluate("document.documentElement.clientWidth")
            height = min(self.evaluate("document.documentElement.scrollHeight"), full_height)
            params |= {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", params)["data"]))
        return path

    def logged(self) -> list[str]:
        """What the page wrote to its console or log (script errors, CSP violations, loads that
        failed)."""
        words = [e["params"]["entry"].get("text", "") for e in self._own_events("Log.entryAdded")]
        words += [
            str(e["params"].get("args")) for e in self._own_events("Runtime.consoleAPICalled")
        ]
        words += [
            str(e["params"]["exceptionDetails"])
            for e in self._own_events("Runtime.exceptionThrown")
        ]
        return words

    def requests(self) -> list[str]:
        """Every address the page asked for, the page itself first."""
        return [
            e["params"]["request"]["url"] for e in self._own_events("Network.requestWillBeSent")
        ]

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
