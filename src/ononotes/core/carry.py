"""Carry-over (SPEC §4): the open items of the last note, copied into the next one.

Pure functions: a parsed previous note and the text of the new note go in, the new text comes
out. The previous note is only ever read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ononotes.core.fields import without_close_dates
from ononotes.core.markdown import scan
from ononotes.core.model import Heading, Item, ParsedBody

CARRY_MARKER = "<!-- ono:carry -->"
ACTION_ITEMS_TITLE = "action items"


@dataclass(frozen=True, slots=True)
class CarriedBlock:
    """An open item with the lines that travel with it, ready to insert."""

    item: Item
    lines: tuple[str, ...]
    keys: tuple[str, ...]  # the keys of every open item inside, the root's first


@dataclass(frozen=True, slots=True)
class CarryResult:
    text: str
    blocks: tuple[CarriedBlock, ...]

    @property
    def carried_items(self) -> list[str]:
        return [block.item.text for block in self.blocks]


def _dedent(line: str, columns: int) -> str:
    """Remove up to ``columns`` columns of leading white space (tabs count to the next stop)."""
    if columns <= 0:
        return line
    stripped = len(line) - len(line.lstrip(" \t"))
    prefix = line[:stripped].expandtabs(4)
    return prefix[min(columns, len(prefix)) :] + line[stripped:]


def _subtree_end(items: Sequence[Item], index: int) -> int:
    """One past the index of the last item nested inside ``items[index]``."""
    end = items[index].end
    after = index + 1
    while after < len(items) and items[after].start < end:
        after += 1
    return after


ORDERED_NOT_ONE_RE = re.compile(r"[ \t]*(?:0*[2-9]|0*1\d|\d{2,})\d*[.)](?:[ \t]|$)")


def _kept_lines(lines: Sequence[str], root: Item, skipped: list[tuple[int, int]]) -> list[str]:
    """The root's lines minus the skipped spans, dedented to the root's indent.

    Where a span was cut out right before an ordered item not numbered 1, a blank line keeps
    that item a list item: without it CommonMark would read it as the text above continuing.
    """
    kept: list[str] = []
    gap = False
    for number in range(root.start, root.end):
        if any(start <= number < end for start, end in skipped):
            gap = True
            continue
        line = _dedent(lines[number], root.indent)
        if gap and kept and kept[-1].strip() and ORDERED_NOT_ONE_RE.match(line):
            kept.append("")
        kept.append(line)
        gap = False
    return kept


def collect_open_blocks(
    lines: Sequence[str], items: Sequence[Item], already_present: Iterable[str] = ()
) -> list[CarriedBlock]:
    """The blocks to carry from a note, each open key exactly once.

    An open item travels with its text, its non-task sub-bullets and its open sub-items. A done
    or cancelled sub-item stays behind with everything under it, and open items found under it
    are carried as blocks of their own (so are open items whose key was already taken).
    """
    seen = set(already_present)
    included: set[int] = set()
    blocks: list[CarriedBlock] = []
    for index, root in enumerate(items):
        if index in included or not root.is_open or root.key in seen:
            continue
        seen.add(root.key)
        included.add(index)
        keys = [root.key]
        skipped: list[tuple[int, int]] = []
        child = index + 1
        last = _subtree_end(items, index)
        while child < last:
            item = items[child]
            if item.is_open and item.key not in seen:
                seen.add(item.key)
                included.add(child)
                keys.append(item.key)
                child += 1
                continue
            skipped.append((item.start, item.end))
            child = _subtree_end(items, child)
        block_lines = _kept_lines(lines, root, skipped)
        while block_lines and not block_lines[-1].strip():
            block_lines.pop()
        blocks.append(CarriedBlock(root, tuple(block_lines), tuple(keys)))
    return blocks


def _section_ranges(
    lines: Sequence[str], headings: Sequence[Heading]
) -> dict[str, tuple[int, int]]:
    """Title (case folded) -> (heading index, index of the next heading or end), first wins."""
    ranges: dict[str, tuple[int, int]] = {}
    for position, heading in enumerate(headings):
        end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        ranges.setdefault(heading.title.casefold(), (heading.index, end))
    return ranges


def _insertion_point(lines: Sequence[str], start: int, end: int) -> int:
    """After the last non-blank line of a section (the heading itself when it is empty)."""
    point = start
    for number in range(start, end):
        if lines[number].strip():
            point = number
    return point


def place_blocks(text: str, blocks: Sequence[CarriedBlock]) -> str:
    """Insert carried blocks into ``text``: under a heading of the same title as they had, else
    at the carry marker, else under "Action items", else at the end. The marker line goes."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    body = scan(lines)
    sections = _section_ranges(lines, body.headings)
    marker = next((i for i, line in enumerate(lines) if line.strip() == CARRY_MARKER), None)
    inserts: dict[int, list[str]] = {}

    def add(after: int, block: CarriedBlock) -> None:
        inserts.setdefault(after, []).extend(block.lines)

    for block in blocks:
        section = sections.get(block.item.section.casefold()) if block.item.section else None
        if section is not None:
            add(_insertion_point(lines, *section), block)
        elif marker is not None:
            add(marker, block)
        elif ACTION_ITEMS_TITLE in sections:
            add(_insertion_point(lines, *sections[ACTION_ITEMS_TITLE]), block)
        else:
            add(len(lines) - 1, block)
    output: list[str] = []
    if -1 in inserts:
        output.extend(inserts[-1])
        output.append("")
    for number, line in enumerate(lines):
        if number == marker:
            output.extend(inserts.get(number, []))
            continue
        output.append(line)
        if number in inserts:
            if line.strip():
                output.append("")
            output.extend(inserts[number])
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if following.strip() and following.strip() != CARRY_MARKER:
                output.append("")
    return "\n".join(output) + "\n"


