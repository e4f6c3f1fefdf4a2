"""The question bank: packaged questions by category, plus the vault's own ``questions.toml``.

A question asked in one of the person's last few notes (its text appears there) is not
suggested again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import NoteError

BANK_NAME = "questions.toml"
CATEGORIES = ("check-in", "wellbeing", "career", "feedback", "team", "priorities")


@dataclass(frozen=True, slots=True)
class Question:
    category: str
    text: str


def _load_toml(path: Path, shown: str) -> list[Question]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
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
    """The questions of ``bank`` that appear in any of ``recent_texts``."""
    haystack = [_normalize(text) for text in recent_texts]
    return {q.text for q in bank if any(_normalize(q.text) in hay for hay in haystack)}


def pick_questions(
    bank: list[Question],
    recent_texts: list[str],
    when: dt.date,
    count: int = 3,
    categories: tuple[str, ...] = CATEGORIES,
) -> list[str]:
    """Up to ``count`` questions from different categories, none asked recently; the choice
    turns with the date, so each meeting gets fresh ones and a rerun gets the same."""
    asked = recently_asked(bank, recent_texts)
    fresh = [q for q in bank if q.text not in asked]
    picked: list[str] = []
    ordinal = when.toordinal()
    order = [categories[(ordinal + i) % len(categories)] for i in range(len(categories))]
    for category in order + [None]:
        pool = [
            q
            for q in fresh
            if (category is None or q.category == category) and q.text not in picked
        ]
        if pool:
            picked.append(pool[ordinal % len(pool)].text)
        if len(picked) >= count:
            break
    return picked


def suggest_questions(vault, slug: str, when: dt.date, count: int = 3) -> list[str]:
    """Questions for the next meeting with ``slug``, skipping those in their last N notes."""
    notes = [n for n in vault.notes_for(slug) if n.date <= when][-vault.config.question_memory :]
    recent = ["\n".join(note.lines) for note in notes]
    return pick_questions(load_bank(vault.root), recent, when, count)
