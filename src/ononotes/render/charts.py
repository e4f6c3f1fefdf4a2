"""The geometry of the HTML pages' charts, as plain numbers the templates draw.

Text never goes inside an SVG: names, dates and axis labels are HTML beside or under the
drawing, so a chart that narrows with the screen never shrinks its words. Time runs along x as
a percentage of the chart's width (``Scale.pct``); heights are pixels. Every mark carries a
``title`` (a tooltip, and the words a screen reader reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from ononotes.core.insights import LOW_OWNERSHIP, MOOD_WINDOW, MeetingInsight, PersonInsights
from ononotes.core.reports import ActionItem, ActionsReport, CadenceRow, FollowThrough, Meeting

MAX_DAYS_AHEAD = 90  # a timeline shows at most this far past as-of
PAD_DAYS = 3  # room at each end, so a mark on the first or last day is drawn whole
TRACK_MIDDLE = 14  # px: the middle of a timeline lane (its height is twice that)
AGE_BUCKETS = (
    (0, 7, "0–7 days"),
    (8, 14, "8–14"),
    (15, 30, "15–30"),
    (31, 60, "31–60"),
    (61, 90, "61–90"),
    (91, None, "over 90"),
)
STRIP_SLOTS = 12  # the insight strips show the last 12 held 1:1s
SLOT = 14
STRIP_HEIGHT = 36
MOOD_HEIGHT = 110
MOOD_TOP, MOOD_BOTTOM = 10, 10
OWNERSHIP_HEIGHT = 60


def pct(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# -- time along x ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Days to a percentage of a chart's width, over ``start``..``end``."""

    start: dt.date
    end: dt.date

    def pct(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return round((day - self.start).days / span * 100, 2)

    def clipped(self, day: dt.date) -> float:
        return self.pct(min(max(day, self.start), self.end))

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def ticks(self) -> list[dict]:
        """The first of every month (or quarter, or year, for long spans) in range; every other
        one is ``minor`` when there are more than six (a narrow screen hides those)."""
        span = (self.end - self.start).days
        step = 1 if span <= 400 else 3 if span <= 1200 else 12
        ticks: list[dict] = []
        year, month = self.start.year, self.start.month
        while (day := dt.date(year, month, 1)) <= self.end:
            if day >= self.start and (month - 1) % step == 0:
                label = str(year) if step == 12 else day.strftime("%b")
                if step < 12 and (month == 1 or not ticks):
                    label = day.strftime("%b %Y")
                ticks.append({"pct": self.pct(day), "label": label, "minor": False})
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if len(ticks) > 6:
            for tick in ticks[1::2]:
                tick["minor"] = True
        return ticks


def time_scale(
    rows: Iterable[CadenceRow], since: dt.date | None, as_of: dt.date, days_back: int | None = None
) -> Scale:
    """The span of ``rows``' meetings: from ``since`` (else the first meeting), at most
    ``days_back`` before as-of, to as-of or the next meeting or due date (at most
    MAX_DAYS_AHEAD later)."""
    rows = list(rows)
    days = [m.date for row in rows for m in row.meetings]
    start = since or (min(days) if days else as_of - dt.timedelta(days=30))
    if days_back is not None:
        start = max(start, as_of - dt.timedelta(days=days_back))
    ahead = [d for d in days if d > as_of]
    ahead += [r.next_due for r in rows if r.active and r.next_due and r.next_due > as_of]
    end = min(max([as_of, *ahead]), as_of + dt.timedelta(days=MAX_DAYS_AHEAD))
    pad = dt.timedelta(days=PAD_DAYS)
    return Scale(min(start, as_of) - pad, end + pad)


# -- the cadence timeline ---------------------------------------------------------------------------


@dataclass
class Lane:
    """One person's row on the timeline."""

    person: str
    label: str
    sublabel: str
    aria: str
    overdue: bool = False
    marks: list[dict] = field(default_factory=list)
    segments: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)


def _lane_words(row: CadenceRow) -> tuple[str, str]:
    """(the line under the name, the lane's description for a screen reader)."""
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
    return sub, aria


