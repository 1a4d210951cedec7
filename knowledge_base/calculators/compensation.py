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
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.average_wage import monthly_from_total, typed_parts, wage_parts
from knowledge_base.calculators.base import (
    CalculationResult,
    Citation,
    InputError,
    ServiceLength,
    get_date,
    get_optional_decimal,
    get_str,
    get_wage,
    round_money,
    split_citations,
)
from knowledge_base.calculators.dates import Span, add_months, span
from knowledge_base.calculators.display import service_length_text
from knowledge_base.calculators.local_average import local_average_from_its_triple
from knowledge_base.calculators.min_wage_table import load_data
from knowledge_base.calculators.parsing import normalize, said_unnegated
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.calculators.tenure import (
    date_as_typed,
    entity_day,
    preceded_by,
    read_tenure,
)
from knowledge_base.calculators.texts import plain_number, yuan
from knowledge_base.forms.engine import shown_answers
from knowledge_base.forms.fields import TODAY, Derived, InputField, When
from nlu.pay_phrases import read_local_average
from nlu.types import Entity

NAME: Final = "compensation"
ECONOMIC: Final = "economic"
UNLAWFUL: Final = "unlawful"
UNDER_SIX: Final = "under_six"
SIX_OR_MORE: Final = "six_or_more"
NOTICE_PAY_OWED: Final = "owed"
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


def n_for_rest(years: Decimal, rest: Decimal) -> Decimal:
    """N for whole years plus a remainder in months: ≥ 6 counts as a year, less as half."""
    if rest >= ROUND_UP_FROM_MONTHS:
        return years + 1
    return years + HALF if rest > 0 else years


def length_months(length: ServiceLength, remainder: str | None) -> tuple[Decimal, Decimal | None]:
    """N from a length said without dates, and the top of the range when it is unsure.

    "Almost" (快五年) is read as a little under the length; "more" (一年多) as the length and
    some months, which the ``remainder`` answer (under six / six or more) settles; without it
    both values are returned.
    """
    years, rest = divmod(length.months, 12)
    if length.qualifier == "almost":
        if rest == 0:
            return years, None  # 快五年: four years and more than six months
        return (years + HALF, None) if rest <= ROUND_UP_FROM_MONTHS else (years + 1, None)
    if length.qualifier == "more":
        if rest == 0:
            if remainder == UNDER_SIX:
                return years + HALF, None
            if remainder == SIX_OR_MORE:
                return years + 1, None
            return years + HALF, years + 1
        return (years + 1, None) if rest >= ROUND_UP_FROM_MONTHS else (years + HALF, None)
    return n_for_rest(years, rest), None


def _t(key: str, /, **values: object) -> str:
    return texts.text(f"{NAME}.{key}", **values)


def _date_steps(start: dt.date, end: dt.date) -> tuple[list[str], Decimal]:
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
    return steps, months


def _length_steps(
    length: ServiceLength, remainder: str | None
) -> tuple[list[str], Decimal, Decimal | None]:
    said = service_length_text(length)
    years, rest = divmod(length.months, 12)
    steps = [_t("steps.length", length=said)]
    months, high = length_months(length, remainder)
    if length.qualifier == "almost":
        steps.append(_t("steps.almost", length=said))
    elif length.qualifier == "more" and rest == 0:
        if high is None:
            key = "steps.more_under" if remainder == UNDER_SIX else "steps.more_over"
            steps.append(_t(key, years=plain_number(years), limit=ROUND_UP_FROM_MONTHS))
        else:
            steps.append(
                _t(
                    "steps.more_unknown",
                    years=plain_number(years),
                    low=plain_number(months),
                    high=plain_number(high),
                    limit=ROUND_UP_FROM_MONTHS,
                )
            )
    elif years and length.qualifier == "exact":
        steps.append(_t("steps.full_years", years=plain_number(years)))
        rest_text = _t("steps.rest_months", months=plain_number(rest))
        if rest >= ROUND_UP_FROM_MONTHS:
            steps.append(_t("steps.rest_as_year", rest=rest_text, limit=ROUND_UP_FROM_MONTHS))
        elif rest > 0:
            steps.append(_t("steps.rest_as_half", rest=rest_text, limit=ROUND_UP_FROM_MONTHS))
    return steps, months, high


