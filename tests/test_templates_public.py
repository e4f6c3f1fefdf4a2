"""Interop (issue 7): each public 1:1 template of ../shared/corpus/templates_public, dropped into a
vault's templates/ as it is, either renders into a meeting note that carries items like any other,
or is refused with one `templates/NAME.md.j2[:LINE]: message` line and nothing written.

The corpus files are read at test time (the tests skip when the corpus is not there); only their
names and what ono does with each are written here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from ononotes.core.markdown import scan
from ononotes.store.vault import load_vault

from .conftest import build_tree, corpus_dir

PUBLIC = "templates_public"
NAME = "public"  # every corpus file becomes templates/public.md.j2 in its own vault
NOTE = "note"  # renders into a meeting note (detail: the note's type)
SYNTAX = "syntax"  # Jinja2 cannot parse it (detail: the line)
REFUSED = "refused"  # renders, but not into this meeting (detail: words of the message)

EXPECTED = {
    # Templater: the front matter comes out of <%"---"%>, so the file has none at byte 0
    "Educentr__obsidian-setting-pack__121.md": (NOTE, "1:1"),
    # Handlebars {{match FNAME "..."}} in wikilinks
    "dendronhq__handbook__templates.one-on-one.md": (SYNTAX, 11),
    # Jekyll front matter (layout, title), no date
    "hackerbay__Employee-Handbook__1-1-index.html.md": (NOTE, "1:1"),
    # a Templater JS block before its front matter
    "jamiebono__my-brain-template__tpl-1on1.md": (NOTE, "1:1"),
    # no front matter; placeholder tasks "- [ ] [Follow-up action]"
    "johnkoht__arete__1-1-note.md": (NOTE, "1:1"),
    # filled notes, not templates: their own fixed date
    "johnkoht__arete__2026-01-08-weekly-1-1-with-alex.md": (REFUSED, "is dated 2026-01-08"),
    "johnkoht__arete__2026-01-15-weekly-1-1-with-alex-auth-blocker.md": (
        REFUSED,
        "is dated 2026-01-15",
    ),
    "johnkoht__arete__2026-01-22-weekly-1-1-with-alex-auth-unblocked.md": (
        REFUSED,
        "is dated 2026-01-22",
    ),
    "johnkoht__arete__2026-02-02-1-1-with-alex.md": (REFUSED, "is dated 2026-02-02"),
    # front matter with a nested mapping and a type of its own
    "johnkoht__arete__one-on-one.md": (NOTE, "one-on-one"),
    # date: <% tp.date.now('YYYY-MM-DD') %> is Templater's to fill in
    "mbrannigan__obsidian-vault-template__1-1.md": (REFUSED, "date must be an ISO date"),
    # an Obsidian Tasks pool with [ ] [/] [~] [x] [-] items
    "mbrannigan__obsidian-vault-template__Tasks.md": (NOTE, "1:1"),
    # "Employee:/Date:" lines instead of front matter, actions in a table
    "mickietrill__engineering-management-docs__one-on-one-notes-example.md": (NOTE, "1:1"),
    "mickietrill__engineering-management-docs__one-on-one-notes-template.md": (NOTE, "1:1"),
    # Handlebars {{#if mood}} in its front matter
    "wbollock__obsidian-one-on-one-manager__meeting-template.md": (SYNTAX, 4),
}
RENDERS = sorted(name for name, (outcome, _) in EXPECTED.items() if outcome == NOTE)
SERIES = [
    "johnkoht__arete__2026-01-08-weekly-1-1-with-alex.md",
    "johnkoht__arete__2026-01-15-weekly-1-1-with-alex-auth-blocker.md",
    "johnkoht__arete__2026-01-22-weekly-1-1-with-alex-auth-unblocked.md",
    "johnkoht__arete__2026-02-02-1-1-with-alex.md",
]


def public_text(name: str) -> str:
    return (corpus_dir(PUBLIC) / name).read_text(encoding="utf-8")


def vault_with_template(vault: Path, name: str) -> Path:
    return build_tree(vault, {f"templates/{NAME}.md.j2": public_text(name)})


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def items_of(text: str):
    """The items of a note's text, front matter included in the lines (as carry sees it)."""
    from ononotes.core.parse import parse_note

    note, problems = parse_note(text, "alex/x.md", "alex")
    assert note is not None, problems
    return note.items


def state_per_key(items) -> dict[str, str]:
    states: dict[str, str] = {}
    for item in items:
        # within one note a key counts once: done over cancelled over open (SPEC §5)
        rank = {"done": 2, "cancelled": 1, "open": 0}
        if item.key not in states or rank[item.state] > rank[states[item.key]]:
            states[item.key] = item.state
    return states


