"""Insights the 1:1 practice asks for (SPEC §9): who owns the agenda, whether growth gets talked
about, how often meetings fall through, where mood is heading, and which notes touch each goal.

Pure: notes, the config's section names and the templates' placeholder lines go in, frozen
records come out. Sections are found by heading title in the notes themselves (so hand-edited
notes and other templates count), never by which template made the note. See docs/insights.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ononotes.core.carry import ACTION_ITEMS_TITLE
from ononotes.core.model import CANCELLED, HELD, CachedRecord, Config, Note
from ononotes.core.sections import (
    COMMENT_RE,
    Section,
    agenda_sections,
    growth_sections,
    note_sections,
    point_key,
    strip_list_marker,
)
from ononotes.core.topics import RecurringTopic, recurring_topics
from ononotes.core.window import Window, meeting_kind, ratio

MOOD_WINDOW = 4  # SPEC §9: mood_recent is the mean of the last 4 held notes with a mood
LOW_OWNERSHIP = 0.3  # a meeting is "theirs" too little when under 30% of its points are theirs
LOW_STREAK = 3  # ... and that for the last 3 held meetings with agenda points: flagged
DEVELOPMENT_STALE_DAYS = 42  # no growth talk for over six weeks (or never): flagged
MOOD_DROP = -1.0  # mood_change at or below this: flagged
JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
EMPTY_CHECKBOX_RE = re.compile(r"\[.\]")
# "- From Devika: wants more direct feedback" in a feedback section: their feedback to you
UPWARD_LINE_RE = re.compile(r"from\b[^:\n]{0,40}:", re.IGNORECASE)


# -- the templates' placeholder lines ----------------------------------------------------------


def placeholder_lines(template_texts: Iterable[str]) -> frozenset[str]:
    """The literal lines of the templates' bodies: every non-blank line that no Jinja tag,
    expression or comment touches, with HTML comments on it removed, stripped. A note line
    identical to one of them (stripped) is the template's own text, not something written."""
    found: set[str] = set()
    for text in template_texts:
        lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        touched: set[int] = set()
        joined = "\n".join(lines)
        for match in JINJA_RE.finditer(joined):
            first = joined.count("\n", 0, match.start())
            touched.update(range(first, first + match.group().count("\n") + 1))
        start = 0
        if lines and lines[0].strip() == "---":  # the front matter is not the body
            close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
            start = close + 1 if close is not None else 0
        bare = COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), joined).split("\n")
        for index in range(start, len(bare)):
            line = bare[index].strip()
            if line and index not in touched:
                found.add(line)
    return frozenset(found)


# -- sections ------------------------------------------------------------------------------------


def _body_start(note: Note, section: Section) -> int:
    """The first line after the heading (after a setext heading's underline too)."""
    heading = note.lines[section.start].lstrip()
    return section.start + (1 if heading.startswith("#") else 2)


def content_lines(
    note: Note, section: Section, placeholders: frozenset[str] = frozenset()
) -> list[tuple[int, str]]:
    """(line index, line) of what is written in a section: its lines up to the next heading of
    its level or higher, minus blank lines, HTML comments and the templates' placeholder
    lines. A bare list marker (``-``, ``- [ ]``) is blank too. Line indexes stay true to the
    file (a comment keeps its line breaks)."""
    start = _body_start(note, section)
    if start >= section.end:
        return []
    text = "\n".join(note.lines[start : section.end])
    if "<!--" in text:
        text = COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), text)
    found = []
    for offset, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped and stripped not in placeholders and not is_bare_marker(stripped):
            found.append((start + offset, line.rstrip()))
    return found


THEMATIC_BREAK_RE = re.compile(r"(?:[-*_=][ \t]*)+")


def holds_meeting_notes(
    note: Note, config: Config, placeholders: frozenset[str] = frozenset()
) -> bool:
    """Whether a note holds notes of the meeting (SPEC §2 v2): written text outside the agenda
    sections and the action items, that no template put there. Talking points, carried items
    and ticks are made before a meeting too: they are no evidence that it took place."""
    skipped: set[int] = set()
    before = (*config.their_agenda, *config.my_agenda, ACTION_ITEMS_TITLE)
    for section in agenda_sections(note_sections(note), before):
        skipped.update(range(section.start, section.end))
    for item in note.items:
        skipped.update(range(item.start, item.end))
    for heading in note.headings:
        skipped.add(heading.index)
        if not note.lines[heading.index].lstrip().startswith("#"):
            skipped.add(heading.index + 1)  # a setext heading's underline
    text = "\n".join(note.lines[note.body_start :])
    if "<!--" in text:
        text = COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), text)
    for index, line in enumerate(text.split("\n"), start=note.body_start):
        stripped = line.strip()
        if (
            stripped
            and index not in skipped
            and stripped not in placeholders
            and not is_bare_marker(stripped)
            and not THEMATIC_BREAK_RE.fullmatch(stripped)
        ):
            return True
    return False


