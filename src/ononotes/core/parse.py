"""Text -> notes and profiles. Pure: bytes in, dataclasses and problems out.

Front matter is split at python-frontmatter's boundary and loaded with a safe YAML loader that
refuses alias bombs (plain `key: value` lines are read directly, to the same answer); the body
goes through the block scanner in ``markdown.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ononotes.core.fields import is_slug, parse_iso_date
from ononotes.core.markdown import scan
from ononotes.core.model import Note, Problem, Profile

MAX_NOTE_BYTES = 5 * 1024 * 1024
MAX_YAML_NODES = 10_000
MAX_YAML_DEPTH = 50  # front matter nests a few levels; far deeper only to break a reader
# libyaml composes nested nodes by C recursion: a few KB of "[[[[..." overflow the C stack and
# kill the process. Each level of nesting takes at least one character, so front matter this
# short cannot nest deep enough; longer front matter goes to the pure-Python loader, whose
# recursion ends in a RecursionError ("nested too deeply") instead.
NATIVE_YAML_MAX_CHARS = 2048
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7})(?: |$)")
STATUSES = ("held", "planned", "cancelled", "rescheduled", "no-show")


class FileProblem(Exception):
    """A file that cannot be read as a note; carries the 1-based line where known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown file split into its front matter and lines."""

    lines: tuple[str, ...]
    meta: dict[str, Any] | None  # None: the file has no front matter
    body_start: int
    meta_lines: tuple[str, ...] = ()


def decode(data: bytes) -> str:
    """UTF-8 text, BOM removed; a binary or badly encoded file is a FileProblem."""
    if data.find(b"\x00", 0, 8192) >= 0:
        raise FileProblem("not a text file (it contains NUL bytes)", 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(f"invalid UTF-8 (byte {exc.start})", line) from None
    return text[1:] if text.startswith("\ufeff") else text


def split_lines(text: str) -> list[str]:
    """Lines without their endings; CRLF, CR and LF all end a line, nothing else does."""
    # str.split is several times faster than the regex; without a CR the two agree
    lines = LINE_BREAK_RE.split(text) if "\r" in text else text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _yaml() -> ModuleType:
    import yaml

    return yaml


# a YAML constructor: (loader, node) -> value
Constructor = Callable[[Any, Any], Any]


def _loader_class(native: bool = True) -> type[Any]:
    yaml = _yaml()
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if native else yaml.SafeLoader

    class BoundedSafeLoader(base):  # type: ignore[misc, valid-type]
        """Safe YAML with dates that are no real day kept as strings (reported later)."""

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    def sexagesimal_as_text(constructor: Constructor) -> Constructor:
        # YAML 1.1 reads `type: 1:1` as the base-60 number 61; in a note it is the text "1:1"
        def construct(loader: Any, node: Any) -> Any:
            if ":" in str(node.value):
                return loader.construct_scalar(node)
            return constructor(loader, node)

        return construct

    BoundedSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    BoundedSafeLoader.add_constructor(
        "tag:yaml.org,2002:int", sexagesimal_as_text(yaml.SafeLoader.construct_yaml_int)
    )
    BoundedSafeLoader.add_constructor(
        "tag:yaml.org,2002:float", sexagesimal_as_text(yaml.SafeLoader.construct_yaml_float)
    )
    return BoundedSafeLoader


_LOADERS: dict[bool, type] = {}


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once aliases are expanded (memoised, so linear)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = MAX_YAML_NODES + 1  # a cycle counts as too big
    value = node.value
    size = 1
    if isinstance(value, list):
        for child in value:
            if isinstance(child, tuple):
                size += _expanded_size(child[0], memo) + _expanded_size(child[1], memo)
            else:
                size += _expanded_size(child, memo)
            if size > MAX_YAML_NODES:
                break
    memo[id(node)] = size
    return size


def _depth(node: Any) -> int:
    """How deeply a YAML node nests, without recursion (counted once per node)."""
    deepest = 0
    seen: set[int] = set()
    waiting = [(node, 1)]
    while waiting:
        current, depth = waiting.pop()
        if id(current) in seen or depth > MAX_YAML_DEPTH:
            deepest = max(deepest, depth)
            continue
        seen.add(id(current))
        deepest = max(deepest, depth)
        if isinstance(current.value, list):
            for child in current.value:
                pairs = child if isinstance(child, tuple) else (child,)
                waiting.extend((part, depth + 1) for part in pairs)
    return deepest


def load_yaml(text: str) -> Any:
    """Safe YAML that refuses documents which would expand to very many nodes."""
    yaml = _yaml()
    native = len(text) <= NATIVE_YAML_MAX_CHARS
    if native not in _LOADERS:
        _LOADERS[native] = _loader_class(native)
    loader = _LOADERS[native](text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text and _expanded_size(node, {}) > MAX_YAML_NODES:
            raise FileProblem(
                f"front matter expands to more than {MAX_YAML_NODES} values (YAML aliases); refused",
                2,
            )
        if _depth(node) > MAX_YAML_DEPTH:  # the cache and every reader recurse over values
            raise FileProblem("front matter is nested too deeply", 2)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        last = text.count("\n")
        mark = getattr(exc, "problem_mark", None)
        if mark is None or mark.line > last:
            # an error found only at the end (an unclosed bracket) is where it was opened
            mark = getattr(exc, "context_mark", None) or mark
        line = min(mark.line, last) + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FileProblem(f"front matter is not valid YAML: {problem}", line) from None
    except RecursionError:
        raise FileProblem("front matter is nested too deeply", 2) from None
    finally:
        loader.dispose()


# python-frontmatter's YAMLHandler.FM_BOUNDARY, which a test holds this to: importing the library
# (and YAML with it) costs a run that reads one simple note more than reading it does
FM_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)

# Front matter most notes have: `key: value` lines with plain values. Read here, it gives exactly
# what the YAML loader gives (a property test compares the two); anything else goes to YAML.
SIMPLE_ENTRY_RE = re.compile(
    r"([a-z_][a-z0-9_-]*):(?:[ ]+(?:"
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"|(?P<int>0|[1-9][0-9]{0,17})"
    r"|(?P<ratio>[0-9]+(?::[0-9]+)+)"
    r"|(?P<word>[A-Za-z][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+)*)"
    r"))?[ ]*"
)
# Plain words YAML 1.1 reads as booleans and nulls, and keys it would read as booleans
YAML_WORDS = frozenset(
    form
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for form in (word, word.title(), word.upper())
)


def simple_front_matter(lines: list[str] | tuple[str, ...]) -> dict[str, Any] | None:
    """The front matter as YAML would read it, when every line is a simple entry; else None."""
    meta: dict[str, Any] = {}
    for line in lines:
        entry = _simple_entry(line)
        if entry is None:
            return None
        if entry:
            meta[entry[0]] = entry[1]
    return meta


@functools.lru_cache(maxsize=4096)  # the same lines recur note after note: person, type, dates
def _simple_entry(line: str) -> tuple[str, Any] | tuple[()] | None:
    """(key, value) of a simple front-matter line, as YAML reads it; () for a blank line; None
    for any other line. The values are immutable, so the cache may share them."""
    match = SIMPLE_ENTRY_RE.fullmatch(line)
    if match is None:
        return None if line.strip(" ") else ()
    key, date, number, ratio, word = match.groups()
    if key in YAML_WORDS:
        return None
    if word is not None:
        return None if word in YAML_WORDS else (key, word)
    if date is not None:
        try:
            return key, dt.date.fromisoformat(date)
        except ValueError:  # no real day: kept as text, as the YAML loader does
            return key, date
    if number is not None:
        return key, int(number)
    return key, ratio  # 1:1, which YAML 1.1 would read as the base-60 number 61 (None: no value)


def read_document(data: bytes | str) -> Document:
    """Split a file into lines and front matter; raises FileProblem for what cannot be read."""
    text = decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    lines = split_lines(text)
    conflict = None
    if "<<<<<<<" in text or ">>>>>>>" in text:  # cheap test first: almost no note has them
        conflict = next((i for i, line in enumerate(lines) if CONFLICT_RE.match(line)), None)
    if conflict is not None:
        raise FileProblem(
            "unresolved git conflict markers; resolve the conflict first", conflict + 1
        )
    boundary = FM_BOUNDARY
    if not lines or not boundary.match(lines[0]):
        return Document(tuple(lines), None, 0)
    for closing in range(1, len(lines)):  # noqa: B007 (used after the loop)
        line = lines[closing]
        if line[:3] == "---" and boundary.match(line):  # the test first: most lines fail it
            break
    else:
        closing = None
    if closing is None:
        raise FileProblem("front matter is not closed (no second '---' line)", 1)
    body_start = closing + 1
    meta = simple_front_matter(lines[1:closing])
    if meta is None:
        meta = load_yaml("\n".join(lines[1:closing]))
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FileProblem(
            f"front matter must be a mapping of keys to values, not a {type(meta).__name__}", 2
        )
    meta_lines = tuple(lines[1:closing])
    return Document(tuple(lines), meta, body_start, meta_lines)


def key_line(document: Document, key: str) -> int:
    """The 1-based line of ``key:`` in the front matter (2 if it cannot be found)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for offset, line in enumerate(document.meta_lines):
        if pattern.match(line):
            return offset + 2
    return 2


