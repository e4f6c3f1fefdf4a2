"""The HTML site (issue #18): ``ono report --format html -o DIR/`` (or ``--site DIR``) writes the
team's dashboard as ``index.html`` and a page per person in ``people/``.

Here, without a browser: what is written where and what is refused, that every link resolves
to a file and a line, that note text rendered by mistune can carry no script, that long lists
collapse, the size budgets, the private notes, and ``ono watch`` keeping a site current.
``tests/test_dashboard_browser.py`` opens the same pages in Chromium."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .conftest import build_tree

REPO = Path(__file__).resolve().parents[1]
TEAM = REPO / "examples" / "team"
TEAM_TODAY = "2026-11-22"
GENERATOR = REPO / "benchmarks" / "make_vault.py"
INDEX_BUDGET = 1_500_000  # bytes, on the 200-person benchmark vault
PERSON_BUDGET = 300_000
UNSAFE_TAGS = {"script", "iframe", "img", "object", "embed", "style", "link", "form", "input"}


def make_vault_module():
    spec = importlib.util.spec_from_file_location("make_vault", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Page(HTMLParser):
    """A page's tags, attributes, ids, links (with their text) and text (tooltips, the
    ``<title>`` of a page or an SVG mark, apart)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.text: list[str] = []
        self.titles: list[str] = []
        self._in_title = False
        self._link: list[str] | None = None
        self._href = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name == "id":
                self.ids.add(value or "")
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._link = []
        self._in_title = self._in_title or tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "a" and self._link is not None:
            self.links.append((self._href, "".join(self._link)))
            self._link = None

    def handle_data(self, data):
        (self.titles if self._in_title else self.text).append(data)
        if self._link is not None:
            self._link.append(data)


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def assert_no_active_content(page: Page, style_sheets: int = 0) -> None:
    """No tag that runs or loads anything (but the page's own style sheet), no event handler,
    links only to safe places."""
    assert page.tags.count("style") == style_sheets
    found = UNSAFE_TAGS - {"style"} & set(page.tags)
    assert not found, found
    handlers = [(t, n) for t, n, _ in page.attributes if n.lower().startswith("on")]
    assert handlers == []
    for _tag, name, value in page.attributes:
        if name in ("href", "src", "action", "formaction", "xlink:href"):
            scheme = urlparse(value.strip()).scheme.lower()
            assert scheme in ("", "http", "https", "mailto", "file", "vscode"), value


