"""How answers and options are shown to the worker (shared by the flow and the calculators)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.base import (
    NUMERIC_KINDS,
    CalculatorSpec,
    Choice,
    InputField,
    MonthDate,
    ServiceLength,
    Wage,
    WorkTime,
)


def choices_for(
    spec: CalculatorSpec, field: InputField, answers: Mapping[str, object]
) -> tuple[Choice, ...]:
    """Button options of a choice/bool field (static from prompts.yml, or from the spec)."""
    if field.kind == "bool":
        return (
            Choice("yes", texts.text("common.bool.yes")),
            Choice("no", texts.text("common.bool.no")),
        )
    if field.kind != "choice":
        return ()
    if not field.choices:
        return spec.dynamic_choices(field.name, answers)
    out: list[Choice] = []
    for key in field.choices:
        entry = texts.choice_entry(field.prompt_key, key)
        match = tuple(str(word) for word in entry.get("match") or ())
        out.append(Choice(key, str(entry["label"]), match))
    return tuple(out)


def display_value(
    spec: CalculatorSpec, field: InputField, value: object, answers: Mapping[str, object]
) -> str:
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
    if field.kind == "money" and isinstance(value, Decimal):
        return texts.yuan(value)
    if field.kind in NUMERIC_KINDS and isinstance(value, Decimal):
        return texts.text(f"common.units.{field.kind}", value=texts.plain_number(value))
    if isinstance(value, bool):
        return texts.text("common.bool.yes" if value else "common.bool.no")
    if isinstance(value, date):
        return value.isoformat()
    if field.kind == "choice":
        for choice in choices_for(spec, field, answers):
            if choice.key == value:
                return choice.label
    return str(value)


def shown_inputs(spec: CalculatorSpec, inputs: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """(label, shown value) of every answered, relevant, askable field, in asking order."""
    out: list[tuple[str, str]] = []
    for field in spec.fields:
        if field.name in inputs and field.is_relevant(inputs):
            label = texts.field_text(field.prompt_key, "label")
            out.append((label, display_value(spec, field, inputs[field.name], inputs)))
    return tuple(out)


def work_time_text(value: WorkTime) -> str:
    """``16小时``, ``3天``, ``每天3小时``, ``每周上班6天`` (work time rather than overtime)."""
    amount = texts.text(f"common.work_time.{value.unit}", value=texts.plain_number(value.amount))
    if value.per is not None:
        amount = texts.text(f"common.work_time.per.{value.per}", amount=amount)
    if value.base == "work":
        amount = texts.text("common.work_time.work", amount=amount)
    return amount


def service_length_text(value: ServiceLength) -> str:
    """``2年7个月``, ``快5年``, ``1年多``."""
    years, months = divmod(value.months, 12)
    if years and months:
        length = texts.text(
            "common.length.years_months",
            years=texts.plain_number(years),
            months=texts.plain_number(months),
        )
    elif years:
        length = texts.text("common.length.years", years=texts.plain_number(years))
    else:
        length = texts.text("common.length.months", months=texts.plain_number(months))
    return texts.text(f"common.length.{value.qualifier}", length=length)
