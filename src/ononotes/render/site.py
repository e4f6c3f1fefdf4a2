"""The HTML site: ``index.html`` (the team's dashboard) and one page per person,
``people/<name>.html``: their meetings over time, what was said (each note, newest first,
rendered by mistune), how each item moved, mood and agenda share, goals and their latest
mentions, and — built on the manager's machine — the private notes, marked as such.

Pure: report rows, the rendered notes and the private notes' text in, ``{relative path:
HTML}`` out. ``person_page_parts`` is what a page needs of the notes themselves, computed where
the notes are read (and kept by the store, so a rebuild renders only the notes that changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from ononotes.core.attention import who_needs_you
from ononotes.core.fields import without_fields
from ononotes.core.insights import GoalMentions, goal_mentions, held_notes
from ononotes.core.layout import slugify
from ononotes.core.model import Config, Note, Profile
from ononotes.core.reports import ActionItem, ActionsReport, CadenceReport, CadenceRow, tally
from ononotes.core.topics import RecurringTopic
from ononotes.core.window import Window
from ononotes.render.charts import (
    Scale,
    item_track,
    mood_chart,
    ownership_chart,
    pct,
    plural,
    talk_track,
    time_scale,
    timeline,
)
from ononotes.render.note_html import note_body_html
from ononotes.render.page import NoteLinks, page_environment
from ononotes.render.report_html import (
    Links,
    card,
    item_row,
    reason_view,
    render_html,
    rules,
    stuck_order,
)

INDEX = "index.html"
PEOPLE = "people"
PERSON_TEMPLATE = "person.html.j2"
MENTIONS_SHOWN = 5  # a goal's latest mentions; the rest fold away
# what a person's page shows in full; older ones are listed (notes: a link each) or counted
NOTES_IN_FULL = 26  # half a year of weekly 1:1s
CLOSED_SHOWN = 40  # the latest closed items, with their history
TOPIC_DATES_SHOWN = 6  # a recurring topic's latest mentions


@dataclass(frozen=True)
class RenderedNote:
    """One note as its page shows it: the body below the front matter as HTML."""

    path: str
    date: dt.date
    status: str
    mood: int | None
    html: str


@dataclass(frozen=True)
class PersonPageParts:
    """What a person's page needs of their notes and profile, beyond the report rows."""

    role: str | None = None
    goals: tuple[GoalMentions, ...] = ()
    notes: tuple[RenderedNote, ...] = ()  # newest first


@dataclass(frozen=True)
class PrivateText:
    """One of the manager's private notes about a person, below its front matter."""

    path: str
    date: dt.date | None
    body: str


def person_page_parts(
    notes: Sequence[Note],
    profile: Profile | None,
    config: Config,
    window: Window,
    placeholders: frozenset[str] = frozenset(),
) -> PersonPageParts:
    """A person's notes (in order) for their page, newest first: those in the window and those
    planned after it, the newest NOTES_IN_FULL rendered; their goals with the lines of the held
    notes that mention them."""
    shown = [n for n in notes if n.date in window or n.date > window.as_of]
    rendered = tuple(
        RenderedNote(
            note.path,
            note.date,
            note.effective_status(window.as_of),
            note.mood,
            str(note_body_html("\n".join(note.lines[note.body_start :]), folder_of(note.path)))
            if index < NOTES_IN_FULL
            else "",  # listed, not shown: not rendered
        )
        for index, note in enumerate(reversed(shown))
    )
    goals: tuple[GoalMentions, ...] = ()
    if profile is not None and profile.goals:
        held = held_notes(notes, window, config, placeholders)
        goals = goal_mentions(profile.goals, held, placeholders)
    return PersonPageParts(profile.role if profile else None, goals, rendered)


def folder_of(path: str) -> str:
    """The folder of a path in the vault, with its slash (``bob/``), or ``""``."""
    folder = path.rpartition("/")[0]
    return f"{folder}/" if folder else ""


