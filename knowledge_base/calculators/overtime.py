"""Overtime pay: weekday 150 %, rest day 200 % (unless compensatory leave), holiday 300 %.

Pay is taken in the unit the worker says it (month, day, hour or piece). Hourly pay = monthly
÷ 21.75 ÷ 8, or daily ÷ 8; daily pay = monthly ÷ 21.75 (劳社部发[2008]3号). Rest-day and
holiday work given in whole days is paid on the daily wage (工资支付暂行规定 第十三条: "日或小时
工资标准"); everything else on the hourly wage, which keeps four decimals when cents do not hold
it (see ``wages``) so every working line can still be checked with a pocket calculator.
Piece rates are not converted: overtime is paid at 150 / 200 / 300 % of the piece price, which
the result says.

Working time may be a total ("16小时", "3天") or a rate with a count ("每天3个钟" × days,
"一周干六天" × weeks); a working day is 8 hours and a working week 5 days / 40 hours
(国务院关于职工工作时间的规定 第三条) unless the worker said how long their day is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.base import (
    ALL_WAGE_UNITS,
    CalculationResult,
    Citation,
    InputError,
    Wage,
    WorkTime,
    get_decimal,
    get_optional_work_time,
    get_wage,
    round_money,
    split_citations,
)
from knowledge_base.calculators.comp_leave import comp_leave_said
from knowledge_base.calculators.display import work_time_text
from knowledge_base.calculators.overtime_paid import overtime_paid_said
from knowledge_base.calculators.parsing import parse_work_time
from knowledge_base.calculators.spec import CalculatorSpec
from knowledge_base.calculators.texts import plain_number, yuan
from knowledge_base.calculators.wages import HOURS_PER_DAY, PAY_DAYS_PER_MONTH
from knowledge_base.calculators.weeks_worked import (
    week_facts,
    weekdays_of_one_week,
    weeks_of_the_month_named,
)
from knowledge_base.forms.engine import shown_answers
from knowledge_base.forms.fields import Derived, InputField
from knowledge_base.forms.spec import Parsed
from nlu.phrase_facts import WorkTimeFact
from nlu.types import Entity

__all__ = ["HOURS_PER_DAY", "PAY_DAYS_PER_MONTH"]  # kept here for older imports

NAME: Final = "overtime"
#: Percent of the hourly (or daily) wage (劳动法 第四十四条).
RATE_WEEKDAY: Final = Decimal(150)
RATE_REST_DAY: Final = Decimal(200)
RATE_HOLIDAY: Final = Decimal(300)
#: 劳动法 第四十一条: overtime may not exceed 36 hours a month.
MONTHLY_OVERTIME_LIMIT: Final = Decimal(36)
#: 国务院关于职工工作时间的规定 第三条: 8 hours a day, 40 hours (5 days) a week.
WORK_DAYS_PER_WEEK: Final = Decimal(5)
HOURS_PER_WEEK: Final = Decimal(40)
#: No month has more than 23 days from Monday to Friday (a 31-day month starting on a Monday).
MAX_WEEKDAYS_IN_MONTH: Final = Decimal(23)
#: 月休2天: a month is counted as four weeks of two rest days (fewer than a year's 104 / 12).
REST_DAYS_IN_FOUR_WEEKS: Final = Decimal(8)
#: The same four weeks' weekdays: 月休2天 means every one of them was worked.
WEEKDAYS_IN_FOUR_WEEKS: Final = Decimal(20)
DAYS_PER_WEEK: Final = Decimal(7)

Kind = Literal["weekday", "rest_day", "holiday"]
RATES: Final[dict[Kind, Decimal]] = {
    "weekday": RATE_WEEKDAY,
    "rest_day": RATE_REST_DAY,
    "holiday": RATE_HOLIDAY,
}
_MAX_HOURS: Final = Decimal(5000)
_MAX_COUNT: Final = Decimal(400)
_ZERO: Final = Decimal(0)


def hourly_wage(monthly_wage: Decimal) -> Decimal:
    """Monthly wage ÷ 21.75 ÷ 8, rounded half up to four places."""
    return wages.hourly(Wage(monthly_wage, "month")).amount


def overtime_pay(hourly: Decimal, rate_percent: Decimal, hours: Decimal) -> Decimal:
    """Hourly (or daily) wage × rate × hours (or days), rounded half up to cents."""
    return round_money(hourly * rate_percent / 100 * hours)


def _t(key: str, /, **values: object) -> str:
    return texts.text(f"{NAME}.{key}", **values)


def _label(kind: Kind) -> str:
    return texts.field_text(f"{NAME}.{kind}_hours", "label")


# --------------------------------------------------------------------------- working time


@dataclass
class _Time:
    """One kind of overtime as hours, or as whole days paid on the daily wage."""

    hours: Decimal = _ZERO
    days: Decimal | None = None
    steps: list[str] = field(default_factory=list)
    used_standard_day: bool = False

    @property
    def as_hours(self) -> Decimal:
        return self.hours if self.days is None else self.days * HOURS_PER_DAY


def day_length(inputs: Mapping[str, object]) -> Decimal | None:
    """Hours of a working day, when the worker said it (每天做12个钟)."""
    weekday = get_optional_work_time(inputs, "weekday_hours")
    if (
        weekday is not None
        and (weekday.base, weekday.unit, weekday.per) == ("work", "h", "day")
        and weekday.amount > 0
    ):
        return weekday.amount
    return None


def _count(inputs: Mapping[str, object], name: str) -> Decimal:
    return get_decimal(inputs, name)


def _days_to_time(kind: Kind, days: Decimal, inputs: Mapping[str, object]) -> _Time:
    length = day_length(inputs)
    if length is None or length == HOURS_PER_DAY:
        return _Time(days=days)  # whole days: paid on the daily wage, no hours assumed
    hours = days * length
    step = _t(
        "time.days_to_hours",
        label=_label(kind),
        days=plain_number(days),
        day_hours=plain_number(length),
        hours=plain_number(hours),
    )
    return _Time(hours=hours, steps=[step])


#: Weekday time said per day or per week: the count to ask, the standard working time it is
#: measured against when the worker gave all working time (每天做12个钟), and the step texts.
_WEEKDAY_RATES: Final = {
    "day": ("weekday_days", HOURS_PER_DAY, "per_day", "work_day"),
    "week": ("weekday_weeks", HOURS_PER_WEEK, "per_week", "work_week"),
}


def _weekday_time(said: WorkTime, inputs: Mapping[str, object]) -> _Time:
    if said.per not in _WEEKDAY_RATES:
        return _Time(hours=said.amount)
    count_field, standard, overtime_key, work_key = _WEEKDAY_RATES[str(said.per)]
    if _within_standard(said):
        step = _t(
            "time.work_day_within",
            label=_label("weekday"),
            amount=plain_number(said.amount),
            limit=plain_number(standard),
        )
        return _Time(hours=_ZERO, steps=[step], used_standard_day=True)
    steps: list[str] = []
    implied = _weekdays_implied(inputs) if count_field not in inputs else None
    if implied is not None:
        count = implied
        steps.append(
            _t("time.month_off_weekdays", label=_label("weekday"), days=plain_number(count))
        )
    else:
        count = _count(inputs, count_field)
    work = said.base == "work"
    extra = max(said.amount - standard, _ZERO) if work else said.amount
    hours = extra * count
    step = _t(
        f"time.{work_key if work else overtime_key}",
        label=_label("weekday"),
        amount=plain_number(said.amount),
        limit=plain_number(standard),
        extra=plain_number(extra),
        count=plain_number(count),
        hours=plain_number(hours),
    )
    return _Time(hours=hours, steps=[*steps, step], used_standard_day=work)


def _within_standard(said: WorkTime) -> bool:
    """每天上班8小时: a weekday's whole working time within the standard day, no overtime
    (so the number of days does not matter)."""
    within = said.unit == "h" and said.amount <= HOURS_PER_DAY
    return said.base == "work" and said.per == "day" and within


def _weekdays_implied(inputs: Mapping[str, object]) -> Decimal | None:
    """月休2天 with weekday time said per day: every weekday of the four weeks was worked."""
    said = _said(inputs, "rest_day_hours")
    if said is None or said.base != "off" or said.per != "month":
        return None
    return WEEKDAYS_IN_FOUR_WEEKS


def _days_off_time(kind: Kind, said: WorkTime, inputs: Mapping[str, object]) -> _Time:
    """月休2天 / 每周休一天: the rest days not taken off were worked."""
    label = _label(kind)
    if said.per == "week":  # 每周休一天 is 一周干六天
        work = DAYS_PER_WEEK - said.amount
        time = _rest_or_holiday_time(kind, WorkTime(work, "d", "week", "work"), inputs)
        step = _t(
            "time.week_off",
            label=label,
            off=plain_number(said.amount),
            work=plain_number(work),
        )
        time.steps.insert(0, step)
        return time
    days = max(REST_DAYS_IN_FOUR_WEEKS - said.amount, _ZERO)
    step = _t(
        "time.month_off",
        label=label,
        off=plain_number(said.amount),
        rest_days=plain_number(REST_DAYS_IN_FOUR_WEEKS),
        days=plain_number(days),
    )
    time = _days_to_time(kind, days, inputs)
    time.steps.insert(0, step)
    return time


def _rest_or_holiday_time(kind: Kind, said: WorkTime, inputs: Mapping[str, object]) -> _Time:
    label = _label(kind)
    if said.base == "off":
        return _days_off_time(kind, said, inputs)
    if said.per in (None, "month"):
        if said.unit == "h":
            return _Time(hours=said.amount)
        return _days_to_time(kind, said.amount, inputs)
    if said.unit == "h":  # hours on each such day, or in each such week
        count = _count(inputs, f"{kind}_days" if said.per == "day" else f"{kind}_weeks")
        hours = said.amount * count
        step = _t(
            f"time.per_{said.per}",
            label=label,
            amount=plain_number(said.amount),
            count=plain_number(count),
            hours=plain_number(hours),
        )
        return _Time(hours=hours, steps=[step])
    count = _count(inputs, f"{kind}_weeks")  # days a week (一周干六天)
    per_week = said.amount
    if said.base == "work":  # 一周干六天: the days beyond a five-day week are rest days
        per_week = max(said.amount - WORK_DAYS_PER_WEEK, _ZERO)
    days = per_week * count
    key = "week_days" if said.base == "work" else "rest_week_days"
    step = _t(
        f"time.{key}",
        label=label,
        amount=plain_number(said.amount),
        work_days=plain_number(WORK_DAYS_PER_WEEK),
        extra=plain_number(per_week),
        count=plain_number(count),
        days=plain_number(days),
    )
    time = _days_to_time(kind, days, inputs)
    time.steps.insert(0, step)
    time.used_standard_day = time.used_standard_day or said.base == "work"
    return time


def worked_time(kind: Kind, inputs: Mapping[str, object]) -> _Time | None:
    """The overtime of one kind as hours or days, with the working; None when not known."""
    said = get_optional_work_time(inputs, f"{kind}_hours")
    if said is None:
        return None
    if kind == "weekday":
        if said.unit == "d":
            raise InputError("weekday_hours", "weekday overtime is counted in hours")
        return _weekday_time(said, inputs)
    return _rest_or_holiday_time(kind, said, inputs)


# --------------------------------------------------------------------------- compute


@dataclass
class _Pay:
    """Running totals while the parts are computed."""

    wage: Wage
    steps: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    parts: list[Decimal] = field(default_factory=list)
    converted: bool = False
    _hourly: Decimal | None = None
    _daily: Decimal | None = None

    def hourly(self) -> Decimal:
        if self._hourly is None:
            converted = wages.hourly(self.wage)
            self._hourly, self.converted = converted.amount, self.converted or converted.converted
            self.steps.extend(converted.steps)
        return self._hourly

    def daily(self) -> Decimal:
        if self._daily is None:
            converted = wages.daily(self.wage)
            self._daily, self.converted = converted.amount, self.converted or converted.converted
            self.steps.extend(converted.steps)
        return self._daily

    def add(self, kind: Kind, time: _Time, *, record: bool = True) -> Decimal:
        rate = RATES[kind]
        if time.days is not None:
            base, amount, key = self.daily(), time.days, f"{kind}_days"
        else:
            base, amount, key = self.hourly(), time.hours, kind
        pay = overtime_pay(base, rate, amount)
        if record:
            self.parts.append(pay)
            self.steps.append(
                _t(
                    f"steps.{key}",
                    base=wages.rate_text(base),
                    rate=plain_number(rate),
                    amount=plain_number(amount),
                    pay=yuan(pay),
                )
            )
            self.lines.append(_t(f"results.{kind}", pay=yuan(pay)))
        return pay


def _weekend_in_weekdays(inputs: Mapping[str, object], times: Mapping[Kind, _Time]) -> list[str]:
    """一个月上26天班 counted as weekdays: a month has at most 23, so if the days were one
    month's, some were rest days (200%, not 150%) — say so when no rest-day work was given."""
    days = inputs.get("weekday_days")
    rest = times.get("rest_day")
    if not isinstance(days, Decimal) or days <= MAX_WEEKDAYS_IN_MONTH:
        return []
    if rest is not None and rest.as_hours > 0:
        return []
    return [
        _t(
            "warnings.weekend_in_weekdays",
            days=plain_number(days),
            max=plain_number(MAX_WEEKDAYS_IN_MONTH),
            rate=plain_number(RATE_REST_DAY),
        )
    ]


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """Overtime pay for the given time of each kind (or the piece-rate rule)."""
    wage = get_wage(inputs, "wage")
    if wage.unit == "piece":
        return _piece_rate(wage, inputs)
    pay = _Pay(wage)
    citations = [texts.citation("labour_law_44"), texts.citation("wage_payment_13")]
    notes = [_t("notes.wage_base"), _t("notes.flexible_hours")]
    warnings: list[str] = []
    unknown: list[str] = []
    standard_day = False
    total_hours = _ZERO
    times: dict[Kind, _Time] = {}
    for kind in RATES:
        time = worked_time(kind, inputs)
        if time is None:
            unknown.append(_label(kind))
            continue
        times[kind] = time
        standard_day = standard_day or time.used_standard_day
        total_hours += time.as_hours

    weekday = times.get("weekday")
    if weekday is not None:
        pay.steps.extend(weekday.steps)
        if weekday.as_hours > 0:
            pay.add("weekday", weekday)
    alternative = _rest_day(pay, times.get("rest_day"), inputs, notes)
    holiday = times.get("holiday")
    if holiday is not None:
        pay.steps.extend(holiday.steps)
        if holiday.as_hours > 0:
            pay.add("holiday", holiday)
            notes.append(_t("notes.holiday_paid_anyway"))

    total = sum(pay.parts, _ZERO)
    if len(pay.parts) > 1:
        joined = " + ".join(f"{p:.2f}" for p in pay.parts)
        pay.steps.append(_t("steps.total", parts=joined, total=yuan(total)))
    total_key = "results.total_at_least" if unknown else "results.total"
    result_lines = [_t(total_key, total=yuan(total)), *pay.lines]
    paid = inputs.get("overtime_paid")
    owed = total
    if isinstance(paid, Decimal) and not unknown:
        owed = max(total - paid, _ZERO)
        said = {"total": yuan(total), "paid": yuan(paid), "owed": yuan(owed)}
        pay.steps.append(_t("steps.still_owed", **said))
        key = "results.still_owed" if owed > 0 else "results.paid_enough"
        result_lines.insert(0, _t(key, **said))
    if not pay.parts and not unknown:
        result_lines.append(_t("results.nothing"))
    if alternative is not None:
        result_lines.append(_t("results.if_compensated", total=yuan(total - alternative)))
    if unknown:
        warnings.append(_t("warnings.unknown_parts", parts="、".join(unknown)))
    if pay.converted:
        citations.append(texts.citation("pay_days_notice"))
    warnings.extend(_weekend_in_weekdays(inputs, times))
    if total_hours > MONTHLY_OVERTIME_LIMIT:
        warnings.append(
            _t("warnings.over_monthly_limit", limit=plain_number(MONTHLY_OVERTIME_LIMIT))
        )
        citations.append(texts.citation("labour_law_41"))
    if "holiday" in times and times["holiday"].as_hours > 0:
        citations.append(texts.citation("labour_law_51"))
    if standard_day:
        notes.append(
            _t(
                "notes.standard_day",
                hours=plain_number(HOURS_PER_DAY),
                days=plain_number(WORK_DAYS_PER_WEEK),
            )
        )
        citations.append(texts.citation("work_hours_3"))
    short, further = split_citations(citations)
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_formula(),
        inputs=shown_answers(SPEC, inputs),
        steps=tuple(pay.steps),
        result_lines=tuple(result_lines),
        amount=owed,
        citations=short,
        further_citations=further,
        warnings=tuple(warnings),
        notes=tuple(notes),
        related=("calc_min_wage",),
    )


