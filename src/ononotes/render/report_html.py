"""The dashboard: the team's page of the HTML site (``index.html``), or one self-contained file.

This module decides what the dashboard shows and in which order — who needs you first, then the
cards, the cadence, the insights, follow-through and the stuck items — and how long lists
collapse (the first few, then "and 190 more", with the whole list on the page that needs it).
``charts.py`` lays the drawings out and ``dashboard.html.j2`` draws them, with autoescaping on:
note text is data, never markup. No script, nothing loaded from the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ononotes.core.attention import WEIGHTS, Attention, who_needs_you
from ononotes.core.fields import without_fields
from ononotes.core.insights import DEVELOPMENT_STALE_DAYS, LOW_OWNERSHIP, LOW_STREAK, MOOD_DROP
from ononotes.core.reports import STALE_AFTER, ActionItem, ActionsReport, CadenceReport, CadenceRow
from ononotes.render.charts import (
    STRIP_SLOTS,
    age_histogram,
    bars,
    development_strip,
    mood_chart,
    mood_sparkline,
    ownership_strip,
    pct,
    time_scale,
    timeline,
)
from ononotes.render.page import NoteLinks

TEMPLATE = "dashboard.html.j2"
TIMELINE_DAYS = 182  # the dashboard's timeline and mood charts: the last six months at most
# how many of a long list the dashboard shows before "and N more"
ATTENTION_SHOWN = 10
CARD_NAMES = 5
TIMELINE_LANES = 30
INSIGHT_ROWS = 25
BAR_ROWS = 15
ITEM_ROWS = 25
MOOD_CHARTS = 12

# what each reason kind is called on the page (core/attention.py's kinds)
REASON_LABELS = {
    "overdue": "cadence",
    "unconfirmed": "cadence",
    "mood": "mood",
    "my-items": "your items",
    "their-items": "their items",
    "topic": "topic",
    "growth": "growth",
    "agenda": "agenda",
    "feedback": "feedback",
}
# the same kinds in the ranking rule's words
REASON_WORDS = {
    "overdue": "a 1:1 overdue",
    "unconfirmed": "a meeting not confirmed",
    "mood": "mood dropping",
    "my-items": "your stuck items",
    "their-items": "their stuck items",
    "topic": "each of two topics they keep raising",
    "growth": "no growth talk",
    "agenda": "the agenda mostly yours",
    "feedback": "no feedback given",
}
FLAG_BADGES = (
    ("low_ownership", "LOW AGENDA SHARE"),
    ("development_stale", "NO GROWTH TALK"),
    ("mood_drop", "MOOD DROP"),
)


@dataclass(frozen=True)
class Rule:
    """A number's plain name on the page, and exactly how it is counted (a tooltip and a
    footnote)."""

    key: str
    label: str
    text: str


def rules() -> dict[str, Rule]:
    """Every number the pages show, in words (docs/reports.md and docs/insights.md say the same)."""
    weights = ", ".join(f"{REASON_WORDS[kind]} {weight:g}" for kind, weight in WEIGHTS.items())
    found = [
        Rule(
            "attention",
            "Who needs you now",
            f"Each reason has a weight ({weights}); an overdue 1:1 adds one more per full "
            "interval it is late. A person's score is the sum of their reasons' weights; people "
            "are ranked by score, then by the days since their last 1:1, then by name. Only "
            "active people with a reason are listed.",
        ),
        Rule(
            "overdue",
            "Overdue 1:1s",
            "Overdue when the days since the last held 1:1 are more than the cadence's interval "
            "plus a quarter of it, rounded up: 9 days for weekly, 18 for biweekly, 38 for "
            "monthly.",
        ),
        Rule(
            "held",
            "1:1s held",
            "Notes dated in the window up to today whose status is held or not set; a planned "
            "note whose day has come counts once notes of the meeting are written in it.",
        ),
        Rule(
            "on-cadence",
            "Gaps kept to the rhythm",
            "The share of gaps between two held 1:1s that are no longer than the interval plus "
            "a quarter of it (gap ≤ interval + ⌈interval ÷ 4⌉).",
        ),
        Rule(
            "ownership",
            "Their share of the agenda",
            "Talking points under “Their agenda” ÷ all the points under “Their agenda” and “My "
            f"agenda”, in held 1:1s. Flagged when under {pct(LOW_OWNERSHIP)} in each of the last "
            f"{LOW_STREAK} 1:1s that had points.",
        ),
        Rule(
            "growth",
            "1:1s with growth talk",
            "Held 1:1s whose growth, career or development section has something written ÷ "
            f"held 1:1s. Flagged after {DEVELOPMENT_STALE_DAYS} days without one (or none yet).",
        ),
        Rule(
            "feedback",
            "1:1s with feedback",
            "Held 1:1s whose feedback section (a heading with “feedback” in it) has something "
            "written ÷ held 1:1s.",
        ),
        Rule(
            "upward",
            "Feedback for you",
            "Held 1:1s with their feedback to you written — a “Feedback for me” section, or a "
            "“From …:” line in a feedback section — ÷ held 1:1s.",
        ),
        Rule(
            "cancelled",
            "1:1s cancelled",
            "Cancelled, rescheduled or no-show ÷ (held + cancelled), in the window.",
        ),
        Rule(
            "mood",
            "Mood",
            "The report's own 1–5 rating in the note's mood field: the mean of the last 4 held "
            f"1:1s with one; flagged when it fell by {abs(MOOD_DROP):g} or more against the 4 "
            "before.",
        ),
        Rule(
            "flagged",
            "People flagged",
            "People with at least one flag: a low share of the agenda, no growth talk, a mood "
            "drop.",
        ),
        Rule(
            "follow",
            "Items done",
            "Done ÷ (done + dropped + still open), over the action items created in the window; "
            "cancelled items count for neither side.",
        ),
        Rule(
            "open",
            "Open items",
            "Action items created in the window and not yet done, cancelled or dropped; "
            "overdue: past their due date.",
        ),
        Rule(
            "stuck",
            "Stuck items",
            f"Open items carried into {STALE_AFTER} or more later notes (stale), or past their "
            "due date (overdue).",
        ),
    ]
    return {rule.key: rule for rule in found}


@dataclass(frozen=True)
class Links:
    """How the dashboard links: a note's ``path:line`` (``NoteLinks``), and a person's page
    (``pages``: person -> address, empty for the one-file dashboard)."""

    notes: NoteLinks = field(default_factory=NoteLinks)
    pages: Mapping[str, str] = field(default_factory=dict)

    def note(self, source: str | None) -> str | None:
        return self.notes.href(source)

    def page(self, person: str) -> str | None:
        return self.pages.get(person)


def collapsed(values: Sequence, limit: int) -> tuple[list, int]:
    """The first ``limit`` of ``values``, and how many more there are."""
    return list(values[:limit]), max(len(values) - limit, 0)


def card(
    label: str,
    value,
    note: str = "",
    rule: str | None = None,
    alert: bool = False,
    more: dict | None = None,
) -> dict:
    """A card: a number (or a day) with its plain name, a line under it, the key of the rule
    that says how it is counted, and maybe a link to the rest of a list it names."""
    return {
        "label": label,
        "value": value,
        "note": note,
        "rule": rule,
        "alert": alert,
        "more": more,
        "date": isinstance(value, dt.date),
    }


# -- who needs you now ---------------------------------------------------------------------------


def reason_view(reason, links: Links) -> dict:
    return {
        "kind": reason.kind,
        "label": REASON_LABELS.get(reason.kind, reason.kind),
        "text": reason.text,
        "source": reason.source,
        "href": links.note(reason.source),
        "weight": f"{reason.weight:g}",
    }


def attention_view(ranked: Sequence[Attention], links: Links) -> list[dict]:
    return [
        {
            "rank": rank,
            "person": person.person,
            "name": person.name,
            "href": links.page(person.person),
            "score": f"{person.score:g}",
            "reasons": [reason_view(r, links) for r in person.reasons],
        }
        for rank, person in enumerate(ranked, start=1)
    ]


# -- items ---------------------------------------------------------------------------------------


def item_row(item: ActionItem, links: Links, me: Sequence[str] = ()) -> dict:
    """An item as the tables show it: its words without the date fields (the dates have their
    own columns), whose it is, and a link to where it sits."""
    return {
        "person": item.person,
        "owner": item.owner,
        "mine": item.owner in me,
        "text": without_fields(item.text),
        "created": item.created,
        "due": item.due,
        "closed": item.closed,
        "state": item.state,
        "age": item.age_days,
        "carried": item.times_carried,
        "stale": item.stale,
        "overdue": item.overdue,
        "source": item.source,
        "href": links.note(item.source),
        "page": links.page(item.person),
    }


def stuck_order(item: ActionItem, me: Sequence[str]) -> tuple:
    """Yours first, then overdue before stale only, then the longest carried, the oldest."""
    return (item.owner not in me, not item.overdue, -item.times_carried, -(item.age_days or 0))


# -- the sections ------------------------------------------------------------------------------------


def overdue_card(cadence: CadenceReport) -> dict:
    names, more = collapsed([row.name for row in cadence.overdue], CARD_NAMES)
    note = ", ".join(names) or "none"
    return card(
        "Overdue 1:1s",
        cadence.team.overdue,
        note,
        "overdue",
        cadence.team.overdue > 0,
        {"count": more, "href": "#overdue"} if more else None,
    )


def cadence_cards(cadence: CadenceReport, flagged: list[str]) -> list[dict]:
    team = cadence.team
    held_note = f"{team.cancelled} cancelled, {team.planned} planned"
    if team.unconfirmed:
        held_note += f", {team.unconfirmed} not confirmed"
    cards = [
        card("People", team.people, f"{team.active} active", "held"),
        overdue_card(cadence),
        card("1:1s held", team.held, held_note, "held", team.unconfirmed > 0),
        card(
            "Gaps kept to the rhythm",
            pct(team.on_cadence_ratio),
            "of the gaps between 1:1s were no longer than planned",
            "on-cadence",
        ),
    ]
    insights = team.insights
    if insights is None:
        return cards
    names, more = collapsed(flagged, CARD_NAMES)
    return cards + [
        card(
            "Their share of the agenda",
            pct(insights.agenda_ownership),
            f"{insights.their_points} of {insights.their_points + insights.my_points} "
            "talking points were theirs",
            "ownership",
        ),
        card(
            "1:1s with growth talk",
            pct(insights.development_coverage),
            f"{insights.developed} of {insights.held} held",
            "growth",
        ),
        card(
            "1:1s with feedback",
            pct(insights.feedback_coverage),
            f"feedback for you in {pct(insights.upward_feedback)}",
            "feedback",
        ),
        card(
            "1:1s cancelled",
            pct(insights.cancellation_rate),
            f"{insights.cancelled} of {insights.held + insights.cancelled}",
            "cancelled",
        ),
        card(
            "People flagged",
            len(flagged),
            ", ".join(names) or "none",
            "flagged",
            bool(flagged),
            {"count": more, "href": "#insights"} if more else None,
        ),
    ]


def action_cards(actions: ActionsReport) -> list[dict]:
    follow = actions.team
    stuck = sum(1 for item in actions.items if item.stale or item.overdue)
    return [
        card(
            "Items done",
            pct(follow.follow_through),
            f"{follow.done} of {follow.done + follow.dropped + follow.open} (cancelled aside)",
            "follow",
        ),
        card("Open items", follow.open, f"{follow.overdue} past their due date", "open"),
        card(
            "Stuck items",
            stuck,
            f"{follow.stale} carried {STALE_AFTER}+ times, {follow.overdue} overdue",
            "stuck",
            stuck > 0,
        ),
    ]


def timeline_rows(
    cadence: CadenceReport, ranked: Sequence[Attention]
) -> tuple[list[CadenceRow], int]:
    """Everyone in slug order; past TIMELINE_LANES people, those who need you most (then the
    longest since their last 1:1) and how many more."""
    rows = list(cadence.people)
    if len(rows) <= TIMELINE_LANES:
        return rows, 0
    rank = {a.person: index for index, a in enumerate(ranked)}
    rows.sort(key=lambda r: (rank.get(r.person, len(rank)), -(r.days_since or 0), r.person))
    return collapsed(rows, TIMELINE_LANES)


def insight_row(row: CadenceRow, links: Links) -> dict | None:
    """A person's insights as the dashboard's table draws them (docs/insights.md)."""
    i = row.insights
    if i is None:
        return None
    never = "never" if i.held else "–"
    last = str(i.last_development) if i.last_development else never
    topic = i.topics[0] if i.topics else None
    return {
        "person": row.person,
        "name": row.name,
        "href": links.page(row.person),
        "insights": i,
        "ownership": ownership_strip(row.name, i),
        "development": development_strip(row.name, i),
        "mood": mood_sparkline(row.name, i),
        "last_development": last,
        "badges": [label for attribute, label in FLAG_BADGES if getattr(i, attribute)],
        "flags": i.flags,
        "inactive": not row.active,
        "topic": topic,
        "topic_href": links.note(topic.latest) if topic else None,
        "topics": len(i.topics),
    }


def insight_rows(cadence: CadenceReport, links: Links) -> tuple[list[dict], int]:
    """Every person's insights; past INSIGHT_ROWS people, the flagged first."""
    rows = [r for r in (insight_row(row, links) for row in cadence.people) if r is not None]
    if len(rows) > INSIGHT_ROWS:
        rows.sort(key=lambda r: (-len(r["badges"]), -r["topics"], r["person"]))
    return collapsed(rows, INSIGHT_ROWS)


