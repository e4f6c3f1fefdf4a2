"""``ono export --format jsonl``."""

from __future__ import annotations

import json

from .conftest import build_tree


def test_export_writes_one_object_per_note_and_item(vault, run, tmp_path):
    build_tree(
        vault,
        {
            "alice/2026-11-03.md": "---\ndate: 2026-11-03\nmood: 4\n---\n## Action items\n- [ ] @me book a room due:2026-11-05\n  - [x] @alice ask\n",
            "alice/2026-11-17.md": "---\ndate: 2026-11-17\n---\n",
            "bob/broken.md": "---\ndate: nope\n---\n",
        },
    )
    result = run(vault, "export")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r["path"]) for r in records] == [
        ("note", "alice/2026-11-03.md"),
        ("item", "alice/2026-11-03.md"),
        ("item", "alice/2026-11-03.md"),
        ("note", "alice/2026-11-17.md"),
    ]
    note, first, second, planned = records
    assert note == {
        "kind": "note",
        "vault": "vault",
        "path": "alice/2026-11-03.md",
        "person": "alice",
        "date": "2026-11-03",
        "type": "1:1",
        "status": "held",
        "mood": 4,
        "duration": None,
        "tags": [],
        "items": 2,
        "headings": ["Action items"],
    }
    assert (first["owner"], first["due"], first["state"], first["line"], first["parent_line"]) == (
        "dana",
        "2026-11-05",
        "open",
        6,
        None,
    )
    assert (second["key"], second["state"], second["parent_line"]) == ("@alice ask", "done", 6)
    assert planned["status"] == "planned"
    assert "warning: bob/broken.md:2:" in result.stderr
    out = tmp_path / "out.jsonl"
    assert run(vault, "export", "-o", str(out)).exit_code == 0
    assert out.read_text() == result.stdout


def test_export_rolls_up_several_vaults(tmp_path, run):
    for name in ("team-a", "team-b"):
        build_tree(
            tmp_path / name, {"ono.toml": "", "x/2026-11-03.md": "---\ndate: 2026-11-03\n---\n"}
        )
    runner_args = ["--vault", str(tmp_path / "team-b"), "export"]
    result = run(tmp_path / "team-a", *runner_args)
    assert [json.loads(line)["vault"] for line in result.stdout.splitlines()] == [
        "team-a",
        "team-b",
    ]