def _gap_segments(row: CadenceRow, scale: Scale) -> list[dict]:
    """A line per late gap between two held meetings, and one per run of gaps on rhythm."""
    held = [m for m in row.meetings if m.kind == "held"]
    segments: list[dict] = []
    run: list[tuple[Meeting, Meeting]] = []
    for a, b in pairwise(held):
        if b.date < scale.start or a.date > scale.end:
            continue
        gap = (b.date - a.date).days
        if gap <= row.allowed_gap:
            run.append((a, b))
            continue
        segments += _on_rhythm(run, scale)
        run = []
        segments.append(
            {
                "x1": scale.clipped(a.date),
                "x2": scale.clipped(b.date),
                "kind": "late",
                "title": f"{gap} days between {a.date} and {b.date}: late "
                f"(cadence {row.interval_days} + {row.tolerance_days} days)",
            }
        )
    return segments + _on_rhythm(run, scale)


def _on_rhythm(run: list[tuple[Meeting, Meeting]], scale: Scale) -> list[dict]:
    if not run:
        return []
    first, last = run[0][0], run[-1][1]
    if len(run) == 1:
        title = (
            f"{(last.date - first.date).days} days between {first.date} and {last.date}: on cadence"
        )
    else:
        title = f"{len(run)} gaps on cadence from {first.date} to {last.date}"
    return [
        {
            "x1": scale.clipped(first.date),
            "x2": scale.clipped(last.date),
            "kind": "ok",
            "title": title,
        }
    ]


def _mark(meeting: Meeting, scale: Scale) -> dict:
    mood = f", mood {meeting.mood}" if meeting.mood else ""
    unconfirmed = " — not confirmed: no notes written" if meeting.kind == "unconfirmed" else ""
    return {
        "x": scale.pct(meeting.date),
        "kind": meeting.kind,
        "title": f"{meeting.date} {meeting.status}{mood} ({meeting.path}){unconfirmed}",
    }


def lane(row: CadenceRow, scale: Scale, as_of: dt.date) -> Lane:
    """``row``'s meetings on ``scale``: a mark per meeting, a line per gap between two held
    ones, the wait since the last one, when the next is due, when they left."""
    sub, aria = _lane_words(row)
    found = Lane(row.person, row.name, sub, aria, row.overdue)
    found.segments = _gap_segments(row, scale)
    if row.last_held and row.active and row.last_held <= scale.end:
        found.segments.append(
            {
                "x1": scale.clipped(row.last_held),
                "x2": scale.pct(as_of),
                "kind": "overdue" if row.overdue else "waiting",
                "title": f"{row.days_since} days since the last 1:1 on {row.last_held}"
                + (" — overdue" if row.overdue else ""),
            }
        )
    found.marks = [_mark(m, scale) for m in row.meetings if m.date in scale]
    if row.active and row.next_due and row.next_due in scale:
        found.flags.append(
            {"x": scale.pct(row.next_due), "kind": "due", "title": f"next 1:1 due {row.next_due}"}
        )
    if row.until and row.until in scale:
        found.flags.append(
            {"x": scale.pct(row.until), "kind": "until", "title": f"left on {row.until}"}
        )
    return found


def timeline(rows: Sequence[CadenceRow], scale: Scale, as_of: dt.date) -> dict:
    return {
        "ticks": scale.ticks(),
        "as_of": as_of,
        "as_of_x": scale.pct(as_of),
        "lanes": [lane(row, scale, as_of) for row in rows],
        "start": scale.start,
        "end": scale.end,
    }


# -- follow-through bars, the age of open items ---------------------------------------------------


