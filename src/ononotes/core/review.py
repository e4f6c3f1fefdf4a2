"""The review digest (``ono review``) and the handover summary (``ono handover``), built from the
notes alone. Pure: notes, the profile and the settings in, a ``Review`` and Markdown out.

Which headings and words feed which part is documented in docs/insights.md:

- **feedback**: lines in a section whose title contains "feedback"; ``To <name>:`` lines are
  feedback given to the person, ``From <name>:`` lines feedback they gave, the rest "other";
- **growth and career**: lines in the growth sections of SPEC §9 (titles containing "growth",
  "career" or "development", or the names set in ono.toml);
- **wins and recognition**: any other line, outside the action items and not a question, with
  one of WIN_WORDS;
- **goals**: the profile's goals with the lines that mention them (``insights.goal_mentions``);
- **completed items**: items done in the period, followed by the chain rule of SPEC §5.

Every line keeps where it was written, ``path:line``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ononotes.core.carry import ACTION_ITEMS_TITLE
from ononotes.core.fields import without_fields, written_as_me
from ononotes.core.insights import (
    GoalMentions,
    NoteLine,
    PersonInsights,
    content_lines,
    goal_mentions,
    held_notes,
    written_lines,
)
from ononotes.core.model import DONE, Config, Note, Profile
from ononotes.core.reports import ActionItem, cadence_row, follow_items
from ononotes.core.sections import (
    Section,
    growth_sections,
    md_text,
    normalise_title,
    note_sections,
    private_body,
    strip_list_marker,
)
from ononotes.core.window import Window

WIN_WORDS = (
    "win",
    "wins",
    "won",
    "shipped",
    "launched",
    "landed",
    "praise",
    "praised",
    "kudos",
    "thanks",
    "thank",
    "thanked",
    "grateful",
    "recognition",
    "recognised",
    "recognized",
    "congrats",
    "congratulations",
    "shout-out",
    "shoutout",
    "well done",
    "great job",
    "proud",
    "celebrate",
    "celebrated",
)
WIN_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in WIN_WORDS) + r")(?![\w-])", re.IGNORECASE
)
FEEDBACK_WORD = "feedback"
GIVEN_RE = re.compile(r"^[\W_]*to\b[^:]{0,60}:", re.IGNORECASE)
RECEIVED_RE = re.compile(r"^[\W_]*from\b[^:]{0,60}:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CompletedItem:
    """An action item done in the period."""

    text: str
    owner: str
    created: dt.date
    closed: dt.date
    days_to_close: int | None
    times_carried: int
    source: str  # path:line in the latest note that has it


@dataclass(frozen=True, slots=True)
class Review:
    """Everything ``ono review`` shows, in order."""

    person: str
    name: str
    since: dt.date | None
    until: dt.date
    held: tuple[str, ...]  # paths of the held notes it was built from, oldest first
    first: dt.date | None
    last: dt.date | None
    wins: tuple[NoteLine, ...]
    feedback_given: tuple[NoteLine, ...]
    feedback_received: tuple[NoteLine, ...]
    feedback_other: tuple[NoteLine, ...]
    growth: tuple[NoteLine, ...]
    goals: tuple[GoalMentions, ...]
    completed: tuple[CompletedItem, ...]
    private: tuple[NoteLine, ...] | None = None  # None: not asked for (--private)


def is_win(line: NoteLine) -> bool:
    """A line outside the action items with one of WIN_WORDS that is not a question."""
    return (
        normalise_title(line.section) != ACTION_ITEMS_TITLE
        and not line.text.rstrip().endswith("?")
        and WIN_RE.search(line.text) is not None
    )


def _indexes(note: Note, sections: Iterable[Section], placeholders: frozenset[str]) -> set[int]:
    return {index for s in sections for index, _ in content_lines(note, s, placeholders)}


def private_lines(
    notes: Sequence[tuple[str, dt.date | None, str]], window: Window
) -> tuple[NoteLine, ...]:
    """The written lines of the manager's private notes dated in the window, ``path:line`` kept:
    no front matter, blank lines, HTML comments or their ``# Private ·`` title."""
    found = []
    for path, date, text in sorted(notes, key=lambda n: (n[1] or dt.date.min, n[0])):
        if date is None or date not in window:
            continue
        for number, line in private_body(text):
            stripped = line.strip()
            if stripped:
                text_of = strip_list_marker(line) if not stripped.startswith("#") else stripped
                found.append(NoteLine(path, number, date, "private", text_of))
    return tuple(found)


def completed_items(person: str, notes: Sequence[Note], window: Window) -> list[CompletedItem]:
    """Items done in the window (closed from since to until), by the chain rule of SPEC §5."""
    done = [
        (item, item.closed)
        for item in follow_items(person, notes, window.end)
        if item.state == DONE and item.closed is not None and item.closed in window
    ]
    return [
        CompletedItem(
            item.text,
            item.owner,
            item.created,
            closed,
            item.days_to_close,
            item.times_carried,
            item.source,
        )
        for item, closed in sorted(done, key=lambda pair: (pair[1], pair[0].source))
    ]


