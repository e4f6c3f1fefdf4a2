"""Cadence and follow-through reports (SPEC §5, §6): notes in, frozen rows out.

Pure functions: no I/O, no click, no clock. The caller passes the notes, the profiles, the
config and the dates; ``reporting.py`` does the loading and the printing.

Every function groups the notes by person once and then walks each person's notes in
(date, file name) order, so the work grows with the number of notes and items, never faster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import TYPE_CHECKING

from ononotes.core.cadence import interval_days, tolerance_days
from ononotes.core.model import (
    CANCELLED,
    DONE,
    HELD,
    OPEN,
    PLANNED,
    STATE_OF_CHAR,
    UNCONFIRMED,
    CachedRecord,
    Config,
    Item,
    Note,
    Problem,
    Profile,
)
from ononotes.core.window import Window, group_by_person, median, meeting_kind, ratio

if TYPE_CHECKING:
    from ononotes.core.insights import PersonInsights, TeamInsights

DROPPED = "dropped"
STALE_AFTER = 3  # an open item carried this many times is stale (SPEC §5)
DEFAULT_CADENCE = "weekly"
_CLOSED = (DONE, CANCELLED)
_STATE_RANK = {DONE: 2, CANCELLED: 1, OPEN: 0}


@dataclass(frozen=True, slots=True)
class Meeting(CachedRecord):
    """One note on a person's timeline: ``kind`` is held, cancelled or planned."""

    date: dt.date
    kind: str
    status: str
    path: str
    mood: int | None = None


@dataclass(frozen=True, slots=True)
class CadenceRow(CachedRecord):
    """One person's meeting rhythm. The first fields are the JSON row of SPEC §8."""

    person: str
    name: str
    cadence: str
    interval_days: int
    held: int
    cancelled: int
    planned: int
    unconfirmed: int
    last_held: dt.date | None
    days_since: int | None
    next_due: dt.date | None
    overdue: bool
    median_gap_days: int | float | None
    max_gap_days: int | None
    on_cadence_ratio: float | None
    active: bool
    tolerance_days: int = 0
    since: dt.date | None = None
    until: dt.date | None = None
    gaps: tuple[int, ...] = ()
    meetings: tuple[Meeting, ...] = ()  # held and cancelled in the window, every planned one
    insights: PersonInsights | None = None  # SPEC §9, over the same window

    @property
    def allowed_gap(self) -> int:
        return self.interval_days + self.tolerance_days


@dataclass(frozen=True, slots=True)
class CadenceTeam:
    people: int
    overdue: int
    held: int
    cancelled: int
    on_cadence_ratio: float | None
    planned: int = 0
    active: int = 0
    insights: TeamInsights | None = None  # SPEC §9, every person's notes pooled
    unconfirmed: int = 0


@dataclass(frozen=True, slots=True)
class CadenceReport:
    window: Window
    people: tuple[CadenceRow, ...]
    team: CadenceTeam
    problems: tuple[Problem, ...] = ()

    @property
    def as_of(self) -> dt.date:
        return self.window.as_of

    @property
    def overdue(self) -> tuple[CadenceRow, ...]:
        return tuple(row for row in self.people if row.overdue)


def unconfirmed_message(day: dt.date) -> str:
    """What ``ono report`` and ``ono check`` say of a planned meeting whose day has passed
    with no notes of it (SPEC §2 v2)."""
    return f"planned for {day}, not confirmed: write the notes, or set status"


def resolve_cadence(
    profile: Profile | None, config: Config, problems: list[Problem] | None = None
) -> tuple[str, int]:
    """(cadence name, interval in days): the profile's, else ono.toml's, else weekly.

    A cadence that cannot be read falls back to the next one and is noted in ``problems``.
    """
    candidates = []
    if profile is not None and profile.cadence:
        candidates.append((profile.cadence, profile.path or f"{profile.slug}/profile.md"))
    candidates.append((config.cadence, "ono.toml"))
    for name, where in candidates:
        try:
            return name, interval_days(name)
        except ValueError as exc:
            if problems is not None:
                problems.append(Problem(where, None, f"{exc}; using the next default"))
    return DEFAULT_CADENCE, interval_days(DEFAULT_CADENCE)


