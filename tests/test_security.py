"""Hostile input (issue 7): names that try to leave the vault, templates that try to read files or
run code, YAML that tries to build Python objects, note text that tries to become a link in the
dashboard. Each is refused with one line, no traceback, and nothing is written."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from ononotes.core.parse import parse_note, parse_profile

from .conftest import build_tree

NOTE = "---\ndate: 2026-11-03\n---\n## Action items\n- [ ] @alice keep me\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and ".git" not in p.parts
    }


def one_error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return line


# -- names that try to leave the vault ------------------------------------------------------------


@pytest.mark.parametrize("person", ["../../etc", "/etc/passwd", "..", "a/b", "~root", "C:\\\\x"])
def test_a_person_from_front_matter_is_never_a_path(vault, run, tmp_path, person):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": NOTE,
            "alice/2026-11-04.md": f'---\ndate: 2026-11-04\nperson: "{person}"\n---\n- [ ] SECRET\n',
        },
    )
    before = snapshot(tmp_path)
    check = run(vault, "check")
    assert check.exit_code == 1 and "Traceback" not in check.output
    assert check.stdout.splitlines()[0].startswith(
        "alice/2026-11-04.md:3: person must be a slug (lowercase letters, digits, '-', '_', '.')"
    )
    listed = run(vault, "list")
    assert listed.exit_code == 0 and "alice/2026-11-03.md" in listed.stdout
    assert "warning: alice/2026-11-04.md:3: person must be a slug" in listed.stderr
    assert "SECRET" not in run(vault, "todo").output
    # the unreadable note may be alice's latest: ono new will not carry items past it
    refused = run(vault, "new", "alice", "--no-edit")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.stderr.startswith("Error: alice/2026-11-04.md:3: person must be a slug")
    assert set(snapshot(tmp_path)) == set(before)
    assert run(vault, "new", "alice", "--no-edit", "--date", "2026-11-02").exit_code == 0
    assert set(snapshot(tmp_path)) - set(before) == {
        "vault/alice/2026-11-02.md",
        "vault/alice/profile.md",
    }


SLUG_ARGUMENTS = [
    ["new", "{s}", "--no-edit"],
    ["new", "{s}", "--dry-run"],
    ["person", "add", "{s}"],
    ["list", "{s}"],
    ["todo", "{s}"],
    ["prep", "{s}"],
    ["agenda", "{s}", "a point"],
    ["agenda", "alice", "a point", "--by", "{s}"],
    ["sync", "{s}"],
    ["share", "{s}", "/srv/none.git"],
]


@pytest.mark.parametrize(
    ("args", "slug"),
    [
        (args, slug)
        for args in SLUG_ARGUMENTS
        for slug in ("../outside", "/tmp/x", "..", "a/b", "Alice")
        if not (slug == "Alice" and "--by" in args)  # --by folds case: Alice is alice
    ],
)
def test_every_slug_argument_is_checked_before_a_path_is_built(vault, run, tmp_path, args, slug):
    build_tree(vault, {"alice/2026-11-03.md": NOTE})
    before = snapshot(tmp_path)
    line = one_error(run(vault, *[a.format(s=slug) for a in args]), code=2)
    assert "slug" in line and repr(slug) in line
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "../ono", "a/b", ".."])
def test_a_profile_template_is_never_a_path(vault, run, name):
    build_tree(vault, {"alice/profile.md": f'---\nname: Alice\ntemplate: "{name}"\n---\n'})
    before = snapshot(vault)
    line = one_error(run(vault, "new", "alice", "--no-edit"))
    assert line.startswith(f"Error: invalid template name {name!r}")
    assert snapshot(vault) == before


def test_a_person_folder_linked_out_of_the_vault_is_never_written_through(vault, run, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (vault / "alice").symlink_to(outside)
    for args in (
        ["new", "alice", "--no-edit"],
        ["new", "alice", "--dry-run"],
        ["person", "add", "alice"],
    ):
        result = run(vault, *args)
        line = one_error(result, code=2)
        assert line == (
            f"Error: alice/ is a symbolic link to {outside.resolve()}, outside the vault; "
            "ono writes notes only inside the vault"
        ), args
    # notes are never read through it either, so there is no one to add a point for
    line = one_error(run(vault, "agenda", "alice", "a point"), code=2)
    assert line == (
        "Error: no person 'alice' in this vault (`ono person add alice` to add a new person)"
    )
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in vault.iterdir()) == ["alice", "ono.toml"]


def test_a_person_folder_linked_inside_the_vault_works(vault, run):
    build_tree(vault, {"people/alice/2026-11-03.md": NOTE})
    (vault / "alice").symlink_to(vault / "people" / "alice")
    result = run(vault, "new", "alice", "--no-edit")
    assert result.exit_code == 0, result.output
    assert (vault / "people" / "alice" / "2026-11-10.md").is_file()


# -- templates that try to read files or run code -------------------------------------------------

ESCAPES = {
    "{{ self.__init__.__globals__ }}": "unsafe",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}": "unsafe",
    "{{ joiner.__init__.__globals__['os'].system('id') }}": "unsafe",
    "{{ namespace.__init__.__globals__ }}": "unsafe",
    "{{ lipsum.__globals__['os'].popen('id').read() }}": "unsafe",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}": "unsafe",
    "{{ '{0.__class__.__mro__}'.format('') }}": "unsafe",
    "{{ date.__class__.__base__.__subclasses__() }}": "unsafe",
    "{% include '/etc/passwd' %}": "template '/etc/passwd' not found",
    "{% include '../ono.toml' %}": "template '../ono.toml' not found",
    "{% include 'ono.toml' %}": "template 'ono.toml' not found",
    "{% extends '../../etc/passwd' %}": "not found",
    "{% import '/etc/hostname' as host %}": "not found",
    "{% from '../ono.toml' import me %}": "not found",
    "{% for i in range(10**9) %}{% endfor %}": "Range too big",
    "{{ config }}": "'config' is undefined",
}


@pytest.mark.parametrize("payload", list(ESCAPES))
def test_a_template_cannot_read_files_or_run_code(vault, run, payload):
    build_tree(
        vault,
        {
            "ono.toml": 'me = "dana"\n# SECRET-CONFIG\n',
            "templates/evil.md.j2": f"---\ndate: {{{{ date }}}}\n---\n{payload}\n",
        },
    )
    before = snapshot(vault)
    line = one_error(run(vault, "new", "bob", "--no-edit", "--template", "evil"))
    assert line.startswith("Error: templates/evil.md.j2:4: "), line
    assert ESCAPES[payload] in line
    assert "uid=" not in line and "root:" not in line and "SECRET-CONFIG" not in line
    assert snapshot(vault) == before


# -- YAML that tries to build Python objects ------------------------------------------------------

TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/new:os.system ["touch {marker}"]',
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:ononotes.core.model.Config {{me: x}}",
    '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]',
]


@pytest.mark.parametrize("tag", TAGS)
def test_yaml_python_tags_are_refused_not_run(vault, run, tmp_path, tag):
    marker = tmp_path / "pwned"
    value = tag.format(marker=marker)
    note, problems = parse_note(f"---\ndate: 2026-11-03\nx: {value}\n---\n", "a/x.md", "a")
    assert note is None
    assert problems[0].line == 3
    assert problems[0].message.startswith(
        "front matter is not valid YAML: could not determine a constructor for the tag"
    )
    profile, problems = parse_profile(f"---\nname: {value}\n---\n", "a/profile.md", "a")
    assert profile is None and "could not determine a constructor" in problems[0].message
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": NOTE,
            "alice/2026-11-04.md": f"---\ndate: 2026-11-04\nx: {value}\n---\n",
            "bob/profile.md": f"---\nname: {value}\n---\n",
        },
    )
    check = run(vault, "check")
    assert check.exit_code == 1 and "Traceback" not in check.output
    lines = check.stdout.splitlines()
    assert lines[0].startswith("alice/2026-11-04.md:3: front matter is not valid YAML")
    assert lines[1].startswith("bob/profile.md:2: front matter is not valid YAML")
    # refused, as the unreadable note may be alice's latest; bob's profile is read, not run
    assert run(vault, "new", "alice", "--no-edit").exit_code == 1
    assert run(vault, "new", "bob", "--no-edit").exit_code == 0
    assert not marker.exists()


# -- note text that tries to become a link or markup in the dashboard -----------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                self.urls.append(value)


HOSTILE = [
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(2)">x</a>',
    "<javascript:alert(3)>",
    "[x](JaVaScRiPt:alert(4)) ![i](javascript:alert(5))",
    '<iframe src="javascript:alert(6)"></iframe>',
]


def test_the_html_report_never_turns_note_text_into_a_javascript_link(vault, run, tmp_path):
    items = "".join(f"- [ ] @alice {text} due:2026-11-01\n" for text in HOSTILE)
    build_tree(
        vault,
        {
            "alice/profile.md": "---\nname: \"<a href='javascript:alert(7)'>Alice</a>\"\n---\n",
            "alice/2026-11-03.md": f"---\ndate: 2026-11-03\n---\n## Action items\n{items}",
            "alice/2026-11-10.md": f"---\ndate: 2026-11-10\n---\n## Action items\n{items}",
        },
    )
    page = tmp_path / "report.html"
    result = run(vault, "report", "--format", "html", "-o", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert 'href="javascript:' not in html.lower() and "href='javascript:" not in html.lower()
    links = Links()
    links.feed(html)
    assert not [url for url in links.urls if "javascript" in url.lower()]
    # note text goes through mistune: a Markdown link is a link, but only to a safe address
    assert "iframe" not in links.tags and "script" not in links.tags and "img" not in links.tags
    # the page's own links (to its notes, to its footnotes) apart, every link is note text
    own = (vault.resolve().as_uri() + "/", "#rule-", "#overdue", "#insights", "#everyone")
    from_notes = [url for url in links.urls if not url.startswith(own)]
    assert all(url.startswith(("#unsafe-link", "#harmful-link")) for url in from_notes), from_notes
    assert "a" in links.tags  # the [click](...) links are links, made harmless
    shown = "".join(links.text)
    # raw HTML is shown as text; a Markdown link shows its words
    assert all(text in shown for text in HOSTILE if not text.startswith(("[", "<javascript")))
    assert "click" in shown


def test_a_name_cannot_inject_lines_into_the_calendar(vault, run):
    build_tree(
        vault,
        {
            "alice/profile.md": '---\nname: "Alice\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:pwned"\n---\n',
            "alice/2026-11-03.md": NOTE,
        },
    )
    result = run(vault, "calendar", "--weeks", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines.count("BEGIN:VEVENT") == 2  # the 1:1s of 2026-11-10 and 2026-11-17
    assert not [line for line in lines if line.startswith("SUMMARY:pwned")]


def test_a_template_linked_out_of_its_folder_is_not_found(vault, run, tmp_path):
    secret = tmp_path / "secret.md.j2"
    secret.write_text("SECRET {{ date }}\n")
    build_tree(
        vault, {"templates/peek.md.j2": "---\ndate: {{ date }}\n---\n{% include 'leak.md.j2' %}\n"}
    )
    (vault / "templates" / "leak.md.j2").symlink_to(secret)
    line = one_error(run(vault, "new", "bob", "--no-edit", "--template", "leak"))
    assert line.startswith("Error: no template named 'leak'; available: ")
    line = one_error(run(vault, "new", "bob", "--no-edit", "--template", "peek"))
    assert line.startswith("Error: templates/peek.md.j2:4: template 'leak.md.j2' not found: ")
    assert not (vault / "bob").exists()


def test_what_is_allowed_links_inside_the_vault_and_templates_from_a_folder_you_name(
    vault, run, tmp_path
):
    """Not refused, on purpose: a note linked to another file in the vault is read, and
    ``templates =`` may name a folder outside the vault (a team's templates)."""
    team = build_tree(
        tmp_path / "team-templates", {"team.md.j2": "---\ndate: {{ date }}\n---\n# Team\n"}
    )
    build_tree(
        vault,
        {
            "ono.toml": f'me = "dana"\ntemplates = "{team}"\n',
            "archive/2026-11-03.md": NOTE,
        },
    )
    (vault / "alice").mkdir()
    (vault / "alice" / "2026-11-03.md").symlink_to(vault / "archive" / "2026-11-03.md")
    listed = run(vault, "list", "alice")
    assert listed.exit_code == 0 and "alice/2026-11-03.md" in listed.stdout
    result = run(vault, "new", "alice", "--no-edit", "--template", "team")
    assert result.exit_code == 0, result.output
    assert "# Team" in (vault / "alice" / "2026-11-10.md").read_text()


@pytest.mark.parametrize(
    "expression",
    ["{{ 'x' * 10**10 }}", "{{ 10 ** 100000 }}", "{{ [1] * 100000000 }}", "{{ 100000000 * 'ab' }}"],
)
def test_a_template_cannot_build_something_huge(vault, run, expression):
    build_tree(vault, {"templates/huge.md.j2": f"---\ndate: {{{{ date }}}}\n---\n{expression}\n"})
    result = run(vault, "new", "alice", "--no-edit", "--template", "huge")
    assert result.exit_code != 0
    assert (
        result.stderr.startswith("Error: templates/huge.md.j2:4: ") and "too large" in result.stderr
    )
    assert not (vault / "alice" / "2026-11-10.md").exists()


def test_ordinary_arithmetic_in_templates_still_works(vault, run):
    build_tree(
        vault,
        {"templates/sums.md.j2": "---\ndate: {{ date }}\n---\n{{ 2 ** 10 }} {{ '-' * 20 }}\n"},
    )
    result = run(vault, "new", "alice", "--no-edit", "--template", "sums")
    assert result.exit_code == 0, result.output
    assert "1024 --------------------" in (vault / "alice" / "2026-11-10.md").read_text()