def page_names(people: Sequence[str]) -> dict[str, str]:
    """Each person's page, relative to the index: ``people/<slug>.html``; a roll-up's
    ``vault/slug`` as ``vault--slug``, made unique with ``-2``, ``-3``... when two clash."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for person in people:
        base = "--".join(slugify(part) or "person" for part in person.split("/"))
        name, number = base, 2
        while name in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name)
        names[person] = f"{PEOPLE}/{name}.html"
    return names


# -- a person's page ------------------------------------------------------------------------------


def person_cards(row: CadenceRow, items: Sequence[ActionItem]) -> list[dict]:
    counted = tally(items).row(row.person)
    i = row.insights
    cards = [
        card(
            "Last 1:1",
            row.last_held or "never",
            "–" if row.days_since is None else f"{plural(row.days_since, 'day')} ago",
            "overdue",
            row.overdue,
        ),
        card(
            "Next due",
            row.next_due or "–",
            f"{row.cadence}" + (" · OVERDUE" if row.overdue else ""),
        ),
        card("1:1s held", row.held, f"{row.cancelled} cancelled, {row.planned} planned", "held"),
        card(
            "Items done",
            pct(counted.follow_through),
            f"{counted.done} of {counted.done + counted.dropped + counted.open}",
            "follow",
        ),
        card(
            "Open items",
            counted.open,
            f"{counted.stale} stale, {counted.overdue} overdue",
            "stuck",
            bool(counted.stale or counted.overdue),
        ),
    ]
    if i is None:
        return cards
    return cards + [
        card(
            "Their share of the agenda",
            pct(i.agenda_ownership),
            f"{i.their_points} of {i.their_points + i.my_points} points",
            "ownership",
            i.low_ownership,
        ),
        card(
            "Growth talk",
            pct(i.development_coverage),
            f"last {i.last_development or 'never'}",
            "growth",
            i.development_stale,
        ),
        card(
            "Feedback",
            pct(i.feedback_coverage),
            f"last {i.last_feedback or 'never'} · for you {pct(i.upward_feedback)}",
            "feedback",
        ),
        card(
            "Mood",
            "–" if i.mood_recent is None else f"{i.mood_recent:.1f}",
            "mean of the last 4"
            + ("" if i.mood_change is None else f", {i.mood_change:+.1f}".replace("-", "−")),
            "mood",
            i.mood_drop,
        ),
    ]


def topic_view(topic: RecurringTopic, links: NoteLinks) -> dict:
    """A recurring topic: how often, since when, and its latest mentions, each a link."""
    latest = list(zip(topic.dates, topic.sources, strict=True))[-TOPIC_DATES_SHOWN:]
    return {
        "text": topic.text,
        "theirs": topic.theirs,
        "count": len(topic.dates),
        "first": topic.dates[0],
        "mentions": [
            {"date": day, "source": source, "href": links.href(source)} for day, source in latest
        ],
    }


def goal_view(goal: GoalMentions, links: NoteLinks) -> dict:
    latest = list(reversed(goal.mentions))
    return {
        "goal": goal.goal,
        "keywords": goal.keywords,
        "count": len(latest),
        "mentions": [
            {
                "date": line.date,
                "text": without_fields(line.text),
                "section": line.section,
                "source": line.source,
                "href": links.href(line.source),
            }
            for line in latest
        ],
    }


def item_history(
    items: Sequence[ActionItem],
    row: CadenceRow,
    scale: Scale,
    as_of: dt.date,
    links: Links,
    me: Sequence[str],
) -> dict:
    """The open items, stuck first, and the latest CLOSED_SHOWN closed ones (the latest closed
    first), each with its history drawn on ``scale``; how many older closed ones, by state."""

    def view(item: ActionItem) -> dict:
        return item_row(item, links, me) | {"track": item_track(item, scale, as_of)}

    still_open = sorted((i for i in items if i.state == "open"), key=lambda i: stuck_order(i, me))
    closed = sorted(
        (i for i in items if i.state != "open"),
        key=lambda i: (i.closed or dt.date.min, i.created),
        reverse=True,
    )
    older: dict[str, int] = {}
    for item in closed[CLOSED_SHOWN:]:
        older[item.state] = older.get(item.state, 0) + 1
    return {
        "open": [view(i) for i in still_open],
        "closed": [view(i) for i in closed[:CLOSED_SHOWN]],
        "closed_total": len(closed),
        "older": ", ".join(f"{count} {state}" for state, count in sorted(older.items())),
    }


@dataclass(frozen=True)
class PersonPage:
    """Everything one person's page is made of."""

    row: CadenceRow
    items: tuple[ActionItem, ...]
    parts: PersonPageParts
    private: tuple[PrivateText, ...] = ()
    me: tuple[str, ...] = ()


