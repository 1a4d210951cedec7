"""Helpers for the calculator tests: the statute library and a scripted chat."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date

from knowledge_base.calculators import flow
from knowledge_base.calculators.base import CalculationResult
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.statutes import StatuteLibrary

TODAY = date(2026, 11, 22)


def folded(text: str) -> str:
    """NFKC (full-width digits/％ → ASCII) without whitespace, for quote matching."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def article_text(library: StatuteLibrary, law: str, number: int | None) -> str:
    article = library.article(law, number)
    assert article is not None, f"{law} {number} not found"
    return folded(article.text)


def chat(
    spec: CalculatorSpec, replies: Sequence[str], today: date = TODAY
) -> tuple[dict[str, object], list[str]]:
    """Answer the calculator's questions in order; returns the answers and the questions asked.

    Every reply must be accepted and no question may remain afterwards.
    """
    answers: dict[str, object] = {}
    asked: list[str] = []
    for reply in replies:
        question = flow.next_question(spec, answers, today)
        assert question is not None, f"no question left for reply {reply!r}"
        asked.append(question.field.name)
        outcome = flow.read_answer(spec, question.field.name, reply, answers, today)
        assert isinstance(outcome, flow.Accepted), (question.field.name, reply, outcome)
        answers[question.field.name] = outcome.value
    assert flow.next_question(spec, answers, today) is None
    return answers, asked


def run(spec: CalculatorSpec, answers: dict[str, object], today: date = TODAY) -> CalculationResult:
    return flow.run(spec, answers, today)
