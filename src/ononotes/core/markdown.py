"""A line scanner for the block structure of CommonMark that matters to ononotes.

mistune's task-list plugin knows only ``[ ]`` and ``[x]`` and gives no line numbers, so items are
found here: block quotes, list items (with their exact line spans), fenced and indented code,
HTML blocks and headings are tracked the way CommonMark opens and closes them; paragraphs are
tracked only as far as lazy continuation and interruption rules need. The tests hold this scanner
to mistune's answers on every CommonMark and GFM example.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ononotes.core.fields import invalid_field_message, item_fields
from ononotes.core.model import Heading, Item, ParsedBody

TASK_RE = re.compile(r"\[(.)\][ \t\f\v]+(?=\S)")
BULLET_RE = re.compile(r"[-+*](?=[ \t]|$)")
ORDERED_RE = re.compile(r"(\d{1,9})[.)](?=[ \t]|$)")
THEMATIC_RE = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
ATX_RE = re.compile(r"(#{1,6})(?:[ \t]+|$)")
ATX_CLOSING_RE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
HASHES_RE = re.compile(r"#+")
SETEXT_RE = re.compile(r"(=+|-+)[ \t]*$")
FENCE_RE = re.compile(r"(`{3,}|~{3,})(.*)$")

HTML_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ]
)
HTML_RAW_RE = re.compile(r"<(script|pre|style|textarea)(?:[ \t>]|$)", re.IGNORECASE)
HTML_BLOCK_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:[ \t]|/?>|$)")
_ATTRIBUTE = (
    r"(?:[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t]*=[ \t]*(?:[^ \t\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)"
)
HTML_COMPLETE_TAG_RE = re.compile(
    rf"(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$"
)
HTML_ENDS = {1: None, 2: "-->", 3: "?>", 4: ">", 5: "]]>"}
# A line whose first character is none of these (nor a digit) can only be paragraph text.
BLOCK_START_CHARS = frozenset(">*-_+#`~<=")


def column_index(line: str, column: int) -> int:
    """The index in ``line`` at which tab-expanded ``column`` starts (tab stops of 4)."""
    col = 0
    for index, char in enumerate(line):
        if col >= column:
            return index
        col = col + 4 - col % 4 if char == "\t" else col + 1
    return len(line)


def _leading_spaces(text: str, pos: int) -> int:
    rest = text[pos:] if pos else text
    return len(rest) - len(rest.lstrip(" "))


TEXT, ITEM, HEADING = "text", "item", "heading"


def _simple_kind(body: str) -> str | None:
    """What a line whose text (after its indentation) is ``body`` is, for the fast paths:
    TEXT (paragraph text), ITEM (``- text``, the text itself TEXT), HEADING (ATX), or None
    for anything else (quotes, fences, HTML, thematic breaks, setext underlines, ordered
    lists...), which the general scanner reads."""
    char = body[0]
    if char not in BLOCK_START_CHARS:
        if char.isdigit():
            return None if ORDERED_RE.match(body) else TEXT
        return None if char.isspace() else TEXT
    if char in "-*+" and body[1:2] == " " and _plain_text_start(body[2:3]):
        return ITEM  # "- text": no thematic break or setext underline has such a character
    if char in "-*+_=":
        if THEMATIC_RE.match(body) or SETEXT_RE.match(body):
            return None
        if char in "-*+" and (len(body) == 1 or body[1] in " \t"):  # a bullet
            content = body[2:] if body[1:2] == " " else ""
            # a bullet right after a bullet opens a nested list: the general scanner's, and no
            # recursion here (a line of a thousand "- " would exhaust the stack)
            if (
                content
                and content[0] != " "
                and not _is_bullet(content)
                and _simple_kind(content) is TEXT
            ):
                return ITEM
            return None
        return TEXT
    if char == "#":
        return HEADING if ATX_RE.match(body) else TEXT
    return None


def _is_bullet(text: str) -> bool:
    return text[0] in "-*+" and (len(text) == 1 or text[1] in " \t")


def _plain_text_start(char: str) -> bool:
    """Whether a line whose text starts with ``char`` is paragraph text whatever follows."""
    return (
        bool(char) and char not in BLOCK_START_CHARS and not char.isdigit() and not char.isspace()
    )


BLANK = ("blank", 0, None)


@functools.lru_cache(maxsize=8192)  # headings, carried items and blank lines recur note after note
def _simple_line(line: str) -> tuple[str, int, Any] | None:
    """(kind, indentation, what the kind needs) of a line for the fast path, BLANK for a blank
    line, None for a line the general scanner must read. An ITEM comes with its task
    (status character, column where its text starts) or None, a HEADING with (level, title)."""
    body = line.lstrip(" ")
    if not body:
        return BLANK
    if "\t" in line:
        return None
    kind = _simple_kind(body)
    if kind is None:
        return None
    indent = len(line) - len(body)
    if kind is ITEM:
        match = TASK_RE.match(line, indent + 2)
        return kind, indent, (match.group(1), match.end()) if match else None
    if kind is HEADING:
        atx = ATX_RE.match(body)
        assert atx is not None  # _simple_kind says HEADING only when ATX_RE matches the body
        return kind, indent, (len(atx.group(1)), _atx_title(body, atx))
    return kind, indent, None


def _atx_title(body: str, atx: re.Match[str]) -> str:
    title = body[atx.end() :]
    if "#" in title:  # an optional closing sequence of #s
        title = ATX_CLOSING_RE.sub("", title)
        if HASHES_RE.fullmatch(title.strip()):
            title = ""
    return title.strip()


@dataclass(slots=True)
class _Container:
    kind: str  # "quote" or "item"
    content_col: int = 0
    node: int | None = None  # index into the scanner's list nodes
    last_line: int = -1  # last non-blank line that belonged to it
    empty_start: bool = False  # a list item that began with a blank line


# A list item as the scanner finds it: [start, indent, depth (how many list items enclose it),
# in a block quote, task ((status char, column where the text starts) or None), end (one past
# its last line; -1 while open)]. A list, not an object: a note has dozens, and building an
# object costs five times more.
START, INDENT, DEPTH, IN_QUOTE, TASK, END = range(6)


@dataclass
class _Scanner:
    lines: Sequence[str]
    first: int
    containers: list[_Container] = field(default_factory=list)
    nodes: list[list[Any]] = field(default_factory=list)  # see START ... END
    headings: list[Heading] = field(default_factory=list)
    leaf: str | None = None  # "paragraph", "fence", "html", "code"
    fence: tuple[str, int, int] = ("", 0, 0)  # char, length, indent
    html_end: int | str | None = None
    paragraph_start: int = -1
    paragraph_top_level: bool = False

    simple: bool = True  # take the fast path for common lines (tests turn it off to compare)

    def run(self) -> None:
        lines, index = self.lines, self.first
        while index < len(lines):
            # the fast path, from the start and again whenever nothing is open (after a
            # top-level code block, say): there it starts as it would on a new document
            if self.simple and not self.containers and self.leaf is None:
                index = self.scan_simple_lines(index)
                if index == len(lines):
                    break
            self.scan_line(index, lines[index].expandtabs(4))
            index += 1
        self.close_containers(0)

    # -- the fast path --------------------------------------------------------------------------

    def scan_simple_lines(self, first: int | None = None) -> int:
        """Scan lines from ``first`` (the scanner's own first line by default), with nothing
        open, for as long as each is blank or of a simple kind (see
        ``_simple_kind``) indented no more than three spaces past its list item; return the
        index of the first other line, with the scanner's state as ``scan_line`` would have
        left it there. Most 1:1 notes are made only of such lines. The state shrinks to a stack
        of the open items' content columns, since every open item shares the last line touched
        (``touch`` touches them all)."""
        columns: list[int] = []  # content column of each open item, outermost first
        open_nodes: list[int] = []
        nodes, headings = self.nodes, self.headings
        paragraph = False
        paragraph_start, paragraph_top_level = self.paragraph_start, self.paragraph_top_level
        touched = -1
        # map and enumerate run in C; _simple_line is cached: a line costs a lookup or two
        first = self.first if first is None else first
        classified = map(_simple_line, islice(self.lines, first, None))
        for index, found in enumerate(classified, first):  # noqa: B007 (returned)
            if found is BLANK:
                paragraph = False
                continue
            if found is None:
                break
            kind, indent, detail = found
            if not columns:
                if indent >= 4:
                    break
            elif indent >= columns[-1]:  # it continues every open item (columns only grow)
                if indent - columns[-1] >= 4:
                    break
            else:
                matched = pos = 0
                for column in columns:
                    if indent < column:
                        break
                    matched += 1
                    pos = column
                if indent - pos >= 4:
                    break
                if paragraph and kind is TEXT:
                    touched = index  # a lazy continuation line
                    continue
                paragraph = False
                while len(columns) > matched:
                    columns.pop()
                    nodes[open_nodes.pop()][END] = touched + 1
            touched = index
            if kind is TEXT:
                if not paragraph:
                    paragraph = True
                    paragraph_start, paragraph_top_level = index, not columns
            elif kind is ITEM:
                nodes.append([index, indent, len(columns), False, detail, -1])
                open_nodes.append(len(nodes) - 1)
                columns.append(indent + 2)
                paragraph = True
                paragraph_start, paragraph_top_level = index, False
            else:
                paragraph = False
                if not columns:
                    headings.append(Heading(index, *detail))
        else:
            index = len(self.lines)
        self.paragraph_start, self.paragraph_top_level = paragraph_start, paragraph_top_level
        self.containers = [
            _Container("item", column, node, touched)
            for column, node in zip(columns, open_nodes, strict=True)
        ]
        self.leaf = "paragraph" if paragraph else None
        return index

    # -- containers ---------------------------------------------------------------------------

    def match_containers(self, text: str) -> tuple[int, int]:
        """How many open containers this line continues, and the column it continues at."""
        pos = 0
        matched = 0
        blank = not text.strip()
        for container in self.containers:
            if container.kind == "quote":
                indent = _leading_spaces(text, pos)
                if indent <= 3 and text[pos + indent : pos + indent + 1] == ">":
                    pos += indent + 1
                    if text[pos : pos + 1] == " ":
                        pos += 1
                    matched += 1
                    continue
                break
            if blank:
                if container.empty_start and container.last_line < 0:
                    break  # an item may begin with at most one blank line
                matched += 1
                continue
            if _leading_spaces(text, pos) + pos >= container.content_col:
                pos = container.content_col
                matched += 1
                continue
            break
        return matched, pos

    def close_containers(self, keep: int) -> None:
        while len(self.containers) > keep:
            container = self.containers.pop()
            if container.kind == "item" and container.node is not None:
                node = self.nodes[container.node]
                node[END] = max(container.last_line, node[START]) + 1
        if self.leaf in ("fence", "html", "code") or keep < len(self.containers):
            self.leaf = None

    def touch(self, index: int) -> None:
        for container in self.containers:
            container.last_line = index

    # -- one line ------------------------------------------------------------------------------

    def scan_line(self, index: int, text: str) -> None:
        matched, pos = self.match_containers(text)
        all_matched = matched == len(self.containers)
        rest = text[pos:]
        blank = not rest.strip()

        if all_matched and self.leaf == "fence":
            self.continue_fence(index, rest)
            return
        if all_matched and self.leaf == "html":
            self.continue_html(index, rest, blank)
            return
        if all_matched and self.leaf == "code":
            if blank or _leading_spaces(rest, 0) >= 4:
                if not blank:
                    self.touch(index)
                return
            self.leaf = None

        if not all_matched:
            if self.leaf == "paragraph" and not blank and not self.starts_block(rest):
                self.touch(index)  # lazy continuation line
                return
            self.leaf = None
            self.close_containers(matched)
        self.open_blocks(index, text, pos)

    def continue_fence(self, index: int, rest: str) -> None:
        char, length, _indent = self.fence
        self.touch(index)
        indent = _leading_spaces(rest, 0)
        closing = rest[indent:].rstrip()
        if indent <= 3 and len(closing) >= length and closing == char * len(closing):
            self.leaf = None

    def continue_html(self, index: int, rest: str, blank: bool) -> None:
        if isinstance(self.html_end, str):
            self.touch(index)
            if self.html_end in rest.lower():
                self.leaf = None
        elif self.html_end == 1:
            self.touch(index)
            if re.search(r"</(script|pre|style|textarea)>", rest, re.IGNORECASE):
                self.leaf = None
        elif blank:
            self.leaf = None
        else:
            self.touch(index)

    def starts_block(self, rest: str) -> bool:
        """Whether ``rest`` starts a block, so it cannot be a lazy continuation line.

        The line did not continue every open container, so what it would open is tried against
        the innermost container it did continue, not the paragraph: the stricter rules for
        interrupting a paragraph (ordered lists from 1, no empty items, no HTML type 7) do not
        apply.
        """
        indent = _leading_spaces(rest, 0)
        if indent >= 4:
            return False
        body = rest[indent:]
        if not body:
            return True
        first = body[0]
        if first not in BLOCK_START_CHARS and not first.isdigit():
            return False
        if first == ">":
            return True
        if first in "*-_" and THEMATIC_RE.match(body):
            return True
        if (first == "#" and ATX_RE.match(body)) or (first in "`~" and FENCE_RE.match(body)):
            return True
        if first == "<" and self.html_start(body, interrupting=False):
            return True
        return self.list_marker(body, interrupting=False) is not None

    def list_marker(self, body: str, interrupting: bool) -> str | None:
        match = BULLET_RE.match(body) or ORDERED_RE.match(body)
        if not match:
            return None
        if interrupting:
            after = body[match.end() :]
            if not after.strip():
                return None  # an empty item cannot interrupt a paragraph
            if match.re is ORDERED_RE and int(match.group(1)) != 1:
                return None
        return match.group(0)

    def html_start(self, body: str, interrupting: bool) -> int | None:
        if HTML_RAW_RE.match(body):
            return 1
        if body.startswith("<!--"):
            return 2
        if body.startswith("<?"):
            return 3
        if body.startswith("<![CDATA["):
            return 5
        if re.match(r"<![A-Za-z]", body):
            return 4
        tag = HTML_BLOCK_TAG_RE.match(body)
        if tag and tag.group(1).lower() in HTML_BLOCK_TAGS:
            return 6
        if not interrupting and HTML_COMPLETE_TAG_RE.match(body):
            tag_name = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", body)
            if tag_name and tag_name.group(1).lower() not in ("script", "style", "pre", "textarea"):
                return 7
        return None

    def open_blocks(self, index: int, text: str, pos: int) -> None:
        in_paragraph = self.leaf == "paragraph"
        while True:
            indent = _leading_spaces(text, pos)
            first = pos + indent
            body = text[first:]
            if not body.strip():
                if self.leaf == "paragraph":
                    self.leaf = None
                last = self.containers[-1] if self.containers else None
                if last is not None and last.kind == "item" and last.last_line < 0:
                    last.empty_start = True
                return
            if indent >= 4:
                if not in_paragraph:
                    self.leaf = "code"
                self.touch(index)
                return
            char = body[0]
            if char not in BLOCK_START_CHARS and not char.isdigit():
                break  # the common case: paragraph text
            if char == ">":
                pos = first + 1
                if text[pos : pos + 1] == " ":
                    pos += 1
                self.containers.append(_Container("quote"))
                self.leaf = None
                in_paragraph = False
                continue
            if char in "=-" and in_paragraph and self.leaf == "paragraph" and SETEXT_RE.match(body):
                self.setext_heading(body)
                self.touch(index)
                return
            if char in "*-_" and THEMATIC_RE.match(body):
                self.leaf = None
                self.touch(index)
                return
            marker = (
                self.list_marker(body, interrupting=in_paragraph)
                if char in "-+*" or char.isdigit()
                else None
            )
            if marker is not None:
                pos = self.open_list_item(index, text, first, marker)
                in_paragraph = False
                continue
            fence = FENCE_RE.match(body) if char in "`~" else None
            if fence and not (char == "`" and "`" in fence.group(2)):
                self.leaf = "fence"
                self.fence = (char, len(fence.group(1)), indent)
                self.touch(index)
                return
            html = self.html_start(body, interrupting=in_paragraph) if char == "<" else None
            if html is not None:
                self.leaf = "html"
                self.html_end = HTML_ENDS.get(html, html)
                self.touch(index)
                lowered = body.lower()
                if (
                    isinstance(self.html_end, str)
                    and self.html_end in lowered[4 if html == 2 else 2 :]
                ) or (
                    html == 1 and re.search(r"</(script|pre|style|textarea)>", body, re.IGNORECASE)
                ):
                    self.leaf = None
                return
            atx = ATX_RE.match(body) if char == "#" else None
            if atx:
                self.atx_heading(index, body, atx)
                return
            break
        if not in_paragraph:
            self.leaf = "paragraph"
            self.paragraph_start = index
            self.paragraph_top_level = not self.containers
        self.touch(index)

    def atx_heading(self, index: int, body: str, atx: re.Match[str]) -> None:
        self.leaf = None
        if not self.containers:
            self.headings.append(Heading(index, len(atx.group(1)), _atx_title(body, atx)))
        self.touch(index)

    def setext_heading(self, body: str) -> None:
        self.leaf = None
        start = self.paragraph_start
        if self.paragraph_top_level and start >= 0 and not self.containers:
            level = 1 if body.lstrip()[0] == "=" else 2
            self.headings.append(Heading(start, level, self.lines[start].strip()))

    def open_list_item(self, index: int, text: str, first: int, marker: str) -> int:
        marker_end = first + len(marker)
        after = text[marker_end:]
        spaces = _leading_spaces(after, 0)
        # an empty item, or one whose text is indented code, starts its content one column on
        content_col = marker_end + 1 if not after.strip() or spaces >= 5 else marker_end + spaces
        kinds = [c.kind for c in self.containers]
        in_quote = "quote" in kinds
        depth = kinds.count("item")
        task = None
        if spaces < 5 and after.strip():
            match = TASK_RE.match(text, content_col)
            if match:
                task = (match.group(1), match.end())
        self.nodes.append([index, first, depth, in_quote, task, -1])
        self.containers.append(_Container("item", content_col, len(self.nodes) - 1))
        self.leaf = None
        self.touch(index)
        return content_col


def scan(lines: Sequence[str], first: int = 0, me: str = "me") -> ParsedBody:
    """Find the task items, headings and list items in ``lines[first:]``.

    ``lines`` are the file's lines without line endings; indexes in the result are into them.
    """
    scanner = _Scanner(lines, first)
    scanner.run()
    headings = tuple(scanner.headings)
    items: list[Item] = []
    problems: list[tuple[int, str]] = []
    list_starts: list[tuple[int, int]] = []
    task_stack: list[tuple[int, int]] = []  # (node end, item index)
    section, later = "", iter(headings)
    heading = next(later, None)
    for start, indent, depth, in_quote, task, end in scanner.nodes:
        while heading is not None and heading.index < start:
            section = heading.title
            heading = next(later, None)
        while task_stack and task_stack[-1][0] <= start:
            task_stack.pop()
        if in_quote:
            continue
        if depth == 0:
            list_starts.append((start, indent))
        if task is None:
            continue
        char, text_col = task
        raw = lines[start]
        text = raw[column_index(raw, text_col) if "\t" in raw else text_col :].rstrip()
        fields = item_fields(text, me)
        if fields.invalid:
            problems.extend((start + 1, invalid_field_message(f)) for f in fields.invalid)
        parent = task_stack[-1][1] if task_stack else None
        task_stack.append((end, len(items)))
        items.append(
            Item(
                start,
                end,
                indent,
                char,
                text,
                fields.owner,
                fields.due,
                fields.created,
                fields.done,
                fields.key,
                section,
                parent,
                fields.cancelled,
                fields.recurring,
            )
        )
    return ParsedBody(tuple(items), headings, tuple(list_starts), tuple(problems))
