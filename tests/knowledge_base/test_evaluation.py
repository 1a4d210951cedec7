"""Floors under retrieval on labelled questions that are never added to the answer index.

knowledge_base/data/own_questions.jsonl (180, in the style of real posts) and the situation
questions (tune and held-out halves, 130 each, written by a helper who had not read the
answers). Retrieval only (the NLU has its own tests); the floors leave room for small changes
in either direction and catch a broken index, tokenizer or ranking. Measured numbers, with
the NLU, are in docs/knowledge_base.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.evaluation import evaluate, read_questions
from knowledge_base.service import KnowledgeBase

DATA = Path(__file__).resolve().parents[2] / "knowledge_base/data"
OWN_QUESTIONS = DATA / "own_questions.jsonl"
# Situation questions written by a helper who had not read the answers, frozen before any
# tuning: the tune half may be read and tuned on, the held-out half only measured (aggregate).
TUNE_QUESTIONS = DATA / "situation_questions_tune.jsonl"
HELDOUT_QUESTIONS = DATA / "situation_questions_heldout.jsonl"


@pytest.mark.parametrize(
    ("path", "at_least"), [(OWN_QUESTIONS, 150), (TUNE_QUESTIONS, 130), (HELDOUT_QUESTIONS, 130)]
)
def test_evaluation_questions_are_not_in_the_index(
    kb: KnowledgeBase, path: Path, at_least: int
) -> None:
    items = read_questions(path, kb)
    phrasings = {q for entry in kb.book.entries for q in entry.questions}
    assert len(items) >= at_least
    assert sum(item.question in phrasings for item in items) == 0


def test_retrieval_floor_on_own_questions(kb: KnowledgeBase) -> None:
    report = evaluate(kb, read_questions(OWN_QUESTIONS, kb))
    assert report.top1_accuracy >= 0.8
    assert report.top2_accuracy >= 0.9


def test_retrieval_floor_on_tune_questions(kb: KnowledgeBase) -> None:
    # Retrieval alone: 80.8% strict / 86.2% lenient before this round's changes.
    report = evaluate(kb, read_questions(TUNE_QUESTIONS, kb))
    assert report.top1_accuracy >= 0.75
    assert report.top1_lenient_accuracy >= 0.8
    assert report.either_side_accuracy >= report.top1_lenient_accuracy


def test_retrieval_floor_on_held_out_questions_in_aggregate(kb: KnowledgeBase) -> None:
    # Only the aggregate is asserted; nothing here looks at a held-out question on its own.
    report = evaluate(kb, read_questions(HELDOUT_QUESTIONS, kb))
    assert report.top1_lenient_accuracy >= 0.78


def test_lenient_top1_accepts_also_topics(kb: KnowledgeBase, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    rows = [
        {
            "id": "A",
            "question": "周末加班工资怎么算",
            "topic": "holidays_rest",
            "also_topics": ["overtime"],
        },
        {"id": "B", "question": "周末加班工资怎么算", "topic": "overtime", "also_topics": []},
        {"id": "C", "question": "周末加班工资怎么算", "topic": "probation"},
    ]
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    items = read_questions(labelled, kb)
    assert items[0].accepted_topics == ("holidays_rest", "overtime")
    report = evaluate(kb, items)
    assert (report.top1, report.top1_lenient, report.with_also_topics) == (1, 2, 1)
    assert report.misses == ["C"]
    metrics = report.to_json()
    assert metrics["topic_top1"] == round(1 / 3, 4)
    assert metrics["topic_top1_lenient"] == round(2 / 3, 4)
