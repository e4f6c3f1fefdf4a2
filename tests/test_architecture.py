"""The layers of docs/architecture.md, as a contract that fails on a breach.

Every module's imports are read from its source, those inside functions included, and each is
checked against the table below. The same checker runs on a deliberately bad import graph, so
a checker that could never fail would be caught too."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ononotes"

# layer -> the layers of ononotes it may import (its own included where listed)
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "version": set(),  # ononotes/__init__.py: the version, nothing else
    "clock": {"errors"},
    "core": {"core", "errors"},
    "store": {"core", "store", "errors", "version"},
    "render": {"core", "render", "errors"},
    "adapters": {"core", "store", "adapters", "errors"},  # git writes through the store's writers
    "app": {"core", "store", "render", "adapters", "errors", "clock", "version"},
    # the language server: pygls wiring over the use cases and the store, like the CLI's
    "editor": {
        "editor",
        "app",
        "render",
        "store",
        "core",
        "adapters",
        "errors",
        "clock",
        "version",
    },
    "cli": {"app", "editor", "render", "store", "core", "errors", "clock", "version"},
    "main": {"cli"},
}
# third-party packages: the layers allowed to import each (a package not listed is refused
# everywhere: add it here, in pyproject.toml and in docs/architecture.md together)
THIRD_PARTY: dict[str, set[str]] = {
    "yaml": {"core"},  # the front matter reader (core/parse.py) only: see ONLY_IN
    "jinja2": {"store", "render"},
    "mistune": {"render"},
    "markupsafe": {"render"},  # Jinja2's own: the markup type the note-text filter returns
    "icalendar": {"render"},
    "git": {"adapters"},
    "gitdb": {"adapters"},  # GitPython's own object database, for blobs written directly
    "watchdog": {"adapters"},
    "click": {"cli", "app"},
    "tomli": {"store"},
    "pygls": {"editor"},
    "lsprotocol": {"editor"},
    "duckdb": {"adapters"},  # the [org] extra: ono rollup
}
ONLY_IN = {  # the single module allowed to import a package
    "yaml": "ononotes.core.parse",
    "git": "ononotes.adapters.git",
    "gitdb": "ononotes.adapters.git",
    "watchdog": "ononotes.adapters.watcher",
    "pygls": "ononotes.editor.server",
    "lsprotocol": "ononotes.editor.server",
    "duckdb": "ononotes.adapters.duckdb_rollup",
}
# app -> app edges still to be taken apart (docs/architecture.md, "What is left"); the test
# fails when one is added, and when one listed here is gone (so the list only shrinks)
KNOWN_APP_EDGES: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if module == "ononotes":
        return "version"
    if parts[1] in ("core", "store", "render", "adapters", "app", "editor"):
        return parts[1]
    return {"__main__": "main"}.get(parts[1], parts[1])


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it, as absolute dotted names."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return found


def _is_module(name: str) -> bool:
    if not name.startswith("ononotes."):
        return False
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def breaches(graph: dict[str, set[str]]) -> list[str]:
    """Every import in ``graph`` the contract forbids, as readable lines."""
    found = []
    for module, imported in sorted(graph.items()):
        layer = layer_of(module)
        for name in sorted(imported):
            top = name.split(".")[0]
            if top == "ononotes":
                target = name if name in graph else name.rpartition(".")[0]
                other = layer_of(target)
                if other not in MAY_IMPORT[layer]:
                    found.append(f"{module} ({layer}) imports {name} ({other})")
                elif layer == other == "app" and (module, target) not in KNOWN_APP_EDGES:
                    found.append(f"{module} imports {target}: app modules never import each other")
            elif top in sys.stdlib_module_names or top == "__future__":
                continue
            elif layer not in THIRD_PARTY.get(top, set()):
                found.append(f"{module} ({layer}) imports {top}")
            elif top in ONLY_IN and ONLY_IN[top] != module:
                found.append(f"{module} imports {top}: only {ONLY_IN[top]} may")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles among ononotes' modules (each found once, from its smallest member)."""
    edges = {m: {i for i in imported if i in graph and i != m} for m, imported in graph.items()}
    found = []
    for start in sorted(edges):
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(edges[node]):
                if nxt == start:
                    found.append(path)
                elif nxt not in path and nxt > start:
                    stack.append((nxt, [*path, nxt]))
    return found


def test_every_import_keeps_to_the_layers():
    assert breaches(import_graph()) == []


def test_the_known_app_edges_still_exist():
    graph = import_graph()
    gone = {(a, b) for a, b in KNOWN_APP_EDGES if b not in graph.get(a, set())}
    assert not gone, f"remove from KNOWN_APP_EDGES (and docs/architecture.md): {gone}"


def test_there_is_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_contract_can_fail():
    """A bad graph, each breach of a kind the real code must never have."""
    bad = {
        "ononotes.core.reports": {"ononotes.store.vault", "click"},  # core reading files
        "ononotes.store.vault": {"ononotes.core.model", "git"},
        "ononotes.render.text": {"ononotes.app.report"},
        "ononotes.app.report": {"ononotes.app.workflow"},
        "ononotes.app.workflow": {"ononotes.app.report"},
        "ononotes.core.model": {"yaml"},  # yaml only in the front-matter reader
    }
    assert len(breaches(bad)) == 7
    assert cycles(bad) == [["ononotes.app.report", "ononotes.app.workflow"]]


def test_imports_inside_functions_are_read(tmp_path, monkeypatch):
    fake = PACKAGE / "core" / "reports.py"
    tree = imports_of(fake)
    assert "ononotes.core.model" in tree
    source = "def f():\n    from ononotes.store.vault import load_vault\n"
    module = tmp_path / "ononotes" / "core" / "x.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "ononotes")
    assert "ononotes.store" in {name.rpartition(".")[0] for name in imports_of(module)}


@pytest.mark.parametrize("path", sorted((PACKAGE / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_modules_do_no_io(path):
    """No files, no terminal, no clock: the core is pure functions over dataclasses."""
    tree = ast.parse(path.read_text())
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not calls & {"open", "print", "input"}
    attributes = {
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    }
    assert not attributes & {"date.today", "datetime.now", "os.environ", "Path.cwd", "time.time"}


# the import name of each distribution the code may import at run time
DISTRIBUTIONS = {
    "yaml": "pyyaml",
    "mistune": "mistune",
    "markupsafe": "markupsafe",
    "click": "click",
    "jinja2": "jinja2",
    "watchdog": "watchdog",
    "git": "gitpython",
    "gitdb": "gitpython",  # installed with GitPython, which the code asks for
    "icalendar": "icalendar",
    "tomli": "tomli",
    "pygls": "pygls",
    "lsprotocol": "lsprotocol",
    "duckdb": "duckdb",  # an optional extra's: see RUNTIME_EXTRAS
}
# optional extras whose packages the code imports at run time (the command that needs one says
# how to install it when it is missing)
RUNTIME_EXTRAS = ("org",)


def test_the_declared_dependencies_are_what_the_code_imports():
    """PyYAML was imported but not declared; test-only packages must not be run-time ones."""
    import re

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    project = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [
        spec for extra in RUNTIME_EXTRAS for spec in project["optional-dependencies"][extra]
    ]
    declared = {re.split(r"[<>=;\[ ]", spec)[0].lower() for spec in specs}
    imported = {
        name.split(".")[0]
        for imports in import_graph().values()
        for name in imports
        if name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] not in ("ononotes", "__future__")
    }
    assert imported <= DISTRIBUTIONS.keys(), imported - DISTRIBUTIONS.keys()
    assert {DISTRIBUTIONS[name] for name in imported} == declared
