"""Paid annual leave days and pay for unused days.

Days by cumulative working years (职工带薪年休假条例 第三条): 1–<10 years 5 days, 10–<20 years
10 days, 20+ years 15 days. A worker who joins during the year gets
(remaining calendar days ÷ 365) × days, dropping part-days (实施办法 第五条); one who leaves gets
(calendar days worked this year ÷ 365) × days − days already taken, dropping part-days
(第十二条). Unused days are paid at 300 % of the daily wage including normal pay (第十条), so
200 % extra; daily wage = monthly wage (12-month average without overtime) ÷ 21.75 (第十一条).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts, wages
from knowledge_base.calculators.average_wage import typed_parts, wage_parts
from knowledge_base.calculators.base import (
    CalculationResult,
    Citation,
    get_date,
    get_str,
    round_money,
    split_citations,
)
from knowledge_base.calculators.career_years import career_length, years_across_employers
from knowledge_base.calculators.dates import inclusive_days, span
from knowledge_base.calculators.display import years_text
from knowledge_base.calculators.parsing import normalize, said_unnegated
from knowledge_base.calculators.spec import CalculatorSpec, field_value
from knowledge_base.calculators.tenure import (
    of_this_employer,
    only_employer,
    read_tenure,
    typed_date,
    whole_months_here,
)
from knowledge_base.calculators.texts import plain_number, yuan
from knowledge_base.calculators.wages import PAY_DAYS_PER_MONTH
from knowledge_base.forms.engine import shown_answers
from knowledge_base.forms.fields import TODAY, Derived, InputField, When
from nlu.numbers import NUMERAL_CHARS, parse_number
from nlu.phrase_text import alternation
from nlu.types import Entity

NAME: Final = "annual_leave"
WHOLE_YEAR: Final = "whole_year"
JOINED: Final = "joined"
LEAVING: Final = "leaving"
JOINED_AND_LEAVING: Final = "joined_and_leaving"
#: The worker asks only how many days are due (今年能休几天年假), or, saying the days taken,
#: how many are left (休了3天 还能休几天).
DAYS: Final = "days"
DAYS_LEFT: Final = "days_left"
YEAR_DAYS: Final = 365
#: (cumulative years at least, days) — 职工带薪年休假条例 第三条.
TIERS: Final[tuple[tuple[int, int], ...]] = ((20, 15), (10, 10), (1, 5))
#: Unused days are paid at 300 % in total; 100 % is the normal day's pay already in the wage.
TOTAL_RATE: Final = Decimal(300)
EXTRA_RATE: Final = Decimal(200)
MIN_YEARS: Final = Decimal(1)


def full_year_days(cumulative_years: Decimal) -> int:
    """Annual leave days for a full year at one employer."""
    for years, days in TIERS:
        if cumulative_years >= years:
            return days
    return 0


def prorated_days(calendar_days: int, entitled: int, taken: Decimal = Decimal(0)) -> int:
    """⌊calendar_days ÷ 365 × entitled − taken⌋, never below 0 (part-days are dropped)."""
    exact = Fraction(calendar_days, YEAR_DAYS) * entitled - Fraction(taken)
    return max(0, math.floor(exact))


def _two_places(value: Fraction) -> str:
    """Cut (not round) to 2 decimals, so 4.999 shows as 4.99 and never looks like 5 days."""
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )
    return f"{shown:.2f}"


def _year_of(inputs: Mapping[str, object], status: str) -> int:
    if status in (JOINED, JOINED_AND_LEAVING):
        return get_date(inputs, "join_date").year
    if status == LEAVING:
        return get_date(inputs, "leave_date").year
    today = inputs.get(TODAY)
    if not isinstance(today, dt.date):
        raise ValueError("annual_leave needs inputs['today'] (a date)")
    return today.year


def _t(key: str, /, **values: object) -> str:
    return texts.text(f"{NAME}.{key}", **values)


def asks_days_only(inputs: Mapping[str, object]) -> bool:
    """True when the worker asked only how many days are due and said no days taken."""
    return inputs.get("asked_for") == DAYS


def unused_days(inputs: Mapping[str, object]) -> tuple[int, int, list[str]]:
    """(days due this year, unused days, working lines) for the answers given. Asked only
    for the days due (:func:`asks_days_only`), none are counted as taken: unused is due."""
    years = field_value(SPEC, inputs, "cumulative_years")
    entitled = full_year_days(years)
    steps = [_t("steps.tier", years=years_text(years), days=entitled)]
    if entitled == 0:
        return 0, 0, steps
    status = get_str(inputs, "year_status")
    days_only = asks_days_only(inputs)
    taken = Decimal(0) if days_only else field_value(SPEC, inputs, "taken_days")
    year = _year_of(inputs, status)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if status == WHOLE_YEAR:
        due = entitled
        unused = max(0, math.floor(Fraction(entitled) - Fraction(taken)))
        if not days_only:
            steps.append(
                _t("steps.unused_whole", due=due, taken=plain_number(taken), unused=unused)
            )
        return due, unused, steps
    if status == JOINED:
        begin, end, rule = get_date(inputs, "join_date"), last, "joined"
    elif status == LEAVING:
        begin, end, rule = first, get_date(inputs, "leave_date"), "leaving"
    else:
        begin, end, rule = get_date(inputs, "join_date"), get_date(inputs, "leave_date"), "leaving"
    days = inclusive_days(begin, end)
    exact = Fraction(days, YEAR_DAYS) * entitled
    steps.append(
        _t(
            f"steps.{rule}",
            begin=begin.isoformat(),
            end=end.isoformat(),
            days=days,
            year_days=YEAR_DAYS,
            entitled=entitled,
            exact=_two_places(exact),
        )
    )
    if rule == "joined":
        due = prorated_days(days, entitled)
        unused = max(0, math.floor(Fraction(due) - Fraction(taken)))
        if not days_only:
            steps.append(
                _t("steps.unused_joined", due=due, taken=plain_number(taken), unused=unused)
            )
    elif days_only:
        due = unused = prorated_days(days, entitled)
    else:
        due = prorated_days(days, entitled)
        unused = prorated_days(days, entitled, taken)
        steps.append(
            _t(
                "steps.unused_leaving",
                exact=_two_places(exact),
                taken=plain_number(taken),
                unused=unused,
            )
        )
    return due, unused, steps


def compute(inputs: Mapping[str, object]) -> CalculationResult:
    """Leave days due this year, unused days, and the extra pay owed for them."""
    due, unused, steps = unused_days(inputs)
    citations: list[Citation] = [texts.citation("leave_regs_3")]
    lines: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    amount: Decimal | None = None
    if full_year_days(field_value(SPEC, inputs, "cumulative_years")) == 0:
        lines.append(_t("results.not_yet"))
        citations += [texts.citation("leave_rules_3"), texts.citation("leave_rules_4")]
        return _result(inputs, steps, lines, Decimal(0), citations, warnings, notes)
    status = get_str(inputs, "year_status")
    year = _year_of(inputs, status)
    if status in (JOINED, JOINED_AND_LEAVING):
        citations.append(texts.citation("leave_rules_5"))
    if status in (LEAVING, JOINED_AND_LEAVING):
        citations.append(texts.citation("leave_rules_12"))
    lines.append(_t("results.due", year=year, days=due))
    if inputs.get("asked_for") in (DAYS, DAYS_LEFT):
        # Asked only for days: the days due, or those left when the days taken were said.
        left = due if asks_days_only(inputs) else unused
        if not asks_days_only(inputs):
            lines.append(_t("results.unused", days=unused))
        notes += [_t("notes.days_only"), _t("notes.exclusions"), _t("notes.company_rules")]
        citations += [texts.citation("leave_rules_4"), texts.citation("leave_regs_4")]
        return _result(inputs, steps, lines, Decimal(left), citations, warnings, notes, "days")
    lines.append(_t("results.unused", days=unused))
    amount = Decimal(0)
    if unused > 0:
        converted = wages.daily_input(inputs, "monthly_wage", steps)
        daily = converted.amount
        amount = round_money(daily * EXTRA_RATE / 100 * unused)
        steps.append(
            _t(
                "steps.pay",
                daily=f"{daily:.2f}",
                extra=plain_number(EXTRA_RATE),
                days=unused,
                amount=yuan(amount),
                total=plain_number(TOTAL_RATE),
            )
        )
        lines.append(_t("results.pay", amount=yuan(amount)))
        citations += [texts.citation("leave_rules_10"), texts.citation("leave_rules_11")]
        if converted.converted:
            citations.append(texts.citation("pay_days_notice"))
        warnings.append(_t("warnings.own_choice"))
        if status in (WHOLE_YEAR, JOINED):
            notes.append(_t("notes.still_time"))
    if status in (LEAVING, JOINED_AND_LEAVING):
        notes.append(_t("notes.no_claw_back"))
    notes += [_t("notes.exclusions"), _t("notes.company_rules")]
    citations += [
        texts.citation("leave_rules_4"),
        texts.citation("leave_regs_4"),
        texts.citation("leave_rules_13"),
    ]
    return _result(inputs, steps, lines, amount, citations, warnings, notes)


def _result(
    inputs: Mapping[str, object],
    steps: list[str],
    lines: list[str],
    amount: Decimal | None,
    citations: list[Citation],
    warnings: list[str],
    notes: list[str],
    amount_unit: str = "yuan",
) -> CalculationResult:
    short, further = split_citations(citations)
    return CalculationResult(
        calculator=NAME,
        title=texts.text(SPEC.title_key),
        formula=_t("formula", pay_days=plain_number(PAY_DAYS_PER_MONTH), year_days=YEAR_DAYS),
        inputs=shown_answers(SPEC, inputs),
        steps=tuple(steps),
        result_lines=tuple(lines),
        amount=amount,
        citations=short,
        further_citations=further,
        warnings=tuple(warnings),
        notes=tuple(notes),
        amount_unit=amount_unit,
    )


def _has_unused(inputs: Mapping[str, object]) -> bool:
    if inputs.get("asked_for") in (DAYS, DAYS_LEFT):
        return False  # asked only for days: the wage is not needed
    try:
        return unused_days(inputs)[1] > 0
    except (KeyError, ValueError):
        return False


def _taken_days_asked(inputs: Mapping[str, object]) -> bool:
    return inputs.get("asked_for") != DAYS


@lru_cache(maxsize=2)
def _message_words(key: str) -> tuple[str, ...]:
    """The words under ``annual_leave.message.<key>``, normalised once."""
    return tuple(normalize(word) for word in texts.words(f"{NAME}.message.{key}"))


def _asks_days_only_in(text: str) -> bool:
    """A message asking how many days are due (今年能休几天年假) and nothing about money."""
    norm = normalize(text)
    days = any(word in norm for word in _message_words("days_question"))
    return days and not any(word in norm for word in _message_words("money_words"))


def _cross_check(
    field: str, value: object, answers: Mapping[str, object]
) -> tuple[str, Mapping[str, str]] | None:
    join = answers.get("join_date")
    if (
        field == "leave_date"
        and answers.get("year_status") == JOINED_AND_LEAVING
        and isinstance(value, dt.date)
        and isinstance(join, dt.date)
        and value.year != join.year
    ):
        return "same_year_needed", {}
    return None


_MONTHS_IN_A_YEAR: Final = 12
_NTH_YEAR_REACH: Final = 8


#: 休了2天, 请过两天年假: leave taken, as days (the leave named after it, if any, is 年假);
#: also 才休1天, 只请了两天 after a word that says "only" (``message.only_words``; the 了 may go
#: then), so 每周休1天 (days off) is not read as leave taken. Cantonese says 休咗2日.
@lru_cache(maxsize=1)
def _taken_pattern() -> re.Pattern[str]:
    only = "|".join(re.escape(w) for w in texts.words(f"{NAME}.message.only_words"))
    names = "|".join(re.escape(w) for w in texts.words(f"{NAME}.message.leave_names"))
    return re.compile(
        rf"(?:(?:休|请|放|歇)(?:了|过|咗)|(?:{only})(?:休|请|放|歇)(?:了|过|咗)?(?:{names})?)"
        rf"(\d+|[{NUMERAL_CHARS}]{{1,3}})(?:天|日)(.{{0,3}})"
    )


def _taken_days(text: str) -> str | None:
    """Days of annual leave the message says were taken: a count (休了2天), else 0 when it
    says none were (一天年假都没休); a count wins (休过1天 剩下的不给休 is 1)."""
    norm = normalize(text)
    names = texts.words(f"{NAME}.message.leave_names")
    for match in _taken_pattern().finditer(norm):
        after = match.group(2)
        other_leave = any(n in after for n in texts.words(f"{NAME}.message.any_leave")) and not (
            after.startswith(names)
        )
        if not other_leave:
            return f"{match.group(1)}天"
    if any(said_unnegated(normalize(w), norm) for w in texts.words(f"{NAME}.message.none_taken")):
        return "0"
    return None


#: 参加工作的第9个年头: in the ninth year of work, so eight whole years (the tier is exact:
#: the years lie between eight and nine).
_NTH_YEAR: Final = re.compile(rf"第(\d+|[{NUMERAL_CHARS}]{{1,3}})个?年(?:头)?")


def _years_from_nth_year(text: str) -> str | None:
    norm = normalize(text)
    for match in _NTH_YEAR.finditer(norm):
        clause = norm[max(0, match.start() - _NTH_YEAR_REACH) : match.start()]
        if not any(word in clause for word in texts.words(f"{NAME}.message.work_words")):
            continue
        value = parse_number(match.group(1))
        if isinstance(value, int) and value >= 1:
            return texts.text("common.years_and_months", years=value - 1, months=0)
    return None


def _here_all_along(text: str) -> bool:
    """一直在这家, 在这个厂干了好几年 (before a leaving this year): here since before the year
    began — the words of here_all_along, or those that say a whole year here."""
    norm = normalize(text)
    whole_year = texts.choice_entry(f"{NAME}.year_status", WHOLE_YEAR).get("in_message") or ()
    words = (*texts.words(f"{NAME}.message.here_all_along"), *whole_year)
    return any(normalize(str(w)) in norm for w in words)


def _message_facts(text: str, entities: Sequence[Entity], today: dt.date) -> dict[str, str]:
    """How this year went here (在这个厂干了3年 → the whole year; 进厂5个月 → joined this year)
    and the leave taken (一天年假都没休 → 0, 休了2天 → 2) as the message says them; years of
    work from when the worker began working (1995年3月参加工作). Leaving
    with neither a join date nor a year here says nothing of the year's start, so the status
    is left to ask; the day of leaving is read when said before the leaving word. A year
    spanned from 1 January to 31 December (今年1月1号到12月31号都在这个厂) is the whole year."""
    facts: dict[str, str] = {}
    tenure = read_tenure(text, entities, today)
    start = tenure.start()
    joined_now = start is not None and start.year == today.year
    year = leave_year(text, today)
    if tenure.left and (
        tenure.joined is not None or tenure.months >= _MONTHS_IN_A_YEAR or _here_all_along(text)
    ):
        # A year or more here up to a day this year: here since before this year began.
        facts["year_status"] = JOINED_AND_LEAVING if joined_now else LEAVING
        if tenure.left_on is not None and tenure.left_on.year == today.year:
            facts["leave_date"] = typed_date(tenure.left_on)
    elif not tenure.left and start is not None and year is not None and year != today.year:
        # 2025年7月1日跳槽到新厂 … 2025年没休的年假: the year asked about is another one.
        if start.year == year and tenure.joined is not None:
            facts["year_status"] = JOINED
            facts["join_date"] = typed_date(tenure.joined)
        elif start.year < year:
            facts["year_status"] = WHOLE_YEAR
    elif (
        not tenure.left
        and start is None
        and (whole_months_here(None, text, entities) >= _MONTHS_IN_A_YEAR)
    ):
        # 在船厂干了6年，社保累计交了22年: the one length not said as a total is this employer's.
        facts["year_status"] = WHOLE_YEAR
    elif start is None and _calendar_year_said(text):
        # 今年1月1號到12月31號都喺同一間廠: here the whole year, said by its first and last day.
        facts["year_status"] = WHOLE_YEAR
    elif not tenure.left and start is None and _full_days_said(text):
        # 2025年应休10天年休假只休了3天, 今年10天年假只休了3天: a whole year's days said (shown
        # to confirm), so here all that year.
        facts["year_status"] = WHOLE_YEAR
    elif not tenure.left and start is not None:
        facts["year_status"] = JOINED if joined_now else WHOLE_YEAR
        if joined_now and tenure.joined is not None:
            facts["join_date"] = typed_date(tenure.joined)
        elif joined_now and tenure.length is not None:
            facts["join_date"] = f"{tenure.length}前"
    taken = _taken_days(text)
    if taken is not None:
        facts["taken_days"] = taken
    if _asks_days_only_in(text):
        facts["asked_for"] = DAYS if taken is None else DAYS_LEFT
    parts = wage_parts(text)
    if parts is not None:  # 前6个月每月4000 后6个月每月5000: averaged at the wage question
        facts["monthly_wage"] = typed_parts(parts)
    said_years = any(
        e.entity == "service_length" and not of_this_employer(e, text) for e in entities
    )
    until = tenure.left_on or today
    months_here = None if tenure.joined is None else span(tenure.joined, until).months
    across = years_across_employers(text, entities, months_here)
    career = career_length(text, entities)
    if across is not None and _same_tier(across.low, across.high):
        # 之前在别的厂干了7年 来现在这个厂也4年了: the years at every employer count.
        facts["cumulative_years"] = across.typed(full_year_days)
    elif career is not None and _same_tier(career.low, career.high):
        # 打工干了二十多年了 在这个厂干了八年: the working life's years, as far as the tier goes.
        facts["cumulative_years"] = career.typed(full_year_days)
    elif tenure.career_start is not None and not said_years:  # 1995年3月参加工作: years since
        worked = span(tenure.career_start, until)  # to the leaving day, when left
        facts["cumulative_years"] = texts.text(
            "common.years_and_months", years=worked.years, months=worked.months_after_years
        )
    elif not said_years and (nth := _years_from_nth_year(text)) is not None:
        facts["cumulative_years"] = nth
    elif not said_years and months_here is not None and only_employer(text):
        # 这是我第一份工作，今年2月才入职: all the years of work are the time here.
        facts["cumulative_years"] = texts.text(
            "common.years_and_months", years=months_here // 12, months=months_here % 12
        )
    return facts


#: A year by its number (2025年), not the year of a date (2025年7月1日).
_YEAR_NUMBER: Final = re.compile(rf"(\d{{4}})年(?!\d{{1,2}}月|[{NUMERAL_CHARS}]{{1,3}}月)")
_CLAUSE_BREAK: Final = re.compile(r"[，。,.!?！？；;\n]")
_DAY_COUNT: Final = rf"(\d+|[{NUMERAL_CHARS}]{{1,3}})[天日]"
#: A whole year's days by the tiers of 职工带薪年休假条例 第三条.
FULL_YEAR_TIERS: Final = (5, 10, 15)


@lru_cache(maxsize=1)
def _days_of_leave() -> re.Pattern[str]:
    """Days of leave stated as the year's (应休10天, 应休年休假十天, 15天年假, 年假5天)."""
    entitled = "|".join(map(re.escape, _message_words("entitled_words")))
    names = "|".join(map(re.escape, _message_words("leave_names")))
    return re.compile(
        rf"(?:{entitled})(?:{names})?{_DAY_COUNT}|{_DAY_COUNT}(?:的)?(?:带薪)?(?:{names})"
        rf"|(?:{names}){_DAY_COUNT}"
    )