def follow_bars(actions: ActionsReport) -> dict:
    """The stacked bars: everyone (or, past BAR_ROWS, the lowest follow-through first) and the
    team; owners with you first."""
    people = list(actions.people)
    if len(people) > BAR_ROWS:
        people.sort(key=lambda r: (r.follow_through is None, r.follow_through or 0, r.name))
    people, people_more = collapsed(people, BAR_ROWS)
    owners = sorted(actions.owners, key=lambda row: row.name not in actions.me)
    if len(owners) > BAR_ROWS:
        mine = [r for r in owners if r.name in actions.me]
        rest = sorted(
            (r for r in owners if r.name not in actions.me),
            key=lambda r: (r.follow_through is None, r.follow_through or 0, r.name),
        )
        owners = mine + rest
    owners, owners_more = collapsed(owners, BAR_ROWS)
    return {
        "people": bars([*people, actions.team]),
        "people_more": people_more,
        "owners": bars(owners, actions.me),
        "owners_more": owners_more,
    }


def mood_charts(cadence: CadenceReport, scale) -> tuple[list[dict], int]:
    """A mood chart per person with a mood in the period; past MOOD_CHARTS, the drops and the
    lowest moods first."""
    rows = list(cadence.people)
    if len(rows) > MOOD_CHARTS:

        def lowest(row: CadenceRow) -> tuple:
            i = row.insights
            dropped = bool(i and i.mood_drop)
            return (not dropped, i.mood_recent if i and i.mood_recent is not None else 6)

        rows.sort(key=lowest)
    charts = [mood_chart(r.name, r.person, r.meetings, scale) for r in rows]
    return collapsed([c for c in charts if c is not None], MOOD_CHARTS)


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}".replace("-", "−")