def cadence_row(
    person: str,
    notes: Sequence[Note],
    profile: Profile | None,
    config: Config,
    window: Window,
    problems: list[Problem] | None = None,
    placeholders: frozenset[str] = frozenset(),
) -> CadenceRow:
    """One person's cadence from their notes in (date, file name) order (SPEC §6), with the
    insights of SPEC §9 (``placeholders``: the templates' literal lines, see insights.py)."""
    from ononotes.core.insights import meeting_evidence, person_insights  # they build on this

    as_of = window.as_of
    cadence, interval = resolve_cadence(profile, config, problems)
    tolerance = tolerance_days(interval)
    last_held: dt.date | None = None
    held_in_window: list[dt.date] = []
    cancelled = planned = unconfirmed = 0
    meetings: list[Meeting] = []
    written = meeting_evidence(config, placeholders)
    for note in notes:
        kind = meeting_kind(note, as_of, written)
        status = note.effective_status(as_of)
        if kind == HELD:
            last_held = max(last_held, note.date) if last_held else note.date
            if note.date in window:
                held_in_window.append(note.date)
                meetings.append(Meeting(note.date, HELD, status, note.path, note.mood))
        elif kind == CANCELLED and note.date in window:
            cancelled += 1
            meetings.append(Meeting(note.date, CANCELLED, status, note.path, note.mood))
        elif kind == PLANNED:
            planned += 1
            meetings.append(Meeting(note.date, PLANNED, status, note.path, note.mood))
        elif kind == UNCONFIRMED:  # planned, as SPEC §6 counts it, and called out
            planned += 1
            unconfirmed += 1
            meetings.append(Meeting(note.date, UNCONFIRMED, status, note.path, note.mood))
            if problems is not None:
                problems.append(Problem(note.path, None, unconfirmed_message(note.date)))
    gaps = tuple((b - a).days for a, b in pairwise(held_in_window))
    since = profile.since if profile else None
    until = profile.until if profile else None
    anchor = last_held or since
    days_since = (as_of - anchor).days if anchor else None
    active = not (until is not None and until < as_of)
    overdue = active and days_since is not None and days_since > interval + tolerance
    return CadenceRow(
        person=person,
        name=profile.name if profile else person,
        cadence=cadence,
        interval_days=interval,
        held=len(held_in_window),
        cancelled=cancelled,
        planned=planned,
        unconfirmed=unconfirmed,
        last_held=last_held,
        days_since=days_since,
        next_due=anchor + dt.timedelta(days=interval) if anchor else None,
        overdue=overdue,
        median_gap_days=median(gaps),
        max_gap_days=max(gaps) if gaps else None,
        on_cadence_ratio=ratio(sum(gap <= interval + tolerance for gap in gaps), len(gaps)),
        active=active,
        tolerance_days=tolerance,
        since=since,
        until=until,
        gaps=gaps,
        meetings=tuple(meetings),
        insights=person_insights(notes, config, window, placeholders, active),
    )


def cadence_report(
    notes: Iterable[Note],
    profiles: Mapping[str, Profile],
    config: Config,
    window: Window,
    people: Iterable[str] | None = None,
    placeholders: frozenset[str] = frozenset(),
) -> CadenceReport:
    """Every person's cadence and the team's (SPEC §6), with the insights of SPEC §9.

    ``people`` limits the report (default: everyone with a profile or a note);
    ``placeholders`` are the templates' literal lines, which count as nothing written.
    """
    by_person = group_by_person(notes)
    everyone = sorted(set(people) if people is not None else set(profiles) | set(by_person))
    problems: list[Problem] = []
    rows = [
        cadence_row(
            slug,
            by_person.get(slug, ()),
            profiles.get(slug),
            config,
            window,
            problems,
            placeholders,
        )
        for slug in everyone
    ]
    return assemble_cadence(window, rows, problems)