def build_team_site(folder: Path) -> Path:
    """The example vault's site in ``folder``, as of the day the docs use, by the real CLI."""
    from click.testing import CliRunner

    from ononotes.cli import cli

    result = CliRunner().invoke(
        cli,
        ["--vault", str(TEAM), "report", "--format", "html", "-o", f"{folder}/"],
        env={"ONO_TODAY": TEAM_TODAY},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {folder / 'index.html'}" in result.stderr
    return folder


@pytest.fixture(scope="module")
def team_site(tmp_path_factory) -> Path:
    return build_team_site(tmp_path_factory.mktemp("team-site"))


# -- what is written ----------------------------------------------------------------------------------


def test_the_site_is_an_index_and_a_page_per_person(team_site):
    people = sorted(p.name for p in (team_site / "people").iterdir())
    assert people == ["alice.html", "bob.html", "carol.html", "dev.html", "erin.html"]
    index = read(team_site / "index.html")
    assert {href for href, _ in index.links if href.startswith("people/")} == {
        f"people/{name}" for name in people
    }
    bob = read(team_site / "people" / "bob.html")
    assert ("../index.html", "← Team dashboard · team") in bob.links
    text = "".join(bob.text)
    for heading in ("Needs you now", "Meetings", "Goals", "Action items", "Notes, newest first"):
        assert heading in text
    # the ranked list on the index: Bob first, each reason with its evidence
    index_text = " ".join("".join(index.text).split())
    assert index_text.index("Who needs you now") < index_text.index("Bob Okafor")
    assert "1:1 overdue: 23 days since 2026-10-30 (biweekly)" in index_text


def test_site_and_o_folder_are_the_same(team_site, tmp_path, run):
    other = tmp_path / "site"
    other.mkdir()
    result = run(TEAM, "report", "--site", str(other), today=TEAM_TODAY)
    assert result.exit_code == 0, result.output
    for page in [
        Path("index.html"),
        *(Path("people") / p.name for p in (team_site / "people").iterdir()),
    ]:
        assert (other / page).read_text() == (team_site / page).read_text().replace(
            str(team_site), str(other)
        ), page


def test_the_one_file_dashboard_stays(run, tmp_path):
    page = tmp_path / "dashboard.html"
    result = run(TEAM, "report", "--format", "html", "-o", str(page), today=TEAM_TODAY)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dashboard.html"]
    parsed = read(page)
    assert not [href for href, _ in parsed.links if href.startswith("people/")]
    assert "Who needs you now" in "".join(parsed.text)


# -- every link resolves ------------------------------------------------------------------------------


def link_targets(page_path: Path, page: Page) -> list[tuple[Path, int | None, str]]:
    """(file, line or None, href) of each link to a file; each link to the page's own anchors
    checked against its ids."""
    found = []
    for href, text in page.links:
        if href.startswith("#"):
            assert href[1:] in page.ids, f"{page_path.name}: no id for {href}"
            continue
        url = urlparse(href)
        if url.scheme in ("http", "https", "mailto"):
            continue  # written in a note: the web is not ours to check
        if url.scheme == "file":
            path = Path(unquote(url.path))
            match = re.fullmatch(r".*:(\d+)", text.strip())
            found.append((path, int(match.group(1)) if match else None, href))
        elif url.scheme == "vscode":
            path, _, line = unquote(url.path).rpartition(":")
            found.append((Path(path), int(line), href))
        else:
            assert url.scheme == "", href
            found.append(((page_path.parent / unquote(href)).resolve(), None, href))
    return found


def assert_links_resolve(folder: Path) -> int:
    count = 0
    for page_path in [folder / "index.html", *sorted((folder / "people").glob("*.html"))]:
        for path, line, href in link_targets(page_path, read(page_path)):
            assert path.is_file(), f"{page_path.name}: {href} -> {path} does not exist"
            if line is not None:
                lines = path.read_text(encoding="utf-8").splitlines()
                assert 1 <= line <= len(lines), f"{page_path.name}: {href} line {line}"
            count += 1
    return count


def test_every_link_goes_to_an_existing_file_and_line(team_site):
    assert assert_links_resolve(team_site) > 200


def test_each_path_line_is_a_link_to_the_note(team_site):
    """No ``path:line`` shown as plain text: each is the text of a link to that file."""
    for page_path in [team_site / "index.html", *(team_site / "people").glob("*.html")]:
        page = read(page_path)
        linked = {text.strip() for _, text in page.links}
        shown = re.findall(r"(?<![\w/])[a-z]+/\d{4}-\d\d-\d\d\.md(?::\d+)?", " ".join(page.text))
        assert shown and set(shown) <= linked, set(shown) - linked


def test_editor_url_makes_editor_links(tmp_path, run):
    vault = tmp_path / "team"
    shutil.copytree(TEAM, vault)
    config = vault / "ono.toml"
    config.write_text(config.read_text() + 'editor_url = "vscode://file/{path}:{line}"\n')
    site = tmp_path / "site"
    site.mkdir()
    assert run(vault, "report", "--site", str(site), today=TEAM_TODAY).exit_code == 0
    bob = read(site / "people" / "bob.html")
    editor = [href for href, _ in bob.links if href.startswith("vscode://file/")]
    assert f"vscode://file/{vault.resolve()}/bob/2026-10-30.md:36" in editor
    assert not [href for href, _ in bob.links if href.startswith("file:")]
    assert assert_links_resolve(site) > 100


# -- readable words ------------------------------------------------------------------------------------


def test_item_text_leaves_its_dates_to_their_columns(team_site):
    html = (team_site / "index.html").read_text()
    cells = re.findall(r'<td class="item-text">(.*?)</td>', html, re.S)
    assert cells and not [c for c in cells if re.search(r"\bdue:|📅|\bcreated:", c)]
    assert "@bob write the ADR for moving CI runners to spot instances" in html


def test_labels_are_plain_words_with_the_rule_a_click_away(team_site):
    html = (team_site / "index.html").read_text()
    page = Page(html)
    notes = re.findall(r'<div class="note">(.*?)</div>', html, re.S)
    assert notes and not [n for n in notes if "÷" in n or "≤" in n or "interval +" in n]
    rules = [href for href, _ in page.links if href.startswith("#rule-")]
    assert len(rules) >= 12 and {r[1:] for r in rules} <= page.ids
    assert "gap ≤ interval + ⌈interval ÷ 4⌉" in "".join(page.text)  # in the footnote


# -- note text rendered by mistune ---------------------------------------------------------------------


def hostile_bodies() -> list[str]:
    from .test_dashboard_browser import IMG, SCRIPT
    from .test_robustness import FINE, MESSY
    from .test_security import HOSTILE

    texts = [*HOSTILE, SCRIPT, IMG]
    texts += [c for c, _, _ in MESSY.values() if isinstance(c, str) and len(c) < 10_000]
    texts += [c for c in FINE.values() if isinstance(c, str)]
    texts += [
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[a](<javascript:alert(1)>)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '[x](https://a.example "t\\" onmouseover=alert(1) x=\\"")',
        "<svg onload=alert(1)>",
        "<div onmouseover='x'>hi</div>\n\n<style>body{}</style>",
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
        "- [ ] <script>x</script>\n- [x] [y](vbscript:msgbox)",
        "```html\n<script>alert(1)</script>\n```",
        "<!-- <script>alert(1)</script> -->",
        "# <b onclick=alert(1)>heading</b>",
    ]
    return texts


def test_mistune_output_has_no_script_handler_or_javascript_link():
    from ononotes.render.note_html import note_body_html

    for text in hostile_bodies():
        html = str(note_body_html(text))
        assert_no_active_content(Page(html))
        assert not re.search(r'href="\s*(?:javascript|vbscript|data):', html, re.I), html


def test_a_site_of_hostile_notes_has_no_active_content(tmp_path, run):
    from .test_dashboard_browser import IMG, SCRIPT

    body = "\n\n".join(hostile_bodies()[:30])
    vault = build_tree(
        tmp_path / "vault",
        {
            "ono.toml": 'me = "dana"\n',
            "mal/profile.md": f'---\nname: "Mal {SCRIPT}"\nrole: "{IMG}"\n'
            'goals: ["<script>alert(3)</script> javascript"]\n---\n',
            "mal/2026-11-02.md": f"---\ndate: 2026-11-02\nmood: 2\n---\n{body}\n"
            f"## Action items\n- [ ] @mal {SCRIPT} javascript:alert(1) due:2026-11-01\n",
            "mal/2026-11-09.md": f"---\ndate: 2026-11-09\n---\n## Their agenda\n- {IMG}\n"
            f"## Action items\n- [ ] @mal {SCRIPT} javascript:alert(1) due:2026-11-01\n",
        },
    )
    site = tmp_path / "site"
    site.mkdir()
    result = run(vault, "report", "--site", str(site))
    assert result.exit_code == 0, result.output
    for page_path in [site / "index.html", site / "people" / "mal.html"]:
        page = read(page_path)
        assert_no_active_content(page, style_sheets=1)
        assert SCRIPT in "".join(page.text)  # shown as text


# -- private notes -------------------------------------------------------------------------------------


PRIVATE = (
    "---\nprivate: true\nperson: alice\nmeeting: alice/2026-11-03.md\nmeeting_date: 2026-11-03\n"
    "---\n# Private · alice · 2026-11-03\n\nThinking about her promotion case.\n"
)


def test_private_notes_show_on_the_managers_machine_marked_private(vault, run, tmp_path):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": "---\ndate: 2026-11-03\n---\n## Action items\n- [ ] @alice a\n",
            "private/alice/2026-11-03.md": PRIVATE,
        },
    )
    site = tmp_path / "site"
    site.mkdir()
    assert run(vault, "report", "--site", str(site)).exit_code == 0
    html = (site / "people" / "alice.html").read_text()
    assert "Thinking about her promotion case." in html
    assert html.count("PRIVATE") >= 3 and "Do not share it." in html
    assert "private: true" not in html  # the front matter is not shown
    assert "promotion case" not in (site / "index.html").read_text()


