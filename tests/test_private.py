"""Private notes (``ono new --private``), the rule that keeps files out of a shared repository,
and the config of a shared repository (``person``, ``ono.local.toml``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ononotes.errors import ConfigError, UsageError
from ononotes.store.private import create_private_note, read_private_notes, share_refusal
from ononotes.store.vault import load_config, load_vault

from .conftest import build_tree

NOTE = "---\nperson: alice\ndate: 2026-11-02\n---\n# 1:1\n"


@pytest.mark.parametrize(
    ("path", "data", "why"),
    [
        ("2026-11-02.md", NOTE, None),
        ("profile.md", "---\nname: Alice\n---\n", None),
        ("notes.txt", "private: true\n", None),
        ("diagram.png", b"\x89PNG\x00\x00private: true", None),
        ("private/2026-11-02.md", NOTE, "it is in a private folder"),
        ("secret/x/2026-11-02.md", NOTE, None),
        ("mine/2026-11-02.md", NOTE, "it is in a private folder"),
        ("x.md", "---\nprivate: true\n---\n", "its front matter says private: true"),
        ("x.md", "---\nprivate: yes\n---\n", "its front matter says private: true"),
        ("x.md", '---\nprivate: "true"\n---\n', "its front matter says private: true"),
        ("x.md", "---\nprivate: false\n---\n", None),
        (
            "x.md",
            "---\nperson: bob\ndate: 2026-11-02\n---\n",
            "it is a note about 'bob', not 'alice'",
        ),
        ("x.md", "---\nperson: ALICE\n---\n", None),
        ("x.md", "---\nprivate: true\nbad: [\n---\n", "its front matter says private: true"),
    ],
)
def test_what_may_enter_a_shared_repository(path, data, why):
    data = data.encode() if isinstance(data, str) else data
    assert share_refusal(path, data, "alice", "mine") == why


def test_a_note_ono_cannot_read_is_refused_unless_replaying_history():
    conflicted = b"---\nperson: alice\n---\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x\n"
    why = share_refusal("x.md", conflicted, "alice", "private")
    assert why is not None and "conflict markers" in why
    assert share_refusal("x.md", conflicted, "alice", "private", strict=False) is None
    assert "cannot read" in share_refusal("x.md", b"---\ndate: [\n---\n", "alice", "private")


def test_new_private_writes_a_sidecar_outside_the_person_folder(vault, run):
    result = run(vault, "new", "alice", "--no-edit", "--private", today="2026-11-02")
    assert result.exit_code == 0, result.stderr
    note, private = result.stdout.split()
    assert note == str(vault / "alice" / "2026-11-02.md")
    assert private == str(vault / "private" / "alice" / "2026-11-02.md")
    text = Path(private).read_text()
    assert text.startswith("---\nprivate: true\nperson: alice\nmeeting: alice/2026-11-02.md\n")
    listed = run(vault, "list", today="2026-11-02").stdout
    assert "private/" not in listed and len(listed.splitlines()) == 2  # the header, the meeting
    # a second meeting the same day gets its own sidecar, named like it
    second = run(
        vault, "new", "alice", "--no-edit", "--private", "--type", "career", today="2026-11-02"
    )
    assert second.stdout.split()[1].endswith("private/alice/2026-11-02-2.md")
    assert [n.date for n in read_private_notes(vault, "alice")] == [dt.date(2026, 11, 2)] * 2
    assert read_private_notes(vault, "bob") == []


def test_new_private_refuses_before_writing_when_the_sidecar_exists(vault, run):
    build_tree(vault, {"private/alice/2026-11-02.md": "mine\n"})
    result = run(vault, "new", "alice", "--no-edit", "--private", today="2026-11-02")
    assert result.exit_code != 0 and "already exists" in result.stderr
    assert not (vault / "alice").exists()
    assert (vault / "private" / "alice" / "2026-11-02.md").read_text() == "mine\n"


def test_dry_run_writes_no_private_note(vault, run):
    result = run(vault, "new", "alice", "--private", "--dry-run", today="2026-11-02")
    assert result.exit_code == 0 and not (vault / "private").exists()


def test_create_private_note_never_clobbers(vault):
    meeting = vault / "alice" / "2026-11-02.md"
    path = create_private_note(vault, "alice", dt.date(2026, 11, 2), meeting)
    with pytest.raises(UsageError, match="already exists"):
        create_private_note(vault, "alice", dt.date(2026, 11, 2), meeting)
    assert (
        read_private_notes(vault, "alice")[0].path
        == "private/alice/2026-11-02.md"
        == path.relative_to(vault).as_posix()
    )


# -- a shared repository's config -----------------------------------------------------------------


def test_a_shared_repository_gives_the_person_of_its_top_level_notes(tmp_path):
    root = build_tree(
        tmp_path / "clone",
        {
            "ono.toml": 'person = "alice"\n',
            "ono.local.toml": 'me = "alice"\n',
            "profile.md": "---\nname: Alice Moreno\ncadence: biweekly\n---\n",
            "2026-11-02.md": "---\ndate: 2026-11-02\n---\n## Action items\n- [ ] @me send the plan\n",
        },
    )
    config = load_config(root)
    assert (config.person, config.me) == ("alice", "alice")
    vault = load_vault(root, config)
    assert vault.problems == []
    assert vault.profiles["alice"].cadence == "biweekly"
    assert [(n.person, n.items[0].owner) for n in vault.notes] == [("alice", "alice")]


def test_the_local_config_overrides_and_is_checked(tmp_path):
    root = build_tree(tmp_path / "v", {"ono.toml": 'me = "dana"\ncadence = "monthly"\n'})
    assert (load_config(root).me, load_config(root).person) == ("dana", None)
    build_tree(root, {"ono.local.toml": 'me = "erin"\n'})
    assert (load_config(root).me, load_config(root).cadence) == ("erin", "monthly")
    build_tree(root, {"ono.local.toml": "me = [\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert caught.value.path == "ono.local.toml"
    build_tree(root, {"ono.local.toml": 'person = "../etc"\n'})
    with pytest.raises(ConfigError, match="person must be a slug"):
        load_config(root)


def test_without_person_top_level_notes_still_need_one(tmp_path):
    root = build_tree(tmp_path / "v", {"2026-11-02.md": "---\ndate: 2026-11-02\n---\n"})
    vault = load_vault(root)
    assert vault.notes == [] and "no person" in vault.problems[0].message
