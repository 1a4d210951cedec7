"""What a generic chat flow needs to drive any calculator, one question at a time.

    facts = prefill(spec, entities, today)                # what the first message already says
    question = next_question(spec, answers, today)      # None → everything needed is known
    outcome = read_answer(spec, question.field.name, text, answers, today)
    Accepted → answers[name] = outcome.value;  Rejected → reply outcome.message;
    ToConfirm → offer outcome.readings (or let the worker type again)
    result = run(spec, answers, today)                    # CalculationResult
    reply = render_text(result); more = render_details(result)

``answers`` maps field names to parsed values (Decimal, date, bool, str, Wage, WorkTime,
ServiceLength, or None for a skipped optional question). Store them between turns with
:func:`dump_answers` / :func:`load_answers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.base import (
    ALL_WAGE_UNITS,
    TODAY,
    CalculationResult,
    CalculatorSpec,
    Choice,
    InputField,
    MonthDate,
    ServiceLength,
    Wage,
    WorkTime,
)
from knowledge_base.calculators.display import choices_for, display_value
from knowledge_base.calculators.parsing import (
    Unparsed,
    is_skip,
    parse_choice,
    parse_kind,
    parse_wage,
)
from nlu.types import Entity
from nlu.work_phrases import WorkTimeFact


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


@dataclass(frozen=True)
class ToConfirm:
    """A readable answer that looks wrong for its unit (a monthly wage of 250): send
    ``message`` and offer ``readings`` (the first is what was typed), or a new answer."""

    message: str
    readings: tuple[Accepted, ...]


Outcome = Accepted | Rejected | ToConfirm


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
) -> Outcome:
    """Parse and check one answer against the field's kind, bounds and earlier answers; pay
    that is implausible for its unit comes back as :class:`ToConfirm`."""
    field = spec.field(field_name)
    if not field.required and is_skip(text):
        return Accepted(None, texts.text("common.skipped"))
    if field.kind == "choice":
        outcome = parse_choice(text, choices_for(spec, field, answers))
    elif field.kind == "wage":
        outcome = parse_wage(text, field.wage_units)
    else:
        outcome = parse_kind(field.kind, text, today)
    if isinstance(outcome, Unparsed):
        return _reject(field, outcome.error, outcome.values)
    problem = check_value(spec, field, outcome.value, answers, today)
    if problem is not None:
        return _reject(field, *problem)
    accepted = Accepted(outcome.value, display_value(spec, field, outcome.value, answers))
    if isinstance(outcome.value, Wage) and not wages.plausible(outcome.value):
        return _confirm_wage(spec, field, outcome.value, accepted, answers)
    return accepted


def _confirm_wage(
    spec: CalculatorSpec,
    field: InputField,
    wage: Wage,
    accepted: Accepted,
    answers: Mapping[str, object],
) -> ToConfirm:
    others = [
        Wage(wage.amount, unit)
        for unit in field.wage_units
        if unit not in (wage.unit, "piece") and wages.plausible(Wage(wage.amount, unit))
    ]
    low, high = wages.PLAUSIBLE[wage.unit]
    message = texts.text(
        f"common.confirm.{wage.unit}",
        said=accepted.shown,
        low=texts.plain_number(low),
        high=texts.plain_number(high),
    )
    readings = (accepted, *(Accepted(w, display_value(spec, field, w, answers)) for w in others))
    return ToConfirm(message, readings)


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
    """The short reply: title, formula, inputs, working, result, warnings and the few
    articles that carry the result. Notes and further articles are in :func:`render_details`."""
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
    return "\n".join(lines)


def render_details(result: CalculationResult) -> str:
    """The details: notes, the further articles and the sources (empty when there are none)."""
    lines: list[str] = []
    if result.notes:
        lines += [texts.text("common.render.notes")]
        lines += [texts.text("common.render.bullet", text=n) for n in result.notes]
    if result.further_citations:
        labels = "、".join(texts.citation_label(c) for c in result.further_citations)
        lines += ["", texts.text("common.render.further_citations") + labels]
    if result.provenance:
        lines += ["", *result.provenance]
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------- storing answers


def dump_value(value: object) -> Any:
    """One answer in a JSON-safe form (see :func:`load_value`)."""
    if isinstance(value, Wage):
        amount = None if value.amount is None else str(value.amount)
        return {"amount": amount, "unit": value.unit}
    if isinstance(value, WorkTime):
        return {
            "amount": str(value.amount),
            "unit": value.unit,
            "per": value.per,
            "base": value.base,
        }
    if isinstance(value, ServiceLength):
        return {"months": str(value.months), "qualifier": value.qualifier}
    if isinstance(value, MonthDate):
        return value.isoformat()[:7]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def load_value(kind: str, value: Any) -> object:
    """Inverse of :func:`dump_value` for a field of ``kind``; raises ValueError on bad data.

    Answers stored before units existed load too: a plain number as a monthly wage or a total
    of hours."""
    if value is None or kind in ("bool", "choice", "city"):
        return value
    try:
        if kind == "wage":
            if isinstance(value, dict):
                amount, unit = value.get("amount"), str(value["unit"])
                if unit not in ALL_WAGE_UNITS or (amount is None and unit != "piece"):
                    raise ValueError(f"not a stored wage: {value!r}")
                return Wage(None if amount is None else Decimal(str(amount)), cast(Any, unit))
            return Wage(Decimal(str(value)), "month")
        if kind == "work_time":
            if isinstance(value, dict):
                return WorkTime(
                    Decimal(str(value["amount"])),
                    cast(Any, value.get("unit") or "h"),
                    cast(Any, value.get("per")),
                    cast(Any, value.get("base") or "overtime"),
                )
            return WorkTime(Decimal(str(value)))
        if kind in ("date", "date_or_length"):
            if isinstance(value, dict):
                return ServiceLength(Decimal(str(value["months"])), cast(Any, value["qualifier"]))
            text = str(value)
            if len(text) == 7:
                return MonthDate.fromisoformat(text + "-01")
            return date.fromisoformat(text)
        return Decimal(str(value))
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise ValueError(f"cannot read a stored {kind} answer") from exc


def dump_answers(spec: CalculatorSpec, answers: Mapping[str, object]) -> dict[str, Any]:
    """JSON-safe copy of answers (Decimal → str, date → ISO string …) for the session store."""
    return {name: dump_value(value) for name, value in answers.items()}


def load_answers(spec: CalculatorSpec, data: Mapping[str, Any]) -> dict[str, object]:
    """Inverse of :func:`dump_answers`, typed by each field's kind; unknown names and answers
    that no longer read are dropped (they are asked again)."""
    out: dict[str, object] = {}
    kinds = {field.name: field.kind for field in spec.fields}
    for name, value in data.items():
        kind = kinds.get(name)
        if kind is None:
            continue
        try:
            out[name] = load_value(kind, value)
        except ValueError:
            continue
    return out


# --------------------------------------------------------------------------- the first message


@dataclass(frozen=True)
class Prefill:
    """Answers read from the worker's first message. ``stated`` are the fields the message
    filled, ``assumed`` those taken as 0 because it did not mention them (both to confirm)."""

    answers: dict[str, object]
    stated: tuple[str, ...]
    assumed: tuple[str, ...]


#: Entities that say a whole fact; a plain number inside one of them is not read again.
_PHRASES = frozenset({"wage", "work_time", "service_length"})
#: Entity → the kinds of field it may fill when the calculator names no field for it.
_ENTITY_KINDS: dict[str, tuple[str, ...]] = {
    "wage": ("wage",),
    "money": ("wage", "money"),
    "service_length": ("date_or_length",),
    "date": ("date_or_length", "date"),
    "hours": ("hours",),
    "duration": ("months", "years"),
    "city": ("city",),
    "province": ("city",),
}


def fact_key(entity: Entity) -> str:
    """How a calculator names an entity in ``prefill_fields`` (``work_time:rest_day`` …)."""
    if entity.entity != "work_time":
        return entity.entity
    fact = WorkTimeFact.from_value(str(entity.value))
    if fact is None:
        return entity.entity
    if fact.kind == "work":
        return f"work_time:work/{fact.per}" if fact.per else "work_time:work"
    return f"work_time:{fact.kind}"


def _usable(entities: Sequence[Entity]) -> list[Entity]:
    phrases = [e for e in entities if e.entity in _PHRASES]
    return [
        e
        for e in entities
        if e.entity in _PHRASES or not any(e.start < p.end and p.start < e.end for p in phrases)
    ]


def _assign(spec: CalculatorSpec, entities: Sequence[Entity]) -> dict[str, list[Entity]]:
    """Field name → the entities that would fill it (dates in text order fill date fields in
    asking order; several other candidates for one field make it ambiguous)."""
    assigned: dict[str, list[Entity]] = {}
    dates = [f.name for f in spec.fields if f.kind in ("date_or_length", "date")]
    for entity in sorted(entities, key=lambda e: e.start):
        key = fact_key(entity)
        target = spec.prefill_fields.get(key)
        if target is None and entity.entity == "date":
            target = next((name for name in dates if name not in assigned), None)
        if target is None:
            kinds = _ENTITY_KINDS.get(entity.entity, ())
            target = next((f.name for f in spec.fields if f.kind in kinds), None)
        if target is not None:
            assigned.setdefault(target, []).append(entity)
    return assigned


def prefill(spec: CalculatorSpec, entities: Sequence[Entity], today: date) -> Prefill:
    """Answers the first message states, each read as if typed at its question (so 一天250
    is a daily wage either way). A fact that does not read, or one of several for the same
    field, is left to be asked."""
    answers: dict[str, object] = {}
    stated: list[str] = []
    assigned = _assign(spec, _usable(entities))
    for field in spec.fields:
        found = assigned.get(field.name, [])
        if len(found) != 1 or field.prefill_only:
            continue
        if not field.is_relevant({**answers, TODAY: today}):
            continue
        outcome = read_answer(spec, field.name, found[0].text, answers, today)
        if isinstance(outcome, Accepted) and outcome.value is not None:
            answers[field.name] = outcome.value
            stated.append(field.name)
    assumed: list[str] = []
    if any(name in stated for name in spec.said_or_zero):
        for name in spec.said_or_zero:
            if name not in answers and spec.field(name).is_relevant({**answers, TODAY: today}):
                kind = spec.field(name).kind
                answers[name] = WorkTime(Decimal(0)) if kind == "work_time" else Decimal(0)
                assumed.append(name)
    return Prefill(answers, tuple(stated), tuple(assumed))


def missing(spec: CalculatorSpec, answers: Mapping[str, object], today: date) -> tuple[str, ...]:
    """The fields still to ask, as far as the answers so far tell (later answers may make
    more questions relevant)."""
    context = {**answers, TODAY: today}
    return tuple(
        f.name
        for f in spec.fields
        if not f.prefill_only and f.name not in answers and f.is_relevant(context)
    )


def fact_lines(
    spec: CalculatorSpec, answers: Mapping[str, object], names: Sequence[str]
) -> list[tuple[str, str]]:
    """(label, shown value) of the named answers, for the worker to confirm."""
    return [
        (
            texts.field_text(spec.field(name).prompt_key, "label"),
            display_value(spec, spec.field(name), answers[name], answers),
        )
        for name in names
        if name in answers
    ]
