"""Shell completion of commands and person slugs, and the pre-commit hook ononotes offers."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from ononotes.cli import cli

from .conftest import build_tree

REPO = Path(__file__).resolve().parents[1]


def completions(args: list[str], incomplete: str) -> list[str]:
    complete = ShellComplete(cli, {}, "ono", "_ONO_COMPLETE")
    return [item.value for item in complete.get_completions(args, incomplete)]


def people(vault: Path) -> Path:
    return build_tree(
        vault,
        {
            "alice/profile.md": "---\nname: Alice\n---\n",
            "alex/2026-11-03.md": "---\ndate: 2026-11-03\n---\n",
            "bob/profile.md": "---\nname: Bob\n---\n",
            "Not A Slug/x.md": "",
            "templates/1on1.md.j2": "",
            "private/alice/2026-11-03.md": "",
        },
    )


def test_commands_complete():
    assert completions([], "ag") == ["agenda"]
    assert {"prep", "person"} <= set(completions([], "p"))
    assert completions([], "cal") == ["calendar"]


def test_person_slugs_complete_for_the_weekly_commands(vault):
    people(vault)
    base = ["--vault", str(vault)]
    assert completions([*base, "agenda"], "al") == ["alex", "alice"]
    assert completions([*base, "agenda", "alice", "a point", "--by"], "b") == ["bob"]
    assert completions([*base, "prep"], "") == ["alex", "alice", "bob"]  # not templates, private
    assert completions([*base, "new"], "b") == ["bob"]


def test_completion_through_the_environment_as_the_shell_calls_it(vault, monkeypatch):
    people(vault)
    monkeypatch.delenv("ONO_VAULT", raising=False)
    env = {
        "_ONO_COMPLETE": "bash_complete",
        "COMP_WORDS": f"ono --vault {vault} prep al",
        "COMP_CWORD": "4",
    }
    result = CliRunner().invoke(cli, [], prog_name="ono", env=env)
    assert result.exit_code == 0
    assert result.output == "plain,alex\nplain,alice\n"
    for shell in ("bash", "zsh", "fish"):
        script = CliRunner().invoke(
            cli, [], prog_name="ono", env={"_ONO_COMPLETE": f"{shell}_source"}
        )
        assert script.exit_code == 0 and "_ONO_COMPLETE" in script.output


def test_the_pre_commit_hook_runs_ono_check_on_markdown_changes():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "ono-check"]
    assert hook["entry"] == "ono check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["files"] == r"\.md$"


def test_the_workflow_guide_covers_the_set_up():
    guide = (REPO / "docs" / "workflow.md").read_text()
    for needle in (
        "_ONO_COMPLETE=bash_source ono",
        "_ONO_COMPLETE=zsh_source ono",
        "_ONO_COMPLETE=fish_source ono",
        "id: ono-check",
        "ono agenda",
        "ono prep",
        "ono calendar",
        "questions.toml",
    ):
        assert needle in guide, needle