# a line break, kept by re.split: [line, break, line, break, ..., last line]
LINE_BREAK_KEPT_RE = re.compile(r"(\r\n|\r|\n)")
_VALUE_RE = r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s#](?:[^#]*[^\s#])?)?(?P<rest>[ \t]*(?:#.*)?)"


def add_front_matter_line(text: str, line: str) -> str:
    """``text`` (a note with front matter) with ``line`` added as the last line of its front
    matter, ended as the line before it is; every other character kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    document = read_document(text)
    if document.meta is None:
        raise FileProblem("no front matter to add to", 1)
    pieces = LINE_BREAK_KEPT_RE.split(text.removeprefix("\ufeff"))
    closing = (document.body_start - 1) * 2  # the closing '---' line
    pieces[closing:closing] = [line, pieces[closing - 1]]
    return bom + "".join(pieces)


def set_front_matter_value(data: bytes, key: str, value: str) -> bytes | None:
    """``data`` with the value of the plain front matter line ``key: ...`` made ``value``, its
    comment and every other byte kept (BOM, line endings); None when the front matter has no
    such line. Raises FileProblem for a file that cannot be read."""
    document = read_document(data)
    if document.meta is None or key not in document.meta:
        return None
    line = key_line(document, key)
    pieces = LINE_BREAK_KEPT_RE.split(decode(data))
    match = re.fullmatch(
        rf"(?P<key>{re.escape(key)}[ \t]*:[ \t]*){_VALUE_RE}", pieces[(line - 1) * 2]
    )
    if match is None or match.group("value") is None:
        return None
    pieces[(line - 1) * 2] = match.group("key") + value + match.group("rest")
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    return bom + "".join(pieces).encode("utf-8")


def as_date(value: Any) -> dt.date | None:
    """A front-matter value as a date: YAML dates, datetimes and ISO strings; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_iso_date(value.strip())
    return None


