"""Reports as one self-contained HTML dashboard: inline CSS and inline SVG, no script, no CDN.

This module lays the charts out (every coordinate is computed here, as plain numbers) and the
Jinja2 template ``dashboard.html.j2`` beside it draws them. Jinja2 is imported only here, and
autoescaping is on: note text is data, never markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

from ononotes.core.reports import ActionsReport, CadenceReport, CadenceRow, FollowThrough

TEMPLATE = "dashboard.html.j2"
CHART_WIDTH = 1100
LABEL_WIDTH = 210
RIGHT_PAD = 24
ROW_HEIGHT = 44
AXIS_HEIGHT = 28
MAX_DAYS_AHEAD = 90  # the timeline shows at most this far past as-of
AGE_BUCKETS = (
    (0, 7, "0–7 days"),
    (8, 14, "8–14"),
    (15, 30, "15–30"),
    (31, 60, "31–60"),
    (61, 90, "61–90"),
    (91, None, "over 90"),
)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass
class Scale:
    """Days to x coordinates over ``start``..``end`` inside ``left``..``right``."""

    start: dt.date
    end: dt.date
    left: float = LABEL_WIDTH
    right: float = CHART_WIDTH - RIGHT_PAD

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(self.left + (day - self.start).days / span * (self.right - self.left), 1)

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def ticks(self) -> list[dict]:
        """The first of every month (or quarter, or year, for long spans) in range."""
        span = (self.end - self.start).days
        step = 1 if span <= 400 else 3 if span <= 1200 else 12
        ticks: list[dict] = []
        year, month = self.start.year, self.start.month
        while True:
            day = dt.date(year, month, 1)
            if day > self.end:
                break
            if day >= self.start and (month - 1) % step == 0:
                label = day.strftime("%b") if step < 12 else str(year)
                if month == 1 or not ticks:
                    label = day.strftime("%b %Y") if step < 12 else str(year)
                ticks.append({"x": self.x(day), "label": label})
            month += 1
            if month == 13:
                year, month = year + 1, 1
        return ticks


def timeline_scale(report: CadenceReport) -> Scale:
    as_of = report.as_of
    days = [m.date for row in report.people for m in row.meetings]
    start = report.window.since or (min(days) if days else as_of - dt.timedelta(days=30))
    ahead = [d for d in days if d > as_of]
    ahead += [r.next_due for r in report.people if r.active and r.next_due and r.next_due > as_of]
    end = max([as_of, *ahead])
    end = min(end, as_of + dt.timedelta(days=MAX_DAYS_AHEAD)) + dt.timedelta(days=3)
    start = min(start, as_of) - dt.timedelta(days=3)
    return Scale(start, end)


@dataclass
class Lane:
    """One person's row on the timeline."""

    person: str
    label: str
    sublabel: str
    y: float
    aria: str
    overdue: bool = False
    marks: list[dict] = field(default_factory=list)
    segments: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)


def _lane(row: CadenceRow, scale: Scale, y: float, as_of: dt.date) -> Lane:
    held = [m for m in row.meetings if m.kind == "held"]
    state = "overdue" if row.overdue else ("inactive" if not row.active else "on track")
    aria = (
        f"{row.name}: {row.cadence} cadence, {plural(row.held, 'meeting')} held, "
        f"{row.cancelled} cancelled, {row.planned} planned, "
        f"last held {row.last_held or 'never'}, {state}"
    )
    if row.overdue:
        sub = f"{row.cadence} · overdue, {row.days_since} days"
    elif not row.active:
        sub = f"{row.cadence} · left {row.until}"
    elif row.days_since is None:
        sub = f"{row.cadence} · no 1:1 yet"
    else:
        sub = f"{row.cadence} · {plural(row.days_since, 'day')} ago"
    lane = Lane(row.person, row.name, sub, y, aria, row.overdue)
    for a, b in pairwise(held):
        gap = (b.date - a.date).days
        late = gap > row.allowed_gap
        lane.segments.append(
            {
                "x1": scale.x(a.date),
                "x2": scale.x(b.date),
                "kind": "late" if late else "ok",
                "title": f"{gap} days between {a.date} and {b.date}: "
                + (
                    f"late (cadence {row.interval_days} + {row.tolerance_days} days)"
                    if late
                    else "on cadence"
                ),
            }
        )
    if row.last_held and row.active and row.last_held in scale:
        lane.segments.append(
            {
                "x1": scale.x(row.last_held),
                "x2": scale.x(as_of),
                "kind": "overdue" if row.overdue else "waiting",
                "title": f"{row.days_since} days since the last 1:1 on {row.last_held}"
                + (" — overdue" if row.overdue else ""),
            }
        )
    for meeting in row.meetings:
        if meeting.date not in scale:
            continue
        mood = f", mood {meeting.mood}" if meeting.mood else ""
        lane.marks.append(
            {
                "x": scale.x(meeting.date),
                "kind": meeting.kind,
                "title": f"{meeting.date} {meeting.status}{mood} ({meeting.path})"
                + (" — not confirmed: no notes written" if meeting.kind == "unconfirmed" else ""),
            }
        )
    if row.active and row.next_due and row.next_due in scale:
        lane.flags.append(
            {"x": scale.x(row.next_due), "kind": "due", "title": f"next 1:1 due {row.next_due}"}
        )
    if row.until and row.until in scale:
        lane.flags.append(
            {"x": scale.x(row.until), "kind": "until", "title": f"left on {row.until}"}
        )
    return lane


