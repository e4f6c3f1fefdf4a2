"""Every command a user can run is documented, and every doc the README links to exists."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ononotes.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def command_paths(group: click.Group, prefix: str = "ono") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
    return paths


def test_every_command_is_documented():
    text = "\n".join(path.read_text(encoding="utf-8") for path in DOCS)
    missing = [path for path in command_paths(cli) if path not in text]
    assert missing == []


def test_every_link_in_the_readme_resolves():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:docs|examples)/[^)#]+)", readme):
        assert (ROOT / target).exists(), target