def _optional_int(
    document: Document, key: str, low: int, high: int, problems: list[tuple[int, str]]
) -> int | None:
    meta = document.meta
    assert meta is not None  # only note_from_document asks, once it has found front matter
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            (
                key_line(document, key),
                f"{key} must be a whole number from {low} to {high}, not {value!r}",
            )
        )
        return None
    return value


def note_from_document(
    document: Document, path: str, folder_person: str | None, me: str = "me"
) -> tuple[Note | None, list[tuple[int, str]]]:
    """A Note from a read document, or None when it is not a meeting (no ``date``).

    Returns the note and warnings (1-based line, message); raises FileProblem when the file
    claims to be a meeting but cannot be one (invalid date or person).
    """
    meta = document.meta
    if meta is None or "date" not in meta:
        return None, []
    date = as_date(meta["date"])
    if date is None:
        raise FileProblem(
            f"date must be an ISO date (YYYY-MM-DD), not {meta['date']!r}",
            key_line(document, "date"),
        )
    person = meta.get("person", folder_person)
    if person is None:
        raise FileProblem("no person: add 'person: SLUG' to the front matter", 2)
    person = str(person).strip().lower()
    if not is_slug(person):
        raise FileProblem(
            f"person must be a slug (lowercase letters, digits, '-', '_', '.'), not {meta.get('person')!r}",
            key_line(document, "person"),
        )
    problems: list[tuple[int, str]] = []
    status = meta.get("status")
    if status is not None:
        status = str(status).strip().lower()
        if status not in STATUSES:
            problems.append(
                (
                    key_line(document, "status"),
                    f"unknown status {status!r}; expected one of {', '.join(STATUSES)}",
                )
            )
    mood = _optional_int(document, "mood", 1, 5, problems)
    duration = _optional_int(document, "duration", 0, 24 * 60, problems)
    tags = meta.get("tags") or ()
    tags = tuple(str(tag) for tag in tags) if isinstance(tags, (list, tuple)) else (str(tags),)
    body = scan(document.lines, document.body_start, me)
    problems.extend(body.problems)
    note = Note(
        path,
        person,
        date,
        str(meta.get("type") or "1:1"),
        status or None,
        mood,
        duration,
        tags,
        document.lines,
        document.body_start,
        body.items,
        body.headings,
        body.list_starts,
        meta,
    )
    return note, problems


