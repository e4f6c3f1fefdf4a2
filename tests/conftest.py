"""Shared test helpers: vaults built from a dict of files, the real CLI, the shared corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ononotes.cli import cli

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; text is written as is."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """An empty vault with ``me = "dana"``."""
    root = tmp_path / "vault"
    build_tree(root, {"ono.toml": 'me = "dana"\n'})
    return root


@pytest.fixture
def run(monkeypatch):
    """Run ``ono`` with the given args against a vault, today fixed, stderr kept apart."""
    monkeypatch.delenv("ONO_VAULT", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)

    def invoke(
        vault_root: Path | None, *args: str, today: str = "2026-11-10", input: str | None = None
    ):
        runner = CliRunner()
        prefix = ["--vault", str(vault_root)] if vault_root is not None else []
        return runner.invoke(
            cli, [*prefix, *args], env={"ONO_TODAY": today}, input=input, catch_exceptions=False
        )

    return invoke


def parse_files(files: dict[str, str], me: str = "dana"):
    """(notes in (person, date, file) order, profiles) of a dict of files, as the vault reader
    makes them; every note must read without a problem."""
    from ononotes.core.parse import parse_note, parse_profile

    notes, profiles = [], {}
    for name, text in files.items():
        if not name.endswith(".md"):
            continue
        folder = name.split("/")[0]
        if name.endswith("/profile.md"):
            profiles[folder] = parse_profile(text, name, folder)[0]
        else:
            note, problems = parse_note(text, name, folder, me)
            assert note is not None and not problems, (name, problems)
            notes.append(note)
    return sorted(notes, key=lambda n: (n.person, n.sort_key)), profiles


def corpus_json(name: str):
    """A file of ../shared/corpus, or skip: CI has it beside the clone, other checkouts may not."""
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"shared corpus not found at {path} (it sits beside the clone in CI)")
    data = json.loads(path.read_text(encoding="utf-8"))
    return data


def corpus_dir(name: str) -> Path:
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"shared corpus folder not found at {path} (it sits beside the clone in CI)")
    return path


os.environ.setdefault("NO_COLOR", "1")


@pytest.fixture(autouse=True, scope="session")
def private_cache_dir(tmp_path_factory):
    """The parse cache of every test run (subprocesses included) in a folder of its own."""
    os.environ["ONO_CACHE_DIR"] = str(tmp_path_factory.mktemp("ono-cache"))