def timeline(report: CadenceReport) -> dict:
    scale = timeline_scale(report)
    lanes = [
        _lane(row, scale, AXIS_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT / 2, report.as_of)
        for index, row in enumerate(report.people)
    ]
    height = AXIS_HEIGHT + len(lanes) * ROW_HEIGHT + 8
    return {
        "width": CHART_WIDTH,
        "height": height,
        "left": LABEL_WIDTH,
        "right": scale.right,
        "ticks": scale.ticks(),
        "as_of_x": scale.x(report.as_of),
        "lanes": lanes,
        "row": ROW_HEIGHT,
        "start": scale.start,
        "end": scale.end,
    }


def bars(rows: list[FollowThrough], me: tuple[str, ...] = (), width: int = 520) -> dict:
    """Stacked bars of done / open / dropped / cancelled, each row scaled to 100%."""
    left, right = 150, 64
    plot = width - left - right
    lines = []
    for index, row in enumerate(rows):
        y = 10 + index * 30
        x: float = left
        parts = []
        for kind, value in (
            ("done", row.done),
            ("open", row.open),
            ("dropped", row.dropped),
            ("cancelled", row.cancelled),
        ):
            if not value or not row.created:
                continue
            w = round(value / row.created * plot, 1)
            parts.append(
                {
                    "x": round(x, 1),
                    "w": w,
                    "kind": kind,
                    "title": f"{row.name}: {value} {kind} of {row.created}",
                }
            )
            x += w
        is_me = row.name in me
        label = f"{row.name} (you)" if is_me else row.name
        summary = (
            f"{label}: follow-through {pct(row.follow_through)}, {row.created} items: {row.done} done, "
            f"{row.open} open, {row.dropped} dropped, {row.cancelled} cancelled"
        )
        lines.append(
            {
                "y": y,
                "label": label,
                "me": is_me,
                "parts": parts,
                "ratio": pct(row.follow_through),
                "title": summary,
                "empty": not row.created,
            }
        )
    return {
        "width": width,
        "height": 16 + len(rows) * 30,
        "left": left,
        "plot": plot,
        "rows": lines,
    }


def age_histogram(report: ActionsReport) -> dict:
    ages = [
        item.age_days for item in report.items if item.state == "open" and item.age_days is not None
    ]
    counts = [
        sum(1 for a in ages if a >= low and (high is None or a <= high))
        for low, high, _ in AGE_BUCKETS
    ]
    width, height, left, bottom = 520, 200, 40, 30
    top = 14
    step = (width - left - 10) / len(AGE_BUCKETS)
    peak = max(counts + [1])
    columns = []
    for index, ((_, _, label), value) in enumerate(zip(AGE_BUCKETS, counts, strict=True)):
        h = round(value / peak * (height - top - bottom), 1)
        x = round(left + index * step + 6, 1)
        columns.append(
            {
                "x": x,
                "w": round(step - 12, 1),
                "y": round(height - bottom - h, 1),
                "h": h,
                "label": label,
                "value": value,
                "title": f"{plural(value, 'open item')} {label}{'' if label.endswith('days') or label.startswith('over') else ' days'} old",
            }
        )
    return {
        "width": width,
        "height": height,
        "bottom": height - bottom,
        "left": left,
        "columns": columns,
        "total": len(ages),
    }


def moods(report: CadenceReport, scale: Scale) -> list[dict]:
    """A small chart per person whose held notes in the window have a mood."""
    charts = []
    width, height, left, top, bottom = 320, 110, 26, 10, 20
    inner = Scale(scale.start, scale.end, left, width - 10)
    for row in report.people:
        points = [(m, m.mood) for m in row.meetings if m.kind == "held" and m.mood is not None]
        if not points:
            continue

        def y(mood: int) -> float:
            return round(top + (5 - mood) / 4 * (height - top - bottom), 1)

        dots = [
            {"x": inner.x(m.date), "y": y(mood), "title": f"{m.date}: mood {mood}"}
            for m, mood in points
        ]
        recent = [mood for _, mood in points[-4:]]
        charts.append(
            {
                "person": row.person,
                "name": row.name,
                "width": width,
                "height": height,
                "dots": dots,
                "polyline": " ".join(f"{d['x']},{d['y']}" for d in dots),
                "grid": [{"y": y(level), "label": level} for level in (1, 3, 5)],
                "ticks": [{"x": t["x"], "label": t["label"].split()[0]} for t in inner.ticks()],
                "bottom": height - 4,
                "left": left,
                "right": width - 10,
                "aria": f"{row.name}: mood over time, "
                + ", ".join(f"{m.date} {mood}" for m, mood in points),
                "latest": points[-1][1],
                "recent": round(sum(recent) / len(recent), 1),
            }
        )
    return charts