def assemble_cadence(
    window: Window, rows: Sequence[CadenceRow], problems: Sequence[Problem] = ()
) -> CadenceReport:
    """The cadence report from each person's row: the team row pools them."""
    from ononotes.core.insights import team_insights

    rows = tuple(rows)
    allowed = [(gap, row.allowed_gap) for row in rows for gap in row.gaps]
    team = CadenceTeam(
        people=len(rows),
        overdue=sum(row.overdue for row in rows),
        held=sum(row.held for row in rows),
        cancelled=sum(row.cancelled for row in rows),
        on_cadence_ratio=ratio(sum(gap <= limit for gap, limit in allowed), len(allowed)),
        planned=sum(row.planned for row in rows),
        active=sum(row.active for row in rows),
        unconfirmed=sum(row.unconfirmed for row in rows),
        insights=team_insights(row.insights for row in rows if row.insights is not None),
    )
    return CadenceReport(window, rows, team, tuple(problems))


# -- follow-through (SPEC §5) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActionItem(CachedRecord):
    """One action item followed through a person's notes. The first fields are SPEC §8's."""

    person: str
    key: str
    text: str
    owner: str
    state: str  # open | done | cancelled | dropped
    created: dt.date
    closed: dt.date | None  # done: its done field or note date; cancelled/dropped: that note's date
    due: dt.date | None
    times_carried: int
    stale: bool
    overdue: bool
    source: str  # path:line in the latest note that has it
    first_note: str = ""  # path of the note it first appears in
    days_to_close: int | None = None
    age_days: int | None = None  # as-of minus created, for open items
    carried_on: tuple[dt.date, ...] = ()  # the dates of the notes it was carried to, open


@dataclass(frozen=True, slots=True)
class FollowThrough:
    """The counters of SPEC §5 for one person, one owner or the team."""

    name: str
    created: int
    done: int
    open: int
    dropped: int
    cancelled: int
    follow_through: float | None
    median_days_to_close: int | float | None
    stale: int
    overdue: int


@dataclass(frozen=True, slots=True)
class ActionsReport:
    window: Window
    people: tuple[FollowThrough, ...]
    owners: tuple[FollowThrough, ...]
    team: FollowThrough
    items: tuple[ActionItem, ...]
    me: tuple[str, ...] = ()  # the owner names that are the vault owner (``@me``)

    @property
    def as_of(self) -> dt.date:
        return self.window.as_of


@dataclass(slots=True)
class _Chain:
    """An item while the notes are walked: the mutable twin of ActionItem."""

    person: str
    key: str
    item: Item  # its latest appearance
    item_state: str  # what that appearance's checkbox says: open, done or cancelled
    note: Note
    first_note: Note
    state: str
    closed: dt.date | None = None
    created_field: dt.date | None = None
    times_carried: int = 0
    carried_on: list[dt.date] | None = None  # made on the first carry: most items have none

    @classmethod
    def start(cls, person: str, note: Note, item: Item, state: str) -> _Chain:
        chain = cls(person, item.key, item, state, note, note, state, created_field=item.created)
        if state in _CLOSED:
            chain.closed = _closed_on(note, item, state)
        return chain

    def see(self, note: Note, item: Item, state: str) -> None:
        """The next appearance, in the note right after the last one."""
        if self.state == OPEN:
            if state == OPEN:
                self.times_carried += 1
                if self.carried_on is None:
                    self.carried_on = []
                self.carried_on.append(note.date)
            else:
                self.state, self.closed = state, _closed_on(note, item, state)
        if self.created_field is None:
            self.created_field = item.created
        self.item, self.item_state, self.note = item, state, note

    def drop(self, note: Note) -> None:
        self.state, self.closed = DROPPED, note.date

    @property
    def created(self) -> dt.date:
        """Its created field, else its first note's date; never after it closed (SPEC v2: an
        item first seen already done, with a done date before its note, was created then)."""
        created = self.created_field or self.first_note.date
        closed = self.closed
        return closed if closed is not None and closed < created else created

    def finish(self, as_of: dt.date) -> ActionItem:
        created, state, closed = self.created, self.state, self.closed
        is_open = state == OPEN
        item = self.item
        due = item.due
        return ActionItem(
            self.person,
            self.key,
            item.text,
            item.owner,
            state,
            created,
            closed,
            due,
            self.times_carried,
            is_open and self.times_carried >= STALE_AFTER,
            is_open and due is not None and due < as_of,
            f"{self.note.path}:{item.line}",
            self.first_note.path,
            (closed - created).days if state == DONE and closed is not None else None,
            (as_of - created).days if is_open else None,
            tuple(self.carried_on) if self.carried_on else (),
        )


