"""The brief before a 1:1 (``ono prep``): built from a person's notes, printed as text or Markdown.

Pure: notes, the profile and the settings go in, a ``Brief`` comes out, and the renderers turn
it into a string. Reading the vault, refreshing the planned note, the question bank and the
private notes are the caller's job (``workflow.prepare_brief``).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ononotes.core.attention import Reason, person_reasons
from ononotes.core.carry import ACTION_ITEMS_TITLE
from ononotes.core.fields import without_fields
from ononotes.core.insights import (
    MOOD_WINDOW,
    GoalMentions,
    PersonInsights,
    goal_mentions,
    held_notes,
)
from ononotes.core.model import UNASSIGNED, Config, Note, Problem, Profile
from ononotes.core.reports import ActionItem, cadence_row, open_items
from ononotes.core.sections import (
    Section,
    find_section,
    list_points,
    md_text,
    private_body,
    section_content,
    strip_list_marker,
)
from ononotes.core.window import Window

FORMATS = ("text", "md")
PREVIEW_LINES = 2  # lines shown of each section of the last meeting
PREVIEW_WIDTH = 110


@dataclass(frozen=True, slots=True)
class BriefItem:
    """An open action item as the brief shows it."""

    owner: str
    text: str  # the item's first line without its date fields
    created: dt.date  # its created field, else the date of the note it first appeared in
    age_days: int
    due: dt.date | None
    overdue: bool
    times_carried: int  # notes after its first in which it is still open (SPEC §5)
    source: str  # path:line where it stands now


@dataclass(frozen=True, slots=True)
class SectionPreview:
    title: str
    lines: tuple[str, ...]
    more: int = 0  # content lines left out


@dataclass(frozen=True, slots=True)
class MeetingPreview:
    path: str
    date: dt.date
    type: str
    sections: tuple[SectionPreview, ...]


@dataclass(frozen=True, slots=True)
class Brief:
    """Everything ``ono prep`` shows, in the order it shows it."""

    person: str
    name: str
    role: str | None
    relation: str | None
    me: str
    today: dt.date
    cadence: str
    interval_days: int
    tolerance_days: int
    active: bool
    until: dt.date | None  # the profile's end date, when the 1:1s have ended
    last_held: dt.date | None
    days_since: int | None  # since the last held 1:1, else since the profile's `since`
    next_due: dt.date | None
    overdue: bool
    next_date: dt.date | None  # the next meeting's note, when there is one
    next_path: str | None
    items: tuple[BriefItem, ...]
    their_points: tuple[str, ...]  # already queued in the next meeting's note
    my_points: tuple[str, ...]
    last_meeting: MeetingPreview | None
    private: str | None
    moods: tuple[tuple[dt.date, int], ...]  # the last few held notes with a mood, oldest first
    mood_change: float | None  # mean of those minus the mean of the ones before (SPEC §9)
    goals: tuple[str, ...]
    questions: tuple[str, ...]
    insights: PersonInsights | None = None  # SPEC §9 over the held 1:1s up to today
    goal_mentions: tuple[GoalMentions, ...] = ()  # each goal with the note lines that mention it
    attention: tuple[Reason, ...] = ()  # why they need you now (core/attention.py), heaviest first

    @property
    def late_after(self) -> int:
        return self.interval_days + self.tolerance_days


# -- building ---------------------------------------------------------------------------------


def _display(text: str, owner: str, me: str) -> str:
    """An item's text for the brief: no date fields (shown apart), and no leading ``@owner``
    (the items are grouped by owner)."""
    words = without_fields(text).split()
    mentions = {f"@{owner}", "@me"} if owner == me else {f"@{owner}"}
    if len(words) > 1 and words[0].casefold() in mentions:
        words = words[1:]
    return " ".join(words)


def _brief_item(item: ActionItem, me: str) -> BriefItem:
    return BriefItem(
        owner=item.owner,
        text=_display(item.text, item.owner, me),
        created=item.created,
        age_days=max(0, item.age_days or 0),  # a created: field may lie in the future
        due=item.due,
        overdue=item.overdue,
        times_carried=item.times_carried,
        source=item.source,
    )


def _owner_order(person: str, me: str) -> Callable[[BriefItem], tuple[int, str]]:
    def order(item: BriefItem) -> tuple[int, str]:
        if item.owner == person:
            return (0, "")
        if item.owner == me:
            return (1, "")
        return (3, "") if item.owner == UNASSIGNED else (2, item.owner)

    return order


def open_brief_items(
    notes: Sequence[Note], person: str, me: str, today: dt.date
) -> list[BriefItem]:
    """The person's open items by the one rule (``reports.open_items``: a tick in the planned
    note counts at once), each with its age and times carried, grouped by owner: the person,
    me, others, unassigned; within a group, as they stand in their note."""
    followed = open_items(person, notes, today)
    followed.sort(key=lambda item: int(item.source.rpartition(":")[2]))  # as they stand
    return sorted((_brief_item(item, me) for item in followed), key=_owner_order(person, me))


def preview_meeting(note: Note, lines_each: int = PREVIEW_LINES) -> MeetingPreview:
    """The meeting in short: each non-empty section's heading and first lines; for the action
    items, how many there were in each state."""
    lines = note.lines
    headings = [h for h in note.headings if h.index >= note.body_start]
    sections: list[SectionPreview] = []
    starts = [item.start for item in note.items]  # in order: the items of a section by bisection
    for position, heading in enumerate(headings):
        end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        own = Section(heading.title, heading.level, heading.index, end)
        if heading.title.casefold() == ACTION_ITEMS_TITLE:
            first, last = bisect_right(starts, own.start), bisect_left(starts, own.end)
            states = [item.state for item in note.items[first:last]]
            if states:
                counts = ", ".join(
                    f"{states.count(s)} {s}" for s in ("open", "done", "cancelled") if s in states
                )
                sections.append(SectionPreview(heading.title, (f"{len(states)} items: {counts}",)))
            continue
        content = section_content(lines, own)
        if not content:
            continue
        shown = tuple(_shorten(strip_list_marker(line)) for line in content[:lines_each])
        sections.append(SectionPreview(heading.title, shown, len(content) - len(shown)))
    return MeetingPreview(note.path, note.date, note.type, tuple(sections))


def _shorten(text: str, width: int = PREVIEW_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _points(note: Note | None, titles: Sequence[str]) -> tuple[str, ...]:
    if note is None:
        return ()
    section = find_section(len(note.lines), note.headings, titles)
    if section is None:
        return ()
    return tuple(list_points(note.lines, note.list_starts, section))


def private_excerpt(
    notes: Sequence[tuple[str, dt.date | None, str]], since: dt.date | None, keep: int = 3
) -> str | None:
    """The private notes worth rereading: those from the last held meeting on (else the latest
    one), at most ``keep``, each under a ``date · path`` line, without their front matter, their
    title and HTML comments. None when nothing is written in them."""
    dated = sorted(notes, key=lambda n: (n[1] or dt.date.min, n[0]))
    chosen = [n for n in dated if since is None or (n[1] is not None and n[1] >= since)]
    chosen = (chosen or dated[-1:])[-keep:]
    blocks = []
    for path, date, text in chosen:
        content = "\n".join(line.rstrip() for _, line in private_body(text)).strip()
        if content:
            content = re.sub(r"\n{3,}", "\n\n", content)
            blocks.append(f"{date or '?'} · {path}\n{content}")
    return "\n\n".join(blocks) or None


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values)


def build_brief(
    person: str,
    profile: Profile | None,
    config: Config,
    notes: Sequence[Note],
    upcoming: Note | None,
    today: dt.date,
    questions: Sequence[str] = (),
    private: Sequence[tuple[str, dt.date | None, str]] = (),
    placeholders: frozenset[str] = frozenset(),
    problems: list[Problem] | None = None,
) -> Brief:
    """The brief for the meeting with ``person``.

    ``notes`` are the person's notes in (date, file name) order; ``upcoming`` is the note of the
    next meeting, if any. The meetings before it, up to today, are the history the numbers come
    from, so a note scaffolded for today is the meeting to prepare, not the last one held: their
    cadence row (SPEC §6) and insights (§9), as the reports work them out.
    ``private`` are the manager's private notes about them as (path, date, text);
    ``placeholders`` the templates' literal lines, for the insights (see insights.py);
    ``problems`` gets an unreadable cadence, as in the reports.
    """
    history = [
        n for n in notes if n.date <= today and (upcoming is None or n.sort_key < upcoming.sort_key)
    ]
    window = Window(today)
    row = cadence_row(person, history, profile, config, window, problems, placeholders)
    held = held_notes(history, window, config, placeholders)
    last = held[-1] if held else None
    insights = row.insights
    assert insights is not None  # cadence_row always works out a person's insights
    return Brief(
        person=person,
        name=row.name,
        role=profile.role if profile else None,
        relation=profile.relation if profile else None,
        me=config.me,
        today=today,
        cadence=row.cadence,
        interval_days=row.interval_days,
        tolerance_days=row.tolerance_days,
        active=row.active,
        until=None if row.active else row.until,
        last_held=row.last_held,
        days_since=row.days_since,
        next_due=row.next_due,
        overdue=row.overdue,
        next_date=upcoming.date if upcoming else None,
        next_path=upcoming.path if upcoming else None,
        items=tuple(open_brief_items(notes, person, config.me, today)),
        their_points=_points(upcoming, config.their_agenda),
        my_points=_points(upcoming, config.my_agenda),
        last_meeting=preview_meeting(last) if last else None,
        private=private_excerpt(private, last.date if last else None),
        moods=tuple(  # insights.moods has only meetings with a mood: the test narrows the type
            (m.date, m.mood) for m in insights.moods[-MOOD_WINDOW:] if m.mood is not None
        ),
        mood_change=insights.mood_change,
        goals=tuple(profile.goals) if profile else (),
        questions=tuple(questions),
        insights=insights,
        goal_mentions=goal_mentions(profile.goals if profile else (), held, placeholders),
        attention=person_reasons(row, open_items(person, notes, today), (config.me,), today)
        if row.active
        else (),
    )


# -- rendering --------------------------------------------------------------------------------


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def cadence_line(brief: Brief) -> str:
    """``last 1:1 2026-11-16, 6 days ago; weekly, late after 9 days: on cadence``."""
    rule = f"{brief.cadence} (every {_days(brief.interval_days)}, late after {_days(brief.late_after)})"
    if not brief.active:
        last = f"; last 1:1 {brief.last_held}" if brief.last_held else ""
        return f"inactive: their 1:1s ended {brief.until}{last}"
    if brief.days_since is None:
        return f"no 1:1 held yet; {rule}"
    if brief.last_held is not None:
        since = f"last 1:1 {brief.last_held}, {_days(brief.days_since)} ago"
    else:
        since = f"no 1:1 held yet, {_days(brief.days_since)} since they started"
    if brief.overdue:
        state = f"OVERDUE, {_days(brief.days_since - brief.interval_days)} past due"
    else:
        state = "on cadence"
    return f"{since}; {rule}: {state}"


def next_line(brief: Brief) -> str:
    if brief.next_date is None and not brief.active:
        return "next: none"
    if brief.next_date is None:
        due = f", due {max(brief.next_due, brief.today)}" if brief.next_due else ""
        return f"next: no note yet{due} (`ono agenda {brief.person} ...` scaffolds it)"
    when = brief.next_date - brief.today
    label = {0: "today", 1: "tomorrow"}.get(when.days, f"in {_days(when.days)}")
    return f"next: {brief.next_date} ({label}), {brief.next_path}"


def owner_label(owner: str, brief: Brief) -> str:
    if owner == brief.me:
        return f"{owner} (me)"
    return owner


def item_line(item: BriefItem) -> str:
    parts = [item.text]
    if item.due is not None:
        parts.append(f"due {item.due}" + (" OVERDUE" if item.overdue else ""))
    parts.append(f"{_days(item.age_days)} old")
    if item.times_carried:
        parts.append(f"carried {item.times_carried}x")
    return " · ".join(parts)


def _grouped(brief: Brief) -> list[tuple[str, list[BriefItem]]]:
    groups: list[tuple[str, list[BriefItem]]] = []
    for item in brief.items:
        if not groups or groups[-1][0] != item.owner:
            groups.append((item.owner, []))
        groups[-1][1].append(item)
    return groups


def _mood_line(brief: Brief) -> str:
    values = " ".join(str(mood) for _, mood in brief.moods)
    mean = _mean([mood for _, mood in brief.moods])
    line = f"{values} (mean {mean:.1f}, {brief.moods[0][0]} to {brief.moods[-1][0]})"
    if brief.mood_change is not None:
        line += f", {brief.mood_change:+.1f} against the {MOOD_WINDOW} before"
    return line


def insight_lines(brief: Brief) -> list[str]:
    """Agenda ownership, the last growth talk and the flags (docs/insights.md)."""
    i = brief.insights
    if i is None or not i.held:
        return []
    total = i.their_points + i.my_points
    if i.agenda_ownership is None:
        agenda = f"agenda ownership: no agenda points in {i.held} held 1:1s"
    else:
        agenda = (
            f"agenda ownership: {round(i.agenda_ownership * 100)}% theirs "
            f"({i.their_points} of {total} points in {i.held} held 1:1s)"
        )
    if i.last_development is None:
        growth = f"last development talk: none in {i.held} held 1:1s"
    else:
        assert i.days_since_development is not None  # set whenever last_development is
        growth = (
            f"last development talk: {i.last_development}, {_days(i.days_since_development)} ago "
            f"(growth talked about in {i.developed} of {i.held} 1:1s)"
        )
    return [agenda, growth] + [f"FLAG: {flag}" for flag in i.flags]  # mood: the Mood line


def goal_lines(brief: Brief, goal: str) -> list[str]:
    """How often a goal came up in the held 1:1s, and the latest line that mentions it."""
    found = next((m for m in brief.goal_mentions if m.goal == goal), None)
    if found is None:
        return []
    if not found.mentions:
        return ["not mentioned in the held 1:1s yet"]
    latest, count = found.mentions[-1], len(found.mentions)
    return [
        f"{count} mention{'' if count == 1 else 's'}, latest {latest.date}: "
        f"{_shorten(latest.text, 80)} ({latest.source})"
    ]


def render_text(brief: Brief) -> str:
    """The brief for the terminal."""
    title = f"{brief.name} ({brief.person})"
    about = " · ".join(x for x in (brief.role, brief.relation) if x)
    out = [f"{title}{' · ' + about if about else ''} · prep for {brief.today}", ""]
    out += [f"  {cadence_line(brief)}", f"  {next_line(brief)}", ""]
    if brief.attention:
        out.append("Needs you now")
        out += [f"  - {reason.text} ({reason.source})" for reason in brief.attention]
        out.append("")
    out.append(f"Open items ({len(brief.items)})")
    for owner, items in _grouped(brief):
        out.append(f"  {owner_label(owner, brief)}")
        out += [f"    - {item_line(item)}" for item in items]
    if not brief.items:
        out.append("  none")
    if brief.their_points or brief.my_points:
        out += ["", f"Queued for {brief.next_date}"]
        for label, points in (("Their agenda", brief.their_points), ("My agenda", brief.my_points)):
            if points:
                out.append(f"  {label}")
                out += [f"    - {point}" for point in points]
    if brief.last_meeting is not None:
        meeting = brief.last_meeting
        out += ["", f"Last 1:1, {meeting.date} ({meeting.path})"]
        for section in meeting.sections:
            out.append(f"  {section.title}")
            out += [f"    {line}" for line in section.lines]
            if section.more:
                out.append(f"    (+{section.more} more)")
    if brief.private:
        out += ["", "Private notes"]
        out += [f"  {line}" if line.strip() else "" for line in brief.private.splitlines()]
    if brief.moods:
        out += ["", f"Mood: {_mood_line(brief)}"]
    insights = insight_lines(brief)
    if insights:
        out += ["", "Insights"] + [f"  {line}" for line in insights]
    if brief.goals:
        out += ["", "Goals"]
        for goal in brief.goals:
            out += [f"  - {goal}"] + [f"      {line}" for line in goal_lines(brief, goal)]
    if brief.questions:
        out += ["", "Questions to ask"] + [f"  - {q}" for q in brief.questions]
    return "\n".join(out) + "\n"


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown, for pasting. Plain bullets only: no task items to be carried."""
    out = [f"# Prep: {brief.name} · {brief.today}", ""]
    out += [f"- {cadence_line(brief)}", f"- {next_line(brief)}", ""]
    if brief.attention:
        out += ["## Needs you now", ""]
        out += [f"- {md_text(reason.text)} (`{reason.source}`)" for reason in brief.attention]
        out.append("")
    out += ["## Open items", ""]
    for owner, items in _grouped(brief):
        out.append(f"- **{owner_label(owner, brief)}**")
        for item in items:
            line = md_text(item_line(item)).replace(" OVERDUE", " **overdue**")
            out.append(f"  - {line}")
    if not brief.items:
        out.append("- none")
    if brief.their_points or brief.my_points:
        out += ["", f"## Queued for {brief.next_date}", ""]
        for label, points in (("Their agenda", brief.their_points), ("My agenda", brief.my_points)):
            if points:
                out.append(f"- **{label}**")
                out += [f"  - {md_text(point)}" for point in points]
    if brief.last_meeting is not None:
        meeting = brief.last_meeting
        out += ["", f"## Last 1:1, {meeting.date}", "", f"`{meeting.path}`", ""]
        for section in meeting.sections:
            out.append(f"- **{section.title}**")
            out += [f"  - {md_text(line)}" for line in section.lines]
            if section.more:
                out.append(f"  - (+{section.more} more)")
    if brief.private:
        out += ["", "## Private notes (yours only: do not paste into a shared note)", ""]
        # quoted: a block quote holds no action items, so a careless paste carries nothing
        out += [f"> {line}".rstrip() for line in brief.private.splitlines()]
    if brief.moods:
        out += ["", "## Mood", "", _mood_line(brief)]
    insights = insight_lines(brief)
    if insights:
        out += ["", "## Insights", ""] + [f"- {md_text(line)}" for line in insights]
    if brief.goals:
        out += ["", "## Goals", ""]
        for goal in brief.goals:
            out += [f"- {md_text(goal)}"] + [
                f"  - {md_text(line)}" for line in goal_lines(brief, goal)
            ]
    if brief.questions:
        out += ["", "## Questions to ask", ""] + [f"- {md_text(q)}" for q in brief.questions]
    return "\n".join(out) + "\n"


def render_brief(brief: Brief, fmt: str = "text") -> str:
    """The brief in ``fmt``: ``text`` for the terminal, ``md`` for pasting."""
    if fmt == "md":
        return render_markdown(brief)
    return render_text(brief)