def meeting_evidence(
    config: Config, placeholders: frozenset[str] = frozenset()
) -> Callable[[Note], bool]:
    """``holds_meeting_notes`` for ``meeting_kind``, with these settings."""
    return lambda note: holds_meeting_notes(note, config, placeholders)


def is_bare_marker(line: str) -> bool:
    """A list item with nothing written in it: ``-``, ``1.``, ``- [ ]``."""
    text = strip_list_marker(line)
    return not text or bool(EMPTY_CHECKBOX_RE.fullmatch(text))


def count_points(
    note: Note, sections: Sequence[Section], placeholders: frozenset[str] = frozenset()
) -> int:
    """Top-level list items (task or not) in ``sections``, each counted once, when their first
    line is written content (see ``content_lines``): an empty item, one holding only an HTML
    comment, or a placeholder line of the templates counts for nothing."""
    if not sections:
        return 0
    written = {index for s in sections for index, _ in content_lines(note, s, placeholders)}
    return sum(1 for start, _indent in note.list_starts if start in written)


# -- per meeting and per person ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingInsight(CachedRecord):
    """One held meeting, as the insights see it."""

    path: str
    date: dt.date
    their_points: int
    my_points: int
    development: bool  # a growth section has content
    mood: int | None
    feedback: bool = False  # a feedback section (either way) has content
    upward: bool = False  # a section of their feedback to you has content

    @property
    def ownership(self) -> float | None:
        return ratio(self.their_points, self.their_points + self.my_points)


def meeting_insight(
    note: Note, config: Config, placeholders: frozenset[str] = frozenset()
) -> MeetingInsight:
    sections = note_sections(note)

    def written(found: Iterable[Section]) -> bool:
        return any(content_lines(note, section, placeholders) for section in found)

    feedback = growth_sections(sections, config.feedback)
    upward = written(agenda_sections(sections, config.upward_feedback)) or any(
        UPWARD_LINE_RE.match(strip_list_marker(line))
        for section in feedback
        for _, line in content_lines(note, section, placeholders)
    )

    return MeetingInsight(
        path=note.path,
        date=note.date,
        their_points=count_points(
            note, agenda_sections(sections, config.their_agenda), placeholders
        ),
        my_points=count_points(note, agenda_sections(sections, config.my_agenda), placeholders),
        development=written(growth_sections(sections, config.growth)),
        mood=note.mood,
        feedback=written(feedback),
        upward=upward,
    )


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class PersonInsights(CachedRecord):
    """SPEC §9 for one person over the window, with what the flags need."""

    their_points: int
    my_points: int
    agenda_ownership: float | None
    development_coverage: float | None
    last_development: dt.date | None
    cancellation_rate: float | None
    mood_recent: float | None
    mood_change: float | None
    held: int = 0
    cancelled: int = 0
    developed: int = 0  # held meetings whose growth section has content
    meetings: tuple[MeetingInsight, ...] = ()  # the held meetings in the window, oldest first
    low_streak: int = 0  # latest held meetings with points in a row whose share was < LOW
    days_since_development: int | None = None  # as-of minus last_development
    active: bool = True
    feedback_coverage: float | None = None  # share of held meetings with feedback written
    last_feedback: dt.date | None = None
    upward_feedback: float | None = None  # share of held meetings with their feedback to you
    last_upward_feedback: dt.date | None = None
    with_feedback: int = 0
    with_upward: int = 0
    days_since_feedback: int | None = None  # as-of minus last_feedback
    topics: tuple[RecurringTopic, ...] = ()  # raised in 3+ held meetings (core/topics.py)

    @property
    def low_ownership(self) -> bool:
        """Their share of the agenda was under 30% in each of the last 3 meetings with points."""
        return self.low_streak >= LOW_STREAK

    @property
    def development_stale(self) -> bool:
        """An active person with held meetings and no growth talk in over six weeks, or ever."""
        if not self.active or not self.held:
            return False
        days = self.days_since_development
        return days is None or days > DEVELOPMENT_STALE_DAYS

    @property
    def mood_drop(self) -> bool:
        return self.mood_change is not None and self.mood_change <= MOOD_DROP

    @property
    def moods(self) -> tuple[MeetingInsight, ...]:
        """The held meetings with a mood, oldest first."""
        return tuple(m for m in self.meetings if m.mood is not None)

    @property
    def flags(self) -> tuple[str, ...]:
        """Each raised flag in words."""
        flags = []
        if self.low_ownership:
            flags.append(
                f"their share of the agenda under {round(LOW_OWNERSHIP * 100)}% "
                f"in each of the last {self.low_streak} 1:1s"
            )
        if self.development_stale:
            flags.append(
                "no growth or career talk yet"
                if self.last_development is None
                else f"no growth or career talk for {self.days_since_development} days "
                f"(since {self.last_development})"
            )
        if self.mood_drop and self.mood_change is not None:  # mood_drop implies a change
            flags.append(
                f"mood down {abs(self.mood_change):.1f} "
                f"(last {MOOD_WINDOW} against the {MOOD_WINDOW} before)"
            )
        return tuple(flags)


