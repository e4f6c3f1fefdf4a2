"""The question bank: its content, the vault's own questions, and not asking the same twice."""

from __future__ import annotations

import datetime as dt

from ononotes.store.questions import (
    CATEGORIES,
    Question,
    load_bank,
    pick_questions,
    recently_asked,
    suggest_questions,
)
from ononotes.store.vault import load_vault

from .conftest import build_tree, corpus_json


def _normal(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip("?.! ")


def test_the_packaged_bank_has_every_category_well_stocked():
    bank = load_bank()
    for category in CATEGORIES:
        texts = [q.text for q in bank if q.category == category]
        assert 10 <= len(texts) <= 15, category
    assert {q.category for q in bank} == set(CATEGORIES)
    texts = [_normal(q.text) for q in bank]
    assert len(texts) == len(set(texts))
    assert all(q.text.endswith("?") for q in bank)


def test_the_bank_is_our_own_words_not_the_public_corpus():
    corpus = corpus_json("questions_public/questions_normalized.json")
    public = {_normal(record["question"]) for record in corpus["questions"]}
    assert [q.text for q in load_bank() if _normal(q.text) in public] == []


def test_the_vault_bank_comes_first(vault):
    build_tree(vault, {"questions.toml": 'mine = ["What did the pager do to you?"]\n'})
    bank = load_bank(vault)
    assert bank[0] == Question("mine", "What did the pager do to you?")
    assert len(bank) == len(load_bank()) + 1


def test_recently_asked_ignores_comments_where_templates_put_suggestions():
    bank = [Question("a", "How is your workload?"), Question("b", "What blocks you?")]
    notes = ["<!-- How is your workload? -->\n- what blocks you: the deploy queue"]
    assert recently_asked(bank, notes) == {"What blocks you?"}


def test_pick_questions_skips_recent_ones_and_spreads_over_categories():
    bank = [Question(c, f"{c} {n}?") for c in CATEGORIES for n in range(3)]
    day = dt.date(2026, 11, 10)
    picked = pick_questions(bank, [], day)
    assert len(picked) == 3 and len({p.split()[0] for p in picked}) == 3
    assert pick_questions(bank, [], day) == picked  # a rerun suggests the same
    again = pick_questions(bank, ["asked: " + "\n".join(picked)], day)
    assert not set(again) & set(picked)


def test_questions_asked_in_the_last_n_notes_are_not_suggested_again(vault):
    build_tree(
        vault,
        {
            "ono.toml": 'me = "dana"\nquestion_memory = 2\n',
            "questions.toml": 'only = ["Old question?", "Recent question?", "Fresh question?"]\n',
            "alice/2026-10-01.md": "---\ndate: 2026-10-01\n---\n- Old question? Fine.\n",
            "alice/2026-10-08.md": "---\ndate: 2026-10-08\n---\n- Recent question? Busy.\n",
            "alice/2026-10-15.md": "---\ndate: 2026-10-15\n---\n- nothing asked\n",
        },
    )
    vault_data = load_vault(vault)
    picked = set(suggest_questions(vault_data, "alice", dt.date(2026, 10, 20), count=50))
    # the memory is the last 2 notes: the question of 10-01 may come back, 10-08's may not
    assert {"Old question?", "Fresh question?"} <= picked
    assert "Recent question?" not in picked


def test_ono_questions_lists_a_category_and_refuses_an_unknown_one(vault, run):
    build_tree(vault, {"questions.toml": '"check-in" = ["Coffee or tea today?"]\n'})
    result = run(vault, "questions", "--category", "Check-In")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line]
    assert lines[0] == "check-in" and lines[1] == "  - Coffee or tea today?"
    assert len(lines) == 2 + len([q for q in load_bank() if q.category == "check-in"])
    everything = run(vault, "questions").stdout
    assert all(f"\n{c}\n" in "\n" + everything for c in CATEGORIES)
    bad = run(vault, "questions", "--category", "nope")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: no question category 'nope'; the bank has check-in")


def test_a_broken_vault_bank_is_reported_with_its_name(vault, run):
    build_tree(vault, {"questions.toml": "mine = [\n"})
    result = run(vault, "questions")
    assert result.exit_code == 1 and result.stderr.startswith("Error: questions.toml: invalid TOML")


def test_the_vault_own_categories_take_their_turn():
    bank = [Question(c, f"{c}?") for c in (*CATEGORIES, "hiring")]
    picked = pick_questions(bank, [], dt.date(2026, 11, 10), count=len(bank))
    assert sorted(picked) == sorted(q.text for q in bank)