def bars(rows: Iterable[FollowThrough], me: Sequence[str] = ()) -> list[dict]:
    """Stacked bars of done / open / dropped / cancelled, each row 100% of its width."""
    lines = []
    for row in rows:
        x = 0.0
        parts = []
        for kind, value in (
            ("done", row.done),
            ("open", row.open),
            ("dropped", row.dropped),
            ("cancelled", row.cancelled),
        ):
            if not value or not row.created:
                continue
            width = round(value / row.created * 100, 2)
            parts.append(
                {"x": round(x, 2), "w": width, "kind": kind, "title": _part_title(row, kind, value)}
            )
            x += width
        label = f"{row.name} (you)" if row.name in me else row.name
        lines.append(
            {
                "label": label,
                "me": row.name in me,
                "parts": parts,
                "ratio": pct(row.follow_through),
                "title": f"{label}: follow-through {pct(row.follow_through)}, {row.created} "
                f"items: {row.done} done, {row.open} open, {row.dropped} dropped, "
                f"{row.cancelled} cancelled",
                "empty": not row.created,
            }
        )
    return lines


def _part_title(row: FollowThrough, kind: str, value: int) -> str:
    return f"{row.name}: {value} {kind} of {row.created}"


def age_histogram(report: ActionsReport) -> dict:
    """How many open items are 0–7, 8–14, ... days old; heights as a share of the tallest."""
    ages = [i.age_days for i in report.items if i.state == "open" and i.age_days is not None]
    counts = [
        sum(1 for a in ages if a >= low and (high is None or a <= high))
        for low, high, _ in AGE_BUCKETS
    ]
    peak = max([*counts, 1])
    columns = []
    for (_, _, label), value in zip(AGE_BUCKETS, counts, strict=True):
        unit = "" if label.endswith("days") or label.startswith("over") else " days"
        columns.append(
            {
                "label": label,
                "value": value,
                "h": round(value / peak * 100, 1),
                "title": f"{plural(value, 'open item')} {label}{unit} old",
            }
        )
    return {"columns": columns, "total": len(ages)}


# -- mood and agenda share over time --------------------------------------------------------------


def _mood_y(mood: int) -> float:
    return round(MOOD_TOP + (5 - mood) / 4 * (MOOD_HEIGHT - MOOD_TOP - MOOD_BOTTOM), 1)


def mood_chart(name: str, person: str, meetings: Sequence[Meeting], scale: Scale) -> dict | None:
    """A person's held meetings with a mood on ``scale``: dots joined by lines; None without
    one."""
    points = [m for m in meetings if m.kind == "held" and m.mood is not None and m.date in scale]
    if not points:
        return None
    dots = [
        {"x": scale.pct(m.date), "y": _mood_y(m.mood or 0), "title": f"{m.date}: mood {m.mood}"}
        for m in points
    ]
    recent = [m.mood or 0 for m in points[-MOOD_WINDOW:]]
    return {
        "person": person,
        "name": name,
        "height": MOOD_HEIGHT,
        "dots": dots,
        "lines": [
            {"x1": a["x"], "y1": a["y"], "x2": b["x"], "y2": b["y"]} for a, b in pairwise(dots)
        ],
        "grid": [{"y": _mood_y(level), "label": level} for level in (1, 3, 5)],
        "ticks": scale.ticks(),
        "aria": f"{name}: mood over time, " + ", ".join(f"{m.date} {m.mood}" for m in points),
        "latest": points[-1].mood,
        "recent": round(sum(recent) / len(recent), 1),
    }


def ownership_chart(name: str, insights: PersonInsights, scale: Scale) -> dict:
    """A column per held 1:1 on ``scale``: its height the share of the agenda points that were
    theirs, red under the 30% line, grey when nobody brought a point."""
    bottom = OWNERSHIP_HEIGHT - 2
    columns: list[dict] = []
    top: float
    for meeting in insights.meetings:
        if meeting.date not in scale:
            continue
        share = meeting.ownership
        total = meeting.their_points + meeting.my_points
        if share is None:
            top, kind, title = bottom - 2, "none", f"{meeting.date}: no agenda points"
        else:
            top = round(bottom - max(share * (bottom - 4), 1.5), 1)
            kind = "low" if share < LOW_OWNERSHIP else "ok"
            title = (
                f"{meeting.date}: {meeting.their_points} of {total} points theirs ({pct(share)})"
            )
        columns.append({"x": scale.pct(meeting.date), "top": top, "kind": kind, "title": title})
    return {
        "height": OWNERSHIP_HEIGHT,
        "bottom": bottom,
        "line_y": round(bottom - LOW_OWNERSHIP * (bottom - 4), 1),
        "columns": columns,
        "ticks": scale.ticks(),
        "aria": f"{name}: their share of the agenda, 1:1 by 1:1: "
        + ("; ".join(c["title"] for c in columns) or "no held 1:1s"),
    }