def _rest_day(
    pay: _Pay, time: _Time | None, inputs: Mapping[str, object], notes: list[str]
) -> Decimal | None:
    """Add the rest-day part (less compensatory leave); returns the rest-day pay when the
    worker did not know about leave (the result then also says what it would be with leave)."""
    if time is None:
        return None
    pay.steps.extend(time.steps)
    if time.as_hours <= 0:
        return None
    compensated_said = get_optional_work_time(inputs, "rest_day_comp_hours")
    if "rest_day_comp_hours" in inputs and compensated_said is None:
        return pay.add("rest_day", time)
    compensated = _ZERO
    if compensated_said is not None:
        compensated = compensated_said.amount
        if compensated_said.unit == "d":
            compensated *= day_length(inputs) or HOURS_PER_DAY
    if compensated <= 0:
        pay.add("rest_day", time)
        return None
    worked = time.as_hours
    compensated = min(compensated, worked)
    paid = worked - compensated
    pay.steps.append(
        _t(
            "steps.rest_day_compensated",
            hours=plain_number(worked),
            compensated=plain_number(compensated),
            paid=plain_number(paid),
        )
    )
    notes.append(_t("notes.compensatory_leave"))
    if paid > 0:
        # Whole days worked and whole days given back: the rest stay whole days, paid on the
        # daily wage like the days worked (2 of 4 Saturdays: 2 days × 200%).
        in_days = (
            time.days is not None
            and compensated_said is not None
            and compensated_said.unit == "d"
            and day_length(inputs) is None
        )
        pay.add("rest_day", _Time(days=paid / HOURS_PER_DAY) if in_days else _Time(hours=paid))
    return None


