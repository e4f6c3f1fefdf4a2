"""A small hand-made vault for the insight tests (SPEC §9), every number worked out by hand.

As of 2026-06-30 (``AS_OF``). The vault's own template ``templates/1on1.md.j2`` (``TEMPLATE``) has
these literal placeholder lines: ``## Their agenda``, ``- (their topics)``, ``## My agenda``,
``- (my topics)``, ``## Growth``, ``Goals and skills:``, ``## Action items`` (its title line
holds ``{{ name }}`` and is no placeholder).

kim (weekly), note by note; "share" = their / (their + my) of that meeting:

| date  | status    | their | my | growth | mood | why                                                  |
| ----- | --------- | ----- | -- | ------ | ---- | ---------------------------------------------------- |
| 05-04 | held      | 3     | 1  | yes    | 5    | a, b, `[ ] c` (a task counts); the nested point does not |
| 05-11 | held      | 0     | 1  | no     | 4    | template left unfilled: `- (their topics)` and `Goals and skills:` are placeholders |
| 05-18 | cancelled | -     | -  | -      | -    | its content is ignored                               |
| 05-25 | held      | 0     | 1  | yes    | -    | career template: `## Topics from Kim` is not configured; `## Career` is growth |
| 06-01 | held      | 1     | 3  | no     | 4    | comments: a commented-out point, `- <!-- ... -->`, a multi-line comment; Growth empty |
| 06-08 | held      | 0     | 0  | yes    | 3    | no agenda sections; a setext `Growth` heading with content |
| 06-15 | no-show   | -     | -  | -      | -    | cancelled                                            |
| 06-22 | held      | 1     | 4  | no     | 2    | `# Career chat · ...` is the title, not a growth section |
| 06-29 | held      | 0     | 0  | no     | 1    | only bare markers `-` and `- [ ]` under Their agenda |
| 07-06 | (none)    |       |    |        |      | after as-of: planned, ignored                        |

Whole series (window: everything up to as-of):

- held 7 (05-04, 05-11, 05-25, 06-01, 06-08, 06-22, 06-29), cancelled 2 (05-18, 06-15):
  cancellation_rate = 2 / 9.
- their_points = 3 + 0 + 0 + 1 + 0 + 1 + 0 = 5, my_points = 1 + 1 + 1 + 3 + 0 + 4 + 0 = 10:
  agenda_ownership = 5 / 15 = 1/3.
- growth in 05-04, 05-25, 06-08: development_coverage = 3 / 7, last_development = 06-08,
  22 days before as-of: not stale (<= 42).
- low streak, latest first: 06-29 no points (skipped), 06-22 0.2 low, 06-08 skipped, 06-01 0.25
  low, 05-25 0.0 low, 05-11 0.0 low, 05-04 0.75 ends it: 4 >= 3, flagged.
- moods of held notes: 5, 4, (05-25 none), 4, 3, 2, 1: recent = (4 + 3 + 2 + 1) / 4 = 2.5, the 4
  before are only 5, 4 -> 4.5; mood_change = -2.0: a drop (<= -1).

``--since 2026-05-20`` cuts the series: held 05-25, 06-01, 06-08, 06-22, 06-29 (5), cancelled
06-15 (1): rate 1/6; their 0 + 1 + 0 + 1 + 0 = 2, my 1 + 3 + 0 + 4 + 0 = 8: 2/10; growth 05-25,
06-08: 2/5, last 06-08; moods 4, 3, 2, 1: recent 2.5, none before: change null; streak 06-22,
06-01, 05-25 low = 3: flagged.

``--until 2026-05-31``: held 05-04, 05-11, 05-25 (3), cancelled 05-18 (1): rate 1/4; their 3,
my 3: 0.5; growth 05-04, 05-25: 2/3, last 05-25 (36 days before as-of); moods 5, 4: recent 4.5,
change null.

``CONFIGURED`` (ono.toml ``[sections]``: their_agenda = "their agenda" and "topics from kim",
growth = "career"): 05-25 has 2 of their points (t1, t2): their = 7, ownership 7 / 17; its share
2/3 ends the streak after 06-22 and 06-01: 2, not flagged. Growth only in 05-25 (`## Career`; not
the `# Career chat` title): 1 / 7, last 05-25, 36 days: not stale.

max (weekly): one held note 06-20, their 1, my 0, no growth section: ownership 1.0, coverage
0 / 1, never: flagged as no growth talk yet. lee: a profile, no notes: everything null, no flag.

Team (kim, lee, max): their 5 + 1 = 6, my 10: 6 / 16 = 0.375; growth 3 + 0 of 7 + 1 held: 3 / 8;
cancelled 2 of 7 + 1 + 2 = 10: 0.2.
"""

