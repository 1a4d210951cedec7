"""The one form engine: what to ask next, whether an answer is usable, how answers are kept.

question = next_question(spec, answers, today)      # None → everything needed is known
outcome = read_answer(spec, question.field, text, answers, today)
if isinstance(outcome, Accepted): answers[name] = outcome.value  else: reply outcome.message
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge_base.forms.fields import TODAY, Choice, InputField
from knowledge_base.forms.spec import FormSpec, Unparsed


@dataclass(frozen=True)
class Question:
    """The next thing to ask: ready-to-send text and, for choice fields, button options."""

    field: InputField
    text: str
    choices: tuple[Choice, ...]
    can_skip: bool


@dataclass(frozen=True)
class Accepted:
    """A valid answer: store ``value`` under the field name; ``shown`` is how to echo it."""

    value: object
    shown: str


@dataclass(frozen=True)
class Rejected:
    """An answer the form could not use; send ``message`` (kind, says what to type)."""

    message: str
    error: str = ""


def field_named(spec: FormSpec, name: str) -> InputField:
    """The field called ``name`` (KeyError when there is none)."""
    for candidate in spec.fields:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def relevant_fields(
    spec: FormSpec, answers: Mapping[str, object], today: date
) -> tuple[InputField, ...]:
    """The fields whose ``ask_when`` holds for these answers, in asking order."""
    context = {**answers, TODAY: today}
    return tuple(f for f in spec.fields if f.is_relevant(context))


def pending_fields(
    spec: FormSpec, answers: Mapping[str, object], today: date
) -> tuple[InputField, ...]:
    """Relevant, askable fields still without an answer, in asking order."""
    context = {**answers, TODAY: today}
    return tuple(
        f
        for f in spec.fields
        if not f.prefill_only and f.name not in answers and f.is_relevant(context)
    )


def question_for(
    spec: FormSpec, field: InputField, answers: Mapping[str, object], today: date
) -> Question:
    """``field`` as a question."""
    return Question(
        field=field,
        text=spec.question_text(field, answers, today),
        choices=spec.choices(field, answers),
        can_skip=not field.required,
    )


def next_question(spec: FormSpec, answers: Mapping[str, object], today: date) -> Question | None:
    """The first relevant, unanswered, askable field as a question; None when complete."""
    pending = pending_fields(spec, answers, today)
    return question_for(spec, pending[0], answers, today) if pending else None


def read_answer(
    spec: FormSpec, field: InputField, text: str, answers: Mapping[str, object], today: date
) -> Accepted | Rejected:
    """Parse and check one answer against the field's kind, bounds and earlier answers."""
    if not field.required and spec.is_skip(text):
        return Accepted(None, spec.display(field, None, answers))
    outcome = spec.parse(field, text, answers, today)
    if isinstance(outcome, Unparsed):
        return Rejected(spec.reject_message(field, outcome.error, outcome.values), outcome.error)
    problem = spec.check(field, outcome.value, answers, today)
    if problem is not None:
        return Rejected(spec.reject_message(field, *problem), problem[0])
    return Accepted(outcome.value, spec.display(field, outcome.value, answers))


def dump_answers(spec: FormSpec, answers: Mapping[str, object]) -> dict[str, Any]:
    """JSON-safe copy of the answers of known fields, for the session store."""
    known = {f.name: f for f in spec.fields}
    return {
        name: spec.dump(known[name], value) if value is not None else None
        for name, value in answers.items()
        if name in known
    }


def load_answers(spec: FormSpec, data: Mapping[str, Any]) -> dict[str, object]:
    """Inverse of :func:`dump_answers`; answers of unknown fields are dropped."""
    known = {f.name: f for f in spec.fields}
    return {
        name: spec.load(known[name], raw) if raw is not None else None
        for name, raw in data.items()
        if name in known
    }