def check_carried(previous_text: str, new_text: str, template_text: str) -> None:
    """SPEC §4's invariant, allowing for items the template itself writes: every open key of
    the previous note is in the new one exactly once and open (under the same heading when the
    template has it); done and cancelled keys are there only as often as the template has them.
    """
    previous = items_of(previous_text)
    new = items_of(new_text)
    baseline = Counter(item.key for item in items_of(template_text))
    titles = {h.title.casefold() for h in scan(template_text.split("\n")).headings}
    counts = Counter(item.key for item in new)
    open_keys = {item.key for item in previous if item.is_open}
    for key in open_keys:
        assert counts[key] == max(1, baseline[key]), (key, new_text)
        assert all(item.is_open for item in new if item.key == key), (key, new_text)
        before = {item.section for item in previous if item.key == key and item.is_open}
        if {title.casefold() for title in before} <= titles:  # a talking point stays one
            after = {item.section for item in new if item.key == key}
            assert {t.casefold() for t in after} <= {t.casefold() for t in before}, (key, after)
    for key in {item.key for item in previous} - open_keys:
        assert counts[key] == baseline[key], (key, new_text)


# -- each template, as it is ----------------------------------------------------------------------


def test_every_public_template_has_an_expected_outcome():
    names = {p.name for p in corpus_dir(PUBLIC).glob("*.md")} - {"SOURCES.md"}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_public_template_renders_a_meeting_or_is_refused_cleanly(vault, run, name):
    outcome, detail = EXPECTED[name]
    vault_with_template(vault, name)
    before = snapshot(vault)
    result = run(vault, "new", "alex", "--no-edit", "--template", NAME)
    assert "Traceback" not in result.output
    if outcome != NOTE:
        assert result.exit_code == 1, result.output
        (line,) = result.stderr.splitlines()
        if outcome == SYNTAX:
            assert re.match(rf"Error: templates/{NAME}\.md\.j2:{detail}: \S", line), line
        else:
            assert line.startswith(f"Error: templates/{NAME}.md.j2: the note it renders "), line
            assert detail in line and line.endswith("; nothing written"), line
        assert snapshot(vault) == before
        return
    assert result.exit_code == 0, result.output
    path = vault / "alex" / "2026-11-10.md"
    assert result.stdout.strip() == str(path)
    [note] = load_vault(vault).notes
    assert (note.path, note.person, str(note.date), note.type) == (
        "alex/2026-11-10.md",
        "alex",
        "2026-11-10",
        detail,
    )
    # the template's own text is kept byte for byte; only the date line is added
    original = public_text(name)
    original = original if original.endswith("\n") else original + "\n"
    written = path.read_text(encoding="utf-8")
    if original.startswith("---\n"):
        assert written == "---\ndate: 2026-11-10\n" + original.removeprefix("---\n")
    else:
        assert written == "---\ndate: 2026-11-10\n---\n" + original
    check = run(vault, "check")
    assert check.exit_code == 0, check.output


def test_a_template_without_date_gets_the_type_of_a_meeting_that_is_not_a_plain_1on1(vault, run):
    vault_with_template(
        vault, "mickietrill__engineering-management-docs__one-on-one-notes-template.md"
    )
    result = run(vault, "new", "alex", "--no-edit", "--template", NAME, "--type", "skip-level")
    assert result.exit_code == 0, result.output
    text = (vault / "alex" / "2026-11-10.md").read_text()
    assert text.startswith("---\ndate: 2026-11-10\ntype: skip-level\n---\nEmployee:\n")
    again = run(vault, "new", "alex", "--no-edit", "--template", NAME, "--type", "skip-level")
    assert again.exit_code == 2 and "alex/2026-11-10.md already exists" in again.stderr


def test_a_template_with_a_type_of_its_own_still_refuses_a_second_note_that_day(vault, run):
    vault_with_template(vault, "johnkoht__arete__one-on-one.md")
    assert run(vault, "new", "alex", "--no-edit", "--template", NAME).exit_code == 0
    before = snapshot(vault)
    again = run(vault, "new", "alex", "--no-edit", "--template", NAME)
    assert again.exit_code == 2
    assert again.stderr == (
        "Error: alex/2026-11-10.md already exists for alex on 2026-11-10; not overwritten\n"
    )
    assert snapshot(vault) == before


def test_dry_run_refuses_the_same_way_and_writes_nothing(vault, run):
    vault_with_template(vault, "mbrannigan__obsidian-vault-template__1-1.md")
    result = run(vault, "new", "alex", "--dry-run", "--template", NAME)
    assert result.exit_code == 1 and result.stdout == ""
    assert "date must be an ISO date" in result.stderr
    assert not (vault / "alex").exists()