STRIP_SLOTS = 12  # the insight strips show the last 12 held 1:1s
SLOT = 14
STRIP_HEIGHT = 36


def _slots(meetings) -> tuple[list, float]:
    """The last STRIP_SLOTS meetings, and the x offset that right-aligns them."""
    shown = list(meetings)[-STRIP_SLOTS:]
    return shown, 4 + (STRIP_SLOTS - len(shown)) * SLOT


def ownership_strip(name: str, insights) -> dict:
    """One column per held 1:1: the height is the share of its agenda points that were theirs;
    a column under the 30% line is drawn as low."""
    from ononotes.core.insights import LOW_OWNERSHIP

    shown, left = _slots(insights.meetings)
    top, bottom = 4, STRIP_HEIGHT - 4
    cols, words = [], []
    for index, meeting in enumerate(shown):
        x = round(left + index * SLOT + 2, 1)
        share = meeting.ownership
        total = meeting.their_points + meeting.my_points
        if share is None:
            title = f"{meeting.date}: no agenda points"
            cols.append({"x": x, "y": bottom - 2, "h": 2, "kind": "none", "title": title})
        else:
            h = max(round(share * (bottom - top), 1), 1.5)
            title = (
                f"{meeting.date}: {meeting.their_points} of {total} points theirs ({pct(share)})"
            )
            kind = "low" if share < LOW_OWNERSHIP else "ok"
            cols.append({"x": x, "y": round(bottom - h, 1), "h": h, "kind": kind, "title": title})
        words.append(title)
    line_y = round(bottom - LOW_OWNERSHIP * (bottom - top), 1)
    aria = f"{name}: their share of the agenda, 1:1 by 1:1: " + ("; ".join(words) or "none")
    return {"cols": cols, "line_y": line_y, "aria": aria, "width": 8 + STRIP_SLOTS * SLOT}


def development_strip(name: str, insights) -> dict:
    """One square per held 1:1: filled when its growth section has something written."""
    shown, left = _slots(insights.meetings)
    cells: list[dict] = []
    for index, meeting in enumerate(shown):
        said = "growth talked about" if meeting.development else "no growth talk"
        cells.append(
            {
                "x": round(left + index * SLOT + 1.5, 1),
                "kind": "yes" if meeting.development else "no",
                "title": f"{meeting.date}: {said}",
            }
        )
    aria = f"{name}: growth talk, 1:1 by 1:1: " + (
        "; ".join(c["title"] for c in cells) or "no held 1:1s"
    )
    return {"cells": cells, "aria": aria, "width": 8 + STRIP_SLOTS * SLOT}


def mood_sparkline(name: str, insights) -> dict:
    """The moods of the held 1:1s as a line, the last four (mood_recent) shaded."""
    from ononotes.core.insights import MOOD_WINDOW

    shown, left = _slots(insights.moods)
    top, bottom = 5, STRIP_HEIGHT - 5

    def y(mood: int) -> float:
        return round(top + (5 - mood) / 4 * (bottom - top), 1)

    dots = [
        {
            "x": round(left + index * SLOT + SLOT / 2, 1),
            "y": y(m.mood),
            "title": f"{m.date}: mood {m.mood}",
        }
        for index, m in enumerate(shown)
    ]
    recent = min(MOOD_WINDOW, len(dots))
    shade_x = round(left + (len(dots) - recent) * SLOT, 1)
    summary = f"{name}: mood " + (", ".join(str(m.mood) for m in shown) or "not recorded")
    if insights.mood_recent is not None:
        summary += f"; mean of the last {recent} {insights.mood_recent:.1f}"
    if insights.mood_change is not None:
        summary += f", {insights.mood_change:+.1f} against the {MOOD_WINDOW} before"
    return {
        "dots": dots,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "shade_x": shade_x,
        "shade_w": round(recent * SLOT, 1),
        "aria": summary,
        "width": 8 + STRIP_SLOTS * SLOT,
    }


FLAG_BADGES = (
    ("low_ownership", "LOW AGENDA SHARE"),
    ("development_stale", "NO GROWTH TALK"),
    ("mood_drop", "MOOD DROP"),
)