def parse_note(
    data: bytes | str, path: str, folder_person: str | None = None, me: str = "me"
) -> tuple[Note | None, list[Problem]]:
    """Read one file as a meeting note.

    Returns (note or None, problems). A file that cannot be read gives (None, [its problem]);
    one that reads but has smaller faults gives the note and warnings.
    """
    try:
        document = read_document(data)
        note, warnings = note_from_document(document, path, folder_person, me)
    except FileProblem as exc:
        return None, [Problem(path, exc.line, exc.message)]
    return note, [Problem(path, line, message) for line, message in warnings]


def profile_from_document(
    document: Document, path: str, slug: str
) -> tuple[Profile, list[Problem]]:
    """A Profile from ``<slug>/profile.md``; bad values become problems and defaults."""
    meta = document.meta or {}
    problems: list[Problem] = []

    def date_field(key: str) -> dt.date | None:
        if meta.get(key) in (None, ""):
            return None
        value = as_date(meta[key])
        if value is None:
            problems.append(
                Problem(
                    path, key_line(document, key), f"{key} must be an ISO date, not {meta[key]!r}"
                )
            )
        return value

    goals = meta.get("goals") or ()
    goals = (
        tuple(str(goal) for goal in goals) if isinstance(goals, (list, tuple)) else (str(goals),)
    )
    cadence = meta.get("cadence")
    profile = Profile(
        slug=slug,
        name=str(meta.get("name") or slug),
        cadence=str(cadence) if cadence not in (None, "") else None,
        role=str(meta["role"]) if meta.get("role") else None,
        relation=str(meta["relation"]) if meta.get("relation") else None,
        since=date_field("since"),
        until=date_field("until"),
        template=str(meta["template"]) if meta.get("template") else None,
        goals=goals,
        path=path,
        meta=meta,
    )
    return profile, problems


def parse_profile(data: bytes | str, path: str, slug: str) -> tuple[Profile | None, list[Problem]]:
    try:
        document = read_document(data)
    except FileProblem as exc:
        return None, [Problem(path, exc.line, exc.message)]
    return profile_from_document(document, path, slug)


def yaml_scalar(text: str) -> str:
    """``text`` as one YAML value on one line: plain when YAML reads it back as the same text,
    else double-quoted (JSON's escapes are YAML's: a line break stays ``\\n``, never a new
    key). Anything a template puts in the front matter goes through it."""
    import json

    plain = (
        text
        and text.strip() == text
        and text.isprintable()
        and not any(c in text for c in ":#[]{},&*!|>'\"%@`")
        and text[0] not in "-?"
        and text.casefold() not in ("null", "~", "true", "false", "yes", "no", "on", "off")
    )
    return text if plain else json.dumps(text, ensure_ascii=False)