# -- carrying items through each template that renders --------------------------------------------

BLOCK = [
    "- [ ] @alex open {n} with context due:2026-11-20",
    "  a continuation line",
    "  - a plain sub-bullet",
    "  - [x] done child {n}",
    "    - [ ] open under a done child {n}",
    "  - [ ] open child {n}",
    "    1. [ ] deep ordered {n}",
    "- [x] @me done {n} done:2026-11-04",
    "- [-] cancelled {n}",
    "* [/] half way {n}",
    "1. [ ] numbered {n}",
    "- [x] last one, done {n}",
    "",
]


def with_items(text: str) -> str:
    """``text`` with a block of open, done, cancelled and nested items after each of its first
    three ATX headings (as someone would fill in the note during the meeting)."""
    lines = text.split("\n")
    from ononotes.core.parse import read_document

    body_start = read_document(text).body_start
    headings = [h for h in scan(lines, body_start).headings if lines[h.index].lstrip()[:1] == "#"]
    assert headings, "no heading to write items under"
    for number, heading in reversed(list(enumerate(headings[:3]))):
        block = [line.format(n=f"h{number}") for line in BLOCK]
        lines[heading.index + 1 : heading.index + 1] = block
    return "\n".join(lines)


@pytest.mark.parametrize("name", RENDERS)
def test_items_carry_through_each_public_template_that_renders(vault, run, name):
    vault_with_template(vault, name)
    first = run(vault, "new", "alex", "--no-edit", "--template", NAME, "--date", "2026-11-03")
    assert first.exit_code == 0, first.output
    path = vault / "alex" / "2026-11-03.md"
    template_text = path.read_text()
    previous_text = with_items(template_text)
    path.write_text(previous_text)
    assert run(vault, "check").exit_code == 0

    second = run(vault, "new", "alex", "--no-edit", "--template", NAME)
    assert second.exit_code == 0, second.output
    new_text = (vault / "alex" / "2026-11-10.md").read_text()
    check_carried(previous_text, new_text, template_text)
    assert (vault / "alex" / "2026-11-03.md").read_text() == previous_text  # never modified
    assert "- [ ] @alex open h0 with context due:2026-11-20\n  a continuation line\n" in new_text

    # and on, from that note, with the packaged template
    third = run(vault, "new", "alex", "--no-edit", "--date", "2026-11-17")
    assert third.exit_code == 0, third.output
    third_text = (vault / "alex" / "2026-11-17.md").read_text()
    packaged = run(vault, "new", "zed", "--dry-run", "--date", "2026-11-17", "--template", "1on1")
    check_carried(new_text, third_text, packaged.stdout)
    assert run(vault, "check").exit_code == 0


def test_the_arete_series_carries_from_each_meeting_to_the_next(vault, run):
    """The four real weekly notes with Alex as the previous notes, in turn: the next meeting
    (the day after each) is written with the packaged template or a public one, and carries
    exactly the open items of that week's note."""
    build_tree(
        vault,
        {
            f"templates/{NAME}.md.j2": public_text("johnkoht__arete__1-1-note.md"),
            "templates/mick.md.j2": public_text(
                "mickietrill__engineering-management-docs__one-on-one-notes-template.md"
            ),
        },
    )
    templates = [[], ["--template", NAME], [], ["--template", "mick"]]
    for source, template in zip(SERIES, templates, strict=True):
        text = public_text(source)
        date = re.search(r'^date: "(\d{4}-\d{2}-\d{2})"$', text, re.M).group(1)
        build_tree(vault, {f"alex/{date}.md": text})
        day = int(date[-2:]) + 1
        after = f"{date[:-2]}{day:02d}"
        result = run(
            vault, "new", "alex", "--no-edit", "--date", after, *template, today="2026-02-10"
        )
        assert result.exit_code == 0, result.output
        new_text = (vault / "alex" / f"{after}.md").read_text()
        rendered = run(
            vault, "new", "zed", "--dry-run", "--date", after, *template, today="2026-02-10"
        ).stdout  # the same template with nothing to carry
        check_carried(text, new_text, rendered)
        assert (vault / "alex" / f"{date}.md").read_text() == text
    report = run(vault, "report", "actions", "--format", "json", today="2026-02-10")
    assert report.exit_code == 0, report.output
    items = {item["key"]: item for item in json.loads(report.stdout)["items"]}
    assert items["alex: open auth vendor risk ticket"]["state"] == "dropped"
    still_open = sorted(key for key, item in items.items() if item["state"] == "open")
    assert still_open == [
        "alex: share wip screens for design review",
        "jane: unblock auth vendor question by eow",
    ]
    assert all(items[key]["times_carried"] == 1 for key in still_open)
