"""The one form engine: what to ask next, whether an answer is usable, how answers are kept.

question = next_question(spec, answers, today)      # None → everything needed is known
outcome = read_answer(spec, question.field, text, answers, today)
Accepted → answers[name] = outcome.value;  Rejected → reply outcome.message and ask again;
ToConfirm → offer outcome.readings (the first is what was typed), or let the worker retype
stored = dump_answers(spec, answers);  answers = load_answers(spec, stored)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge_base.forms.checks import Problem, declared_problem
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
    """An answer the form could not use; send ``message`` (kind, says what to type), ask again.
    ``error`` names what was wrong (``not_a_number``, ``too_small`` …)."""

    message: str
    error: str = ""


@dataclass(frozen=True)
class ToConfirm:
    """A usable answer that looks wrong (a monthly wage of 250): send ``message`` and offer
    ``readings`` (the first is what was typed), or take a new answer instead."""

    message: str
    readings: tuple[Accepted, ...]


Outcome = Accepted | Rejected | ToConfirm


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
    """Relevant, askable fields still without an answer, in asking order (later answers may
    make more fields relevant)."""
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


def check_value(
    spec: FormSpec, field: InputField, value: object, answers: Mapping[str, object], today: date
) -> Problem | None:
    """What the field declares (bounds, date order), then the form's own cross-checks:
    (error, values) when the value cannot be used, None when it can."""
    return declared_problem(spec, field, value, answers, today) or spec.check(
        field, value, answers, today
    )


def read_answer(
    spec: FormSpec,
    field: InputField | str,
    text: str,
    answers: Mapping[str, object],
    today: date,
) -> Outcome:
    """Read one answer to ``field`` (the field or its name): skipped (optional fields only),
    parsed, checked against the field and earlier answers, and confirmed when it looks wrong."""
    if isinstance(field, str):
        field = field_named(spec, field)
    if not field.required and spec.is_skip(text):
        return Accepted(None, spec.display(field, None, answers))
    outcome = spec.parse(field, text, answers, today)
    if isinstance(outcome, Unparsed):
        return Rejected(spec.reject_message(field, outcome.error, outcome.values), outcome.error)
    problem = check_value(spec, field, outcome.value, answers, today)
    if problem is not None:
        return Rejected(spec.reject_message(field, *problem), problem[0])
    accepted = Accepted(outcome.value, spec.display(field, outcome.value, answers))
    doubt = spec.doubt(field, outcome.value, answers)
    if doubt is None:
        return accepted
    others = (Accepted(v, spec.display(field, v, answers)) for v in doubt.alternatives)
    return ToConfirm(doubt.message, (accepted, *others))


def shown_answers(spec: FormSpec, answers: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """(label, shown value) of every answered field that is relevant, in asking order."""
    return tuple(
        (spec.label(f), spec.display(f, answers[f.name], answers))
        for f in spec.fields
        if f.name in answers and f.is_relevant(answers)
    )


def dump_answers(spec: FormSpec, answers: Mapping[str, object]) -> dict[str, Any]:
    """JSON-safe copy of the answers of known fields, for the session store."""
    known = {f.name: f for f in spec.fields}
    return {
        name: spec.dump(known[name], value) if value is not None else None
        for name, value in answers.items()
        if name in known
    }


def load_answers(spec: FormSpec, data: Mapping[str, Any]) -> dict[str, object]:
    """Inverse of :func:`dump_answers`; answers of unknown fields, and answers that no longer
    read (stored by an older version), are dropped, so their questions are asked again."""
    known = {f.name: f for f in spec.fields}
    loaded: dict[str, object] = {}
    for name, raw in data.items():
        if name not in known:
            continue
        try:
            loaded[name] = spec.load(known[name], raw) if raw is not None else None
        except ValueError:
            continue
    return loaded