def _formula() -> str:
    return _t(
        "formula",
        pay_days=plain_number(PAY_DAYS_PER_MONTH),
        day_hours=plain_number(HOURS_PER_DAY),
        weekday=plain_number(RATE_WEEKDAY),
        rest_day=plain_number(RATE_REST_DAY),
        holiday=plain_number(RATE_HOLIDAY),
    )


def _piece_rate(wage: Wage, inputs: Mapping[str, object]) -> CalculationResult:
    """Piece work: overtime pieces at 150/200/300 % of the piece price, nothing converted."""
    steps: list[str] = []
    if wage.amount is not None:
        for kind, rate in RATES.items():
            price = round_money(wage.amount * rate / 100)
            steps.append(
                _t(
                    f"piece.{kind}",
                    price=plain_number(wage.amount),
                    rate=plain_number(rate),
                    pay=f"{price:.2f}",
                )
            )
    citations: list[Citation] = [texts.citation("wage_payment_13"), texts.citation("labour_law_44")]
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_t("piece.formula"),
        inputs=shown_answers(SPEC, inputs),
        steps=tuple(steps),
        result_lines=(_t("piece.result"), _t("piece.quota")),
        amount=None,
        citations=tuple(citations),
        notes=(_t("notes.wage_base"),),
        related=("calc_min_wage",),
    )


