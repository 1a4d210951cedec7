"""Double wages for working without a written contract (劳动合同法 第八十二条).

The extra month's wage is owed from the day after the first month of work (用工之日起满一个月的
次日) up to the day before a contract is signed, and at most up to the day before the first
anniversary (实施条例 第六条、第七条): 11 months at most. From the anniversary the law deems an
open-ended contract signed (第十四条第三款), and no double wage is owed for that time
(解释（二）第九条). A last part-month counts by the days actually worked (解释（二）第六条),
at the daily wage monthly ÷ 21.75.

Day convention (stated in the result): the first month runs from the start day to the day
before the same date next month; so a start on 1 March gives double wages from 1 April to the
last day of February next year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.base import (
    CalculationResult,
    Citation,
    CountedBackDate,
    MonthDate,
    get_date,
    get_str,
    round_money,
    split_citations,
)
from knowledge_base.calculators.dates import ONE_DAY, add_months, inclusive_days
from knowledge_base.calculators.parsing import normalize, parse_date
from knowledge_base.calculators.spec import CalculatorSpec, field_value
from knowledge_base.calculators.tenure import (
    clauses,
    date_before,
    read_tenure,
    typed_date,
    whole_months_here,
    whole_months_said,
)
from knowledge_base.calculators.texts import plain_number, yuan
from knowledge_base.calculators.wages import PAY_DAYS_PER_MONTH
from knowledge_base.forms.engine import shown_answers
from knowledge_base.forms.fields import Derived, InputField, When
from knowledge_base.forms.spec import Parsed
from nlu.types import Entity

NAME: Final = "double_wage"
SIGNED: Final = "signed"
NEVER: Final = "never"
MAX_MONTHS: Final = 11


@dataclass(frozen=True)
class DoubleWagePeriod:
    """Which months count: whole months (from, to) and an optional last part-month."""

    start: dt.date
    first_day: dt.date  # 满一个月的次日
    anniversary: dt.date  # 满一年的当日: from here a contract is deemed signed
    stop: dt.date  # last day the worker asked about (day before signing, or end date)
    full_months: tuple[tuple[dt.date, dt.date], ...]
    part_month: tuple[dt.date, dt.date] | None

    @property
    def last_day(self) -> dt.date:
        """Last day that counts (day before the anniversary at the latest)."""
        return min(self.stop, self.anniversary - ONE_DAY)

    @property
    def empty(self) -> bool:
        """True when no day counts."""
        return not self.full_months and self.part_month is None

    @property
    def capped(self) -> bool:
        """True when the one-year limit, not the worker's date, ends the period."""
        return self.stop >= self.anniversary


def double_wage_period(start: dt.date, stop: dt.date) -> DoubleWagePeriod:
    """The months that count for work from ``start`` without a contract up to ``stop``
    (inclusive: the day before signing, or the last day asked about)."""
    anniversary = add_months(start, 12)
    last = min(stop, anniversary - ONE_DAY)
    full: list[tuple[dt.date, dt.date]] = []
    part: tuple[dt.date, dt.date] | None = None
    for month in range(1, MAX_MONTHS + 1):
        begin = add_months(start, month)
        finish = add_months(start, month + 1) - ONE_DAY
        if begin > last:
            break
        if finish <= last:
            full.append((begin, finish))
        else:
            part = (begin, last)
            break
    return DoubleWagePeriod(start, add_months(start, 1), anniversary, stop, tuple(full), part)


def _stop(inputs: Mapping[str, object]) -> dt.date:
    if get_str(inputs, "contract_status") == SIGNED:
        return get_date(inputs, "signed_date") - ONE_DAY
    return get_date(inputs, "end_date")


def _period(inputs: Mapping[str, object]) -> DoubleWagePeriod:
    return double_wage_period(get_date(inputs, "start_date"), _stop(inputs))


def _stop_known(inputs: Mapping[str, object]) -> bool:
    """Both ends of the period are known: the start, and the day signed or the last day (a
    message may give the day signed before the start is asked: 到7月1号才签)."""
    status = inputs.get("contract_status")
    stop = (status == SIGNED and "signed_date" in inputs) or (
        status == NEVER and "end_date" in inputs
    )
    return stop and "start_date" in inputs


def _owes_something(inputs: Mapping[str, object]) -> bool:
    return _stop_known(inputs) and not _period(inputs).empty


def _has_part_month(inputs: Mapping[str, object]) -> bool:
    return _stop_known(inputs) and _period(inputs).part_month is not None


def _t(key: str, /, **values: object) -> str:
    return texts.text(f"{NAME}.{key}", **values)


def _end_reason(inputs: Mapping[str, object], period: DoubleWagePeriod) -> str:
    if period.capped:
        return _t("steps.end_capped", last=period.last_day.isoformat(), months=MAX_MONTHS)
    if get_str(inputs, "contract_status") == SIGNED:
        return _t("steps.end_signed", last=period.stop.isoformat())
    if isinstance(period.start, CountedBackDate):  # 干了10个月就走了: no day said
        return _t("steps.end_counted_back", last=period.stop.isoformat())
    return _t("steps.end_date", last=period.stop.isoformat())


