"""A calculator as a form of the one form engine (``knowledge_base.forms``).

:class:`CalculatorSpec` declares the fields (asked, read and kept by ``forms.engine``) and a
pure ``compute``; as the engine's :class:`~knowledge_base.forms.spec.FormSpec` it supplies the
calculators' texts (prompts.yml), parsers (``parsing``), how answers are shown (``display``)
and stored (``stored``), and the one doubt the calculators raise: pay that looks wrong for its
unit (a monthly wage of 250) is confirmed before it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final, cast, get_args

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.base import (
    ALL_WAGE_UNITS,
    NUMERIC_KINDS,
    TIME_WAGE_UNITS,
    TODAY,
    CalculationResult,
    CountedBackDate,
    FieldKind,
    MonthDate,
    ServiceLength,
    Wage,
    WageUnit,
    WorkTime,
    check_range,
    get_decimal,
)
from knowledge_base.calculators.display import service_length_text, work_time_text, years_text
from knowledge_base.calculators.parsing import is_skip, parse_choice, parse_kind, parse_wage
from knowledge_base.calculators.stored import dump_value, load_value
from knowledge_base.forms.engine import field_named
from knowledge_base.forms.fields import Choice, InputField
from knowledge_base.forms.spec import Doubt, ParseOutcome
from nlu.types import Entity

ComputeFn = Callable[[Mapping[str, object]], CalculationResult]
ChoicesFn = Callable[[str, Mapping[str, object]], tuple[Choice, ...]]
PromptVarsFn = Callable[[Mapping[str, object]], Mapping[str, str]]
#: (field name, parsed value, answers so far) → (error text key, format vars) or None.
CrossCheckFn = Callable[[str, object, Mapping[str, object]], tuple[str, Mapping[str, str]] | None]
#: (first message, its entities, today) → field name → the answer as if typed at its question.
MessageFactsFn = Callable[[str, Sequence[Entity], date], Mapping[str, str]]

_KINDS: Final = frozenset(get_args(FieldKind))


def _no_choices(_field: str, _inputs: Mapping[str, object]) -> tuple[Choice, ...]:
    return ()


def _no_vars(_inputs: Mapping[str, object]) -> Mapping[str, str]:
    return {}


def _no_message_facts(_text: str, _entities: Sequence[Entity], _today: date) -> Mapping[str, str]:
    return {}


def _no_check(
    _field: str, _value: object, _inputs: Mapping[str, object]
) -> tuple[str, Mapping[str, str]] | None:
    return None


def wage_units(field: InputField) -> tuple[WageUnit, ...]:
    """The units of pay a ``wage`` field accepts (time-based pay unless it names others)."""
    return cast(tuple[WageUnit, ...], field.units) or TIME_WAGE_UNITS


@dataclass(frozen=True)
class CalculatorSpec:
    """A calculator: fields in asking order, and a pure compute function.

    ``compute`` receives the parsed answers of the relevant fields (skipped optional fields
    are None) plus :data:`TODAY`. ``dynamic_choices`` gives the options of a choice field whose
    options depend on earlier answers; ``prompt_vars`` fills ``{placeholders}`` in questions;
    ``cross_check`` rejects an answer that contradicts earlier ones.

    Pre-filling from the worker's first message: ``prefill_fields`` maps a fact key
    (``wage``, ``work_time:rest_day``, ``work_time:work/week``, ``service_length``, ``date``,
    ``money`` …) to the field it fills; facts without a key fill the first free field of their
    kind. When any field of ``said_or_zero`` was stated, the others of that group are taken as 0
    (and shown so, to be corrected). ``message_facts`` reads what no entity carries from the
    message's words (在这个厂干了3年 → this year spent here whole). ``topic`` is the
    knowledge-base topic the calculator serves. ``average_wages`` are the wage fields that are
    the last 12 months' average: a wage told there in parts (前6个月4000 后6个月5000) is
    averaged.
    """

    name: str
    intent: str
    title_key: str
    fields: tuple[InputField, ...]
    compute: ComputeFn
    dynamic_choices: ChoicesFn = _no_choices
    prompt_vars: PromptVarsFn = _no_vars
    cross_check: CrossCheckFn = _no_check
    prefill_fields: Mapping[str, str] = field(default_factory=dict)
    said_or_zero: tuple[str, ...] = ()
    message_facts: MessageFactsFn = _no_message_facts
    topic: str | None = None
    average_wages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for declared in self.fields:
            if declared.kind not in _KINDS:
                raise ValueError(f"{self.name}.{declared.name}: no parser for {declared.kind!r}")
            if not set(declared.units) <= set(ALL_WAGE_UNITS):
                raise ValueError(f"{self.name}.{declared.name}: unknown units {declared.units}")

    def field(self, name: str) -> InputField:
        """The field called ``name`` (KeyError when there is none)."""
        return field_named(self, name)

    # ---- texts ----------------------------------------------------------------------

    def question_text(self, field: InputField, answers: Mapping[str, object], today: date) -> str:
        """The question from prompts.yml, filled in; optional questions say 不知道 is fine."""
        context = {**answers, TODAY: today}
        values = {"today": today.isoformat(), "year": str(today.year), **self.prompt_vars(context)}
        question = texts.field_text(field.prompt_key, "question", **values)
        if not field.required:
            question += texts.text("common.skip_hint")
        return question

    def label(self, field: InputField) -> str:
        """The field's short label from prompts.yml."""
        return texts.field_text(field.prompt_key, "label")

    def reject_message(self, field: InputField, error: str, values: Mapping[str, str]) -> str:
        """``common.errors.<error>``, then the field's hint (its examples) when it has one."""
        message = texts.text(f"common.errors.{error}", **values)
        hint_key = f"{field.prompt_key.split('.', 1)[0]}.fields.{field.name}.hint"
        if texts.has(hint_key):
            message += texts.text(hint_key)
        return message

    # ---- choices --------------------------------------------------------------------

    def choices(self, field: InputField, answers: Mapping[str, object]) -> tuple[Choice, ...]:
        """Button options of a choice/bool field (static from prompts.yml, or from the spec)."""
        if field.kind == "bool":
            return (
                Choice("yes", texts.text("common.bool.yes")),
                Choice("no", texts.text("common.bool.no")),
            )
        if field.kind != "choice":
            return ()
        if not field.choices:
            return self.dynamic_choices(field.name, answers)
        out: list[Choice] = []
        for key in field.choices:
            entry = texts.choice_entry(field.prompt_key, key)
            match = tuple(str(word) for word in entry.get("match") or ())
            out.append(Choice(key, str(entry["label"]), match))
        return tuple(out)

    # ---- reading answers ------------------------------------------------------------

    def is_skip(self, text: str) -> bool:
        """True for "不知道", "跳过", "不清楚" … (prompts.yml ``parsing.skip_words``)."""
        return is_skip(text)

    def parse(
        self, field: InputField, text: str, answers: Mapping[str, object], today: date
    ) -> ParseOutcome:
        """Read one answer by the field's kind (pay only in the units the field accepts)."""
        if field.kind == "choice":
            return parse_choice(text, self.choices(field, answers))
        if field.kind == "wage":
            averaged = field.name in self.average_wages
            return parse_wage(text, wage_units(field), parts=averaged)
        return parse_kind(field.kind, text, today)

    def check(
        self, field: InputField, value: object, answers: Mapping[str, object], today: date
    ) -> tuple[str, Mapping[str, str]] | None:
        """The calculator's cross-checks against earlier answers."""
        return self.cross_check(field.name, value, answers)

    def doubt(
        self, field: InputField, value: object, answers: Mapping[str, object]
    ) -> Doubt | None:
        """Pay implausible for its unit: confirm it, offering the units where it is plausible."""
        if not isinstance(value, Wage) or wages.plausible(value):
            return None
        low, high = wages.PLAUSIBLE[value.unit]
        message = texts.text(
            f"common.confirm.{value.unit}",
            said=self.display(field, value, answers),
            low=texts.plain_number(low),
            high=texts.plain_number(high),
        )
        others = tuple(
            Wage(value.amount, unit)
            for unit in wage_units(field)
            if unit not in (value.unit, "piece") and wages.plausible(Wage(value.amount, unit))
        )
        return Doubt(message, others)

    # ---- showing and keeping answers ------------------------------------------------

    def display(self, field: InputField, value: object, answers: Mapping[str, object]) -> str:
        """How an answer is shown back (``4500.00元``, ``10小时``, ``2024-03-01``, ``是``)."""
        if value is None:
            return texts.text("common.skipped")
        if isinstance(value, Wage):
            return wages.said(value)
        if isinstance(value, WorkTime):
            return work_time_text(value)
        if isinstance(value, ServiceLength):
            return service_length_text(value)
        if isinstance(value, MonthDate):
            return texts.text("common.month_date", date=value.isoformat())
        if isinstance(value, CountedBackDate):
            return texts.text("common.counted_back_date", date=value.isoformat())
        if field.kind == "money" and isinstance(value, Decimal):
            return texts.yuan(value)
        if field.kind == "years" and isinstance(value, Decimal):
            return years_text(value)
        if field.kind in NUMERIC_KINDS and isinstance(value, Decimal):
            return texts.text(f"common.units.{field.kind}", value=texts.plain_number(value))
        if isinstance(value, bool):
            return texts.text("common.bool.yes" if value else "common.bool.no")
        if isinstance(value, date):
            return value.isoformat()
        if field.kind == "choice":
            for choice in self.choices(field, answers):
                if choice.key == value:
                    return choice.label
        return str(value)

    def dump(self, field: InputField, value: object) -> Any:
        """The answer in the session store's JSON (see ``stored``)."""
        return dump_value(value)

    def load(self, field: InputField, raw: Any) -> object:
        """The answer back from the session store, typed by the field's kind."""
        return load_value(field.kind, raw)


def field_value(spec: CalculatorSpec, inputs: Mapping[str, object], name: str) -> Decimal:
    """A required numeric input, checked against the field's declared bounds."""
    declared = spec.field(name)
    return check_range(name, get_decimal(inputs, name), declared.min_value, declared.max_value)
