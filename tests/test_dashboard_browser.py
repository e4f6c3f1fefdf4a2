"""The HTML dashboard opened in real headless Chromium: it draws, it logs nothing, and note text
meant to inject markup stays text."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .report_vault import FILES, build_report_vault

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and Path("/usr/bin/chromium").exists():
    CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium) to open the dashboard",
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HELD_BLUE = (0x25, 0x63, 0xEB)  # --held in dashboard.html.j2: the centre of every held meeting


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the console (script errors, CSP violations, failed loads)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


class Elements(HTMLParser):
    """The tags and the text of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def decode_png(data: bytes, max_rows: int) -> tuple[int, int, list[bytes], int]:
    """(width, height, the first ``max_rows`` rows of RGB(A) bytes, bytes per pixel): a
    stdlib-only PNG reader for 8-bit truecolour, enough for Chromium's screenshots."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
    assert depth == 8 and interlace == 0 and color in (2, 6), (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    previous = bytearray(stride)
    rows = []
    for y in range(min(height, max_rows)):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # Up
            line = bytearray((a + b) & 255 for a, b in zip(line, previous, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], (previous[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows, bpp


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Path:
    """The fixture vault, with hostile item text and a hostile name, as a dashboard file."""
    from click.testing import CliRunner

    from ononotes.cli import cli

    root = tmp_path_factory.mktemp("browser")
    hostile = (
        FILES["gus/2026-03-30.md"] + f"- [ ] {SCRIPT} due:2026-03-01\n- [ ] {IMG} due:2026-03-01\n"
    )
    vault = build_report_vault(
        root / "team",
        {
            "gus/2026-03-30.md": hostile,
            "gus/profile.md": '---\nname: "Gus <script>alert(2)</script>"\n---\n',
            "hal/2026-03-20.md": "---\ndate: 2026-03-20\nmood: 2\n---\n# 1:1\n\n## Their agenda\n"
            f"- {SCRIPT}\n\n## My agenda\n- a\n- b\n- c\n- d\n\n## Growth\n- {IMG}\n",
        },
    )
    page = root / "dashboard.html"
    result = CliRunner().invoke(
        cli,
        ["--vault", str(vault), "report", "--format", "html", "-o", str(page)],
        env={"ONO_TODAY": "2026-03-31"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return page


def test_dom_has_the_charts_and_hostile_text_stays_text(dashboard, tmp_path):
    run = chromium(tmp_path, "--dump-dom", dashboard.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    dom = Elements()
    dom.feed(run.stdout)
    assert "script" not in dom.tags and "img" not in dom.tags
    assert dom.tags.count("svg") >= 5 + 3 * 8  # the insights: three small charts a person
    assert dom.tags.count("circle") >= 13  # one per held meeting at least
    assert {"rect", "line", "polyline", "title"} <= set(dom.tags)
    text = "".join(dom.text)
    assert SCRIPT in text and IMG in text
    assert "Gus <script>alert(2)</script>" in text
    assert "gus/2026-03-30.md:10" in text  # the stale item, where it sits
    assert "Insights: whose 1:1 is it?" in text and "20% theirs (1 of 5 points)" in text


def test_screenshot_is_drawn_and_the_console_is_quiet(dashboard, tmp_path):
    shot = tmp_path / "dashboard.png"
    run = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", dashboard.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    width, height, rows, bpp = decode_png(shot.read_bytes(), max_rows=700)
    assert (width, height) == (1200, 2000)
    colours = {row[i : i + 3] for row in rows[::3] for i in range(0, len(row), bpp * 3)}
    assert len(colours) > 50, "the screenshot looks blank"
    assert bytes(HELD_BLUE) in colours or any(
        bytes(HELD_BLUE) in {row[i : i + 3] for i in range(0, len(row), bpp)} for row in rows
    ), "no held meeting drawn on the timeline"
