"""Economic compensation N (劳动合同法 第四十七条) and unlawful-termination damages 2N (第八十七条).

N counts one month's wage per full year of service; a remainder of six months or more counts as
a year, a shorter remainder as half a month. The monthly wage is the average of the last 12
months. When the wage exceeds three times the local average wage, the base is capped at three
times that average and N at 12 years. We never know the local average: we ask for it only when
the cap could possibly apply, and warn when the worker does not know it.

When could the cap apply? The local average wage is always well above the local minimum wage
(最低工资规定 附件: the minimum is usually 40–60 % of the average wage), so a wage at or below
3 × the lowest minimum wage in our table can never exceed 3 × any city's average. Only above
that screen do we ask for the local figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import (
    CalculationResult,
    CalculatorSpec,
    Citation,
    Derived,
    InputField,
    field_value,
    get_date,
    get_optional_decimal,
    get_str,
    round_money,
)
from knowledge_base.calculators.dates import Span, span
from knowledge_base.calculators.display import shown_inputs
from knowledge_base.calculators.min_wage_table import load_data
from knowledge_base.calculators.texts import plain_number, yuan

NAME: Final = "compensation"
ECONOMIC: Final = "economic"
UNLAWFUL: Final = "unlawful"
HALF: Final = Decimal("0.5")
ROUND_UP_FROM_MONTHS: Final = 6
CAP_MULTIPLE: Final = Decimal(3)
CAP_YEARS: Final = Decimal(12)
DAMAGES_MULTIPLE: Final = Decimal(2)
#: 劳动合同法 took effect on this day; earlier service follows the rules of the time (第九十七条).
CONTRACT_LAW_START: Final = dt.date(2008, 1, 1)


@lru_cache(maxsize=1)
def cap_screen() -> Decimal:
    """Wages above this might exceed 3 × a local average wage (see the module docstring)."""
    return CAP_MULTIPLE * load_data().lowest_monthly


def compensation_months(start: dt.date, end: dt.date) -> tuple[Span, Decimal]:
    """Service length and N in months of wage (half-month steps), before any cap."""
    length = span(start, end)
    months = Decimal(length.years)
    if length.months_after_years >= ROUND_UP_FROM_MONTHS:
        months += 1
    elif length.months_after_years > 0 or length.days > 0:
        months += HALF
    return length, months


def _t(key: str, /, **values: object) -> str:
    return texts.text(f"{NAME}.{key}", **values)


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """N (or 2N) for the service period and wage, capped when the local average says so."""
    kind = get_str(inputs, "kind")
    start = get_date(inputs, "start_date")
    end = get_date(inputs, "end_date")
    wage = field_value(SPEC, inputs, "monthly_wage")
    local_average = get_optional_decimal(inputs, "local_avg_wage")
    length, months = compensation_months(start, end)

    steps = [
        _t(
            "steps.service",
            start=start.isoformat(),
            end=end.isoformat(),
            years=length.years,
            months=length.months_after_years,
            days=length.days,
        )
    ]
    if length.years:
        steps.append(_t("steps.full_years", years=length.years))
    rest = _t("steps.rest", months=length.months_after_years, days=length.days)
    if length.months_after_years >= ROUND_UP_FROM_MONTHS:
        steps.append(_t("steps.rest_as_year", rest=rest, limit=ROUND_UP_FROM_MONTHS))
    elif length.months_after_years or length.days:
        steps.append(_t("steps.rest_as_half", rest=rest, limit=ROUND_UP_FROM_MONTHS))
    steps.append(_t("steps.n", n=plain_number(months)))

    citations: list[Citation] = [texts.citation("contract_law_47")]
    warnings: list[str] = []
    notes: list[str] = []
    base, months_used = wage, months
    if local_average is not None:
        cap = CAP_MULTIPLE * local_average
        steps.append(_t("steps.cap", average=plain_number(local_average), cap=yuan(cap)))
        if wage > cap:
            base, months_used = cap, min(months, CAP_YEARS)
            steps.append(_t("steps.capped", wage=yuan(wage), cap=yuan(cap), years=CAP_YEARS))
        else:
            steps.append(_t("steps.not_capped", wage=yuan(wage), cap=yuan(cap)))
    elif wage > cap_screen():
        warnings.append(_t("warnings.cap_unknown"))

    n_amount = round_money(base * months_used)
    steps.append(
        _t(
            "steps.amount",
            base=plain_number(base),
            months=plain_number(months_used),
            amount=yuan(n_amount),
        )
    )
    if kind == UNLAWFUL:
        amount = n_amount * DAMAGES_MULTIPLE
        steps.append(_t("steps.double", n=f"{n_amount:.2f}", amount=yuan(amount)))
        result_lines = [
            _t("results.unlawful", amount=yuan(amount)),
            _t("results.unlawful_n", n=yuan(n_amount)),
        ]
        citations += [
            texts.citation("contract_law_87"),
            texts.citation("contract_law_48"),
            texts.citation("implementing_regs_25"),
        ]
        notes += [_t("notes.reinstatement"), _t("notes.damages_from_start")]
    else:
        amount = n_amount
        result_lines = [_t("results.economic", amount=yuan(amount))]
        citations += [texts.citation("contract_law_46"), texts.citation("contract_law_40")]
        notes += [_t("notes.when_n_applies"), _t("notes.notice_pay")]
        if start < CONTRACT_LAW_START:
            warnings.append(_t("warnings.before_2008", law_start=CONTRACT_LAW_START.isoformat()))
            citations.append(texts.citation("contract_law_97"))
    notes += [_t("notes.monthly_wage"), _t("notes.time_limit")]
    citations += [texts.citation("implementing_regs_27"), texts.citation("arbitration_27")]
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_t(f"formula.{kind}"),
        inputs=shown_inputs(SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(result_lines),
        amount=amount,
        citations=tuple(citations),
        warnings=tuple(warnings),
        notes=tuple(notes),
        related=("calc_notice_period",) if kind == ECONOMIC else ("calc_compensation",),
    )


def _wage_may_be_capped(inputs: Mapping[str, object]) -> bool:
    wage = inputs.get("monthly_wage")
    return isinstance(wage, Decimal) and wage > cap_screen()


_MIN_MONEY: Final = Decimal(1)
_MAX_MONEY: Final = Decimal(1_000_000)

SPEC: Final = CalculatorSpec(
    name=NAME,
    intent="calc_compensation",
    title_key=f"{NAME}.title",
    fields=(
        InputField(
            name="kind", kind="choice", prompt_key=f"{NAME}.kind", choices=(ECONOMIC, UNLAWFUL)
        ),
        InputField(
            name="start_date", kind="date", prompt_key=f"{NAME}.start_date", not_after_today=True
        ),
        InputField(
            name="end_date", kind="date", prompt_key=f"{NAME}.end_date", not_before="start_date"
        ),
        InputField(
            name="monthly_wage",
            kind="money",
            prompt_key=f"{NAME}.monthly_wage",
            min_value=_MIN_MONEY,
            max_value=_MAX_MONEY,
        ),
        InputField(
            name="local_avg_wage",
            kind="money",
            prompt_key=f"{NAME}.local_avg_wage",
            required=False,
            ask_when=(
                Derived("compensation.wage_may_be_capped", ("monthly_wage",), _wage_may_be_capped),
            ),
            min_value=_MIN_MONEY,
            max_value=_MAX_MONEY,
        ),
    ),
    compute=compute,
)
