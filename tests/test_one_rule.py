"""One rule for "which items are open" (SPEC §5), asked by every command that shows open items:
``todo``, ``prep``, ``report`` (every format, the dashboard among them) and ``handover`` list
the same items, on a vault with a note planned two weeks ahead, a new item in it, and an item
ticked in it before the meeting."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from ononotes.app.prep import prepare_brief

from .conftest import build_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "team"
TODAY = "2026-11-22"

# bob's latest note is 10-30; this one is two weeks ahead of today, scaffolded and then edited
# before the meeting: the HR follow-up ticked, a new item added, the rest carried as they were
PLANNED = """---
date: 2026-12-06
status: planned
---
# 1:1 · Bob · 2026-12-06

## Their agenda
- the on-call rota

## Action items
- [ ] @bob write the ADR for moving CI runners to spot instances due:2026-09-25
- [x] @me follow up with HR on Bob's comp band question due:2026-10-09 done:2026-11-21
- [/] @bob fix the `ci-runner` cache key so it includes the lockfile hash due:2026-10-23
- [ ] @me book a longer 1:1 with Bob and ask how he's really doing due:2026-11-06
- [ ] @bob draft the on-call handbook due:2026-12-20
"""


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    shutil.copytree(EXAMPLE, root)
    return build_tree(root, {"bob/2026-12-06.md": PLANNED})


def todo_items(run, team: Path) -> set[tuple[str, str]]:
    result = run(team, "todo", "bob", "--format", "json", today=TODAY)
    assert result.exit_code == 0, result.output
    return {(item["key"], item["source"]) for item in json.loads(result.stdout)}


def test_every_command_lists_the_same_open_items(team, run, tmp_path):
    expected = todo_items(run, team)
    keys = {key for key, _ in expected}
    assert len(expected) == 3
    assert "@me follow up with hr on bob's comp band question" not in keys  # ticked ahead
    assert not any("on-call handbook" in key for key in keys)  # counts from that meeting on

    report = run(team, "report", "actions", "--format", "json", "--person", "bob", today=TODAY)
    items = json.loads(report.stdout)["items"]
    assert {(i["key"], i["source"]) for i in items if i["state"] == "open"} == expected
    ticked = next(i for i in items if i["key"].startswith("@me follow up with hr"))
    assert (ticked["state"], ticked["closed"], ticked["overdue"]) == ("done", "2026-11-21", False)

    brief = prepare_brief(team, "bob", dt.date(2026, 11, 22)).brief
    assert {item.source for item in brief.items} == {source for _, source in expected}
    assert todo_items(run, team) == expected  # prep refreshed the planned note: nothing moved

    html = run(team, "report", "--format", "html", today=TODAY).stdout
    for _, source in expected:
        assert source in html
    assert f"bob: {len(expected)} open of " in html  # the follow-through chart's counts

    dest = tmp_path / "handed"
    handed = run(team, "handover", "bob", str(dest), today=TODAY)
    assert handed.exit_code == 0, handed.output
    summary = next(dest.rglob("HANDOVER.md")).read_text()
    assert f"## Open items ({len(expected)})" in summary
    for _, source in expected:
        path, _, line = source.rpartition(":")
        assert re.search(rf"`[^`]*{re.escape(path)}:{line}`", summary), source
