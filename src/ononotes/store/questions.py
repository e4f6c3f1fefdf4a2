"""The question bank: packaged questions by category, plus the vault's own ``questions.toml``.

A question asked in one of the person's last few notes (its text appears there, outside HTML
comments) is not suggested again. Comments do not count: that is where the templates put their
suggestions, and a suggestion is not a question asked.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from ononotes.errors import NoteError

BANK_NAME = "questions.toml"
CATEGORIES = ("check-in", "wellbeing", "career", "feedback", "team", "priorities")


@dataclass(frozen=True, slots=True)
class Question:
    category: str
    text: str


def _load_toml(path: Path, shown: str) -> list[Question]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise NoteError(f"invalid TOML: {exc}", shown) from None
    questions = []
    for category, texts in data.items():
        if isinstance(texts, dict):
            texts = texts.get("questions", [])
        for text in texts if isinstance(texts, list) else []:
            questions.append(Question(str(category), str(text).strip()))
    return questions


def load_bank(vault_root: Path | None = None) -> list[Question]:
    """The packaged bank, then the vault's ``questions.toml`` (its questions first)."""
    packaged = _load_toml(Path(__file__).with_name(BANK_NAME), f"(packaged) {BANK_NAME}")
    own = []
    if vault_root is not None and (vault_root / BANK_NAME).is_file():
        own = _load_toml(vault_root / BANK_NAME, BANK_NAME)
    return own + packaged


def _normalize(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip("?.! ")


def recently_asked(bank: list[Question], recent_texts: list[str]) -> set[str]:
    """The questions of ``bank`` that appear in any of ``recent_texts`` (HTML comments aside)."""
    from ononotes.core.sections import COMMENT_RE

    haystack = [_normalize(COMMENT_RE.sub(" ", text)) for text in recent_texts]
    return {q.text for q in bank if any(_normalize(q.text) in hay for hay in haystack)}


def pick_questions(
    bank: list[Question],
    recent_texts: list[str],
    when: dt.date,
    count: int = 3,
    categories: tuple[str, ...] | None = None,
) -> list[str]:
    """Up to ``count`` questions, one per category in turn, none asked recently; the choice turns
    with the date, so each meeting gets fresh ones and a rerun gets the same. ``categories``
    defaults to the packaged ones, then any others the bank has (the vault's own)."""
    asked = recently_asked(bank, recent_texts)
    fresh = [q for q in bank if q.text not in asked]
    if categories is None:
        categories = tuple(dict.fromkeys([*CATEGORIES, *(q.category for q in bank)]))
    if not categories:
        return []
    ordinal = when.toordinal()
    order = [categories[(ordinal + i) % len(categories)] for i in range(len(categories))]
    picked: list[str] = []
    while len(picked) < count:
        before = len(picked)
        for category in order:
            pool = [q for q in fresh if q.category == category and q.text not in picked]
            if pool:
                picked.append(pool[ordinal % len(pool)].text)
            if len(picked) >= count:
                break
        if len(picked) == before:  # every category is used up
            break
    return picked


def bank_by_category(
    vault_root: Path | None = None, category: str | None = None
) -> dict[str, list[str]]:
    """The bank (the vault's questions first) as category -> questions; only ``category`` when
    given, which must be one the bank has."""
    grouped: dict[str, list[str]] = {}
    for question in load_bank(vault_root):
        texts = grouped.setdefault(question.category, [])
        if question.text not in texts:
            texts.append(question.text)
    if category is None:
        return grouped
    found = next((name for name in grouped if name.casefold() == category.strip().casefold()), None)
    if found is None:
        from ononotes.errors import UsageError

        raise UsageError(f"no question category {category!r}; the bank has {', '.join(grouped)}")
    return {found: grouped[found]}


def suggest_questions(vault, slug: str, when: dt.date, count: int = 3) -> list[str]:
    """Questions for the next meeting with ``slug``, skipping those in their last N notes."""
    notes = [n for n in vault.notes_for(slug) if n.date <= when][-vault.config.question_memory :]
    recent = ["\n".join(note.lines) for note in notes]
    return pick_questions(load_bank(vault.root), recent, when, count)
