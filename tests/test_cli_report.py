"""``ono report`` through the real CLI on the hand-made vault of ``report_vault.py``."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ononotes.app.report import read_vaults
from ononotes.store.vault import load_vault

from .conftest import build_tree
from .report_vault import build_report_vault

TODAY = "2026-03-31"
ONO = [sys.executable, "-c", "from ononotes.cli import main; main()"]


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return build_report_vault(tmp_path / "team")


def report(run, vault: Path | list[Path], *args: str, today: str = TODAY):
    if isinstance(vault, list):
        prefix = [a for root in vault for a in ("--vault", str(root))]
        return run(None, *prefix, "report", *args, today=today)
    return run(vault, "report", *args, today=today)


def test_cadence_json_follows_the_spec(team, run):
    result = report(run, team, "cadence", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["as_of"] == TODAY
    assert [p["person"] for p in data["people"]] == [
        "ann",
        "ben",
        "cat",
        "dan",
        "eve",
        "fay",
        "gus",
    ]
    assert data["people"][0]["days_since"] == 48 and data["people"][0]["overdue"] is True
    assert data["team"] == {
        "people": 7,
        "overdue": 2,
        "held": 13,
        "cancelled": 4,
        "on_cadence_ratio": 8 / 9,
        "unconfirmed": 0,  # v2: no planned note whose day passed unwritten
        "agenda_ownership": None,  # SPEC §9: the fixture's notes have no agenda sections
        "development_coverage": 0.0,  # nor growth sections: 0 of 13 held
        "cancellation_rate": 4 / 17,  # 4 cancelled / (13 held + 4)
        "feedback_coverage": 0.0,
        "upward_feedback": 0.0,
    }


def test_actions_json_follows_the_spec(team, run):
    result = report(run, team, "actions", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"as_of", "people", "owners", "team", "items"} <= set(data)
    assert data["team"]["created"] == 12 and data["team"]["follow_through"] == 6 / 11
    room = next(i for i in data["items"] if i["key"] == "@me book the room")
    assert (room["owner"], room["state"], room["closed"], room["source"]) == (
        "dana",
        "done",
        "2026-03-05",
        "gus/2026-03-16.md:11",
    )


def test_no_subcommand_gives_both_reports_as_a_table_when_piped(team, run):
    result = report(run, team)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Who needs you now"  # #18: the ranked list first
    lines = result.stdout.split("\nCadence as of")[1].splitlines()
    assert lines[0] == " 2026-03-31"
    assert lines[3] == "PERSON  CADENCE   HELD  CXL  LAST HELD   DAYS  NEXT DUE    ON-CAD"
    assert lines[4] == "ann     weekly       5    2  2026-02-11    48  2026-02-18     75%  OVERDUE"
    assert "Follow-through as of 2026-03-31" in lines
    assert "\x1b[" not in result.stdout
    both = json.loads(report(run, team, "--format", "json").stdout)
    assert set(both) >= {"cadence", "actions", "attention"}


def test_ono_today_is_the_default_as_of_and_as_of_overrides_it(team, run):
    data = json.loads(report(run, team, "cadence", "--format", "json", today="2026-03-20").stdout)
    assert data["as_of"] == "2026-03-20"
    gus = data["people"][-1]
    assert (gus["held"], gus["planned"], gus["days_since"]) == (3, 3, 4)
    again = json.loads(
        report(run, team, "cadence", "--format", "json", "--as-of", "2026-03-20").stdout
    )
    assert again == data


def test_since_and_until_cut_the_window(team, run):
    data = json.loads(
        report(run, team, "actions", "--format", "json", "--since", "2026-03-16").stdout
    )
    assert (data["since"], data["until"]) == ("2026-03-16", TODAY)
    assert data["team"]["created"] == 7
    cadence = json.loads(
        report(
            run,
            team,
            "cadence",
            "--format",
            "json",
            "--since",
            "2026-01-20",
            "--until",
            "2026-02-28",
        ).stdout
    )
    ann = cadence["people"][0]
    assert (ann["held"], ann["max_gap_days"], ann["on_cadence_ratio"]) == (3, 14, 0.5)


def test_person_limits_the_report(team, run):
    data = json.loads(report(run, team, "--person", "gus", "--format", "json").stdout)
    assert [p["person"] for p in data["cadence"]["people"]] == ["gus"]
    assert [p["person"] for p in data["actions"]["people"]] == ["gus"]
    assert data["actions"]["team"]["created"] == 11
    assert [o["owner"] for o in data["actions"]["owners"]] == ["ann", "dana", "gus", "unassigned"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--person", "zed"], "Error: no person 'zed' in this vault\n"),
        (["--person", "gu"], "Error: no person 'gu' in this vault; did you mean 'gus'?\n"),
        (
            ["--person", "Ann A"],
            "Error: invalid person slug 'Ann A': use lowercase letters, digits, '-', '_' or '.', no spaces or paths\n",
        ),
        (["--as-of", "tomorrow"], "Error: --as-of must be a date YYYY-MM-DD, not 'tomorrow'\n"),
        (
            ["--since", "2026-03-01", "--until", "2026-02-01"],
            "Error: --since 2026-03-01 is after the end of the window, 2026-02-01\n",
        ),
        (
            ["cadence", "--items"],
            "Error: --items lists action items: use `ono report actions --items`\n",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(team, run, args, message):
    result = report(run, team, *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_unknown_report_and_format_are_click_usage_errors(team, run):
    assert report(run, team, "mood").exit_code == 2
    assert report(run, team, "--format", "xml").exit_code == 2


def test_bad_ono_today_is_a_usage_error(team, run):
    result = report(run, team, today="someday")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: ONO_TODAY must be YYYY-MM-DD, not 'someday'\n",
    )


def test_output_file_is_written_atomically_and_replaced(team, run, tmp_path):
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    result = report(run, team, "-o", str(target), "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote {target}\n"
    assert json.loads(target.read_text())["cadence"]["team"]["people"] == 7
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]  # no temp file left
    umask = os.umask(0)
    os.umask(umask)
    fresh = tmp_path / "out" / "new.md"
    assert report(run, team, "-o", str(fresh), "--format", "md").exit_code == 0
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    target.chmod(0o640)
    assert report(run, team, "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    missing = report(run, team, "-o", str(tmp_path / "nowhere" / "r.html"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_unreadable_notes_are_warnings_and_the_report_still_runs(tmp_path, run):
    vault = build_report_vault(
        tmp_path / "team",
        {"gus/2026-03-05.md": "---\ndate: 2026-03-05\nstatus: [\n---\n- [ ] lost\n"},
    )
    result = report(run, vault, "cadence", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: gus/2026-03-05.md:3: front matter is not valid YAML")
    assert json.loads(result.stdout)["people"][-1]["held"] == 5


def test_csv_per_person_and_per_item(team, run):
    people = list(
        csv.DictReader(io.StringIO(report(run, team, "cadence", "--format", "csv").stdout))
    )
    assert [p["person"] for p in people] == ["ann", "ben", "cat", "dan", "eve", "fay", "gus"]
    items = list(
        csv.DictReader(
            io.StringIO(report(run, team, "actions", "--format", "csv", "--items").stdout)
        )
    )
    # a cell that starts like a formula gets a quote: a spreadsheet shows it, never runs it
    assert len(items) == 12 and items[1]["key"] == "'@gus write the plan"


def test_csv_cells_never_start_a_formula(tmp_path, run):
    root = build_tree(
        tmp_path / "inject",
        {
            "ono.toml": 'me = "dana"\n',
            "x/2026-03-01.md": "---\ndate: 2026-03-01\n---\n"
            '- [ ] =HYPERLINK("http://evil.test","click")\n'
            "- [ ] +1+cmd|' /C calc'!A0\n"
            "- [ ] -2+3\n"
            "- [ ] @SUM(1+1)\n"
            "- [ ] plain, with a comma\n",
        },
    )
    out = report(run, root, "actions", "--format", "csv", "--items").stdout
    texts = [row["text"] for row in csv.DictReader(io.StringIO(out))]
    assert texts == [
        '\'=HYPERLINK("http://evil.test","click")',
        "'+1+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(1+1)",
        "plain, with a comma",
    ]


def test_markdown_and_html(team, run, tmp_path):
    md = report(run, team, "--format", "md")
    assert md.exit_code == 0 and md.stdout.startswith("# 1:1 report: team\n")
    page = tmp_path / "dashboard.html"
    html = report(run, team, "--format", "html", "-o", str(page))
    assert html.exit_code == 0, html.output
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<script" not in text


def test_several_vaults_roll_up_with_people_namespaced(tmp_path, run):
    north = build_report_vault(tmp_path / "north")
    south = build_report_vault(tmp_path / "south")
    data = json.loads(report(run, [north, south], "--format", "json").stdout)
    people = [p["person"] for p in data["cadence"]["people"]]
    assert (
        people[:2] == ["north/ann", "north/ben"] and people[-1] == "south/gus" and len(people) == 14
    )
    assert data["cadence"]["team"]["overdue"] == 4 and data["cadence"]["team"]["held"] == 26
    assert "north/dana" in [o["owner"] for o in data["actions"]["owners"]]
    assert "unassigned" in [o["owner"] for o in data["actions"]["owners"]]
    plan = next(i for i in data["actions"]["items"] if i["person"] == "south/gus")
    assert plan["source"] == "south/gus/2026-03-30.md:10" and plan["owner"] == "south/gus"
    one = json.loads(
        report(run, [north, south], "cadence", "--format", "json", "--person", "south/ann").stdout
    )
    assert [p["person"] for p in one["people"]] == ["south/ann"]
    same = json.loads(
        report(run, [north, south], "cadence", "--format", "json", "--person", "ann").stdout
    )
    assert [p["person"] for p in same["people"]] == ["north/ann", "south/ann"]


def test_the_same_vault_twice_is_read_once(team, run):
    data = json.loads(report(run, [team, team], "cadence", "--format", "json").stdout)
    assert data["people"][0]["person"] == "ann"


def test_a_vault_without_default_cadence_in_a_roll_up_keeps_its_own(tmp_path, run):
    a = build_tree(
        tmp_path / "a",
        {"ono.toml": 'cadence = "monthly"\n', "x/2026-03-01.md": "---\ndate: 2026-03-01\n---\n"},
    )
    b = build_tree(tmp_path / "b", {"x/2026-03-01.md": "---\ndate: 2026-03-01\n---\n"})
    data = json.loads(report(run, [a, b], "cadence", "--format", "json").stdout)
    assert [(p["person"], p["interval_days"], p["overdue"]) for p in data["people"]] == [
        ("a/x", 30, False),
        ("b/x", 7, True),  # 30 days since > 7 + 2
    ]


def test_an_empty_vault(tmp_path, run):
    empty = build_tree(tmp_path / "empty", {"ono.toml": ""})
    result = report(run, empty)
    assert result.exit_code == 0 and "no people yet" in result.stdout
    data = json.loads(report(run, empty, "--format", "json").stdout)
    assert data["cadence"]["team"] == {
        "people": 0,
        "overdue": 0,
        "held": 0,
        "cancelled": 0,
        "on_cadence_ratio": None,
        "unconfirmed": 0,
        "agenda_ownership": None,
        "development_coverage": None,
        "cancellation_rate": None,
        "feedback_coverage": None,
        "upward_feedback": None,
    }
    assert data["actions"]["items"] == [] and data["actions"]["team"]["follow_through"] is None


def test_report_on_the_example_vault(run):
    example = Path(__file__).resolve().parents[1] / "examples" / "team"
    data = json.loads(report(run, example, "--format", "json", today="2026-11-22").stdout)
    overdue = [p["person"] for p in data["cadence"]["people"] if p["overdue"]]
    assert overdue == ["bob"]
    erin = next(p for p in data["cadence"]["people"] if p["person"] == "erin")
    assert erin["active"] is False


def test_progress_reading_gives_the_same_vault(team, monkeypatch, tmp_path, capsys):
    (plain,) = read_vaults([team])
    monkeypatch.setenv("ONO_CACHE_DIR", str(tmp_path / "cold"))  # so there is parsing to show
    (shown,) = read_vaults([team], progress=True, threshold=0)
    assert "reading notes" in capsys.readouterr().err
    reference = load_vault(team)
    for vault in (plain, shown):
        assert [n.path for n in vault.notes] == [n.path for n in reference.notes]
        assert vault.profiles == reference.profiles and vault.problems == reference.problems


# -- on a real terminal -----------------------------------------------------------------------------


def in_terminal(args: list[str], env: dict[str, str], stdout_tty: bool = True) -> tuple[str, str]:
    """Run ``ono`` with stderr (and stdout, unless told) on a pseudo-terminal: (stdout, tty text)."""
    master, slave = os.openpty()
    with tempfile.TemporaryFile() as captured:  # a file, not a pipe: a full pipe blocks the child
        return _talk(args, env, stdout_tty, master, slave, captured)


def _talk(args, env, stdout_tty, master, slave, captured) -> tuple[str, str]:
    process = subprocess.Popen(
        [*ONO, *args],
        stdout=slave if stdout_tty else captured,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(master)
    captured.seek(0)
    out = captured.read().decode()
    return out, b"".join(chunks).decode()


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "ONO_VAULT")}
    return {**env, "ONO_TODAY": TODAY, "TERM": "xterm", **extra}


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are Unix only")
def test_colour_on_a_terminal_unless_no_color(team):
    _, coloured = in_terminal(["--vault", str(team), "report", "cadence"], terminal_env())
    assert "\x1b[" in coloured and "OVERDUE" in coloured
    _, plain = in_terminal(["--vault", str(team), "report", "cadence"], terminal_env(NO_COLOR="1"))
    assert "\x1b[" not in plain and "OVERDUE" in plain


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are Unix only")
def test_a_progress_bar_over_2000_notes_on_a_terminal_only(tmp_path):
    files = {
        f"p{n % 7}/2020-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}-{n}.md": f"---\ndate: 2020-01-01\n---\n- [ ] x{n}\n"
        for n in range(2001)
    }
    big = build_tree(tmp_path / "big", files)
    args = ["--vault", str(big), "report", "actions", "--format", "json"]
    out, terminal = in_terminal(args, terminal_env(), stdout_tty=False)
    assert json.loads(out)["team"]["created"] == 2001
    assert "reading notes" in terminal
    piped = subprocess.run(
        [*ONO, *args], capture_output=True, text=True, env=terminal_env(), check=True
    )
    assert piped.stderr == ""


def test_ono_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from ononotes.cli import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        "CliRunner().invoke(cli, ['report', '--help'])\n"
        "print(sorted(m for m in ('jinja2', 'yaml', 'git', 'watchdog', 'mistune') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