def talk_track(insights: PersonInsights, scale: Scale, attribute: str, words: str) -> list[dict]:
    """A dot per held 1:1 on ``scale``, filled when ``attribute`` (development, feedback,
    upward) says its section had something written."""
    return [
        {
            "x": scale.pct(m.date),
            "kind": "yes" if getattr(m, attribute) else "no",
            "title": f"{m.date}: {words if getattr(m, attribute) else 'no ' + words}",
        }
        for m in insights.meetings
        if m.date in scale
    ]


# -- the insight strips: the last STRIP_SLOTS held 1:1s, a fixed size -----------------------------


def _slots(meetings: Iterable[MeetingInsight]) -> tuple[list[MeetingInsight], float]:
    """The last STRIP_SLOTS meetings, and the x offset that right-aligns them."""
    shown = list(meetings)[-STRIP_SLOTS:]
    return shown, 4 + (STRIP_SLOTS - len(shown)) * SLOT


def ownership_strip(name: str, insights: PersonInsights) -> dict:
    """One column per held 1:1: the height is the share of its agenda points that were theirs;
    a column under the 30% line is drawn as low."""
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


def development_strip(name: str, insights: PersonInsights) -> dict:
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


def mood_sparkline(name: str, insights: PersonInsights) -> dict:
    """The moods of the held 1:1s as a line, the last four (mood_recent) shaded."""
    shown, left = _slots(insights.moods)
    top, bottom = 5, STRIP_HEIGHT - 5

    def y(mood: int) -> float:
        return round(top + (5 - mood) / 4 * (bottom - top), 1)

    dots = [
        {
            "x": round(left + index * SLOT + SLOT / 2, 1),
            "y": y(m.mood or 0),
            "title": f"{m.date}: mood {m.mood}",
        }
        for index, m in enumerate(shown)
    ]
    recent = min(MOOD_WINDOW, len(dots))
    summary = f"{name}: mood " + (", ".join(str(m.mood) for m in shown) or "not recorded")
    if insights.mood_recent is not None:
        summary += f"; mean of the last {recent} {insights.mood_recent:.1f}"
    if insights.mood_change is not None:
        summary += f", {insights.mood_change:+.1f} against the {MOOD_WINDOW} before"
    return {
        "dots": dots,
        "points": " ".join(f"{d['x']},{d['y']}" for d in dots),
        "shade_x": round(left + (len(dots) - recent) * SLOT, 1),
        "shade_w": round(recent * SLOT, 1),
        "aria": summary,
        "width": 8 + STRIP_SLOTS * SLOT,
    }


# -- an item's history ------------------------------------------------------------------------------


def item_track(item: ActionItem, scale: Scale, as_of: dt.date) -> dict:
    """An item from created to closed (or as-of, while open) on ``scale``: a dot on each note
    it was carried to open (``ActionItem.carried_on``), its end drawn by how it ended."""
    end = item.closed or as_of
    return {
        "x1": scale.clipped(item.created),
        "x2": scale.clipped(end),
        "dots": [scale.pct(day) for day in item.carried_on if day in scale],
        "kind": item.state,
        "title": item_history_words(item),
    }


def item_history_words(item: ActionItem) -> str:
    words = [f"created {item.created}"]
    if item.times_carried:
        words.append(f"carried {plural(item.times_carried, 'time')}")
    if item.state == "open":
        words.append(f"open for {plural(item.age_days or 0, 'day')}")
    else:
        words.append(f"{item.state} {item.closed}")
    return " → ".join(words)