@lru_cache(maxsize=1)
def _calendar_year() -> re.Pattern[str]:
    """A whole calendar year by its first and last day (1月1号到12月31号, 1月1日至12月31日)."""
    links = "|".join(map(re.escape, _message_words("calendar_year_links")))
    names = "|".join(map(re.escape, _message_words("calendar_year_names")))
    day = "(?:日|号)?"
    return re.compile(rf"1月1{day}(?:起)?(?:{links})(?:{names})?12月31{day}")


@lru_cache(maxsize=1)
def _whole_year_here() -> re.Pattern[str]:
    """A whole year said at this employer (全年都搁这单位上班, 一整年都在这个厂头)."""
    whole, at, here = (
        alternation(_message_words(key))
        for key in ("whole_year_words", "whole_year_at", "whole_year_here")
    )
    return re.compile(rf"(?:{whole})(?:{at})(?:{here})")


def _calendar_year_said(text: str) -> bool:
    """Whether the message spans a calendar year from 1 January to 31 December, or says a
    whole year at this employer."""
    norm = normalize(text)
    return _calendar_year().search(norm) is not None or _whole_year_here().search(norm) is not None


def _full_days_said(text: str) -> bool:
    """Whether the message states a whole year's days of leave (应休10天, 15天年假全没休)."""
    for match in _days_of_leave().finditer(normalize(text)):
        days = parse_number(next(group for group in match.groups() if group))
        if days in FULL_YEAR_TIERS:
            return True
    return False