def test_a_shared_repository_builds_no_private_notes(tmp_path, run):
    repo = build_tree(
        tmp_path / "manager" / "alice-shared",
        {
            "ono.toml": 'me = "dana"\nperson = "alice"\nmanager = "dana"\n',
            "2026-11-03.md": "---\ndate: 2026-11-03\n---\n## Action items\n- [ ] @alice a\n",
        },
    )
    build_tree(
        tmp_path / "manager", {"ono.toml": 'me = "dana"\n', "private/alice/2026-11-03.md": PRIVATE}
    )
    site = tmp_path / "site"
    site.mkdir()
    result = run(repo, "report", "--site", str(site))
    assert result.exit_code == 0, result.output
    for page in (site / "people").glob("*.html"):
        text = page.read_text()
        assert "promotion case" not in text and "PRIVATE" not in text


# -- where the site may be written ---------------------------------------------------------------------


def test_a_missing_folder_is_refused_and_none_is_created(vault, run, tmp_path):
    result = run(vault, "report", "--format", "html", "-o", f"{tmp_path}/nowhere/")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--site", "{site}", "--format", "md"], "--site writes HTML pages"),
        (["--site", "{site}", "-o", "{site}/x.html"], "give one of them"),
        (["cadence", "--site", "{site}"], "shows both reports"),
        (["--format", "md", "-o", "{site}"], "names a folder"),
        (["-o", "{site}/"], "names a folder"),
    ],
)
def test_contradictory_options_are_refused(vault, run, tmp_path, args, words):
    site = tmp_path / "site"
    site.mkdir()
    result = run(vault, "report", *(a.format(site=site) for a in args))
    assert result.exit_code == 2 and words in result.stderr, result.output
    assert list(site.iterdir()) == []