def cadence_view(cadence: CadenceReport, ranked: Sequence[Attention], links: Links) -> dict:
    scale = time_scale(cadence.people, cadence.window.since, cadence.as_of, TIMELINE_DAYS)
    lanes, lanes_more = timeline_rows(cadence, ranked)
    insights, insights_more = insight_rows(cadence, links)
    moods, moods_more = mood_charts(cadence, scale)
    return {
        "timeline": timeline(lanes, scale, cadence.as_of),
        "lanes_more": lanes_more,
        "insights": insights,
        "insights_more": insights_more,
        "flagged": [r for r in insights if r["flags"]],
        "team_insights": cadence.team.insights,
        "moods": moods,
        "moods_more": moods_more,
    }


def actions_view(actions: ActionsReport, links: Links) -> dict:
    stuck = sorted(
        (item for item in actions.items if item.stale or item.overdue),
        key=lambda item: stuck_order(item, actions.me),
    )
    shown, more = collapsed(stuck, ITEM_ROWS)
    return {
        "bars": follow_bars(actions),
        "ages": age_histogram(actions),
        "stuck": [item_row(item, links, actions.me) for item in shown],
        "stuck_more": more,
        "stuck_total": len(stuck),
    }


def view(
    cadence: CadenceReport | None,
    actions: ActionsReport | None,
    title: str,
    links: Links | None = None,
) -> dict:
    """Everything the template draws, as plain values."""
    links = links or Links()
    report = cadence or actions
    window = report.window if report else None
    ranked: tuple[Attention, ...] = ()
    if cadence is not None:
        items = actions.items if actions is not None else ()
        me = actions.me if actions is not None else ()
        ranked = who_needs_you(cadence.people, items, me, cadence.as_of)
    attention = attention_view(ranked, links)
    context: dict = {
        "title": title,
        "as_of": report.as_of if report else None,
        "since": window.since if window else None,
        "until": window.end if window else None,
        "cadence": cadence,
        "actions": actions,
        "pct": pct,
        "signed": _signed,
        "links": links,
        "rules": rules(),
        "attention": attention[:ATTENTION_SHOWN],
        "attention_rest": attention[ATTENTION_SHOWN:],
        "cards": [],
        "limits": {"slots": STRIP_SLOTS, "days": TIMELINE_DAYS, "stale_after": STALE_AFTER},
    }
    if cadence is not None:
        context |= cadence_view(cadence, ranked, links)
        flagged = [row.name for row in cadence.people if row.insights and row.insights.flags]
        context["cards"] += cadence_cards(cadence, flagged)
    if actions is not None:
        context |= actions_view(actions, links)
        context["cards"] += action_cards(actions)
    return context


def render_html(
    cadence: CadenceReport | None,
    actions: ActionsReport | None,
    title: str = "",
    links: Links | None = None,
) -> str:
    """The dashboard as one HTML document (a string)."""
    from ononotes.render.page import page_environment

    env = page_environment()
    return env.get_template(TEMPLATE).render(view(cadence, actions, title, links))