def leave_year(text: str, today: dt.date) -> int | None:
    """The year the leave asked about is of, when the message says it before the leave's
    name in one clause (2025年没休的年假, 去年年假一天都没休, 旧年一日年假都冇放); None when
    none is said, or two differ."""
    relative: dict[str, int] = texts.node("parsing.relative_years")
    names = texts.words(f"{NAME}.message.leave_names")
    years: set[int] = set()
    for clause in _CLAUSE_BREAK.split(normalize(text)):
        at = min((i for i in (clause.find(n) for n in names) if i >= 0), default=-1)
        if at < 0:
            continue
        before = clause[:at]
        said = [(m.start(), int(m.group(1))) for m in _YEAR_NUMBER.finditer(before)]
        words = alternation(relative)
        said += [
            (m.start(), today.year - int(relative[m.group()])) for m in re.finditer(words, before)
        ]
        if said:
            years.add(max(said)[1])
    return years.pop() if len(years) == 1 else None


def _same_tier(low_months: Decimal, high_months: Decimal) -> bool:
    return full_year_days(low_months / _MONTHS_IN_A_YEAR) == full_year_days(
        high_months / _MONTHS_IN_A_YEAR
    )


_ENTITLED: Final = (When("cumulative_years", "ge", MIN_YEARS),)