def build_review(
    person: str,
    profile: Profile | None,
    config: Config,
    notes: Sequence[Note],
    window: Window,
    placeholders: frozenset[str] = frozenset(),
    private: Sequence[tuple[str, dt.date | None, str]] | None = None,
) -> Review:
    """The review digest of ``person`` over the held notes in ``window``; ``notes`` are theirs
    in (date, file name) order. ``private`` (path, date, text) are added only when given."""
    held = held_notes(notes, window, config, placeholders)
    wins, given, received, other, growth = [], [], [], [], []
    for note in held:
        sections = note_sections(note)
        feedback = _indexes(
            note, [s for s in sections if FEEDBACK_WORD in normalise_title(s.title)], placeholders
        )
        growing = _indexes(note, growth_sections(sections, config.growth), placeholders)
        for line in written_lines(note, placeholders):
            index = line.line - 1
            if index in feedback:
                if GIVEN_RE.match(line.text):
                    given.append(line)
                elif RECEIVED_RE.match(line.text):
                    received.append(line)
                else:
                    other.append(line)
            elif index in growing:
                growth.append(line)
            elif is_win(line):
                wins.append(line)
    return Review(
        person=person,
        name=profile.name if profile else person,
        since=window.since,
        until=window.end,
        held=tuple(note.path for note in held),
        first=held[0].date if held else None,
        last=held[-1].date if held else None,
        wins=tuple(wins),
        feedback_given=tuple(given),
        feedback_received=tuple(received),
        feedback_other=tuple(other),
        growth=tuple(growth),
        goals=goal_mentions(profile.goals if profile else (), held, placeholders),
        completed=tuple(completed_items(person, notes, window)),
        private=None if private is None else private_lines(private, window),
    )


# -- Markdown --------------------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def period(review: Review) -> str:
    start = str(review.since) if review.since else "the first note"
    return f"{start} to {review.until}"


def line_md(line: NoteLine) -> str:
    return f"- {line.date} · {md_text(line.text)} (`{line.source}`)"


def completed_md(item: CompletedItem) -> str:
    took = "" if item.days_to_close is None else f", {_plural(item.days_to_close, 'day')} to close"
    carried = f", carried {_plural(item.times_carried, 'time')}" if item.times_carried else ""
    return (
        f"- {item.closed} · {md_text(item.text)} · created {item.created}{took}{carried} "
        f"(`{item.source}`)"
    )


def _part(title: str, lines: Sequence[NoteLine], empty: str) -> list[str]:
    return ["", title, ""] + ([line_md(line) for line in lines] or [f"_{empty}_"])


def render_review_md(review: Review) -> str:
    """The digest as Markdown: a draft to edit, every line ending with its ``path:line``."""
    held = len(review.held)
    span = f" (first {review.first}, last {review.last})" if held else ""
    out = [
        f"# Review digest: {md_text(review.name)}",
        "",
        f"{review.person} · {period(review)} · {_plural(held, 'held 1:1')}{span}.",
        "",
        "Built from the notes alone, as a draft to edit; each line ends with where it was "
        "written (`path:line`).",
    ]
    out += _part("## Wins and recognition", review.wins, "Nothing found.")
    out += ["", "## Feedback"]
    out += _part(f"### Given to {md_text(review.name)}", review.feedback_given, "None written.")
    out += _part(
        f"### Received from {md_text(review.name)}", review.feedback_received, "None written."
    )
    if review.feedback_other:
        out += _part("### Other feedback", review.feedback_other, "")
    out += _part("## Growth and career", review.growth, "No growth or career talk written.")
    out += ["", "## Goals"]
    if not review.goals:
        out += ["", "_No goals in the profile._"]
    for goal in review.goals:
        out += ["", f"### {md_text(goal.goal)}", ""]
        out.append(f"Matched on: {', '.join(goal.keywords)}.")
        out += [""] + ([line_md(m) for m in goal.mentions] or ["_Not mentioned in this period._"])
    out += ["", "## Completed items", ""]
    out += [completed_md(item) for item in review.completed] or ["_None completed._"]
    if review.private is not None:
        out += ["", "## Your private notes (yours only: never share this part)", ""]
        out += [line_md(line) for line in review.private] or ["_None in this period._"]
    return "\n".join(out) + "\n"


# -- the handover summary --------------------------------------------------------------------------


