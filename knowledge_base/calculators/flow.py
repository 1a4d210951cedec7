"""What a generic chat flow needs to drive any calculator, one question at a time.

    question = next_question(spec, answers, today)      # None → everything needed is known
    outcome = read_answer(spec, question.field.name, text, answers, today)
    if isinstance(outcome, Accepted): answers[name] = outcome.value  else: reply outcome.message
    result = run(spec, answers, today)                    # CalculationResult
    reply = render_text(result)

``answers`` maps field names to parsed values (Decimal, date, bool, str, or None for a skipped
optional question). Store them between turns with :func:`dump_answers` / :func:`load_answers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import (
    TODAY,
    CalculationResult,
    CalculatorSpec,
    Choice,
    InputField,
)
from knowledge_base.calculators.display import choices_for, display_value
from knowledge_base.calculators.parsing import (
    Unparsed,
    is_skip,
    parse_choice,
    parse_kind,
)


@dataclass(frozen=True)
class Question:
    """The next thing to ask: ready-to-send text and, for choice/bool fields, button options."""

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
    """An answer we could not use; send ``message`` (kind, says what to type) and ask again."""

    message: str


def relevant_fields(
    spec: CalculatorSpec, answers: Mapping[str, object], today: date
) -> tuple[InputField, ...]:
    """The fields whose ``ask_when`` holds for these answers, in asking order."""
    context = {**answers, TODAY: today}
    return tuple(f for f in spec.fields if f.is_relevant(context))


def next_question(
    spec: CalculatorSpec, answers: Mapping[str, object], today: date
) -> Question | None:
    """The first relevant, unanswered, askable field as a question; None when ready to compute."""
    context = {**answers, TODAY: today}
    for field in spec.fields:
        if field.prefill_only or field.name in answers or not field.is_relevant(context):
            continue
        values = {**_default_vars(today), **spec.prompt_vars(context)}
        question = texts.field_text(field.prompt_key, "question", **values)
        if not field.required:
            question += texts.text("common.skip_hint")
        return Question(
            field=field,
            text=question,
            choices=choices_for(spec, field, answers),
            can_skip=not field.required,
        )
    return None


def _default_vars(today: date) -> dict[str, str]:
    return {"today": today.isoformat(), "year": str(today.year)}


def _reject(field: InputField, error: str, values: Mapping[str, str]) -> Rejected:
    message = texts.text(f"common.errors.{error}", **values)
    hint_key = f"{field.prompt_key.split('.', 1)[0]}.fields.{field.name}.hint"
    if texts.has(hint_key):
        message += texts.text(hint_key)
    return Rejected(message)


def read_answer(
    spec: CalculatorSpec, field_name: str, text: str, answers: Mapping[str, object], today: date
) -> Accepted | Rejected:
    """Parse and check one answer against the field's kind, bounds and earlier answers."""
    field = spec.field(field_name)
    if not field.required and is_skip(text):
        return Accepted(None, texts.text("common.skipped"))
    if field.kind == "choice":
        outcome = parse_choice(text, choices_for(spec, field, answers))
    else:
        outcome = parse_kind(field.kind, text, today)
    if isinstance(outcome, Unparsed):
        return _reject(field, outcome.error, outcome.values)
    problem = check_value(spec, field, outcome.value, answers, today)
    if problem is not None:
        return _reject(field, *problem)
    return Accepted(outcome.value, display_value(spec, field, outcome.value, answers))


def check_value(
    spec: CalculatorSpec,
    field: InputField,
    value: object,
    answers: Mapping[str, object],
    today: date,
) -> tuple[str, Mapping[str, str]] | None:
    """Bounds, date order and the spec's cross-checks; (error key, values) or None when fine."""
    if isinstance(value, Decimal):
        if field.min_value is not None and value < field.min_value:
            return "too_small", {"min": texts.plain_number(field.min_value)}
        if field.max_value is not None and value > field.max_value:
            return "too_large", {"max": texts.plain_number(field.max_value)}
    if isinstance(value, date):
        if field.not_after_today and value > today:
            return "future_date", {"today": today.isoformat()}
        earlier = answers.get(field.not_before) if field.not_before else None
        if isinstance(earlier, date) and value < earlier and field.not_before is not None:
            label = texts.field_text(spec.field(field.not_before).prompt_key, "label")
            return "before_field", {"other": label, "date": earlier.isoformat()}
    return spec.cross_check(field.name, value, answers)


def run(spec: CalculatorSpec, answers: Mapping[str, object], today: date) -> CalculationResult:
    """Compute with the answers of the relevant fields only (answers to fields made irrelevant
    by a later correction are ignored)."""
    inputs: dict[str, object] = {TODAY: today}
    for field in spec.fields:
        if field.name in answers and field.is_relevant({**inputs, **answers}):
            inputs[field.name] = answers[field.name]
    return spec.compute(inputs)


def render_text(result: CalculationResult) -> str:
    """A plain-text reply: title, formula, inputs, working, result, warnings, citations, notes."""
    lines = [result.title, "", texts.text("common.render.formula") + result.formula]
    if result.inputs:
        lines += ["", texts.text("common.render.inputs")]
        lines += [
            texts.text("common.render.input_line", label=k, value=v) for k, v in result.inputs
        ]
    if result.steps:
        lines += ["", texts.text("common.render.steps"), *result.steps]
    lines += ["", texts.text("common.render.result"), *result.result_lines]
    if result.warnings:
        lines += ["", texts.text("common.render.warnings")]
        lines += [texts.text("common.render.bullet", text=w) for w in result.warnings]
    if result.citations:
        labels = "、".join(texts.citation_label(c) for c in result.citations)
        lines += ["", texts.text("common.render.citations") + labels]
    if result.notes:
        lines += ["", texts.text("common.render.notes")]
        lines += [texts.text("common.render.bullet", text=n) for n in result.notes]
    return "\n".join(lines)


def dump_answers(spec: CalculatorSpec, answers: Mapping[str, object]) -> dict[str, Any]:
    """JSON-safe copy of answers (Decimal → str, date → ISO string) for the session store."""
    out: dict[str, Any] = {}
    for name, value in answers.items():
        if isinstance(value, Decimal):
            out[name] = str(value)
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out


def load_answers(spec: CalculatorSpec, data: Mapping[str, Any]) -> dict[str, object]:
    """Inverse of :func:`dump_answers`, typed by each field's kind; unknown names are dropped."""
    out: dict[str, object] = {}
    kinds = {field.name: field.kind for field in spec.fields}
    for name, value in data.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        if value is None or kind in ("bool", "choice", "city"):
            out[name] = value
        elif kind == "date":
            out[name] = date.fromisoformat(str(value))
        else:
            out[name] = Decimal(str(value))
    return out