def test_people_must_be_a_folder_and_fifos_are_never_written(vault, run, tmp_path):
    build_tree(vault, {"alice/2026-11-03.md": "---\ndate: 2026-11-03\n---\n- [ ] @alice a\n"})
    site = tmp_path / "site"
    site.mkdir()
    (site / "people").write_text("a file")
    result = run(vault, "report", "--site", str(site))
    assert result.exit_code == 2 and "is not a folder" in result.stderr
    (site / "people").unlink()
    (site / "people").mkdir()
    os.mkfifo(site / "index.html")
    result = run(vault, "report", "--site", str(site))
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_the_site_is_written_through_a_symlinked_folder(vault, run, tmp_path):
    build_tree(vault, {"alice/2026-11-03.md": "---\ndate: 2026-11-03\n---\n- [ ] @alice a\n"})
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert run(vault, "report", "--format", "html", "-o", str(link)).exit_code == 0
    assert (real / "index.html").is_file() and (real / "people" / "alice.html").is_file()


def site_of_alice_and_bob(vault: Path, run, tmp_path: Path) -> Path:
    """The site of a vault of Alice and Bob, one note each."""
    note = "---\ndate: 2026-11-03\n---\n- [ ] @{0} a\n"
    build_tree(
        vault,
        {"alice/2026-11-03.md": note.format("alice"), "bob/2026-11-03.md": note.format("bob")},
    )
    site = tmp_path / "site"
    site.mkdir()
    assert run(vault, "report", "--site", str(site)).exit_code == 0
    return site


def test_pages_of_people_gone_are_removed_and_other_files_kept(vault, run, tmp_path):
    site = site_of_alice_and_bob(vault, run, tmp_path)
    (site / "people" / "mine.html").write_text("<p>my own page</p>")
    shutil.rmtree(vault / "bob")
    assert run(vault, "report", "--site", str(site)).exit_code == 0
    assert sorted(p.name for p in (site / "people").iterdir()) == ["alice.html", "mine.html"]


def test_a_site_of_one_person_leaves_the_other_pages(vault, run, tmp_path):
    site = site_of_alice_and_bob(vault, run, tmp_path)
    assert run(vault, "report", "--site", str(site), "--person", "alice").exit_code == 0
    assert sorted(p.name for p in (site / "people").iterdir()) == ["alice.html", "bob.html"]


