"""Make a large, realistic ononotes vault for benchmarks: deterministic for a given seed.

    python benchmarks/make_vault.py OUT [--people 200] [--weeks 104] [--seed 1]

Each person gets a profile and one note a week (200 x 104 = 20,800 notes by default), with
items that are carried, done, cancelled, dropped and nested; some meetings are cancelled, some
notes long, some short, and about one in twenty is written with CRLF line endings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

VERBS = [
    "send",
    "review",
    "write",
    "fix",
    "book",
    "draft",
    "ask",
    "share",
    "update",
    "plan",
    "pair on",
    "test",
]
THINGS = [
    "the migration plan",
    "the on-call runbook",
    "the design doc",
    "the flaky CI job",
    "the hiring rubric",
    "the Q3 roadmap",
    "the incident retro",
    "the promo packet",
    "the API deprecation",
    "the load test",
    "the vendor contract",
    "the onboarding guide",
]
TOPICS = [
    "on-call load this sprint",
    "the reorg rumours",
    "conference talk idea",
    "feedback on the design review",
    "pairing with the new hire",
    "career: staff engineer path",
    "vacation in December",
    "the release train slipping",
]
START = dt.date(2024, 11, 4)
# Everyone meets weekly so the vault has people x weeks notes; a few profiles say biweekly, so
# the cadence report has people ahead of their cadence too.
CADENCES = ["weekly"] * 9 + ["biweekly"]


def item_line(rng: random.Random, slug: str, date: dt.date, serial: int) -> str:
    owner = rng.choice([f"@{slug} ", f"@{slug} ", "@me ", ""])
    due = (
        f" due:{(date + dt.timedelta(days=rng.choice([7, 14, 21]))).isoformat()}"
        if rng.random() < 0.6
        else ""
    )
    return f"{owner}{rng.choice(VERBS)} {rng.choice(THINGS)} #{serial}{due}"


def note_text(
    rng: random.Random,
    slug: str,
    date: dt.date,
    status: str | None,
    carried: list[tuple[str, list[str]]],
    new_items: list[tuple[str, list[str]]],
    long: bool,
) -> tuple[str, list[tuple[str, list[str]]]]:
    """The note's text and the items still open after it (with their open sub-items)."""
    lines = ["---", f"person: {slug}", f"date: {date.isoformat()}", "type: 1:1"]
    if status:
        lines.append(f"status: {status}")
    if status is None:
        lines.append(f"mood: {rng.randint(2, 5)}")
    lines += ["---", f"# 1:1 · {slug} · {date.isoformat()}", "", "## Their agenda"]
    for _ in range(rng.randint(0, 4 if long else 2)):
        lines.append(f"- {rng.choice(TOPICS)}")
    lines += ["", "## My agenda"]
    for _ in range(rng.randint(0, 2)):
        lines.append(f"- {rng.choice(TOPICS)}")
    lines += ["", "## Notes"]
    paragraphs = rng.randint(3, 12) if long else rng.randint(0, 2)
    for _ in range(paragraphs):
        lines.append(
            f"- Talked about {rng.choice(TOPICS)}; agreed to revisit {rng.choice(THINGS)}."
        )
    if long and rng.random() < 0.3:
        lines += [
            "",
            "```sql",
            "select count(*) from jobs where state = 'stuck';",
            "- [ ] not an item, code",
            "```",
        ]
    lines += ["", "## Growth"]
    if rng.random() < 0.4:
        lines.append(
            f"- {rng.choice(['wants to lead', 'asked about', 'practising'])} {rng.choice(THINGS)}"
        )
    lines += ["", "## Action items"]
    still_open: list[tuple[str, list[str]]] = []
    for position, (text, subs) in enumerate(carried + new_items):
        if status is not None or position >= len(carried):
            state = " "  # new items start open; a cancelled meeting carries everything untouched
        else:
            state = rng.choices([" ", "x", "-", "drop"], weights=[55, 35, 4, 6])[0]
        if state == "drop":
            continue
        lines.append(f"- [{state}] {text}")
        kept_subs = []
        for sub in subs:
            sub_state = " " if state == " " and rng.random() < 0.7 else "x"
            lines.append(f"  - [{sub_state}] {sub}")
            if sub_state == " ":
                kept_subs.append(sub)
        if state == " ":
            still_open.append((text, kept_subs))
    return "\n".join(lines) + "\n", still_open


def make_vault(out: Path, people: int, weeks: int, seed: int) -> int:
    """Write the vault; returns the number of meeting notes."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ono.toml").write_text('me = "manager"\ncadence = "weekly"\n', encoding="utf-8")
    (out / ".gitignore").write_text(".ono/\n", encoding="utf-8")
    count = 0
    serial = 0
    for index in range(people):
        slug = f"person-{index:03d}"
        cadence = rng.choice(CADENCES)
        folder = out / slug
        folder.mkdir(exist_ok=True)
        since = START - dt.timedelta(days=rng.randint(0, 300))
        (folder / "profile.md").write_text(
            f"---\nname: Person {index}\ncadence: {cadence}\nrelation: report\nsince: {since.isoformat()}\n---\n",
            encoding="utf-8",
        )
        open_items: list[tuple[str, list[str]]] = []
        for week in range(weeks):
            date = START + dt.timedelta(days=7 * week + rng.randint(0, 2))
            status = "cancelled" if rng.random() < 0.06 else None
            new_items = []
            for _ in range(0 if status else rng.randint(0, 3)):
                serial += 1
                subs = [f"sub-step {serial}.{n}" for n in range(rng.choice([0, 0, 0, 1, 2]))]
                new_items.append((item_line(rng, slug, date, serial), subs))
            text, open_items = note_text(
                rng, slug, date, status, open_items, new_items, long=rng.random() < 0.2
            )
            newline = "\r\n" if rng.random() < 0.05 else "\n"
            (folder / f"{date.isoformat()}.md").write_bytes(
                text.replace("\n", newline).encode("utf-8")
            )
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = make_vault(args.out, args.people, args.weeks, args.seed)
    print(f"{count} notes for {args.people} people in {args.out}")


if __name__ == "__main__":
    main()