from __future__ import annotations

import datetime as dt

AS_OF = dt.date(2026, 6, 30)

TEMPLATE = """---
date: {{ date }}
---
# 1:1 · {{ name }} · {{ date }}

## Their agenda
- (their topics)

## My agenda
- (my topics)

## Growth
Goals and skills:
<!-- What would you like to learn next?{% if goals %} {{ goals | join("; ") }}{% endif %} -->

## Action items
{{ carry_here }}
"""

CONFIGURED = """me = "dana"
[sections]
their_agenda = ["their agenda", "Topics from Kim"]
growth = ["career"]
"""


def front(date: str, status: str | None = None, mood: int | None = None) -> str:
    lines = ["---", f"date: {date}"]
    if status:
        lines.append(f"status: {status}")
    if mood:
        lines.append(f"mood: {mood}")
    return "\n".join(lines + ["---", ""])


KIM = {
    "kim/profile.md": "---\nname: Kim Park\ncadence: weekly\ngoals:\n  - Lead the billing migration\n  - Speak at a conference\n---\n",
    "kim/2026-05-04.md": front("2026-05-04", mood=5)
    + """# 1:1 · Kim · 2026-05-04

## Their agenda
- a: the billing migration plan
- b: on-call load
  - nested detail, not a point of its own
- [ ] c: ask about the conference budget

## My agenda
- x: thanks for the billing migration rehearsal, great job

## Growth
- wants to lead the billing migration end to end

## Feedback
- To Kim: the rehearsal write-up was clear
- From Kim: wants decisions explained earlier

## Action items
- [x] @kim write the migration plan created:2026-04-27 done:2026-05-02
- [ ] @me book the conference budget talk
""",
    "kim/2026-05-11.md": front("2026-05-11", mood=4)
    + """# 1:1 · Kim · 2026-05-11

## Their agenda
- (their topics)

## My agenda
- (my topics)
- y: the reorg

## Growth
Goals and skills:
<!-- What would you like to learn next? Lead the billing migration -->

## Action items
- [x] @me book the conference budget talk
""",
    "kim/2026-05-18.md": front("2026-05-18", status="cancelled")
    + """# 1:1 · Kim · 2026-05-18

## Their agenda
- ignored: the meeting did not happen

## Growth
- ignored growth
""",
    "kim/2026-05-25.md": front("2026-05-25")
    + """# Career conversation · Kim · 2026-05-25

## Topics from Kim
- t1: staff path
- t2: mentoring

## Career
- talked about the staff path and what the billing migration shows

## My agenda
- z: promo timeline
""",
    "kim/2026-06-01.md": front("2026-06-01", mood=4)
    + """# 1:1 · Kim · 2026-06-01

## Their agenda
<!-- - a point she thought better of -->
- real point: the pager rota

## My agenda
- m1: budget
- m2: hiring
- <!-- a point I left empty -->
- m3: offsite
<!--
- hidden
-->

## Growth

## Notes
- Kim shipped the pager rota, kudos from the SRE team
""",
    "kim/2026-06-08.md": front("2026-06-08", mood=3)
    + """# 1:1 · Kim · 2026-06-08

Notes
-----
- quiet week

Growth
------
- picked a conference to submit to
""",
    "kim/2026-06-15.md": front("2026-06-15", status="no-show")
    + "# 1:1 · Kim · 2026-06-15\n\n## Their agenda\n- ignored\n",
    "kim/2026-06-22.md": front("2026-06-22", mood=2)
    + """# Career chat · Kim · 2026-06-22

## Their agenda
- p: the migration dates

## My agenda
- q1: budget
- q2: review cycle
- q3: offsite
- q4: hiring

## Notes
- talked about the on-call load
""",
    "kim/2026-06-29.md": front("2026-06-29", mood=1)
    + """# 1:1 · Kim · 2026-06-29

## Their agenda
-
- [ ]

## Notes
- a hard week
""",
    "kim/2026-07-06.md": front("2026-07-06")
    + "# 1:1 · Kim · 2026-07-06\n\n## Their agenda\n- future point\n\n## Growth\n- future\n",
}

OTHERS = {
    "lee/profile.md": "---\nname: Lee\ncadence: weekly\n---\n",
    "max/2026-06-20.md": front("2026-06-20")
    + "# 1:1 · Max · 2026-06-20\n\n## Their agenda\n- my promotion\n\n## Notes\n- fine\n",
}

FILES: dict[str, str] = {
    "ono.toml": 'me = "dana"\n',
    "templates/1on1.md.j2": TEMPLATE,
    **KIM,
    **OTHERS,
}