def insight_rows(report: CadenceReport) -> list[dict]:
    """Each person's insights as the dashboard draws them (docs/insights.md)."""
    rows = []
    for row in report.people:
        i = row.insights
        if i is None:
            continue
        flags = [label for attribute, label in FLAG_BADGES if getattr(i, attribute)]
        if i.last_development is None:
            last = "never" if i.held else "–"
        else:
            assert i.days_since_development is not None  # set whenever last_development is
            last = f"{i.last_development}, {plural(i.days_since_development, 'day')} ago"
        rows.append(
            {
                "person": row.person,
                "name": row.name,
                "insights": i,
                "ownership": ownership_strip(row.name, i),
                "development": development_strip(row.name, i),
                "mood": mood_sparkline(row.name, i),
                "last_development": last,
                "badges": flags,
                "flags": i.flags,
                "inactive": not row.active,
            }
        )
    return rows


def insight_limits() -> dict:
    """The flags' thresholds, as the dashboard explains them (docs/insights.md)."""
    from ononotes.core.insights import DEVELOPMENT_STALE_DAYS, LOW_OWNERSHIP, LOW_STREAK, MOOD_DROP

    return {
        "low": pct(LOW_OWNERSHIP),
        "streak": LOW_STREAK,
        "days": DEVELOPMENT_STALE_DAYS,
        "drop": f"{abs(MOOD_DROP):g}",
        "slots": STRIP_SLOTS,
    }


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}".replace("-", "−")


def card(label: str, value, note: str, alert: bool = False) -> dict:
    return {"label": label, "value": value, "note": note, "alert": alert}


def view(cadence: CadenceReport | None, actions: ActionsReport | None, title: str) -> dict:
    """Everything the template draws, as plain values."""
    report = cadence or actions
    as_of = report.as_of if report else None
    window = report.window if report else None
    context: dict = {
        "title": title,
        "as_of": as_of,
        "since": window.since if window else None,
        "until": window.end if window else None,
        "cadence": cadence,
        "actions": actions,
        "pct": pct,
        "cards": [],
    }
    if cadence is not None:
        team = cadence.team
        context["cards"] += [
            card("people", team.people, f"{team.active} active"),
            card(
                "overdue 1:1s",
                team.overdue,
                ", ".join(r.name for r in cadence.overdue) or "none",
                team.overdue > 0,
            ),
            card(
                "held",
                team.held,
                f"{team.cancelled} cancelled, {team.planned} planned"
                + (f", {team.unconfirmed} not confirmed" if team.unconfirmed else ""),
                team.unconfirmed > 0,
            ),
            card("gaps on cadence", pct(team.on_cadence_ratio), "gap ≤ interval + ¼"),
        ]
        timeline_view = timeline(cadence)
        context["timeline"] = timeline_view
        context["moods"] = moods(cadence, Scale(timeline_view["start"], timeline_view["end"]))
        context["insights"] = insight_rows(cadence)
        context["limits"] = insight_limits()
        context["team_insights"] = team.insights
        context["signed"] = _signed
        flagged = [r["name"] for r in context["insights"] if r["flags"]]
        if team.insights is not None:
            context["cards"] += [
                card(
                    "agenda ownership",
                    pct(team.insights.agenda_ownership),
                    "their points of all agenda points",
                ),
                card(
                    "growth talked about",
                    pct(team.insights.development_coverage),
                    "of held 1:1s",
                ),
                card(
                    "cancelled 1:1s",
                    pct(team.insights.cancellation_rate),
                    "cancelled ÷ (held + cancelled)",
                ),
                card("people flagged", len(flagged), ", ".join(flagged) or "none", bool(flagged)),
            ]
    if actions is not None:
        follow = actions.team
        context["cards"] += [
            card(
                "follow-through",
                pct(follow.follow_through),
                f"{follow.done} of {follow.done + follow.dropped + follow.open} done",
            ),
            card("open items", follow.open, f"{follow.overdue} overdue"),
            card("stale items", follow.stale, "open, carried 3+ times", follow.stale > 0),
        ]
        owners = sorted(actions.owners, key=lambda row: row.name not in actions.me)
        context["people_bars"] = bars(list(actions.people) + [actions.team])
        context["owner_bars"] = bars(owners, actions.me)
        context["ages"] = age_histogram(actions)
        context["attention"] = [i for i in actions.items if i.stale or i.overdue]
        context["stale"] = [i for i in actions.items if i.stale]
    return context


def render_html(
    cadence: CadenceReport | None, actions: ActionsReport | None, title: str = ""
) -> str:
    """The dashboard as one HTML document (a string)."""
    from ononotes.render.page import page_environment

    env = page_environment()
    return env.get_template(TEMPLATE).render(view(cadence, actions, title))
