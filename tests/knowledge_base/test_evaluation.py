"""A floor under retrieval on our own labelled questions (knowledge_base/data/own_questions.jsonl).

180 questions written for evaluation, in the style of real posts, and never added to the
answer index; retrieval only (the NLU has its own tests). At the time of writing retrieval
alone gets 86.1% top-1 and 93.9% top-2 on them; the floors leave room for small changes in
either direction and catch a broken index, tokenizer or ranking.
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge_base.evaluation import evaluate, read_questions
from knowledge_base.service import KnowledgeBase

OWN_QUESTIONS = Path(__file__).resolve().parents[2] / "knowledge_base/data/own_questions.jsonl"


def test_own_questions_are_not_in_the_index(kb: KnowledgeBase) -> None:
    items = read_questions(OWN_QUESTIONS, kb)
    phrasings = {q for entry in kb.book.entries for q in entry.questions}
    assert len(items) >= 150
    assert not [item.id for item in items if item.question in phrasings]


def test_retrieval_floor_on_own_questions(kb: KnowledgeBase) -> None:
    report = evaluate(kb, read_questions(OWN_QUESTIONS, kb))
    assert report.top1_accuracy >= 0.8
    assert report.top2_accuracy >= 0.9


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