def _start_of(inputs: Mapping[str, object]) -> dt.date:
    """The start date, or one estimated from a length said without dates (for the 2008 rule)."""
    said = inputs.get("start_date")
    if isinstance(said, ServiceLength):
        today = get_date(inputs, TODAY)
        return add_months(today, -int(said.months))
    return get_date(inputs, "start_date")


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """N (or 2N) for the service period and wage, capped when the local average says so."""
    kind = get_str(inputs, "kind")
    said = inputs.get("start_date")
    high: Decimal | None = None
    exact_years = False
    if isinstance(said, ServiceLength):
        remainder = inputs.get("remainder")
        steps, months, high = _length_steps(said, remainder if isinstance(remainder, str) else None)
        exact_years = said.qualifier == "exact" and said.months % 12 == 0
    elif isinstance(said, dt.date):
        steps, months = _date_steps(said, get_date(inputs, "end_date"))
    else:
        raise InputError("start_date", "expected a date or a length of service")
    steps.append(_t("steps.n", n=plain_number(months)))
    wage_converted = wages.monthly(get_wage(inputs, "monthly_wage"))
    steps[0:0] = wage_converted.steps
    wage = wage_converted.amount
    local_average = get_optional_decimal(inputs, "local_avg_wage")

    citations: list[Citation] = [texts.citation("contract_law_47")]
    if kind == UNLAWFUL:
        citations.append(texts.citation("contract_law_87"))
    citations.append(texts.citation("implementing_regs_27"))
    if wage_converted.converted:
        citations.append(texts.citation("pay_days_notice"))
    warnings: list[str] = []
    notes: list[str] = []
    base, capped = wage, False
    if local_average is not None:
        cap = CAP_MULTIPLE * local_average
        steps.append(_t("steps.cap", average=plain_number(local_average), cap=yuan(cap)))
        if wage > cap:
            base, capped = cap, True
            steps.append(_t("steps.capped", wage=yuan(wage), cap=yuan(cap), years=CAP_YEARS))
        else:
            steps.append(_t("steps.not_capped", wage=yuan(wage), cap=yuan(cap)))
    elif wage > cap_screen():
        warnings.append(_t("warnings.cap_unknown"))

    def n_used(n: Decimal) -> Decimal:
        return min(n, CAP_YEARS) if capped else n

    months_used = n_used(months)
    n_amount = round_money(base * months_used)
    steps.append(
        _t(
            "steps.amount",
            base=plain_number(base),
            months=plain_number(months_used),
            amount=yuan(n_amount),
        )
    )
    multiple = DAMAGES_MULTIPLE if kind == UNLAWFUL else Decimal(1)
    amount = n_amount * multiple
    amount_high = None
    if high is not None:
        amount_high = round_money(base * n_used(high)) * multiple
    if kind == UNLAWFUL:
        steps.append(_t("steps.double", n=f"{n_amount:.2f}", amount=yuan(amount)))
        result_lines = [
            _t("results.unlawful", amount=yuan(amount)),
            _t("results.unlawful_n", n=yuan(n_amount)),
        ]
        citations += [texts.citation("contract_law_48"), texts.citation("implementing_regs_25")]
        notes += [_t("notes.reinstatement"), _t("notes.damages_from_start")]
    elif inputs.get("notice_pay") == NOTICE_PAY_OWED:
        # 第四十条: dismissed without 30 days' written notice, one more month's wage.
        compensation = amount
        amount = compensation + wage
        steps.append(_t("steps.notice_pay", wage=yuan(wage)))
        steps.append(
            _t(
                "steps.with_notice_pay",
                compensation=yuan(compensation),
                notice=yuan(wage),
                amount=yuan(amount),
            )
        )
        if amount_high is not None:
            amount_high += wage
        result_lines = [
            _t("results.with_notice_pay", amount=yuan(amount), notice=yuan(wage)),
            _t("results.economic", amount=yuan(compensation)),
        ]
        citations += [texts.citation("contract_law_40"), texts.citation("contract_law_46")]
        notes.append(_t("notes.when_n_applies"))
    else:
        result_lines = [_t("results.economic", amount=yuan(amount))]
        citations += [texts.citation("contract_law_46"), texts.citation("contract_law_40")]
        notes += [_t("notes.when_n_applies"), _t("notes.notice_pay")]
    if kind != UNLAWFUL and _start_of(inputs) < CONTRACT_LAW_START:
        warnings.append(_t("warnings.before_2008", law_start=CONTRACT_LAW_START.isoformat()))
        citations.append(texts.citation("contract_law_97"))
    if amount_high is not None:
        result_lines.insert(0, _t("results.range", low=yuan(amount), high=yuan(amount_high)))
    if exact_years:
        more = round_money(base * n_used(months + HALF))
        result_lines.append(
            _t("results.if_some_days", n=plain_number(months + HALF), amount=yuan(more * multiple))
        )
    notes += [_t("notes.monthly_wage"), _t("notes.time_limit")]
    citations.append(texts.citation("arbitration_27"))
    short, further = split_citations(citations)
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_t(f"formula.{kind}"),
        inputs=shown_answers(SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(result_lines),
        amount=amount,
        amount_high=amount_high,
        citations=short,
        further_citations=further,
        warnings=tuple(warnings),
        notes=tuple(notes),
        related=("calc_notice_period",) if kind == ECONOMIC else ("calc_compensation",),
    )