# --------------------------------------------------------------------------- the fields


def _said(inputs: Mapping[str, object], name: str) -> WorkTime | None:
    try:
        return get_optional_work_time(inputs, name)
    except InputError:
        return None


#: The periods days off may be said for (月休2天, 每周休一天).
PER_OFF: Final = ("week", "month")


def _per(name: str, per: str) -> Derived:
    def test(inputs: Mapping[str, object]) -> bool:
        said = _said(inputs, name)
        if said is None or said.per != per:
            return False
        if said.base == "off":  # 每周休一天: the weeks count when a rest day was worked
            return per == "week" and said.amount < DAYS_PER_WEEK - WORK_DAYS_PER_WEEK
        return said.amount > 0

    return Derived(f"{NAME}.{name}_per_{per}", (name,), test)


def _time_based(inputs: Mapping[str, object]) -> bool:
    wage = inputs.get("wage")
    return not (isinstance(wage, Wage) and wage.unit == "piece")


def _rest_day_worked(inputs: Mapping[str, object]) -> bool:
    said = _said(inputs, "rest_day_hours")
    return said is not None and said.amount > 0


def _prompt_vars(inputs: Mapping[str, object]) -> Mapping[str, str]:
    """How each kind of overtime was said, for the follow-up questions (每天3小时 …)."""
    return {
        kind: work_time_text(said)
        for kind in RATES
        if (said := _said(inputs, f"{kind}_hours")) is not None
    }