def person_view(page: PersonPage, window: Window, title: str, notes: NoteLinks) -> dict:
    """What ``person.html.j2`` draws of one person, as plain values."""
    row, as_of = page.row, window.as_of
    links = Links(notes, {})
    scale = time_scale([row], window.since, as_of)
    ranked = who_needs_you([row], page.items, page.me, as_of)
    insights = row.insights
    return {
        "title": title,
        "row": row,
        "role": page.parts.role,
        "as_of": as_of,
        "since": window.since,
        "until": window.end,
        "index": f"../{INDEX}",
        "rules": rules(),
        "pct": pct,
        "reasons": [reason_view(r, links) for r in ranked[0].reasons] if ranked else [],
        "score": f"{ranked[0].score:g}" if ranked else None,
        "cards": person_cards(row, page.items),
        "timeline": timeline([row], scale, as_of),
        "mood": mood_chart(row.name, row.person, row.meetings, scale),
        "ownership": ownership_chart(row.name, insights, scale) if insights else None,
        "growth": talk_track(insights, scale, "development", "growth talked about")
        if insights
        else [],
        "feedback": talk_track(insights, scale, "feedback", "feedback written") if insights else [],
        "scale_ticks": scale.ticks(),
        "as_of_x": scale.pct(as_of),
        "topics": [topic_view(t, notes) for t in insights.topics] if insights else [],
        "goals": [goal_view(g, notes) for g in page.parts.goals],
        "mentions_shown": MENTIONS_SHOWN,
        "items": item_history(page.items, row, scale, as_of, links, page.me),
        "notes": [
            {
                "note": note,
                "href": notes.href(note.path),
                "html": Markup(notes.resolve_vault_links(note.html)),
            }
            for note in page.parts.notes[:NOTES_IN_FULL]
        ],
        "older_notes": [
            {"note": note, "href": notes.href(note.path)}
            for note in page.parts.notes[NOTES_IN_FULL:]
        ],
        "private": [
            {
                "note": p,
                "href": notes.href(p.path),
                "html": Markup(
                    notes.resolve_vault_links(note_body_html(p.body, folder_of(p.path)))
                ),
            }
            for p in page.private
        ],
    }


def render_person_page(page: PersonPage, window: Window, title: str, notes: NoteLinks) -> str:
    """One person's page (a string)."""
    template = page_environment().get_template(PERSON_TEMPLATE)
    return template.render(person_view(page, window, title, notes))


# -- the whole site ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """The reports and what the person pages add to them."""

    cadence: CadenceReport
    actions: ActionsReport
    parts: Mapping[str, PersonPageParts]
    private: Mapping[str, Sequence[PrivateText]] = field(default_factory=dict)
    title: str = ""


def render_site(site: Site, notes: NoteLinks) -> dict[str, str]:
    """``index.html`` and every person's page, as ``{path relative to the site: HTML}``."""
    cadence, actions = site.cadence, site.actions
    names = page_names([row.person for row in cadence.people])
    pages = {INDEX: render_html(cadence, actions, site.title, Links(notes, names))}
    items_of: dict[str, list[ActionItem]] = {}
    for item in actions.items:
        items_of.setdefault(item.person, []).append(item)
    for row in cadence.people:
        page = PersonPage(
            row,
            tuple(items_of.get(row.person, ())),
            site.parts.get(row.person, PersonPageParts()),
            tuple(site.private.get(row.person, ())),
            actions.me,
        )
        pages[names[row.person]] = render_person_page(page, cadence.window, site.title, notes)
    return pages