def carry_open_items(
    previous_lines: Sequence[str], previous_items: Sequence[Item], new_text: str
) -> CarryResult:
    """The new note's text with every open item of the previous note copied in exactly once.

    Items whose key the new text already has open (from the template) are not copied again.
    """
    present = {item.key for item in scan(new_text.split("\n")).items if item.is_open}
    blocks = collect_open_blocks(previous_lines, previous_items, present)
    return CarryResult(place_blocks(new_text, blocks), tuple(blocks))


def refresh_carried(
    previous_lines: Sequence[str], previous_items: Sequence[Item], planned_text: str
) -> CarryResult | None:
    """Bring a planned note's carried items up to date with the earlier note (SPEC §4).

    Items still open and unchanged here (but for the done date ticking added there) that were
    since done or cancelled there are removed;
    open items there that this note does not have in any state are added. Everything else in
    the planned note is left as it is. Returns None when nothing changes.
    """
    finished = {item.key: item.text for item in previous_items if not item.is_open}
    still_open = {item.key for item in previous_items if item.is_open}
    lines = planned_text.split("\n")
    body: ParsedBody = scan(lines)
    drop: list[tuple[int, int]] = []
    for item in body.items:
        if any(start <= item.start < end for start, end in drop):
            continue
        if (
            item.is_open
            and item.key in finished
            and item.key not in still_open
            and without_close_dates(finished[item.key]) == without_close_dates(item.text)
        ):
            drop.append((item.start, item.end))
    kept = [line for number, line in enumerate(lines) if not any(s <= number < e for s, e in drop)]
    kept_text = "\n".join(kept)
    present = {item.key for item in scan(kept).items}
    blocks = collect_open_blocks(previous_lines, previous_items, present)
    if not drop and not blocks:
        return None
    text = place_blocks(kept_text, blocks) if blocks else kept_text
    if not text.endswith("\n"):
        text += "\n"
    return CarryResult(text, tuple(blocks))


__all__ = [
    "CARRY_MARKER",
    "CarriedBlock",
    "CarryResult",
    "carry_open_items",
    "collect_open_blocks",
    "place_blocks",
    "refresh_carried",
]


def lost_items(result: CarryResult) -> str | None:
    """The text of the first carried item that does not come out as an open item of the new
    text (it landed in a code block or HTML comment left open), else None (SPEC §4's
    invariant: every carried key is there, open)."""
    present = {item.key for item in scan(result.text.split("\n")).items if item.is_open}
    for block in result.blocks:
        if any(key not in present for key in block.keys):
            return block.item.text
    return None
