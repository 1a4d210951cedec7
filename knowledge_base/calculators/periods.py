"""Probation limits by contract term (劳动合同法 第十九条) and notice periods (第三十七、四十条).

Probation: none for task-based contracts or terms under 3 months; at most 1 month for 3 months
to under 1 year; 2 months for 1 to under 3 years; 6 months for 3 years or more and open-ended.
Notice: a worker gives 30 days' written notice, 3 days in probation; an employer ending the
contract under 第四十条 gives 30 days' written notice or pays one extra month (last month's wage,
实施条例 第二十条).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import (
    CalculationResult,
    Citation,
    get_bool,
    get_optional_date,
    get_optional_decimal,
    get_optional_monthly,
    get_str,
    round_money,
)
from knowledge_base.calculators.spec import CalculatorSpec, field_value
from knowledge_base.calculators.texts import plain_number, yuan
from knowledge_base.forms.engine import shown_answers
from knowledge_base.forms.fields import Derived, InputField, When

# --------------------------------------------------------------------------- probation

PROBATION: Final = "probation"
FIXED_TERM: Final = "fixed_term"
OPEN_ENDED: Final = "open_ended"
TASK_BASED: Final = "task_based"
#: (term at least, in months; longest probation, in months) — 劳动合同法 第十九条.
PROBATION_TIERS: Final[tuple[tuple[Decimal, Decimal], ...]] = (
    (Decimal(36), Decimal(6)),
    (Decimal(12), Decimal(2)),
    (Decimal(3), Decimal(1)),
)
OPEN_ENDED_LIMIT: Final = Decimal(6)
_ZERO: Final = Decimal(0)


def probation_limit(contract_type: str, term_months: Decimal | None) -> Decimal:
    """Longest lawful probation in months (0 = no probation may be agreed)."""
    if contract_type == OPEN_ENDED:
        return OPEN_ENDED_LIMIT
    if contract_type == TASK_BASED or term_months is None:
        return _ZERO
    for term, limit in PROBATION_TIERS:
        if term_months >= term:
            return limit
    return _ZERO


def _p(key: str, /, **values: object) -> str:
    return texts.text(f"{PROBATION}.{key}", **values)


def compute_probation(inputs: Mapping[str, object]) -> CalculationResult:
    """The probation limit, and whether an agreed probation exceeds it (with 第八十三条 damages)."""
    contract_type = get_str(inputs, "contract_type")
    term = (
        field_value(PROBATION_SPEC, inputs, "contract_months")
        if contract_type == FIXED_TERM
        else None
    )
    limit = probation_limit(contract_type, term)
    agreed = get_optional_decimal(inputs, "agreed_months")
    citations: list[Citation] = [texts.citation("contract_law_19")]
    steps = [_p(f"steps.{contract_type}", term=plain_number(term) if term is not None else "")]
    lines = [_p("results.none") if limit == 0 else _p("results.limit", limit=plain_number(limit))]
    amount: Decimal | None = None
    if agreed is not None:
        if agreed > limit:
            excess = agreed - limit
            lines.append(
                _p("results.too_long", agreed=plain_number(agreed), excess=plain_number(excess))
            )
            citations.append(texts.citation("contract_law_83"))
            amount = _damages(inputs, limit, agreed, steps, lines)
        else:
            lines.append(_p("results.ok", agreed=plain_number(agreed)))
    citations += [texts.citation("contract_law_20"), texts.citation("contract_law_21")]
    return CalculationResult(
        calculator=PROBATION,
        title=texts.text(PROBATION_SPEC.title_key),
        formula=_p("formula"),
        inputs=shown_answers(PROBATION_SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(lines),
        amount=amount,
        citations=tuple(citations),
        notes=(
            _p("notes.once"),
            _p("notes.only_probation"),
            _p("notes.wage"),
            _p("notes.dismissal"),
        ),
        related=("calc_min_wage",),
    )


def _damages(
    inputs: Mapping[str, object],
    limit: Decimal,
    agreed: Decimal,
    steps: list[str],
    lines: list[str],
) -> Decimal | None:
    served = get_optional_decimal(inputs, "served_months")
    wage = get_optional_monthly(inputs, "regular_wage")
    if served is None or wage is None:
        lines.append(_p("results.damages_unknown"))
        return None
    over = max(_ZERO, min(served, agreed) - limit)
    amount = round_money(wage * over)
    steps.append(
        _p(
            "steps.damages",
            served=plain_number(served),
            limit=plain_number(limit),
            over=plain_number(over),
        )
    )
    steps.append(
        _p(
            "steps.damages_amount",
            wage=plain_number(wage),
            over=plain_number(over),
            amount=yuan(amount),
        )
    )
    lines.append(_p("results.damages", amount=yuan(amount)))
    return amount


def _probation_too_long(inputs: Mapping[str, object]) -> bool:
    agreed = inputs.get("agreed_months")
    if not isinstance(agreed, Decimal):
        return False
    term = inputs.get("contract_months")
    limit = probation_limit(
        str(inputs.get("contract_type")), term if isinstance(term, Decimal) else None
    )
    return agreed > limit


_TOO_LONG: Final = (Derived("probation.agreed_too_long", ("agreed_months",), _probation_too_long),)

PROBATION_SPEC: Final = CalculatorSpec(
    name=PROBATION,
    intent="calc_probation",
    title_key=f"{PROBATION}.title",
    fields=(
        InputField(
            name="contract_type",
            kind="choice",
            prompt_key=f"{PROBATION}.contract_type",
            choices=(FIXED_TERM, OPEN_ENDED, TASK_BASED),
        ),
        InputField(
            name="contract_months",
            kind="months",
            prompt_key=f"{PROBATION}.contract_months",
            ask_when=(When("contract_type", "eq", FIXED_TERM),),
            min_value=Decimal("0.5"),
            max_value=Decimal(600),
        ),
        InputField(
            name="agreed_months",
            kind="months",
            prompt_key=f"{PROBATION}.agreed_months",
            required=False,
            min_value=_ZERO,
            max_value=Decimal(60),
        ),
        InputField(
            name="served_months",
            kind="months",
            prompt_key=f"{PROBATION}.served_months",
            required=False,
            ask_when=_TOO_LONG,
            min_value=_ZERO,
            max_value=Decimal(60),
        ),
        InputField(
            name="regular_wage",
            kind="wage",
            prompt_key=f"{PROBATION}.regular_wage",
            required=False,
            ask_when=(*_TOO_LONG, When("served_months", "given")),
            units=("month",),
        ),
    ),
    compute=compute_probation,
)


# --------------------------------------------------------------------------- notice

NOTICE: Final = "notice_period"
WORKER_QUITS: Final = "worker_quits"
EMPLOYER_ENDS: Final = "employer_ends"
REASON_ART40: Final = "illness_incompetence_change"
REASON_ART39: Final = "misconduct"
REASON_LAYOFF: Final = "layoff"
REASON_OTHER: Final = "other"
#: Days of notice a worker gives (劳动合同法 第三十七条) and an employer gives (第四十条).
WORKER_NOTICE_DAYS: Final = 30
PROBATION_NOTICE_DAYS: Final = 3
EMPLOYER_NOTICE_DAYS: Final = 30


def _n(key: str, /, **values: object) -> str:
    return texts.text(f"{NOTICE}.{key}", **values)


def compute_notice(inputs: Mapping[str, object]) -> CalculationResult:
    """How much notice is due, by whom, and the notice pay when an employer skipped it."""
    if get_str(inputs, "who") == WORKER_QUITS:
        return _worker_notice(inputs)
    return _employer_notice(inputs)


def _worker_notice(inputs: Mapping[str, object]) -> CalculationResult:
    in_probation = get_bool(inputs, "in_probation")
    days = PROBATION_NOTICE_DAYS if in_probation else WORKER_NOTICE_DAYS
    lines = [_n("results.probation" if in_probation else "results.written", days=days)]
    steps: list[str] = []
    notice_date = get_optional_date(inputs, "notice_date")
    if notice_date is not None:
        leave = notice_date + dt.timedelta(days=days)
        steps.append(
            _n(
                "steps.leave_date",
                notice=notice_date.isoformat(),
                days=days,
                leave=leave.isoformat(),
            )
        )
        lines.append(_n("results.leave_date", leave=leave.isoformat()))
    notes = [_n("notes.no_approval"), _n("notes.keep_copy"), _n("notes.employer_fault")]
    citations = [
        texts.citation("contract_law_37"),
        texts.citation("contract_law_38"),
        texts.citation("contract_law_46"),
    ]
    return _notice_result(inputs, steps, lines, None, citations, notes, ("calc_compensation",))


def _employer_notice(inputs: Mapping[str, object]) -> CalculationResult:
    reason = get_str(inputs, "employer_reason")
    lines = [_n(f"results.{reason}", days=EMPLOYER_NOTICE_DAYS)]
    steps: list[str] = []
    notes: list[str] = []
    amount: Decimal | None = None
    citations: list[Citation] = []
    if reason == REASON_ART40:
        citations += [texts.citation("contract_law_40"), texts.citation("implementing_regs_20")]
        if not get_bool(inputs, "notified_30_days"):
            wage = get_optional_monthly(inputs, "last_month_wage")
            if wage is not None:
                amount = round_money(wage)
                steps.append(_n("steps.notice_pay", wage=yuan(amount)))
                lines.append(_n("results.notice_pay", amount=yuan(amount)))
            else:
                lines.append(_n("results.notice_pay_unknown"))
        citations.append(texts.citation("contract_law_46"))
    elif reason == REASON_ART39:
        citations += [texts.citation("contract_law_39"), texts.citation("contract_law_87")]
    elif reason == REASON_LAYOFF:
        citations += [texts.citation("contract_law_41"), texts.citation("contract_law_46")]
    else:
        citations += [texts.citation("contract_law_48"), texts.citation("contract_law_87")]
    notes.append(_n("notes.probation_dismissal"))
    citations.append(texts.citation("contract_law_21"))
    return _notice_result(inputs, steps, lines, amount, citations, notes, ("calc_compensation",))


def _notice_result(
    inputs: Mapping[str, object],
    steps: list[str],
    lines: list[str],
    amount: Decimal | None,
    citations: list[Citation],
    notes: list[str],
    related: tuple[str, ...],
) -> CalculationResult:
    return CalculationResult(
        calculator=NOTICE,
        title=texts.text(NOTICE_SPEC.title_key),
        formula=_n(
            "formula",
            worker=WORKER_NOTICE_DAYS,
            probation=PROBATION_NOTICE_DAYS,
            employer=EMPLOYER_NOTICE_DAYS,
        ),
        inputs=shown_answers(NOTICE_SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(lines),
        amount=amount,
        citations=tuple(citations),
        notes=tuple(notes),
        related=related,
    )


_WORKER: Final = (When("who", "eq", WORKER_QUITS),)
_EMPLOYER: Final = (When("who", "eq", EMPLOYER_ENDS),)
_ART40: Final = (*_EMPLOYER, When("employer_reason", "eq", REASON_ART40))

NOTICE_SPEC: Final = CalculatorSpec(
    name=NOTICE,
    intent="calc_notice_period",
    title_key=f"{NOTICE}.title",
    fields=(
        InputField(
            name="who",
            kind="choice",
            prompt_key=f"{NOTICE}.who",
            choices=(WORKER_QUITS, EMPLOYER_ENDS),
        ),
        InputField(
            name="in_probation", kind="bool", prompt_key=f"{NOTICE}.in_probation", ask_when=_WORKER
        ),
        InputField(
            name="notice_date",
            kind="date",
            prompt_key=f"{NOTICE}.notice_date",
            required=False,
            ask_when=_WORKER,
        ),
        InputField(
            name="employer_reason",
            kind="choice",
            prompt_key=f"{NOTICE}.employer_reason",
            choices=(REASON_ART40, REASON_ART39, REASON_LAYOFF, REASON_OTHER),
            ask_when=_EMPLOYER,
        ),
        InputField(
            name="notified_30_days",
            kind="bool",
            prompt_key=f"{NOTICE}.notified_30_days",
            ask_when=_ART40,
        ),
        InputField(
            name="last_month_wage",
            kind="wage",
            prompt_key=f"{NOTICE}.last_month_wage",
            required=False,
            ask_when=(*_ART40, When("notified_30_days", "eq", False)),
            units=("month",),
        ),
    ),
    compute=compute_notice,
)
