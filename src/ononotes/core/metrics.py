"""The facts a metrics export carries (``ono export --metrics``): numbers about 1:1s, never
their words.

Every fact is taken from ono's own rules, never worked out again here: a person's cadence and
insights from ``reports.cadence_row`` (SPEC §6, §9), their items from ``reports.person_actions``
(the chain rule of SPEC §5), each meeting's kind from ``window.meeting_kind`` with
``insights.meeting_evidence``. So the roll-up, which only adds these facts up, gives the numbers
``ono report`` gives. Pure: notes in, frozen records out; the hashing is keyed by the vault's
salt, which the caller reads (``store/metrics.py``) and which never leaves the vault.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ononotes.core.insights import MOOD_WINDOW, meeting_evidence
from ononotes.core.model import UNASSIGNED, CachedRecord, Config, Note, Problem, Profile
from ononotes.core.reports import cadence_row, person_actions
from ononotes.core.window import Window, meeting_kind

SCHEMA = 1  # the version of the records; ``ono rollup`` reads this one only
MANAGER, REPORT, OTHER = "manager", "report", "other"
OWNER_ROLES = (MANAGER, REPORT, OTHER, UNASSIGNED)
HASH_CHARS = 16  # 64 bits of a keyed SHA-256: no collision in any organisation's numbers


@dataclass(frozen=True, slots=True)
class MeetingFact(CachedRecord):
    """One meeting note: when, what kind of meeting, and what ono counts it as."""

    date: dt.date
    type: str
    status: str
    kind: str | None  # held | cancelled | planned | unconfirmed; None: a status ono ignores


@dataclass(frozen=True, slots=True)
class ItemFact(CachedRecord):
    """One followed item (SPEC §5), created in the window: its key stays here, to be hashed."""

    key: str
    owner_role: str  # manager | report | other | unassigned
    state: str
    created: dt.date
    closed: dt.date | None
    times_carried: int
    stale: bool
    overdue: bool
    days_to_close: int | None


@dataclass(frozen=True, slots=True)
class PersonFacts(CachedRecord):
    """What the roll-up adds up of one person: their cadence counters (SPEC §6), their gaps
    counted against their own limit, their insights' counters (SPEC §9), meetings and items."""

    person: str
    name: str
    interval_days: int
    active: bool
    overdue: bool
    held: int
    cancelled: int
    planned: int
    unconfirmed: int
    gaps: int
    gaps_on_cadence: int  # gaps <= interval + tolerance
    their_points: int
    my_points: int
    developed: int
    with_feedback: int
    with_upward: int
    mood_recent: float | None
    mood_change: float | None
    mood_count: int  # how many moods mood_recent is the mean of (the last MOOD_WINDOW at most)
    meetings: tuple[MeetingFact, ...]
    items: tuple[ItemFact, ...]
    problems: tuple[Problem, ...] = ()  # what ``ono report`` says of their notes (unconfirmed)


def owner_role(owner: str, person: str, config: Config) -> str:
    """Whose item it is, as a role: the person the 1:1s are with (``report``), the vault's
    owner (``manager``: ``me``, or the manager a shared person's repository names), nobody
    (``unassigned``), or someone else (``other``)."""
    if owner == person:
        return REPORT
    if owner in (config.me, getattr(config, "manager", None)):
        return MANAGER
    if owner == UNASSIGNED:
        return UNASSIGNED
    return OTHER


