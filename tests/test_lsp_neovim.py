"""``ono lsp`` in a real editor: Neovim, headless, with the tiny config of nvim/smoke.lua,
attaches the server to a note, gets a diagnostic, and completes a person after ``@``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .lsp_vault import TODAY, make_lsp_vault

NVIM = shutil.which("nvim")
SMOKE = Path(__file__).with_name("nvim") / "smoke.lua"


@pytest.mark.skipif(
    NVIM is None,
    reason="Neovim (nvim) is not installed: .ci/run installs Debian's neovim when run as root",
)
def test_neovim_gets_diagnostics_and_completes_people(tmp_path):
    vault = make_lsp_vault(tmp_path / "vault").resolve()
    out = tmp_path / "smoke.json"
    env = {
        **os.environ,
        "ONO_TODAY": TODAY,
        "ONO_CACHE_DIR": str(tmp_path / "cache"),
        "ONO_SMOKE_NOTE": str(vault / "alice" / "2026-11-24.md"),
        "ONO_SMOKE_VAULT": str(vault),
        "ONO_SMOKE_PYTHON": sys.executable,
        "ONO_SMOKE_OUT": str(out),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    env.pop("ONO_VAULT", None)
    for name in ("state", "xdg-cache", "data"):  # Neovim 0.7 stops at a prompt if it cannot
        (tmp_path / name / "nvim").mkdir(parents=True)  # open its LSP log there
    command = [NVIM, "--headless", "-n", "-i", "NONE", "--noplugin", "-u", str(SMOKE)]
    done = subprocess.run(
        command, env=env, timeout=120, capture_output=True, stdin=subprocess.DEVNULL
    )
    assert out.is_file(), done.stdout + done.stderr
    found = json.loads(out.read_text())
    assert found["attached"]
    messages = [d["message"] for d in found["diagnostics"]]
    assert "owner @alcie is not a person in this vault; did you mean @alice?" in messages
    assert {"alice", "bob", "me"} <= set(found["completion"])
