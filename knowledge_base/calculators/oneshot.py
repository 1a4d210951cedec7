"""A calculation from one message, for ``gongyou ask``: run the calculator when the message
states every fact it needs, otherwise say which facts are missing.

The calculator is the one the NLU intent names (``calc_overtime`` …); without one, the one
serving the answer's topic if the message states a fact for it; failing that, the one for
which the message states the most facts (at least two). Facts are read exactly as the chat
reads a first message (:func:`flow.prefill`); optional facts the message does not state are
taken as "不知道" and listed under ``unknown`` (except a group the message says nothing about,
such as all the overtime hours, which is missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge_base.calculators import flow
from knowledge_base.calculators.base import CalculationResult
from knowledge_base.calculators.names import calculator_meant, named_calculator
from knowledge_base.calculators.registry import CALCULATORS, calculator_for
from knowledge_base.calculators.spec import CalculatorSpec
from nlu.entities import extract_entities
from nlu.types import Entity

_MIN_FACTS_WITHOUT_INTENT = 2


@dataclass(frozen=True)
class OneShot:
    """What one message allowed: the calculator, its facts, and a result or what is missing."""

    spec: CalculatorSpec
    facts: flow.Prefill
    missing: tuple[str, ...]
    unknown: tuple[str, ...]
    result: CalculationResult | None

    def to_json(self) -> dict[str, Any]:
        """The ``calculation`` object of ``gongyou ask --json``."""
        result = self.result
        shown = flow.fact_lines(self.spec, self.facts.answers, self.facts.stated)
        names = [n for n in self.facts.stated if n in self.facts.answers]
        return {
            "calculator": self.spec.name,
            "amount": _number(result.amount) if result else None,
            "amount_high": _number(result.amount_high) if result else None,
            "amount_unit": result.amount_unit if result else None,
            "missing": list(self.missing),
            "facts": {name: value for name, (_label, value) in zip(names, shown, strict=True)},
            "assumed": list(self.facts.assumed),
            "unknown": list(self.unknown),
            "working": list(result.steps) if result else [],
            "result": list(result.result_lines) if result else [],
            "citations": [
                {"law": c.law, "article": c.article} for c in (result.citations if result else ())
            ],
        }


def _number(value: object) -> float | None:
    return None if value is None else float(str(value))


def _choose(
    text: str, entities: Sequence[Entity], intent: str | None, topic: str | None, today: date
) -> tuple[CalculatorSpec, flow.Prefill] | None:
    named = calculator_for(calculator_meant(intent, text, entities, today)) if intent else None
    if named is not None:
        return named, flow.prefill(named, entities, today, text)
    readings = [(spec, flow.prefill(spec, entities, today, text)) for spec in CALCULATORS.values()]
    # The one calculator the message names (才给我签合同 … 能多要回来多少钱: double wages) before
    # the topic's own (the NLU read severance).
    named_intent = named_calculator(text)
    for spec, facts in readings:
        if spec.intent == named_intent and facts.stated:
            return spec, facts
    for spec, facts in readings:
        if topic is not None and spec.topic == topic and facts.stated:
            return spec, facts
    best = max(readings, key=lambda reading: len(reading[1].stated), default=None)
    if best is None or len(best[1].stated) < _MIN_FACTS_WITHOUT_INTENT:
        return None
    return best


def calculate(
    text: str,
    *,
    intent: str | None = None,
    topic: str | None = None,
    entities: Sequence[Entity] | None = None,
    today: date | None = None,
) -> OneShot | None:
    """The calculation one message allows, or None when it is not a calculator's business."""
    day = today or date.today()
    found = list(entities) if entities is not None else extract_entities(text, today=day)
    chosen = _choose(text, found, intent, topic, day)
    if chosen is None:
        return None
    spec, facts = chosen
    answers = dict(facts.answers)
    unknown: list[str] = []
    while (question := flow.next_question(spec, answers, day)) is not None:
        # An optional fact is "不知道" — unless it is one of a group the message never touched
        # (no overtime hours at all is missing, not zero).
        if question.field.required or question.field.name in spec.said_or_zero:
            break
        answers[question.field.name] = None  # as if the worker said 不知道
        unknown.append(question.field.name)
    missing = flow.missing(spec, answers, day)
    result = None if missing else flow.run(spec, answers, day)
    return OneShot(spec, facts, missing, tuple(unknown) if not missing else (), result)