def _message_facts(text: str, entities: Sequence[Entity], today: dt.date) -> dict[str, str]:
    """Still working here, the period runs to today; a length said of this employer
    (进厂5个月了) counts the start back from today. Left, it runs to the day of leaving when
    said (上个月底走了), and the start is asked. A day asked for (算到上个月月底为止) ends it."""
    facts = _tenure_facts(text, entities, today)
    until = _until(text, today)
    return facts if until is None else {**facts, "end_date": until}


def _until(text: str, today: dt.date) -> str | None:
    """The day a message asks to count to (算到上个月月底为止), as typed."""
    for clause in clauses(text):
        norm = normalize(clause)
        for before in texts.words(f"{NAME}.message.until_before"):
            start = norm.find(before)
            if start < 0:
                continue
            said = norm[start + len(before) :]
            for after in texts.words(f"{NAME}.message.until_after"):
                said = said.split(after)[0]
            outcome = parse_date(said, today)
            if isinstance(outcome, Parsed) and isinstance(outcome.value, dt.date):
                return typed_date(outcome.value)
    return None


def _tenure_facts(text: str, entities: Sequence[Entity], today: dt.date) -> dict[str, str]:
    tenure = read_tenure(text, entities, today)
    facts: dict[str, str] = {}
    if tenure.joined is not None:  # 3月1号进厂的, beside another date (到7月1号才签)
        facts["start_date"] = typed_date(tenure.joined)
    signed = date_before(entities, text, today, f"{NAME}.message.signed_words", after=tenure.joined)
    if signed is not None:
        facts["signed_date"] = typed_date(signed)
    if tenure.left:
        if tenure.left_on is not None:
            facts["end_date"] = typed_date(tenure.left_on)
            months = whole_months_here(tenure.length, text, entities, exact=True)
            day_known = not isinstance(tenure.left_on, MonthDate)  # not 上个月走了
            if tenure.joined is None and signed is None and months and day_known:
                # 正好干满7个月 … 上个月底走的: the start is the length back from the last day.
                start = add_months(tenure.left_on + ONE_DAY, -months)
                facts["start_date"] = typed_date(start)
        elif tenure.joined is None and signed is None:
            # 干了10个月就辞职了: only the length. Counted back from today its whole months
            # are the same (min(months − 1, 11) of double wages).
            length = whole_months_said(tenure.length, text, entities)
            if length is not None:
                facts["start_date"], facts["end_date"] = f"{length}前", "今天"
        return facts
    if tenure.joined is None and tenure.length is not None:
        facts["start_date"] = f"{tenure.length}前"
    elif tenure.joined is None and (length := whole_months_said(None, text, entities)):
        facts["start_date"] = f"{length}前"  # 我返咗7个月工: the one length said
    if "start_date" in facts or any(e.entity == "date" for e in entities):
        facts["end_date"] = "今天"
    return facts


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """The extra (second) month's wages owed, month by month."""
    start = get_date(inputs, "start_date")
    status = get_str(inputs, "contract_status")
    period = _period(inputs)
    citations: list[Citation] = [
        texts.citation("contract_law_82"),
        texts.citation("implementing_regs_6"),
        texts.citation("implementing_regs_7"),
        texts.citation("interpretation2_6"),
    ]
    steps = [
        _t(
            "steps.grace",
            start=start.isoformat(),
            grace_end=(period.first_day - ONE_DAY).isoformat(),
        )
    ]
    warnings: list[str] = []
    notes = [_t("notes.what_double_means")]
    lines: list[str] = []
    amount = Decimal(0)

    if period.empty:
        lines.append(_t("results.nothing"))
        if status == SIGNED:
            steps.append(
                _t("steps.signed_in_time", signed=get_date(inputs, "signed_date").isoformat())
            )
    else:
        converted = wages.monthly_input(inputs, "monthly_wage", steps)
        wage = converted.amount
        if converted.converted:
            citations.append(texts.citation("pay_days_notice"))
        steps.append(_t("steps.from", first=period.first_day.isoformat()))
        steps.append(_end_reason(inputs, period))
        for number, (begin, finish) in enumerate(period.full_months, start=1):
            steps.append(
                _t("steps.month", n=number, begin=begin.isoformat(), end=finish.isoformat())
            )
        parts: list[Decimal] = []
        if period.full_months:
            whole = round_money(wage * len(period.full_months))
            parts.append(whole)
            steps.append(
                _t(
                    "steps.whole",
                    wage=plain_number(wage),
                    n=len(period.full_months),
                    amount=yuan(whole),
                )
            )
        if period.part_month is not None:
            part = _part_month_pay(inputs, wage, period.part_month, steps)
            parts.append(part)
            citations.append(texts.citation("pay_days_notice"))
        amount = sum(parts, Decimal(0))
        if len(parts) > 1:
            steps.append(
                _t("steps.total", parts=" + ".join(f"{p:.2f}" for p in parts), total=yuan(amount))
            )
        lines.append(_t("results.amount", amount=yuan(amount)))
        lines.append(
            _t(
                "results.period",
                first=period.first_day.isoformat(),
                last=period.last_day.isoformat(),
                months=len(period.full_months),
                part=_t("results.and_part") if period.part_month else "",
            )
        )
        notes.append(_t("notes.wage_base"))
        warnings.append(_t("warnings.time_limit"))
        citations.append(texts.citation("arbitration_27"))
    if status == NEVER and get_date(inputs, "end_date") >= period.anniversary:
        notes.append(_t("notes.deemed_open_ended", anniversary=period.anniversary.isoformat()))
        citations += [texts.citation("contract_law_14_3"), texts.citation("interpretation2_9")]
    elif status == SIGNED and period.capped:
        notes.append(_t("notes.deemed_then_signed", anniversary=period.anniversary.isoformat()))
        citations += [texts.citation("contract_law_14_3"), texts.citation("interpretation2_9")]
    notes.append(_t("notes.own_fault"))
    citations.append(texts.citation("interpretation2_7"))
    short, further = split_citations(citations)
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_t("formula", max_months=MAX_MONTHS, pay_days=plain_number(PAY_DAYS_PER_MONTH)),
        inputs=shown_answers(SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(lines),
        amount=amount,
        citations=short,
        further_citations=further,
        warnings=tuple(warnings),
        notes=tuple(notes),
        related=("calc_compensation",),
    )


