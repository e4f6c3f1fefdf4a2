"""The dashboard and the HTML site opened in real headless Chromium: they draw, they log nothing
and load nothing, note text meant to inject markup stays text, and at 1400, 1000, 760 and 390 px
wide the document is never wider than the window and no text is under 11 px — for the example
vault and for a generated vault of 40 people, the index and a person's page, with JavaScript
on and off (the pages have none: they must read the same)."""

from __future__ import annotations

import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .browser import CHROMIUM, Browser
from .report_vault import FILES, build_report_vault

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium) to open the dashboard",
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HELD_BLUE = (0x25, 0x63, 0xEB)  # --held in _base.html.j2: the centre of every held meeting
WIDTHS = (1400, 1000, 760, 390)
MIN_TEXT_PX = 11


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


def colours(shot: Path, max_rows: int = 900) -> set[bytes]:
    _, _, rows, bpp = decode_png(shot.read_bytes(), max_rows)
    return {row[i : i + 3] for row in rows for i in range(0, len(row), bpp)}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with Browser(tmp_path_factory.mktemp("chromium-profile")) as running:
        yield running


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Path:
    """The fixture vault, with hostile item text and a hostile name, as a one-file dashboard."""
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


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The example vault's site and a generated one (tests/test_site.py builds them)."""
    from .test_site import build_generated_site, build_team_site

    return {
        "team": build_team_site(tmp_path_factory.mktemp("team-site")),
        "generated": build_generated_site(tmp_path_factory.mktemp("generated-site")),
    }


PAGES = {
    ("team", "index"): "index.html",
    ("team", "person"): "people/bob.html",
    ("generated", "index"): "index.html",
    ("generated", "person"): "people/person-003.html",
}


def test_dom_has_the_charts_and_hostile_text_stays_text(dashboard, browser):
    page = browser.page(dashboard.as_uri(), 1200)
    dom = Elements()
    dom.feed(page.evaluate("document.documentElement.outerHTML"))
    assert page.logged() == []
    assert "script" not in dom.tags and "img" not in dom.tags
    assert dom.tags.count("svg") >= 5 + 3 * 8  # the insights: three small charts a person
    assert dom.tags.count("circle") >= 13  # one per held meeting at least
    assert {"rect", "line", "polyline", "title"} <= set(dom.tags)
    text = "".join(dom.text)
    assert SCRIPT in text and IMG in text
    assert "Gus <script>alert(2)</script>" in text
    assert "gus/2026-03-30.md:10" in text  # the stale item, where it sits
    assert "Whose 1:1 is it?" in text and "20% theirs1 of 5 points" in text
    page.close()


def test_screenshot_is_drawn_and_the_console_is_quiet(dashboard, browser, tmp_path):
    page = browser.page(dashboard.as_uri(), 1200, height=2000)
    shot = page.screenshot(tmp_path / "dashboard.png")
    assert page.logged() == []
    width, height, _, _ = decode_png(shot.read_bytes(), max_rows=1)
    assert (width, height) == (1200, 2000)
    drawn = colours(shot, max_rows=2000)
    assert len(drawn) > 50, "the screenshot looks blank"
    assert bytes(HELD_BLUE) in drawn, "no held meeting drawn on the timeline"
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", sorted(PAGES), ids=lambda key: "-".join(key))
def test_every_page_fits_every_width(sites, browser, tmp_path, which, width):
    """No horizontal scrolling of the document (tables and charts scroll inside their card),
    no text under 11 px, nothing logged, nothing loaded but the page itself."""
    site, _ = which
    url = (sites[site] / PAGES[which]).as_uri()
    page = browser.page(url, width)
    layout = page.layout()
    assert layout["scrollWidth"] <= layout["clientWidth"] == width, layout
    assert layout["small"] == [], layout["small"][:5]
    assert page.logged() == []
    assert page.requests() == [url]
    shot = page.screenshot(tmp_path / f"{site}-{which[1]}-{width}.png", full_height=4000)
    assert len(colours(shot)) > 30, "the screenshot looks blank"
    page.close()


@pytest.mark.parametrize("which", [("generated", "index"), ("team", "person")], ids="-".join)
def test_pages_read_the_same_without_javascript(sites, browser, which):
    url = (sites[which[0]] / PAGES[which]).as_uri()
    with_script = browser.page(url, 1000)
    without = browser.page(url, 1000, scripts=False)
    text = "document.body.innerText"
    shown = without.evaluate(text)
    assert shown == with_script.evaluate(text)
    assert "Needs you now" in shown or "Who needs you now" in shown
    # a collapsed list opens by itself (<details>), no script needed
    closed = without.evaluate("document.querySelectorAll('details:not([open])').length")
    assert closed >= 1
    with_script.close()
    without.close()