def person_insights(
    notes: Sequence[Note],
    config: Config,
    window: Window,
    placeholders: frozenset[str] = frozenset(),
    active: bool = True,
) -> PersonInsights:
    """SPEC §9 over one person's notes in (date, file name) order: held and cancelled are the
    cadence report's (SPEC §6), in the window and up to as-of."""
    as_of = window.as_of
    meetings: list[MeetingInsight] = []
    held: list[Note] = []
    cancelled = 0
    written = meeting_evidence(config, placeholders)
    for note in notes:
        if note.date not in window:
            continue
        kind = meeting_kind(note, as_of, written)
        if kind == HELD:
            held.append(note)
            meetings.append(meeting_insight(note, config, placeholders))
        elif kind == CANCELLED:
            cancelled += 1
    theirs = sum(m.their_points for m in meetings)
    mine = sum(m.my_points for m in meetings)
    developed = [m for m in meetings if m.development]
    last_development = developed[-1].date if developed else None
    fed_back = [m for m in meetings if m.feedback]
    last_feedback = fed_back[-1].date if fed_back else None
    upward = [m for m in meetings if m.upward]
    moods = [m.mood for m in meetings if m.mood is not None]
    recent = moods[-MOOD_WINDOW:]
    before = moods[-2 * MOOD_WINDOW : -MOOD_WINDOW] if len(moods) > MOOD_WINDOW else []
    mood_recent, mood_before = _mean(recent), _mean(before)
    streak = 0
    for meeting in reversed(meetings):
        share = meeting.ownership
        if share is None:
            continue  # nobody brought a point: says nothing about whose agenda it is
        if share >= LOW_OWNERSHIP:
            break
        streak += 1
    return PersonInsights(
        their_points=theirs,
        my_points=mine,
        agenda_ownership=ratio(theirs, theirs + mine),
        development_coverage=ratio(len(developed), len(meetings)),
        last_development=last_development,
        cancellation_rate=ratio(cancelled, len(meetings) + cancelled),
        mood_recent=mood_recent,
        mood_change=(
            mood_recent - mood_before
            if mood_recent is not None and mood_before is not None
            else None
        ),
        held=len(meetings),
        cancelled=cancelled,
        developed=len(developed),
        meetings=tuple(meetings),
        low_streak=streak,
        days_since_development=(as_of - last_development).days if last_development else None,
        active=active,
        feedback_coverage=ratio(len(fed_back), len(meetings)),
        last_feedback=last_feedback,
        upward_feedback=ratio(len(upward), len(meetings)),
        last_upward_feedback=upward[-1].date if upward else None,
        with_feedback=len(fed_back),
        with_upward=len(upward),
        days_since_feedback=(as_of - last_feedback).days if last_feedback else None,
        topics=recurring_topics(held, config, placeholders),
    )


@dataclass(frozen=True, slots=True)
class TeamInsights:
    """The team row: every person's notes pooled."""

    agenda_ownership: float | None
    development_coverage: float | None
    cancellation_rate: float | None
    their_points: int = 0
    my_points: int = 0
    held: int = 0
    cancelled: int = 0
    developed: int = 0
    feedback_coverage: float | None = None
    upward_feedback: float | None = None


def team_insights(rows: Iterable[PersonInsights]) -> TeamInsights:
    rows = list(rows)
    theirs = sum(r.their_points for r in rows)
    mine = sum(r.my_points for r in rows)
    held = sum(r.held for r in rows)
    cancelled = sum(r.cancelled for r in rows)
    developed = sum(r.developed for r in rows)
    return TeamInsights(
        agenda_ownership=ratio(theirs, theirs + mine),
        development_coverage=ratio(developed, held),
        cancellation_rate=ratio(cancelled, held + cancelled),
        their_points=theirs,
        my_points=mine,
        held=held,
        cancelled=cancelled,
        developed=developed,
        feedback_coverage=ratio(sum(r.with_feedback for r in rows), held),
        upward_feedback=ratio(sum(r.with_upward for r in rows), held),
    )