def _closed_on(note: Note, item: Item, state: str) -> dt.date:
    """When an item closed in ``note``: its done or cancelled field, else that note's date."""
    return (item.done if state == DONE else item.cancelled) or note.date


def once_per_key(items: Iterable[Item]) -> dict[str, Item]:
    """Within one note a key counts once: done over cancelled over open (the first of each)."""
    chosen: dict[str, Item] = {}
    for item in items:
        kept = chosen.get(item.key)
        if kept is None or _STATE_RANK[item.state] > _STATE_RANK[kept.state]:
            chosen[item.key] = item
    return chosen


def follow_items(
    person: str, notes: Sequence[Note], as_of: dt.date, created_in: Window | None = None
) -> list[ActionItem]:
    """Every item of one person, by the chain rule of SPEC §5, in order of first appearance;
    with ``created_in``, only those created in that window (the others are never built).

    ``notes`` are the person's notes in (date, file name) order. Those dated after as-of are
    ignored, but for one (SPEC v2): a done or cancelled mark in the next planned note closes
    the open item it carries there, so a tick made before the meeting counts at once.
    """
    chains: list[_Chain] = []
    previous: dict[str, _Chain] = {}  # key -> its item in the previous note
    state_of = STATE_OF_CHAR.get
    for note in notes:
        if note.date > as_of:
            _close_ticked_ahead(previous, note, as_of)
            break
        current: dict[str, _Chain] = {}
        chosen, next_occurrences = _items_by_key(note)
        for key, item in chosen.items():
            state = state_of(item.status_char, OPEN)
            chain = previous.get(key)
            if chain is not None and (
                chain.item_state == OPEN or (chain.item_state in _CLOSED and state in _CLOSED)
            ):
                chain.see(note, item, state)
            else:
                chain = _Chain.start(person, note, item, state)
                chains.append(chain)
            current[key] = chain
            upcoming = next_occurrences.get(key)
            if upcoming is not None:  # the next occurrence of a recurring item: an item of its own
                current[key] = _Chain.start(person, note, upcoming, OPEN)
                chains.append(current[key])
        for key, chain in previous.items():
            if chain.item_state == OPEN and key not in current:
                chain.drop(note)
        previous = current
    if created_in is not None:
        chains = [chain for chain in chains if chain.created in created_in]
    return [chain.finish(as_of) for chain in chains]


_NO_ITEMS: dict[str, Item] = {}


def _items_by_key(note: Note) -> tuple[dict[str, Item], dict[str, Item]]:
    """The item each key counts as in ``note`` (done over cancelled over open), and, for a
    recurring key marked done or cancelled here, its open appearance: the next occurrence,
    which SPEC §5 (v2) counts as an item of its own, whichever line comes first."""
    items = note.items
    chosen = {item.key: item for item in items}
    if len(chosen) == len(items):  # no key repeats: the common case, in one pass
        return chosen, _NO_ITEMS
    chosen = once_per_key(items)
    next_occurrences: dict[str, Item] = {}
    for item in items:
        if item.recurring and item.is_open and not chosen[item.key].is_open:
            next_occurrences.setdefault(item.key, item)
    return chosen, next_occurrences


def _close_ticked_ahead(open_now: dict[str, _Chain], upcoming: Note, as_of: dt.date) -> None:
    """The items ``upcoming`` (the first note after as-of) marks done or cancelled, closed
    there when it is a planned note and they are open now; nothing else of it counts yet."""
    if meeting_kind(upcoming, as_of) != PLANNED:
        return
    for key, item in _items_by_key(upcoming)[0].items():
        chain = open_now.get(key)
        state = STATE_OF_CHAR.get(item.status_char, OPEN)
        if chain is not None and chain.state == OPEN and state in _CLOSED:
            chain.see(upcoming, item, state)


def open_items(person: str, notes: Sequence[Note], as_of: dt.date) -> list[ActionItem]:
    """The one rule for "which items are open" (SPEC §5): the items of ``person`` still open
    as of ``as_of``, in order of first appearance. ``todo``, ``prep``, the reports, the
    dashboard, ``handover``, ``review`` and the editor server all ask this function."""
    return [item for item in follow_items(person, notes, as_of) if item.state == OPEN]