# Reads the wage without needing it: hours stated before the wage is known still count.
_TIME_BASED: Final = Derived(f"{NAME}.time_based_pay", (), _time_based)


def _weekday_days_needed(inputs: Mapping[str, object]) -> bool:
    """月休2天 already says how many weekdays were worked (see ``_weekdays_implied``), and a
    working day within the standard (每天上班8小时) has no overtime to count."""
    said = _said(inputs, "weekday_hours")
    within = said is not None and _within_standard(said)
    return _weekdays_implied(inputs) is None and not within


_WEEKDAYS_NOT_IMPLIED: Final = Derived(
    f"{NAME}.weekdays_not_implied", ("weekday_hours",), _weekday_days_needed
)


def _time(name: str) -> InputField:
    return InputField(
        name=name,
        kind="work_time",
        prompt_key=f"{NAME}.{name}",
        required=False,
        ask_when=(_TIME_BASED,),
    )


def _count_field(
    name: str,
    kind: Literal["days", "weeks"],
    of: str,
    per: str,
    *unless: Derived,
) -> InputField:
    return InputField(
        name=name,
        kind=kind,
        prompt_key=f"{NAME}.{name}",
        ask_when=(_TIME_BASED, _per(of, per), *unless),
        min_value=Decimal(1),
        max_value=_MAX_COUNT,
    )