# -- goals ---------------------------------------------------------------------------------------

# Words too common in goals to say which goal a line is about.
_STOP_WORDS = """
    about above after again also always among become becoming been before being better between
    build building case could does doing done down each even ever every first from further gets
    getting give goal goals good great have having help into just keep lead leading learn like
    lots made make making many more most much must need next once only other ours over really
    reach same should some start still such sure take than that their them then there these they
    thing things this those through toward towards under until very want well were what when
    where which while will with within work would year years your ship write move moving
"""
GOAL_STOP_WORDS = frozenset(_STOP_WORDS.split())
WORD_RE = re.compile(r"[^\W_][\w'+#.-]*[\w+#]|[^\W_]")


def goal_keywords(goal: str) -> tuple[str, ...]:
    """The words of a goal that say what it is about, case folded: words of four letters or
    more not in GOAL_STOP_WORDS, and shorter ones that are written in capitals or hold a digit
    (``SRE``, ``CI``, ``L2``). A goal with none is matched by its whole text."""
    words: list[str] = []
    for written in WORD_RE.findall(goal):
        written = written.strip(".'-")
        word = written.casefold()
        short_but_telling = len(word) >= 2 and (
            written.isupper() or (any(c.isdigit() for c in word) and any(c.isalpha() for c in word))
        )
        telling = (len(word) >= 4 or short_but_telling) and word not in GOAL_STOP_WORDS
        if telling and word not in words:
            words.append(word)
    return tuple(words) or (" ".join(goal.casefold().split()),)


def _keyword_re(keywords: Sequence[str]) -> re.Pattern[str]:
    """A keyword of four letters or more at the start of a word ("runner" finds "runners",
    "mentor" finds "mentoring"); a shorter one as a whole word, plural allowed ("CI", "SREs")."""
    parts = [
        rf"(?<!\w){re.escape(k)}" if len(k) >= 4 else rf"(?<!\w){re.escape(k)}s?(?!\w)"
        for k in keywords
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NoteLine:
    """One written line of a note, with where it is: ``path:line`` (1-based)."""

    path: str
    line: int
    date: dt.date
    section: str
    text: str  # without its list marker and checkbox

    @property
    def source(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class GoalMentions:
    goal: str
    keywords: tuple[str, ...]
    mentions: tuple[NoteLine, ...]  # oldest first


def written_lines(note: Note, placeholders: frozenset[str] = frozenset()) -> list[NoteLine]:
    """Every written line of a note's sections: no headings, blank lines, HTML comments or
    placeholder lines; text without its list marker and checkbox."""
    headings = {h.index for h in note.headings}
    found: dict[int, tuple[str, str]] = {}
    for section in note_sections(note):  # in order, so a subsection's title wins for its lines
        for index, line in content_lines(note, section, placeholders):
            if index not in headings:
                found[index] = (section.title, line)
    return [
        NoteLine(
            note.path, index + 1, note.date, found[index][0], strip_list_marker(found[index][1])
        )
        for index in sorted(found)
    ]


def goal_mentions(
    goals: Sequence[str], notes: Sequence[Note], placeholders: frozenset[str] = frozenset()
) -> tuple[GoalMentions, ...]:
    """Each goal with the lines of ``notes`` that mention one of its keywords (case-insensitive,
    at the start of a word), in note order. A line written again in a later note (a carried
    item, a repeated point) counts once, where it first appears."""
    lines, seen = [], set()
    for note in notes:
        for line in written_lines(note, placeholders):
            key = point_key(line.text)
            if key not in seen:
                seen.add(key)
                lines.append(line)
    found = []
    for goal in goals:
        keywords = goal_keywords(goal)
        pattern = _keyword_re(keywords)
        found.append(
            GoalMentions(goal, keywords, tuple(line for line in lines if pattern.search(line.text)))
        )
    return tuple(found)


def held_notes(
    notes: Iterable[Note],
    window: Window,
    config: Config,
    placeholders: frozenset[str] = frozenset(),
) -> list[Note]:
    """The held notes in the window (up to as-of), in the order given."""
    written = meeting_evidence(config, placeholders)
    return [n for n in notes if n.date in window and meeting_kind(n, window.as_of, written) == HELD]