def person_facts(
    person: str,
    notes: Sequence[Note],
    profile: Profile | None,
    config: Config,
    window: Window,
    placeholders: frozenset[str] = frozenset(),
) -> PersonFacts:
    """One person's facts from their notes in (date, file name) order, by ono's own rules."""
    problems: list[Problem] = []
    row = cadence_row(person, notes, profile, config, window, problems, placeholders)
    actions = person_actions(person, notes, window)
    insights = row.insights
    written = meeting_evidence(config, placeholders)
    meetings = tuple(
        MeetingFact(
            note.date,
            note.type,
            note.effective_status(window.as_of),
            meeting_kind(note, window.as_of, written),
        )
        for note in notes
    )
    items = tuple(
        ItemFact(
            item.key,
            owner_role(item.owner, person, config),
            item.state,
            item.created,
            item.closed,
            item.times_carried,
            item.stale,
            item.overdue,
            item.days_to_close,
        )
        for item in actions.items
    )
    return PersonFacts(
        person=person,
        name=row.name,
        interval_days=row.interval_days,
        active=row.active,
        overdue=row.overdue,
        held=row.held,
        cancelled=row.cancelled,
        planned=row.planned,
        unconfirmed=row.unconfirmed,
        gaps=len(row.gaps),
        gaps_on_cadence=sum(gap <= row.allowed_gap for gap in row.gaps),
        their_points=insights.their_points if insights else 0,
        my_points=insights.my_points if insights else 0,
        developed=insights.developed if insights else 0,
        with_feedback=getattr(insights, "with_feedback", 0) or 0,
        with_upward=getattr(insights, "with_upward", 0) or 0,
        mood_recent=insights.mood_recent if insights else None,
        mood_change=insights.mood_change if insights else None,
        mood_count=len(insights.moods[-MOOD_WINDOW:]) if insights else 0,
        meetings=meetings,
        items=items,
        problems=tuple(problems),
    )


# -- pseudonyms ---------------------------------------------------------------------------------


def pseudonym(salt: str, kind: str, *parts: str) -> str:
    """A keyed hash (HMAC-SHA256 under the vault's salt) of ``parts``: the same person, or the
    same item of a person, gets the same pseudonym in every export of the vault, and without
    the salt nobody can tell whose it is by hashing slugs they guess."""
    message = "\x1f".join((kind, *parts)).encode("utf-8")
    return hmac.new(bytes.fromhex(salt), message, hashlib.sha256).hexdigest()[:HASH_CHARS]


# -- the records (schema 1) -----------------------------------------------------------------------

# Every record has these; each kind adds its own fields below. Dates are ``YYYY-MM-DD`` strings.
COMMON_FIELDS = {"schema": "int", "record": "str", "export": "str", "vault": "str"}
RECORD_FIELDS: dict[str, dict[str, str]] = {
    # one per vault in the file, before its other records
    "export": {
        "vault_id": "str",
        "manager": "str",
        "as_of": "date",
        "since": "date?",
        "until": "date?",
        "people": "int",
        "share_insights": "bool",
        "share_names": "bool",
        "ononotes": "str",
    },
    "person": {
        "person": "str",
        "interval_days": "int",
        "active": "bool",
        "overdue": "bool",
        "held": "int",
        "cancelled": "int",
        "planned": "int",
        "unconfirmed": "int",
        "gaps": "int",
        "gaps_on_cadence": "int",
    },
    "meeting": {"person": "str", "date": "date", "type": "str", "status": "str", "kind": "str?"},
    "item": {
        "person": "str",
        "key": "str",
        "owner": "str",
        "state": "str",
        "created": "date",
        "closed": "date?",
        "times_carried": "int",
        "stale": "bool",
        "overdue": "bool",
        "days_to_close": "int?",
    },
}
NAME_FIELDS = {"name": "str"}  # a person's record, when the vault shares names
INSIGHT_FIELDS = {  # a person's record, when the vault shares insights
    "their_points": "int",
    "my_points": "int",
    "developed": "int",
    "with_feedback": "int",
    "with_upward": "int",
    "mood_recent": "float?",
    "mood_change": "float?",
    "mood_count": "int",
}
OPTIONAL_FIELDS = {"person": NAME_FIELDS | INSIGHT_FIELDS}
# fields a record has all of, or none
TOGETHER: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "person": (("insight", frozenset(INSIGHT_FIELDS)),)
}


def all_fields() -> dict[str, str]:
    """Every field of every record and its type (``?``: may be null): the columns of the
    roll-up's one table."""
    found = dict(COMMON_FIELDS)
    for kind, fields in RECORD_FIELDS.items():
        for name, type_ in (fields | OPTIONAL_FIELDS.get(kind, {})).items():
            found.setdefault(name, type_)
    return found


