"""The vault the editor server's tests run on (today is 2026-12-02, a Wednesday): Alice's items
carried through four notes in three forms (plain, Obsidian Tasks, Dataview), a tick that never
reached the later note, a typo of an owner, a malformed date; Bob's planned note whose day
passed unconfirmed; Carol's note with conflict markers; a note with a BOM and CRLF endings."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import build_tree

TODAY = "2026-12-02"

MIGRATION = "- [ ] @alice send the migration plan due:2026-11-17"
INTRO = "- [ ] @dana intro Alice to the SRE lead 📅 2026-11-20 ⏫"
RFC = "- [ ] @alice draft the RFC [due:: 2026-12-09]"
OFFSITE = "- [ ] @alice book the offsite"
TYPO = "- [ ] @alcie review the hiring loop due:2026-12-4"


def alice_note(date: str, *items: str, status: str = "held") -> str:
    return (
        f"---\nperson: alice\ndate: {date}\nstatus: {status}\n---\n"
        f"# 1:1 · Alice · {date}\n\n## Their agenda\n- the reorg\n\n## Notes\n"
        "- talked about the launch\n\n## Action items\n" + "".join(f"{item}\n" for item in items)
    )


FILES = {
    "ono.toml": 'me = "dana"\n',
    "alice/profile.md": "---\nname: Alice Moreno\ncadence: weekly\nrole: Staff engineer\n---\n",
    "bob/profile.md": "---\nname: Bob Stone\ncadence: monthly\n---\n",
    "carol/profile.md": "---\nname: Carol Diaz\n---\n",
    "alice/2026-11-03.md": alice_note("2026-11-03", MIGRATION, INTRO, RFC, OFFSITE),
    "alice/2026-11-10.md": alice_note("2026-11-10", MIGRATION, INTRO, RFC, OFFSITE),
    "alice/2026-11-17.md": alice_note(
        "2026-11-17", MIGRATION, INTRO, RFC, "- [x] @alice book the offsite ✅ 2026-11-25"
    ),
    "alice/2026-11-24.md": alice_note("2026-11-24", MIGRATION, INTRO, RFC, OFFSITE, TYPO),
    "bob/2026-11-18.md": (
        "---\ndate: 2026-11-18\n---\n# 1:1 · Bob\n\n## Notes\n- fine\n\n## Action items\n"
        "- [ ] @bob send the budget (due:: 2026-11-30)\n"
    ),
    "bob/2026-11-25.md": (
        "---\ndate: 2026-11-25\nstatus: planned\n---\n# 1:1 · Bob\n\n## My agenda\n\n"
        "## Action items\n- [ ] @bob send the budget (due:: 2026-11-30)\n"
    ),
    "carol/2026-11-26.md": (
        "---\ndate: 2026-11-26\n---\n# 1:1 · Carol\n\n<<<<<<< HEAD\n- mine\n=======\n"
        "- theirs\n>>>>>>> other\n"
    ),
    "carol/2026-11-19.md": (
        "\ufeff---\r\ndate: 2026-11-19\r\n---\r\n# 1:1 · Carol\r\n\r\n## Action items\r\n"
        "- [ ] @carol ship the 📅 demo 📅 2026-11-30\r\n"
    ),
}


def make_lsp_vault(root: Path) -> Path:
    return build_tree(root, FILES)