def _cross_check(
    field_name: str, value: object, answers: Mapping[str, object]
) -> tuple[str, Mapping[str, str]] | None:
    if isinstance(value, WorkTime):
        if value.amount > _MAX_HOURS:
            return "too_large", {"max": plain_number(_MAX_HOURS)}
        problem = _shape_problem(field_name, value)
        if problem is not None:
            return problem, {}
    if field_name == "rest_day_comp_hours" and isinstance(value, WorkTime):
        try:
            rest = worked_time("rest_day", answers)
        except InputError:
            return None
        compensated = value.amount * (HOURS_PER_DAY if value.unit == "d" else 1)
        if rest is not None and compensated > rest.as_hours:
            return "more_than_total", {"total": plain_number(rest.as_hours)}
    return None


def _shape_problem(field_name: str, value: WorkTime) -> str | None:
    """Which ways of saying working time a question cannot use."""
    if value.base == "off" and (field_name != "rest_day_hours" or value.per not in PER_OFF):
        return "days_off_not_here"
    if field_name == "weekday_hours":
        if value.unit == "d":
            return "weekday_in_hours"
        if value.base == "work" and value.per in (None, "month"):
            return "work_total_not_overtime"
    if (
        field_name in ("rest_day_hours", "holiday_hours")
        and value.per == "day"
        and value.unit == "d"
    ):
        return "not_a_duration"
    if field_name == "holiday_hours" and value.per == "week":
        return "holiday_no_week"
    if field_name == "rest_day_comp_hours" and value.per is not None:
        return "comp_total"
    return None