MAX_INT = 2**31 - 1  # the roll-up's columns are 32-bit

# ``type(value) is``, as ``True`` is an ``int`` to ``isinstance``; an export has a dozen
# fields a line and 300,000 lines, so each check is one small function


def _whole_number(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_INT


def _text(value: object) -> bool:
    if type(value) is not str:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")  # a lone surrogate (``"\\ud800"``) is no text
    except UnicodeEncodeError:
        return False
    return True


def _boolean(value: object) -> bool:
    return type(value) is bool


def _date_text(value: object) -> bool:
    if type(value) is not str or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _number(value: object) -> bool:
    return type(value) is int or (type(value) is float and math.isfinite(value))


_CHECKS: dict[str, Callable[[object], bool]] = {
    "int": _whole_number,
    "str": _text,
    "bool": _boolean,
    "date": _date_text,
    "float": _number,
}
_WORDS = {
    "int": "a whole number of 0 or more",
    "str": "text",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "float": "a number",
}
_MISSING = object()
# kind -> (the fields it may have, (name, check, words, required, nullable) for each)
_Spec = tuple[frozenset[str], tuple[tuple[str, Callable[[object], bool], str, bool, bool], ...]]


def _spec(kind: str) -> _Spec:
    checks = []
    for fields, required in (
        (COMMON_FIELDS, True),
        (RECORD_FIELDS[kind], True),
        (OPTIONAL_FIELDS.get(kind, {}), False),
    ):
        for name, type_ in fields.items():
            base = type_.rstrip("?")
            checks.append((name, _CHECKS[base], _WORDS[base], required, type_.endswith("?")))
    return frozenset(name for name, *_ in checks), tuple(checks)


_SPECS = {kind: _spec(kind) for kind in RECORD_FIELDS}


def record_problem(record: dict[str, object]) -> str:
    """What is wrong with a record of this schema (its kind and fields), or '' when nothing:
    a field missing, null where it may not be, of another type, or one this schema has not."""
    kind = record.get("record")
    spec = _SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        return f"unknown record {kind!r}"
    allowed, checks = spec
    for name, check, words, required, nullable in checks:
        value = record.get(name, _MISSING)
        if value is _MISSING:
            if required:
                return f"{kind} record: {name} is missing"
        elif value is None:
            if not nullable:
                return f"{kind} record: {name} is null"
        elif not check(value):
            return f"{kind} record: {name} must be {words}"
    if not record.keys() <= allowed:
        unknown = sorted(record.keys() - allowed)[0]
        return f"{kind} record: {unknown} is not a field of schema {SCHEMA}"
    for label, group in TOGETHER.get(str(kind), ()):
        present = group & record.keys()
        if present and present != group:
            missing = sorted(group - present)[0]
            return f"{kind} record: {missing} is missing (a record has every {label} field or none)"
    return ""


# -- reading exports back (``ono rollup``) ---------------------------------------------------------

FULL_EXPORT_KINDS = ("note", "item")  # ``ono export`` without --metrics: 1:1 content


class ExportLine(NamedTuple):
    """One line of an export file: its number (1-based), its text (None: not UTF-8), and
    whether a line break ended it (the last line of a file cut short has none)."""

    number: int
    text: str | None
    ended: bool = True


@dataclass
class _FileProblems:
    """A file's problems, one line per kind: the first line it was seen on, and how many more."""

    path: str
    first: dict[str, tuple[int, str]]
    more: dict[str, int]

    def add(self, kind: str, line: int, message: str) -> None:
        if kind in self.first:
            self.more[kind] = self.more.get(kind, 0) + 1
        else:
            self.first[kind] = (line, message)

    def problems(self) -> list[Problem]:
        found = []
        for kind, (line, message) in sorted(self.first.items(), key=lambda kv: kv[1][0]):
            more = self.more.get(kind, 0)
            if more:
                message += f" (and {more} more line{'s' if more > 1 else ''} like it)"
            found.append(Problem(self.path, line, message))
        return found


class ExportReader:
    """Reads metrics exports file after file, and passes on the records ``ono rollup`` may
    count: each bad line is left out and named (one line per kind of problem and file), a file
    that is not a metrics export is left out whole, and of two exports of one vault and day the
    first read is counted, the other named."""

    def __init__(self) -> None:
        self.read: dict[tuple[str, str], str] = {}  # (vault_id, as_of) -> "path:line"
        self.problems: list[Problem] = []
        self.records = 0

    def read_file(
        self, path: str, lines: Iterable[ExportLine]
    ) -> Iterator[tuple[dict[str, object], str]]:
        """The records of one file that may be counted, each with its line's text, in order;
        the file's problems are added to ``self.problems`` once it is read."""
        found = _FileProblems(path, {}, {})
        declared: set[str] = set()  # the exports this file holds (and that are counted)
        refused: set[str] = set()  # those already read from another file, or twice here
        first = True
        for line in lines:
            if line.text is not None and line.text.isspace():
                continue
            record = _json_object(line.text) if line.text is not None else None
            if first:
                first = False
                refusal = _not_an_export(record, line)
                if refusal:
                    found.add("file", line.number, refusal)
                    break
            if record is None:
                if line.text is None:
                    found.add("utf8", line.number, "not UTF-8 text; skipped")
                elif line.ended:
                    found.add("json", line.number, "not a JSON object; skipped")
                else:
                    found.add(
                        "cut", line.number, "truncated line (the file was cut short); skipped"
                    )
                continue
            schema = record.get("schema")
            if schema != SCHEMA:
                found.add("schema", line.number, _schema_message(schema))
                continue
            problem = record_problem(record)
            if problem:
                found.add(f"field:{problem}", line.number, f"{problem}; skipped")
                continue
            export = str(record["export"])
            if record["record"] == "export":
                key = (str(record["vault_id"]), str(record["as_of"]))
                where = self.read.get(key)
                if where is not None or export in declared or export in refused:
                    refused.add(export)
                    declared.discard(export)
                    found.add(
                        f"duplicate:{export}",
                        line.number,
                        f"vault {record['vault']} as of {record['as_of']} was already read "
                        f"from {where or 'this file'}: counted once; this export is skipped",
                    )
                    continue
                self.read[key] = f"{path}:{line.number}"
                declared.add(export)
            elif export in refused:
                continue
            elif export not in declared:
                found.add(
                    "orphan",
                    line.number,
                    f"{record['record']} record of export {export} with no export record "
                    "before it in this file; skipped",
                )
                continue
            self.records += 1
            yield record, line.text or ""
        self.problems.extend(found.problems())


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)  # NaN and Infinity are not JSON


