"""A floor under retrieval on our own labelled questions (knowledge_base/data/own_questions.jsonl).

180 questions written for evaluation, in the style of real posts, and never added to the
answer index; retrieval only (the NLU has its own tests). At the time of writing retrieval
alone gets 86.1% top-1 and 93.9% top-2 on them; the floors leave room for small changes in
either direction and catch a broken index, tokenizer or ranking.
"""

from __future__ import annotations

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