SPEC: Final = CalculatorSpec(
    name=NAME,
    intent="calc_annual_leave",
    title_key=f"{NAME}.title",
    fields=(
        InputField(
            name="cumulative_years",
            kind="years",
            prompt_key=f"{NAME}.cumulative_years",
            min_value=Decimal(0),
            max_value=Decimal(60),
        ),
        InputField(
            name="year_status",
            kind="choice",
            prompt_key=f"{NAME}.year_status",
            choices=(WHOLE_YEAR, JOINED, LEAVING, JOINED_AND_LEAVING),
            ask_when=_ENTITLED,
        ),
        InputField(
            name="join_date",
            kind="date",
            prompt_key=f"{NAME}.join_date",
            not_after_today=True,
            ask_when=(*_ENTITLED, When("year_status", "in", (JOINED, JOINED_AND_LEAVING))),
        ),
        InputField(
            name="leave_date",
            kind="date",
            prompt_key=f"{NAME}.leave_date",
            ask_when=(*_ENTITLED, When("year_status", "in", (LEAVING, JOINED_AND_LEAVING))),
            not_before="join_date",
        ),
        InputField(
            name="asked_for",
            kind="choice",
            prompt_key=f"{NAME}.asked_for",
            choices=(DAYS, DAYS_LEFT),
            required=False,
            prefill_only=True,
        ),
        InputField(
            name="taken_days",
            kind="days",
            prompt_key=f"{NAME}.taken_days",
            ask_when=(
                *_ENTITLED,
                Derived("annual_leave.taken_days_asked", ("cumulative_years",), _taken_days_asked),
            ),
            min_value=Decimal(0),
            max_value=Decimal(366),
        ),
        InputField(
            name="monthly_wage",
            kind="wage",
            prompt_key=f"{NAME}.monthly_wage",
            ask_when=(Derived("annual_leave.has_unused_days", ("taken_days",), _has_unused),),
        ),
    ),
    compute=compute,
    cross_check=_cross_check,
    message_facts=_message_facts,
    topic="annual_leave",
    # The daily wage is from the last 12 months' average (企业职工带薪年休假实施办法 第十一条).
    average_wages=("monthly_wage",),
)
