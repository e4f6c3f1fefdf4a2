"""Functional core, imperative shell: the core modules touch no files, git, watcher or terminal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ononotes"
CORE = [
    "model.py",
    "markdown.py",
    "fields.py",
    "parse.py",
    "carry.py",
    "cadence.py",
    "reports.py",
    "prep.py",
    "insights.py",
    "review.py",
]
SHELL_ONLY = {"click", "git", "watchdog", "subprocess"}


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("name", CORE)
def test_core_module_has_no_io(name):
    path = PACKAGE / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    tree = ast.parse(path.read_text())
    assert not imported_modules(tree) & SHELL_ONLY
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert "open" not in calls and "print" not in calls


def test_only_gitsync_imports_git_and_only_watch_imports_watchdog():
    for path in PACKAGE.rglob("*.py"):
        modules = imported_modules(ast.parse(path.read_text()))
        if "git" in modules:
            assert path.name == "gitsync.py", path
        if "watchdog" in modules:
            assert path.name == "watch.py", path
