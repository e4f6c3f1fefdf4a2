"""``ono export --metrics`` (issue 19): numbers, never 1:1 content.

The export of ``examples/team`` is searched for every item's text and key, every heading, every
written line of every note, every person's name and slug, and every mood: none is there unless
the vault opts in (names with ``share_names``, mood only as a person's aggregate with
``share_insights``). The salt is made once, kept in ono.local.toml (and out of git), and never
written to an export; private notes are never read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ononotes.core.metrics import SCHEMA, all_fields, pseudonym, record_problem
from ononotes.store.vault import load_vault

from .conftest import build_tree

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "team"
TODAY = "2026-11-25"
PRIVATE_TEXT = "Worried about the divorce; be gentle about the deadline"


@pytest.fixture
def team(tmp_path) -> Path:
    root = tmp_path / "team"
    shutil.copytree(EXAMPLE, root)
    build_tree(
        root,
        {
            "private/alice/2026-11-16.md": (
                f"---\nperson: alice\ndate: 2026-11-16\nprivate: true\nmood: 1\n---\n"
                f"# Private\n- {PRIVATE_TEXT}\n- [ ] @me call her partner's doctor\n"
            )
        },
    )
    return root


def export(run, root: Path) -> tuple[str, list[dict]]:
    result = run(root, "export", "--format", "jsonl", "--metrics", today=TODAY)
    assert result.exit_code == 0, result.stderr
    return result.stdout, [json.loads(line) for line in result.stdout.splitlines()]


def written_lines(root: Path) -> list[str]:
    """Every line written in the notes' bodies, and every value of their front matter but the
    three a meeting record has (date, type and status)."""
    vault = load_vault(root)
    found = []
    for note in vault.notes:
        for line in note.lines[note.body_start :]:
            text = line.strip().lstrip("-*+#> ").strip()
            if len(text) >= 6:
                found.append(text)
        found += [
            value
            for key, value in note.meta.items()
            if isinstance(value, str) and key not in ("date", "type", "status")
        ]
    return found


def test_the_export_holds_no_words_of_the_notes(run, team):
    text, records = export(run, team)
    vault = load_vault(team)
    assert vault.notes and all(note.items for note in vault.notes[:3])
    items = [item for note in vault.notes for item in note.items]
    for item in items:
        assert item.text not in text
        assert item.key not in text
    for note in vault.notes:
        for heading in note.headings:
            assert heading.title not in text, heading.title
    lines = written_lines(team)
    assert len(lines) > 500
    leaked = [line for line in lines if line in text]
    assert leaked == []
    for slug, profile in vault.profiles.items():
        assert profile.name not in text
        assert slug not in text and slug.capitalize() not in text
    assert PRIVATE_TEXT not in text and "doctor" not in text
    assert "mood" not in text and "name" not in {k for r in records for k in r}
    # and every record is of the schema, with a kind and the vault
    kinds = {r["record"] for r in records}
    assert kinds == {"export", "person", "meeting", "item"}
    assert all(r["schema"] == SCHEMA and record_problem(r) == "" for r in records)
    fields = all_fields()
    assert all(set(r) <= set(fields) for r in records)


def test_the_counts_are_the_vaults_and_the_hashes_stable(run, team):
    text, records = export(run, team)
    header = records[0]
    assert header["record"] == "export"
    assert (header["vault"], header["manager"], header["as_of"], header["people"]) == (
        "team",
        "dana",
        TODAY,
        5,
    )
    assert (header["share_insights"], header["share_names"]) == (False, False)
    people = [r for r in records if r["record"] == "person"]
    meetings = [r for r in records if r["record"] == "meeting"]
    items = [r for r in records if r["record"] == "item"]
    vault = load_vault(team)
    assert len(people) == 5 and len(meetings) == len(vault.notes)
    assert len(items) == 71  # the report's team row: 71 items created
    assert {r["owner"] for r in items} == {"manager", "report", "unassigned"}
    assert {r["kind"] for r in meetings} == {"held", "cancelled", "unconfirmed"}
    # one salt, kept in ono.local.toml: the same export twice is the same bytes
    salt = (team / "ono.local.toml").read_text().split('"')[1]
    assert salt not in text
    alice = pseudonym(salt, "person", "alice")
    assert alice in {r["person"] for r in people}
    again, _ = export(run, team)
    assert again == text


def test_names_and_insights_only_when_the_vault_shares_them(run, team):
    with (team / "ono.toml").open("a") as handle:
        handle.write("share_insights = true\nshare_names = true\n")
    text, records = export(run, team)
    people = {r["person"]: r for r in records if r["record"] == "person"}
    assert sorted(people) == ["alice", "bob", "carol", "dev", "erin"]
    alice = people["alice"]
    assert alice["name"] == "Alice Moreno"
    assert (alice["their_points"], alice["my_points"]) == (48, 24)  # as `ono report` says
    assert (alice["mood_recent"], alice["mood_count"]) == (4.0, 4)  # her last 4
    # mood is never per meeting, items still have no text
    assert all("mood" not in r for r in records if r["record"] != "person")
    vault = load_vault(team)
    assert not any(item.text in text for note in vault.notes for item in note.items)


def test_the_salt_goes_to_the_top_of_the_local_settings_and_out_of_git(run, team):
    subprocess.run(["git", "init", "-q", str(team)], check=True)
    (team / ".gitignore").write_text(".ono/")  # no line break at its end
    (team / "ono.local.toml").write_text('me = "dana"\n\n[sections]\ngrowth = ["growth"]\n')
    export(run, team)
    local = (team / "ono.local.toml").read_text()
    assert local.index("metrics_salt") < local.index("[sections]")
    assert local.endswith('me = "dana"\n\n[sections]\ngrowth = ["growth"]\n')
    assert (team / ".gitignore").read_text() == (
        ".ono/\n# ononotes: this copy's own settings and the metrics salt\n/ono.local.toml\n"
    )
    ignored = subprocess.run(
        ["git", "-C", str(team), "check-ignore", "-q", "ono.local.toml"], check=False
    )
    assert ignored.returncode == 0
    before = local
    export(run, team)
    assert (team / "ono.local.toml").read_text() == before  # made once


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"ono.toml": 'metrics_salt = "00"\n'}, "ono.toml:1: metrics_salt must not be in ono.toml"),
        ({"ono.local.toml": 'metrics_salt = "abc"\n'}, "ono.local.toml:1: metrics_salt must be 64"),
        ({"ono.toml": 'share_insights = "yes"\n'}, "ono.toml:1: share_insights must be true or"),
    ],
)
def test_bad_metrics_settings_are_one_line(run, vault, files, message):
    build_tree(vault, files)
    result = run(vault, "export", "--metrics", today=TODAY)
    assert result.exit_code == 2  # checked with every setting, at its line (store/config.py)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_empty_vault_exports_its_header_alone(run, vault):
    result = run(vault, "export", "--metrics", today=TODAY)
    assert result.exit_code == 0, result.stderr
    (header,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (header["record"], header["people"], header["manager"]) == ("export", 0, "dana")


def test_the_columns_in_docs_scale_are_the_schemas():
    """docs/scale.md lists the warehouse's columns: every field, with its SQL type."""
    import re

    from ononotes.adapters.duckdb_rollup import table_columns

    text = (Path(__file__).resolve().parents[1] / "docs" / "scale.md").read_text()
    table = text[text.index("| column | type | in |") :].split("\n\n")[0].splitlines()[2:]
    documented = {}
    for row in table:
        names, type_ = row.split("|")[1:3]
        for name in re.findall(r"`(\w+)`", names):
            documented[name] = type_.strip()
    assert documented == table_columns()


PERSON = {
    "schema": 1,
    "record": "person",
    "export": "0123456789abcdef",
    "vault": "team",
    "person": "fedcba9876543210",
    "interval_days": 7,
    "active": True,
    "overdue": False,
    "held": 12,
    "cancelled": 2,
    "planned": 1,
    "unconfirmed": 0,
    "gaps": 11,
    "gaps_on_cadence": 10,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({}, ""),
        ({"held": True}, "person record: held must be a whole number of 0 or more"),
        ({"held": -1}, "person record: held must be a whole number of 0 or more"),
        ({"held": 2**31}, "person record: held must be a whole number of 0 or more"),
        ({"held": None}, "person record: held is null"),
        ({"active": 1}, "person record: active must be true or false"),
        ({"person": "\ud800"}, "person record: person must be text"),
        ({"text": "@alice ship it"}, "person record: text is not a field of schema 1"),
        (
            {"their_points": 3},
            "person record: developed is missing (a record has every insight field or none)",
        ),
        ({"name": "Alice Moreno"}, ""),
        ({"record": "note"}, "unknown record 'note'"),
    ],
)
def test_a_record_is_checked_field_by_field(change, problem):
    assert record_problem(PERSON | change) == problem