def _wage_may_be_capped(inputs: Mapping[str, object]) -> bool:
    wage = inputs.get("monthly_wage")
    if wage is None:
        return False
    try:
        monthly = wages.monthly(get_wage(inputs, "monthly_wage")).amount
    except (InputError, ValueError):
        return False
    return monthly > cap_screen()


def _started_on_a_date(inputs: Mapping[str, object]) -> bool:
    return isinstance(inputs.get("start_date"), dt.date)


def _whole_years_and_more(inputs: Mapping[str, object]) -> bool:
    said = inputs.get("start_date")
    return isinstance(said, ServiceLength) and said.qualifier == "more" and said.months % 12 == 0


def _prompt_vars(inputs: Mapping[str, object]) -> Mapping[str, str]:
    said = inputs.get("start_date")
    return {"length": service_length_text(said)} if isinstance(said, ServiceLength) else {}


#: A first day and a last day: the two dates of a time at one employer.
_TWO_DAYS: Final = 2


def _end_this_year(text: str, entities: Sequence[Entity], today: dt.date) -> str | None:
    """今年7月1号进厂，做到11月10号: a last day told without its year after a first day of this
    year is this year's too; so is one after an earlier year's first day when 今年 is said
    between them (2018年4月1号进的厂，今年 … 10月31号就让我走了). Otherwise a first day of an
    earlier year leaves the year to ask."""
    dates = sorted((e for e in entities if e.entity == "date"), key=lambda e: e.start)
    if len(dates) != _TWO_DAYS:
        return None
    start, end = (entity_day(day, today) for day in dates)
    if start is None or end is None:
        return None
    this_year = texts.words(f"{NAME}.message.this_year_words")
    said_between = text[dates[0].end : dates[1].start]
    told_this_year = _YEAR_MARK not in dates[1].text and any(w in said_between for w in this_year)
    if start.year != today.year and not (told_this_year and end.year == today.year):
        return None
    return end.isoformat() if start <= end <= today else None


def _message_facts(text: str, entities: Sequence[Entity], today: dt.date) -> dict[str, str]:
    """The last 12 months' wage told in parts (前6个月每月4000 后6个月每月5000), as typed at the
    wage question (its average is worked out there), or as their total (12个月加起来一共64800),
    the local average wage said (当地上年度职工月平均工资是11000), a last day told without
    its year after a first day of this year, and a dismissal said to happen today (今天被辞退了,
    老板叫我明天别来了: the last day is today) when the message names no other day for it."""
    facts: dict[str, str] = {}
    parts = wage_parts(text)
    total = monthly_from_total(text) if parts is None else None
    if parts is not None:
        facts["monthly_wage"] = typed_parts(parts)
    elif total is not None:  # 最后12个月工资加起来一共64800: 5400 a month
        facts["monthly_wage"] = f"{total}"
    local = read_local_average(text)
    triple = local_average_from_its_triple(text) if local is None else None
    if local is not None or triple is not None:
        facts["local_avg_wage"] = str(local if local is not None else triple)
    if _notice_pay_owed(text):
        facts["notice_pay"] = texts.choice_entry(f"{NAME}.notice_pay", NOTICE_PAY_OWED)["match"][0]
    return facts | _last_day(text, entities, today)