def _part_month_pay(
    inputs: Mapping[str, object], wage: Decimal, part: tuple[dt.date, dt.date], steps: list[str]
) -> Decimal:
    days = field_value(SPEC, inputs, "part_month_days")
    days = min(days, Decimal(inclusive_days(*part)))
    daily = round_money(wage / PAY_DAYS_PER_MONTH)
    pay = round_money(daily * days)
    steps.append(
        _t(
            "steps.part",
            begin=part[0].isoformat(),
            end=part[1].isoformat(),
            days=plain_number(days),
            wage=plain_number(wage),
            pay_days=plain_number(PAY_DAYS_PER_MONTH),
            daily=f"{daily:.2f}",
            pay=yuan(pay),
        )
    )
    if pay > wage:
        # A part-month can never be worth more than a whole one.
        steps.append(_t("steps.part_capped", wage=yuan(wage)))
        return round_money(wage)
    return pay


def _prompt_vars(inputs: Mapping[str, object]) -> Mapping[str, str]:
    part = _period(inputs).part_month if _stop_known(inputs) else None
    if part is None:
        return {}
    return {
        "part_begin": part[0].isoformat(),
        "part_end": part[1].isoformat(),
        "part_days": str(inclusive_days(*part)),
    }


def _cross_check(
    field: str, value: object, answers: Mapping[str, object]
) -> tuple[str, Mapping[str, str]] | None:
    if field == "part_month_days" and isinstance(value, Decimal) and _has_part_month(answers):
        part = _period(answers).part_month
        if part is not None and value > inclusive_days(*part):
            return "more_than_days", {"days": str(inclusive_days(*part))}
    return None


SPEC: Final = CalculatorSpec(
    name=NAME,
    intent="calc_double_wage",
    title_key=f"{NAME}.title",
    fields=(
        InputField(
            name="start_date", kind="date", prompt_key=f"{NAME}.start_date", not_after_today=True
        ),
        InputField(
            name="contract_status",
            kind="choice",
            prompt_key=f"{NAME}.contract_status",
            choices=(SIGNED, NEVER),
        ),
        InputField(
            name="signed_date",
            kind="date",
            prompt_key=f"{NAME}.signed_date",
            ask_when=(When("contract_status", "eq", SIGNED),),
            not_after_today=True,
        ),
        InputField(
            name="end_date",
            kind="date",
            prompt_key=f"{NAME}.end_date",
            ask_when=(When("contract_status", "eq", NEVER),),
            not_before="start_date",
        ),
        InputField(
            name="monthly_wage",
            kind="wage",
            prompt_key=f"{NAME}.monthly_wage",
            ask_when=(
                Derived(
                    "double_wage.owes_something", ("start_date", "contract_status"), _owes_something
                ),
            ),
        ),
        InputField(
            name="part_month_days",
            kind="days",
            prompt_key=f"{NAME}.part_month_days",
            ask_when=(
                Derived(
                    "double_wage.has_part_month", ("start_date", "contract_status"), _has_part_month
                ),
            ),
            min_value=Decimal(0),
            max_value=Decimal(31),
        ),
    ),
    compute=compute,
    prompt_vars=_prompt_vars,
    cross_check=_cross_check,
    message_facts=_message_facts,
)