def _item_md(item: ActionItem, where: Callable[[str], str]) -> str:
    facts = [f"owner {item.owner}"]
    if item.due:
        facts.append(f"due {item.due}" + (" (overdue)" if item.overdue else ""))
    assert item.age_days is not None  # the items are open ones, and an open item has an age
    facts.append(f"open since {item.created} ({_plural(item.age_days, 'day')})")
    if item.times_carried:
        facts.append(f"carried {_plural(item.times_carried, 'time')}")
    path, _, line = item.source.rpartition(":")
    return f"- {md_text(without_fields(item.text))} · {' · '.join(facts)} (`{where(path)}:{line}`)"


def insight_summary(insights: PersonInsights | None) -> list[str]:
    """The SPEC §9 numbers in words, for the handover summary."""
    if insights is None or not insights.held:
        return ["- No held 1:1s yet."]
    i = insights
    lines = []
    if i.agenda_ownership is not None:
        lines.append(
            f"- Agenda ownership: {round(i.agenda_ownership * 100)}% of the talking points were "
            f"theirs ({i.their_points} of {i.their_points + i.my_points})."
        )
    last = f"last on {i.last_development}" if i.last_development else "never written in these notes"
    lines.append(f"- Growth and career talked about in {i.developed} of {i.held} 1:1s; {last}.")
    if i.cancellation_rate is not None:
        lines.append(f"- {i.cancelled} of {i.held + i.cancelled} 1:1s were cancelled.")
    if i.mood_recent is not None:
        change = "" if i.mood_change is None else f", {i.mood_change:+.1f} against the 4 before"
        lines.append(f"- Mood (their own rating, 1-5): {i.mood_recent:.1f} lately{change}.")
    lines += [f"- **Flag:** {flag}." for flag in i.flags]
    return lines


def render_handover(
    person: str,
    profile: Profile | None,
    config: Config,
    notes: Sequence[Note],
    today: dt.date,
    items: Sequence[ActionItem],
    where: Callable[[str], str] = lambda path: path,
    placeholders: frozenset[str] = frozenset(),
    previous: str = "me",
    shared_remote: str | None = None,
) -> str:
    """HANDOVER.md: what the new manager needs first. ``items`` are the person's open items
    (``reports.open_items``); ``where`` maps a path of the old vault to its path in the new one;
    ``previous`` is the previous manager's slug."""
    window = Window(today)
    row = cadence_row(person, notes, profile, config, window, placeholders=placeholders)
    held = held_notes(notes, window, config, placeholders)
    name = profile.name if profile else person
    out = [
        f"# Handover: {md_text(name)} ({person})",
        "",
        f"Handed over on {today} by {previous}. This vault holds {person}'s profile and "
        f"{_plural(len(notes), 'note')} of their 1:1s"
        + (f" ({held[0].date} to {held[-1].date})" if held else "")
        + ". Nothing in it is private: the previous manager's private notes stay with them.",
        "",
        "## The person",
        "",
    ]
    facts = [
        ("Name", name),
        ("Role", profile.role if profile else None),
        ("Relation", profile.relation if profile else None),
        ("1:1s since", profile.since if profile else None),
        ("Cadence", f"{row.cadence} (every {_plural(row.interval_days, 'day')})"),
        ("Last 1:1", f"{row.last_held}" if row.last_held else "none held yet"),
        (
            "Next 1:1 due",
            f"{row.next_due}" + (" (overdue)" if row.overdue else "") if row.next_due else None,
        ),
    ]
    out += [f"- {label}: {md_text(str(value))}" for label, value in facts if value]
    out += ["", f"## Open items ({len(items)})", ""]
    out += [_item_md(item, where) for item in items] or ["_None._"]
    if any(written_as_me(item.text) for item in items):
        out += [
            "",
            f"Items owned by `@me` were {previous}'s: in your vault `@me` means you. Take them "
            f"over, or write `@{previous}` in the next note.",
        ]
    out += ["", "## Goals", ""]
    mentions = goal_mentions(profile.goals if profile else (), held, placeholders)
    for goal in mentions:
        if goal.mentions:
            latest = goal.mentions[-1]
            path, _, line = latest.source.rpartition(":")
            out.append(
                f"- {md_text(goal.goal)} · {_plural(len(goal.mentions), 'mention')} in the notes, "
                f"latest {latest.date} (`{where(path)}:{line}`)"
            )
        else:
            out.append(f"- {md_text(goal.goal)} · not mentioned in the notes")
    if not mentions:
        out.append("_No goals in the profile._")
    out += ["", "## What the notes show", ""] + insight_summary(row.insights)
    out += ["", "## Not handed over", ""]
    out.append(
        f"- {previous}'s private notes about {person}, if any: they stay in the previous "
        "manager's vault, and nothing here is taken from them."
    )
    if shared_remote:
        out += [
            "",
            "## Their shared repository",
            "",
            f"{person}'s notes are shared with them through `{shared_remote}`. To keep writing in "
            f"the same notes, ask for access and clone it into your vault as `{person}/` "
            "(see docs/sharing.md); this copy's history is that repository's.",
        ]
    return "\n".join(out) + "\n"
