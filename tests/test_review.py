"""`ono review`: the digest built from the notes, every line pointing at the `path:line` it came
from; the manager's private notes only with --private. Fixture: ``tests/insights_vault.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ononotes.core.reports import Window
from ononotes.core.review import WIN_RE, build_review, render_review_md

from .conftest import build_tree
from .insights_vault import AS_OF, FILES
from .test_insights import CONFIG, KIM, PLACEHOLDERS, PROFILES

PRIVATE = "PRIVATE-MARKER worried about retention"
PRIVATE_NOTE = (
    "---\nprivate: true\nperson: kim\nmeeting: kim/2026-06-01.md\nmeeting_date: 2026-06-01\n---\n"
    "# Private · kim · 2026-06-01\n\n<!-- Only in your vault. -->\n\n"
    f"- {PRIVATE}\n"
)
LINE_RE = re.compile(r"^- (\d{4}-\d{2}-\d{2}) · (.*) \(`([^`]+):(\d+)`\)$")


@pytest.fixture
def vault(tmp_path):
    return build_tree(tmp_path / "vault", {**FILES, "private/kim/2026-06-01.md": PRIVATE_NOTE})


def digest_lines(text: str) -> list[tuple[str, str, str, int]]:
    """(part, quoted text, path, line) of every line of the digest that points at a note."""
    found, part = [], ""
    for line in text.splitlines():
        if line.startswith("## ") or line.startswith("### "):
            part = line.lstrip("# ")
        match = LINE_RE.match(line)
        if match:
            quoted = match.group(2).split(" · created ")[0]  # a completed item's facts follow
            found.append((part, quoted, match.group(3), int(match.group(4))))
    return found


def test_every_line_points_at_the_line_it_quotes(vault, run):
    result = run(vault, "review", "kim", today="2026-06-30")
    assert result.exit_code == 0, result.output
    lines = digest_lines(result.stdout)
    assert len(lines) >= 15
    for part, quoted, path, number in lines:
        written = (vault / path).read_text(encoding="utf-8").splitlines()[number - 1]
        assert quoted in written, (part, quoted, path, number)
    assert PRIVATE not in result.stdout and "private" not in {p for _, _, p, _ in lines}


def test_what_feeds_each_part(vault, run):
    text = run(vault, "review", "kim", today="2026-06-30").stdout
    parts = {}
    for part, quoted, path, number in digest_lines(text):
        parts.setdefault(part, []).append(f"{path}:{number} {quoted}")
    assert parts["Wins and recognition"] == [
        "kim/2026-05-04.md:14 x: thanks for the billing migration rehearsal, great job",
        "kim/2026-06-01.md:23 Kim shipped the pager rota, kudos from the SRE team",
    ]
    assert parts["Given to Kim Park"] == [
        "kim/2026-05-04.md:20 To Kim: the rehearsal write-up was clear"
    ]
    assert parts["Received from Kim Park"] == [
        "kim/2026-05-04.md:21 From Kim: wants decisions explained earlier"
    ]
    assert parts["Growth and career"] == [
        "kim/2026-05-04.md:17 wants to lead the billing migration end to end",
        "kim/2026-05-25.md:11 talked about the staff path and what the billing migration shows",
        "kim/2026-06-08.md:13 picked a conference to submit to",
    ]  # not the cancelled 05-18 note, not the planned 07-06 one, not 05-11's prompt
    assert len(parts["Lead the billing migration"]) == 6
    assert parts["Completed items"] == [
        # done:2026-05-02, created:2026-04-27: 5 days to close
        "kim/2026-05-04.md:24 @kim write the migration plan created:2026-04-27 done:2026-05-02",
        # open on 05-04, ticked on 05-11: 7 days
        "kim/2026-05-11.md:19 @me book the conference budget talk",
    ]
    assert "- 2026-05-02 · @kim write the migration plan" in text and "5 days to close" in text
    assert "created 2026-05-04, 7 days to close" in text
    assert "### Speak at a conference" in text and "Matched on: speak, conference." in text


def test_the_period_and_the_builder(vault, run):
    text = run(
        vault, "review", "kim", "--since", "2026-05-20", "--until", "2026-06-10", today="2026-06-30"
    ).stdout
    assert (
        "kim · 2026-05-20 to 2026-06-10 · 3 held 1:1s (first 2026-05-25, last 2026-06-08)." in text
    )
    assert {path for _, _, path, _ in digest_lines(text)} == {
        "kim/2026-05-25.md",
        "kim/2026-06-01.md",
        "kim/2026-06-08.md",
    }
    assert "_None completed._" in text
    review = build_review("kim", PROFILES["kim"], CONFIG, KIM, Window(AS_OF), PLACEHOLDERS)
    assert review.private is None and len(review.held) == 7
    assert render_review_md(review).startswith("# Review digest: Kim Park\n")


def test_private_notes_only_with_the_flag_and_only_in_your_vault(vault, run, tmp_path):
    text = run(vault, "review", "kim", "--private", today="2026-06-30").stdout
    assert "## Your private notes (yours only: never share this part)" in text
    assert f"- 2026-06-01 · {PRIVATE} (`private/kim/2026-06-01.md:11`)" in text
    assert (vault / "private/kim/2026-06-01.md").read_text().splitlines()[10] == f"- {PRIVATE}"
    outside = run(vault, "review", "kim", "--private", "--until", "2026-05-31", today="2026-06-30")
    assert PRIVATE not in outside.stdout and "_None in this period._" in outside.stdout
    clone = build_tree(
        tmp_path / "clone",
        {
            "ono.toml": 'person = "kim"\n',
            **{
                name.split("/", 1)[1]: text
                for name, text in FILES.items()
                if name.startswith("kim/")
            },
        },
    )
    refused = run(clone, "review", "kim", "--private", today="2026-06-30")
    assert refused.exit_code != 0 and "shared repository" in refused.stderr
    assert run(clone, "review", "kim", today="2026-06-30").exit_code == 0


def test_html_links_every_line_and_escapes_note_text(vault, run):
    hostile = "- To Kim: <script>alert(1)</script> well done\n"
    note = vault / "kim/2026-06-22.md"
    note.write_text(note.read_text().replace("## Notes\n", f"## Feedback\n{hostile}\n## Notes\n"))
    out = vault.parent / "out" / "review.html"
    out.parent.mkdir()
    result = run(vault, "review", "kim", "--format", "html", "-o", str(out), today="2026-06-30")
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    links = re.findall(r'<a class="src" href="([^"]+)">([^<]+)</a>', html)
    assert len(links) >= 15
    for href, source in links:
        path, number = source.rsplit(":", 1)
        assert (out.parent / href).resolve() == (vault / path).resolve()
        assert int(number) >= 1
    printed = run(vault, "review", "kim", "--format", "html", today="2026-06-30").stdout
    assert f'href="{(vault / "kim/2026-05-04.md").resolve().as_uri()}"' in printed


def test_win_words_and_questions():
    assert WIN_RE.search("Shipped the dashboards") and WIN_RE.search("kudos to Bob")
    assert not WIN_RE.search("the windows build") and not WIN_RE.search("shipping soon")
    from ononotes.core.insights import NoteLine
    from ononotes.core.review import is_win

    assert not is_win(NoteLine("a.md", 1, AS_OF, "My agenda", "Dashboards shipped?"))
    assert not is_win(NoteLine("a.md", 1, AS_OF, "Action items", "@bob thank Ann"))
    assert is_win(NoteLine("a.md", 1, AS_OF, "Notes", "Thanks for covering on-call"))


def test_unknown_person_and_bad_dates_are_one_line_errors(vault, run):
    unknown = run(vault, "review", "kym", today="2026-06-30")
    assert unknown.exit_code == 2 and "kim" in unknown.stderr and "Traceback" not in unknown.output
    bad = run(vault, "review", "kim", "--since", "2026-07-01", "--until", "2026-06-01")
    assert bad.exit_code == 2 and "--since" in bad.stderr
    assert Path(vault / "kim/2026-05-04.md").exists()


def test_a_period_that_ends_before_it_starts_is_refused(vault, run):
    result = run(vault, "review", "kim", "--since", "2026-06-10", "--until", "2026-05-20")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "Error: --since 2026-06-10 is after the end of the window, 2026-05-20"
    )
    bad = run(vault, "review", "kim", "--since", "last week")
    assert bad.exit_code == 2 and "--since must be a date YYYY-MM-DD" in bad.stderr


def test_private_notes_lose_their_title_front_matter_and_comments_and_keep_line_numbers():
    """One reading of a private note for ``ono prep`` and ``ono review`` alike."""
    from ononotes.core.sections import private_body

    text = (
        "---\r\nprivate: true\r\n---\r\n# Private · alice · 2026-11-16\r\n"
        "<!-- only here\r\nstill a comment -->\r\n## Private worries\r\n- tired\r\n"
    )
    kept = [(number, line) for number, line in private_body(text) if line.strip()]
    assert kept == [(7, "## Private worries"), (8, "- tired")]
    assert private_body("no front matter\n# Private · x\n") == [(1, "no front matter")]