@dataclass(frozen=True, slots=True)
class Tally(CachedRecord):
    """The SPEC §5 counters in a form that adds up across people and owners."""

    created: int = 0
    done: int = 0
    open: int = 0
    dropped: int = 0
    cancelled: int = 0
    stale: int = 0
    overdue: int = 0
    closing: tuple[int, ...] = ()  # days to close of each done item

    @staticmethod
    def total(tallies: Iterable[Tally]) -> Tally:
        """The tallies added up, in one pass: adding them two at a time would copy ``closing``
        again at each step, which grows with the square of a team's size."""
        tallies = list(tallies)
        return Tally(
            sum(t.created for t in tallies),
            sum(t.done for t in tallies),
            sum(t.open for t in tallies),
            sum(t.dropped for t in tallies),
            sum(t.cancelled for t in tallies),
            sum(t.stale for t in tallies),
            sum(t.overdue for t in tallies),
            tuple(chain.from_iterable(t.closing for t in tallies)),
        )

    def row(self, name: str) -> FollowThrough:
        return FollowThrough(
            name=name,
            created=self.created,
            done=self.done,
            open=self.open,
            dropped=self.dropped,
            cancelled=self.cancelled,
            follow_through=ratio(self.done, self.done + self.dropped + self.open),
            median_days_to_close=median(self.closing),
            stale=self.stale,
            overdue=self.overdue,
        )


def tally(items: Iterable[ActionItem]) -> Tally:
    """The counters over ``items``."""
    states = {DONE: 0, OPEN: 0, DROPPED: 0, CANCELLED: 0}
    closing: list[int] = []
    stale = overdue = created = 0
    for item in items:
        created += 1
        states[item.state] += 1
        if item.days_to_close is not None:
            closing.append(item.days_to_close)
        stale += item.stale
        overdue += item.overdue
    return Tally(
        created,
        states[DONE],
        states[OPEN],
        states[DROPPED],
        states[CANCELLED],
        stale,
        overdue,
        tuple(closing),
    )


@dataclass(frozen=True, slots=True)
class PersonActions(CachedRecord):
    """One person's follow-through: their counters, per owner too, and (when wanted) items."""

    person: str
    tally: Tally
    owners: tuple[tuple[str, Tally], ...]
    items: tuple[ActionItem, ...] = ()


def person_actions(person: str, notes: Sequence[Note], window: Window) -> PersonActions:
    """One person's items created in the window, and their counters (SPEC §5)."""
    mine = follow_items(person, notes, window.as_of, created_in=window)
    by_owner: dict[str, list[ActionItem]] = {}
    for item in mine:
        by_owner.setdefault(item.owner, []).append(item)
    owners = tuple((owner, tally(items)) for owner, items in by_owner.items())
    return PersonActions(person, tally(mine), owners, tuple(mine))


def _owner_order(owner: str) -> tuple[bool, str]:
    return (owner == "unassigned", owner)


def actions_report(
    notes: Iterable[Note],
    window: Window,
    people: Iterable[str] = (),
    me: Iterable[str] = (),
) -> ActionsReport:
    """Follow-through per person, per owner and for the team, over items created in the window.

    ``people`` adds rows for people with no notes (everyone with a profile); ``me`` names the
    owners that are the vault owner, for the writers to point out.
    """
    by_person = group_by_person(notes)
    everyone = sorted(set(people) | set(by_person))
    results = [person_actions(slug, by_person.get(slug, ()), window) for slug in everyone]
    return assemble_actions(window, results, me)


def assemble_actions(
    window: Window, results: Sequence[PersonActions], me: Iterable[str] = ()
) -> ActionsReport:
    """The actions report from each person's results: owners and the team add them up."""
    owners: dict[str, list[Tally]] = {}
    for result in results:
        for owner, counted in result.owners:
            owners.setdefault(owner, []).append(counted)
    return ActionsReport(
        window,
        tuple(result.tally.row(result.person) for result in results),
        tuple(Tally.total(owners[owner]).row(owner) for owner in sorted(owners, key=_owner_order)),
        Tally.total(result.tally for result in results).row("team"),
        tuple(item for result in results for item in result.items),
        tuple(sorted(set(me))),
    )