def _json_object(text: str) -> dict[str, object] | None:
    try:
        value = _DECODER.decode(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _not_an_export(record: dict[str, object] | None, line: ExportLine) -> str:
    """Why a file whose first line is ``record`` is no metrics export ('' when it may be one)."""
    if record is None:
        if not line.ended and line.text is not None:
            return ""  # a file cut short in its first line: said so as a truncated line
        return "not an ononotes metrics export (its first line is not a JSON object); file skipped"
    if "schema" in record and "record" in record:
        return ""
    if record.get("kind") in FULL_EXPORT_KINDS:
        return (
            "a full export (it holds the notes' text), not a metrics export: make one with "
            "`ono export --format jsonl --metrics`; file skipped"
        )
    return "not an ononotes metrics export (no schema and record fields); file skipped"


def _schema_message(schema: object) -> str:
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
        return (
            f"schema {schema} is from a newer ononotes (this one reads schema {SCHEMA}): "
            "upgrade ononotes to roll it up; skipped"
        )
    if isinstance(schema, int) and not isinstance(schema, bool):
        return (
            f"schema {schema} is from an older ononotes (this one reads schema {SCHEMA}): "
            "export the vault again; skipped"
        )
    return f"schema {schema!r} is not a schema version (this one reads {SCHEMA}); skipped"