def _notice_pay_owed(text: str) -> bool:
    """The message says the extra month of 第四十条 is owed (没提前30天通知, 代通知金)."""
    norm = normalize(text)
    words = texts.words(f"{NAME}.message.notice_pay_words")
    return any(said_unnegated(normalize(word), norm) for word in words)


def _last_day(text: str, entities: Sequence[Entity], today: dt.date) -> dict[str, str]:
    """The last day as the message tells it (and, beside today, the first), or nothing."""
    end = _end_this_year(text, entities, today)
    if end is not None:
        return {"end_date": end}
    worked = _joined_and_worked_until(text, entities, today)
    if worked is not None:
        return worked
    # 老板今天（12月7号）叫我明天别来了 … 2021年4月15号入职: the day said beside 今天 is today,
    # the one other day the first. Two other days (进厂 … 2024年9月1号说明天不用来了): the
    # dismissal has its own day, left to the dates.
    days = [e for e in entities if e.entity == "date"]
    others = [e for e in days if entity_day(e, today) != today]
    if len(others) > 1:
        return {}
    # 今天被辞退了: the leaving reading shared by the calculators (tenure) tells the day.
    left_today = read_tenure(text, entities, today).left_on == today
    if not (left_today or _ends_today(text)):
        return {}
    said = {"end_date": today.isoformat()}
    if len(others) == 1 and len(days) == len(others) + 1:
        said["start_date"] = date_as_typed(others[0])
    return said


def _joined_and_worked_until(
    text: str, entities: Sequence[Entity], today: dt.date
) -> dict[str, str] | None:
    """The day of joining (2023年7月1号进去的) and the day worked until after it (做到10月31号),
    wherever other days stand in the message (今年10月底直接关门了 said first)."""
    joined = read_tenure(text, entities, today).joined
    if joined is None:
        return None
    until = texts.words(f"{NAME}.message.until_words")
    for entity in entities:
        # A day without its year after an earlier year's first day is asked (which year?).
        dated = entity.entity == "date" and (_YEAR_MARK in entity.text or joined.year == today.year)
        if not dated or not preceded_by(entity, text, until, _UNTIL_REACH):
            continue
        last = entity_day(entity, today)
        if last is not None and joined < last <= today:
            return {"start_date": joined.isoformat(), "end_date": last.isoformat()}
    return None


#: The until word (一直干到) ends at most this many characters before the day.
_UNTIL_REACH: Final = 5
_YEAR_MARK: Final = "年"


def _ends_today(text: str) -> bool:
    """The message says the dismissal happens today in words the leaving reading does not
    hold (老板叫我明天别来了, 今天把我炒了)."""
    norm = normalize(text)
    words = texts.words(f"{NAME}.message.ends_today")
    return any(said_unnegated(normalize(word), norm) for word in words)


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
            name="start_date",
            kind="date_or_length",
            prompt_key=f"{NAME}.start_date",
            not_after_today=True,
        ),
        InputField(
            name="end_date",
            kind="date",
            prompt_key=f"{NAME}.end_date",
            not_before="start_date",
            ask_when=(Derived(f"{NAME}.started_on_a_date", ("start_date",), _started_on_a_date),),
        ),
        InputField(
            name="remainder",
            kind="choice",
            prompt_key=f"{NAME}.remainder",
            choices=(UNDER_SIX, SIX_OR_MORE),
            required=False,
            ask_when=(
                Derived(f"{NAME}.whole_years_and_more", ("start_date",), _whole_years_and_more),
            ),
        ),
        InputField(
            name="monthly_wage",
            kind="wage",
            prompt_key=f"{NAME}.monthly_wage",
        ),
        InputField(
            name="notice_pay",
            kind="choice",
            prompt_key=f"{NAME}.notice_pay",
            choices=(NOTICE_PAY_OWED,),
            required=False,
            prefill_only=True,
            ask_when=(When("kind", "eq", ECONOMIC),),
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
    prompt_vars=_prompt_vars,
    message_facts=_message_facts,
    average_wages=("monthly_wage",),
    prefill_fields={
        "wage": "monthly_wage",
        "money": "monthly_wage",
        "service_length": "start_date",
    },
    topic="economic_compensation",
)
