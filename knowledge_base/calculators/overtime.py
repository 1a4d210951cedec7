"""Overtime pay: weekday 150 %, rest day 200 % (unless compensatory leave), holiday 300 %.

Hourly wage = monthly wage ÷ 21.75 ÷ 8 (劳社部发[2008]3号), rounded to cents first so every
working line can be checked with a pocket calculator; each part is then rounded to cents.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import (
    CalculationResult,
    CalculatorSpec,
    InputField,
    When,
    field_value,
    round_money,
)
from knowledge_base.calculators.display import shown_inputs
from knowledge_base.calculators.texts import plain_number, yuan

NAME: Final = "overtime"
PAY_DAYS_PER_MONTH: Final = Decimal("21.75")
HOURS_PER_DAY: Final = Decimal(8)
#: Percent of the hourly wage (劳动法 第四十四条).
RATE_WEEKDAY: Final = Decimal(150)
RATE_REST_DAY: Final = Decimal(200)
RATE_HOLIDAY: Final = Decimal(300)
#: 劳动法 第四十一条: overtime may not exceed 36 hours a month.
MONTHLY_OVERTIME_LIMIT: Final = Decimal(36)

_MAX_HOURS: Final = Decimal(5000)
_ZERO: Final = Decimal(0)


def hourly_wage(monthly_wage: Decimal) -> Decimal:
    """Monthly wage ÷ 21.75 ÷ 8, rounded half up to cents."""
    return round_money(monthly_wage / PAY_DAYS_PER_MONTH / HOURS_PER_DAY)


def overtime_pay(hourly: Decimal, rate_percent: Decimal, hours: Decimal) -> Decimal:
    """Hourly wage × rate × hours, rounded half up to cents."""
    return round_money(hourly * rate_percent / 100 * hours)


def _step(key: str, **values: object) -> str:
    return texts.text(f"{NAME}.steps.{key}", **values)


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """Overtime pay for the given hours of each kind."""
    wage = field_value(SPEC, inputs, "monthly_wage")
    weekday = field_value(SPEC, inputs, "weekday_hours")
    rest_day = field_value(SPEC, inputs, "rest_day_hours")
    holiday = field_value(SPEC, inputs, "holiday_hours")
    compensated = field_value(SPEC, inputs, "rest_day_comp_hours") if rest_day > 0 else _ZERO
    compensated = min(compensated, rest_day)
    rest_day_paid = rest_day - compensated

    hourly = hourly_wage(wage)
    steps = [
        _step(
            "hourly",
            wage=plain_number(wage),
            pay_days=plain_number(PAY_DAYS_PER_MONTH),
            day_hours=plain_number(HOURS_PER_DAY),
            hourly=f"{hourly:.2f}",
        )
    ]
    citations = [texts.citation("labour_law_44"), texts.citation("wage_payment_13")]
    citations.append(texts.citation("pay_days_notice"))
    result_lines: list[str] = []
    notes = [texts.text(f"{NAME}.notes.wage_base"), texts.text(f"{NAME}.notes.flexible_hours")]
    warnings: list[str] = []
    parts: list[Decimal] = []

    def add_part(kind: str, rate: Decimal, hours: Decimal) -> None:
        pay = overtime_pay(hourly, rate, hours)
        parts.append(pay)
        steps.append(
            _step(
                kind,
                hourly=f"{hourly:.2f}",
                rate=plain_number(rate),
                hours=plain_number(hours),
                pay=yuan(pay),
            )
        )
        result_lines.append(texts.text(f"{NAME}.results.{kind}", pay=yuan(pay)))

    if weekday > 0:
        add_part("weekday", RATE_WEEKDAY, weekday)
    if rest_day > 0:
        if compensated > 0:
            steps.append(
                _step(
                    "rest_day_compensated",
                    hours=plain_number(rest_day),
                    compensated=plain_number(compensated),
                    paid=plain_number(rest_day_paid),
                )
            )
            notes.append(texts.text(f"{NAME}.notes.compensatory_leave"))
        if rest_day_paid > 0:
            add_part("rest_day", RATE_REST_DAY, rest_day_paid)
    if holiday > 0:
        add_part("holiday", RATE_HOLIDAY, holiday)
        notes.append(texts.text(f"{NAME}.notes.holiday_paid_anyway"))
        citations.append(texts.citation("labour_law_51"))

    total = sum(parts, _ZERO)
    if len(parts) > 1:
        steps.append(_step("total", parts=" + ".join(f"{p:.2f}" for p in parts), total=yuan(total)))
    result_lines.insert(0, texts.text(f"{NAME}.results.total", total=yuan(total)))
    if not parts:
        result_lines.append(texts.text(f"{NAME}.results.nothing"))
    if weekday + rest_day + holiday > MONTHLY_OVERTIME_LIMIT:
        warnings.append(
            texts.text(
                f"{NAME}.warnings.over_monthly_limit", limit=plain_number(MONTHLY_OVERTIME_LIMIT)
            )
        )
        citations.append(texts.citation("labour_law_41"))

    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=texts.text(
            f"{NAME}.formula",
            pay_days=plain_number(PAY_DAYS_PER_MONTH),
            day_hours=plain_number(HOURS_PER_DAY),
            weekday=plain_number(RATE_WEEKDAY),
            rest_day=plain_number(RATE_REST_DAY),
            holiday=plain_number(RATE_HOLIDAY),
        ),
        inputs=shown_inputs(SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(result_lines),
        amount=total,
        citations=tuple(citations),
        warnings=tuple(warnings),
        notes=tuple(notes),
        related=("calc_min_wage",),
    )


def _hours(name: str, *, ask_when: tuple[When, ...] = ()) -> InputField:
    return InputField(
        name=name,
        kind="hours",
        prompt_key=f"{NAME}.{name}",
        ask_when=ask_when,
        min_value=_ZERO,
        max_value=_MAX_HOURS,
    )


def _cross_check(
    field: str, value: object, answers: Mapping[str, object]
) -> tuple[str, Mapping[str, str]] | None:
    rest_day = answers.get("rest_day_hours")
    if (
        field == "rest_day_comp_hours"
        and isinstance(value, Decimal)
        and isinstance(rest_day, Decimal)
        and value > rest_day
    ):
        return "more_than_total", {"total": plain_number(rest_day)}
    return None


SPEC: Final = CalculatorSpec(
    name=NAME,
    intent="calc_overtime",
    title_key=f"{NAME}.title",
    fields=(
        InputField(
            name="monthly_wage",
            kind="money",
            prompt_key=f"{NAME}.monthly_wage",
            min_value=Decimal(1),
            max_value=Decimal(1_000_000),
        ),
        _hours("weekday_hours"),
        _hours("rest_day_hours"),
        _hours("rest_day_comp_hours", ask_when=(When("rest_day_hours", "gt", _ZERO),)),
        _hours("holiday_hours"),
    ),
    compute=compute,
    cross_check=_cross_check,
)