def test_a_roll_up_site_has_a_page_per_vault_person(tmp_path, run):
    note = "---\ndate: 2026-11-03\n---\n## Action items\n- [ ] @alice a due:2026-11-01\n"
    one = build_tree(tmp_path / "one", {"ono.toml": 'me = "dana"\n', "alice/2026-11-03.md": note})
    two = build_tree(tmp_path / "two", {"ono.toml": 'me = "dana"\n', "alice/2026-11-03.md": note})
    site = tmp_path / "site"
    site.mkdir()
    from click.testing import CliRunner

    from ononotes.cli import cli

    result = CliRunner().invoke(
        cli,
        ["--vault", str(one), "--vault", str(two), "report", "--site", str(site)],
        env={"ONO_TODAY": "2026-11-10"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (site / "people").iterdir()) == [
        "one--alice.html",
        "two--alice.html",
    ]
    assert assert_links_resolve(site) > 4


# -- ono watch keeps a site current --------------------------------------------------------------------


def test_watch_rebuilds_the_site_in_its_folder(vault, tmp_path):
    from ononotes.app.report import run_report
    from ononotes.app.watch import rebuild_dashboard

    build_tree(vault, {"alice/2026-11-03.md": "---\ndate: 2026-11-03\n---\n- [ ] @alice a\n"})
    site = tmp_path / "site"
    site.mkdir()
    day = dt.date(2026, 11, 10)
    lines = rebuild_dashboard(vault, site, None, day, run_report)
    assert lines[-1].endswith(f"updated {site}")
    assert (site / "people" / "alice.html").is_file()
    build_tree(vault, {"bob/2026-11-04.md": "---\ndate: 2026-11-04\n---\n- [ ] @bob b\n"})
    rebuild_dashboard(vault, site, None, day, run_report)
    assert (site / "people" / "bob.html").is_file()
    assert "people/bob.html" in (site / "index.html").read_text()


def test_watch_refuses_a_missing_site_folder(vault, tmp_path):
    from ononotes.app.report import run_report
    from ononotes.app.watch import watch_vault
    from ononotes.errors import UsageError

    with pytest.raises(UsageError, match="does not exist"):
        watch_vault(vault, dt.date.today, print, run_report, output=f"{tmp_path}/gone/")
    assert not (tmp_path / "gone").exists()


# -- at scale --------------------------------------------------------------------------------------------


def build_generated_site(root: Path) -> Path:
    """A generated vault of 40 people over 60 weeks (the benchmark's shape, smaller), as its
    site on the day after its last week."""
    from ononotes.app.report import run_report

    make_vault_module().make_vault(root / "vault", people=40, weeks=60, seed=3)
    site = root / "site"
    site.mkdir()
    run_report([root / "vault"], None, dt.date(2025, 12, 31), site=site)
    return site


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory) -> Path:
    return build_generated_site(tmp_path_factory.mktemp("generated"))


def test_long_lists_collapse_with_a_count(generated_site):
    html = (generated_site / "index.html").read_text()
    assert html.count('<div class="lane') - html.count('<div class="lane axis') == 30
    assert "and 10 more people" in html  # the timeline: the others are in the table
    page = Page(html)
    assert len([h for h, _ in page.links if h.startswith("people/")]) >= 40  # everyone linked
    assert re.search(r"<summary>and \d+ more</summary>", html)  # who needs you: the rest
    person = (generated_site / "people" / "person-000.html").read_text()
    assert person.count('<article class="meeting"') == 26
    assert "older notes</summary>" in person


def test_pages_keep_their_size_budget(generated_site):
    assert (generated_site / "index.html").stat().st_size <= INDEX_BUDGET
    largest = max((generated_site / "people").glob("*.html"), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size <= PERSON_BUDGET, largest


@pytest.mark.skipif(
    not os.environ.get("ONO_SITE_BUDGET_200"),
    reason="the 200-person benchmark vault takes half a minute: set ONO_SITE_BUDGET_200=1 "
    "(benchmarks/site.py measures the same)",
)
def test_budgets_on_the_200_person_benchmark_vault(tmp_path):
    from ononotes.app.report import run_report

    make_vault_module().make_vault(tmp_path / "vault", people=200, weeks=104, seed=1)
    site = tmp_path / "site"
    site.mkdir()
    run_report([tmp_path / "vault"], None, dt.date(2026, 11, 1), site=site)
    assert (site / "index.html").stat().st_size <= INDEX_BUDGET
    largest = max((site / "people").glob("*.html"), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size <= PERSON_BUDGET, largest