def _message_facts(text: str, entities: Sequence[Entity], today: date) -> dict[str, str]:
    """Rest days given back as leave (两个周六后来给我补休了) and the weeks a weekly pattern
    was worked (这样连着干了4个星期; 上个月每周六: the Saturdays of that month), said in the
    first message."""
    facts = week_facts(text, entities) or weekdays_of_one_week(text, entities)
    weeks = None if facts else weeks_of_the_month_named(text, entities, today)
    if weeks is not None:
        facts = {"rest_day_weeks": str(weeks)}
    paid = overtime_paid_said(text)
    if paid is not None:
        facts = {**facts, "overtime_paid": paid}
    said = comp_leave_said(text)
    if said is None:
        return facts
    return {**facts, "rest_day_comp_hours": _at_most_the_rest_days(said, entities)}


def _at_most_the_rest_days(said: str, entities: Sequence[Entity]) -> str:
    """Leave given back, as said, but no more than the rest-day work the message tells: 国庆7天
    都上班 … 补休了7天 gives back the four moved rest days; the three statutory days stay paid at
    300% (劳动法 第四十四条) whatever leave follows."""
    rest = Decimal(0)
    for entity in entities:
        fact = WorkTimeFact.from_value(str(entity.value)) if entity.entity == "work_time" else None
        if fact is not None and fact.kind == "rest_day" and fact.per is None:
            rest += Decimal(str(fact.amount)) * (HOURS_PER_DAY if fact.unit == "d" else 1)
    parsed = parse_work_time(said)
    given = parsed.value if isinstance(parsed, Parsed) else None
    if not isinstance(given, WorkTime) or rest <= 0:
        return said
    hours = given.amount * (HOURS_PER_DAY if given.unit == "d" else 1)
    return texts.text("common.units.hours", value=plain_number(rest)) if hours > rest else said


SPEC: Final = CalculatorSpec(
    name=NAME,
    intent="calc_overtime",
    title_key=f"{NAME}.title",
    fields=(
        InputField(name="wage", kind="wage", prompt_key=f"{NAME}.wage", units=ALL_WAGE_UNITS),
        _time("weekday_hours"),
        _count_field("weekday_days", "days", "weekday_hours", "day", _WEEKDAYS_NOT_IMPLIED),
        _count_field("weekday_weeks", "weeks", "weekday_hours", "week"),
        _time("rest_day_hours"),
        _count_field("rest_day_days", "days", "rest_day_hours", "day"),
        _count_field("rest_day_weeks", "weeks", "rest_day_hours", "week"),
        InputField(
            name="rest_day_comp_hours",
            kind="work_time",
            prompt_key=f"{NAME}.rest_day_comp_hours",
            required=False,
            ask_when=(
                _TIME_BASED,
                Derived(f"{NAME}.rest_day_worked", ("rest_day_hours",), _rest_day_worked),
            ),
        ),
        _time("holiday_hours"),
        _count_field("holiday_days", "days", "holiday_hours", "day"),
        InputField(
            name="overtime_paid",
            kind="money",
            prompt_key=f"{NAME}.overtime_paid",
            required=False,
            prefill_only=True,
        ),
    ),
    compute=compute,
    cross_check=_cross_check,
    message_facts=_message_facts,
    prompt_vars=_prompt_vars,
    prefill_fields={
        "wage": "wage",
        "work_time:weekday": "weekday_hours",
        "work_time:overtime": "weekday_hours",
        "work_time:work/day": "weekday_hours",
        "work_time:work/week": "rest_day_hours",
        "work_time:work/month": "weekday_days",
        # 这个月上了22天班 beside 每天多干2个钟: the days the daily overtime was worked.
        "work_time:work": "weekday_days",
        "work_time:off": "rest_day_hours",
        "work_time:rest_day": "rest_day_hours",
        "work_time:holiday": "holiday_hours",
    },
    said_or_zero=("weekday_hours", "rest_day_hours", "holiday_hours"),
    topic="overtime",
)
