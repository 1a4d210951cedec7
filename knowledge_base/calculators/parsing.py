"""Turn a worker's free-text answer into a typed value for one field kind.

Workers type on phones: ``4500``, ``4500元``, ``4.5k``, ``三千五``, ``1万2``, ``10个小时``,
``3年半``, ``2024年3月1号``, ``今天``, ``没有``. Each parser returns a :class:`Parsed` value or an
:class:`Unparsed` error key from prompts.yml (``common.errors.*``) with its format values.
The word lists (skip words, yes/no, filler words) live in prompts.yml under ``parsing``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.average_wage import average, wage_parts
from knowledge_base.calculators.base import (
    Choice,
    CountedBackDate,
    MonthDate,
    ServiceLength,
    Wage,
    WageUnit,
    WorkTime,
)
from knowledge_base.calculators.dates import ONE_DAY, add_months
from knowledge_base.calculators.texts import words
from knowledge_base.forms.spec import Parsed, ParseOutcome, Unparsed
from knowledge_base.text import to_simplified
from nlu.numbers import NUMERAL_CHARS, parse_number
from nlu.pay_phrases import read_wage
from nlu.service_length import read_service_length
from nlu.tokenizer import normalize as fold_text
from nlu.working_time import read_work_time

# Re-exported: the minimum-wage table reads place names with to_simplified, and older code
# takes the parse outcomes (the form engine's) from here.
__all__ = ["ParseOutcome", "Parsed", "Unparsed", "to_simplified"]

# Characters of a Chinese numeral (the table itself is nlu.numbers, the one in the project).
_CN_CHARS: Final = NUMERAL_CHARS + "万萬"
_HALF: Final = "半"
_NUMBER: Final = rf"(?:\d+(?:\.\d+)?|[{_CN_CHARS}]+)"
_NUMBER_TOKEN: Final = re.compile(_NUMBER)
_YEAR_UNIT: Final = "年"
_MONTH_UNIT: Final = "月"
_DAY_UNITS: Final = "日号"
_FULL_DATE: Final = re.compile(
    rf"^(\d{{4}}|\d{{2}})[-/.{_YEAR_UNIT}](\d{{1,2}})[-/.{_MONTH_UNIT}](\d{{1,2}})[{_DAY_UNITS}]?$"
)
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH: Final = re.compile(
    rf"^(\d{{4}}|\d{{2}})[-/.{_YEAR_UNIT}](\d{{1,2}}){_MONTH_UNIT}?(?:份)?(?:初|左右)?$"
)
_MONTH_DAY: Final = re.compile(rf"^(\d{{1,2}}){_MONTH_UNIT}(\d{{1,2}})[{_DAY_UNITS}]?$")
#: After 去年 / 今年: a month (digits or Chinese), perhaps a day (去年12月15号).
#: A day of a month named before it (上个月30号 → 30号).
_DAY_OF_MONTH: Final = re.compile(rf"(\d{{1,2}}|[{_CN_CHARS}]{{1,3}})[{_DAY_UNITS}]")
_MONTH_AND_DAY: Final = re.compile(
    rf"^(\d{{1,2}}|[{_CN_CHARS}]{{1,3}}){_MONTH_UNIT}(?:份)?"
    rf"(?:(\d{{1,2}}|[{_CN_CHARS}]{{1,3}})[{_DAY_UNITS}])?(?:初|底|左右)?$"
)
#: Pay above this is refused outright (below it, implausible pay is confirmed, see wages.py).
MAX_PAY: Final = Decimal(1_000_000)


def normalize(raw: str) -> str:
    """Simplified, half-width, lower case, no spaces or thousands separators."""
    folded = fold_text(raw).strip()
    folded = re.sub(r"(?<=\d),(?=\d{3})", "", folded)
    return re.sub(r"\s+", "", folded)


def _strip_words(text: str, key: str) -> str:
    for word in words(key):
        text = text.replace(word, "")
    return text


def is_skip(text: str) -> bool:
    """True for "不知道", "跳过", "不清楚" … (the worker declines an optional question)."""
    cleaned = normalize(text)
    return any(word == cleaned or word in cleaned for word in words("parsing.skip_words"))


def _is_today(text: str) -> bool:
    cleaned = normalize(text)
    return any(word in cleaned for word in words("parsing.today_words"))


def _is_zero(text: str) -> bool:
    cleaned = _strip_words(normalize(text), "parsing.filler_words")
    return cleaned in words("parsing.zero_words")


def chinese_number(text: str) -> Decimal | None:
    """A Chinese numeral, including colloquial forms: 三千五 = 3500, 一万二 = 12000, 两百 = 200."""
    if not text or any(ch not in _CN_CHARS for ch in text):
        return None
    value = parse_number(text)
    return None if value is None else Decimal(str(value))


def _number(token: str) -> Decimal | None:
    try:
        return Decimal(token) if token[0].isdigit() else chinese_number(token)
    except InvalidOperation:
        return None


def parse_plain_number(text: str) -> Decimal | None:
    """One number, Arabic or Chinese, optionally with a trailing 半 (3个半 = 3.5, 半 = 0.5)."""
    if text == _HALF:
        return Decimal("0.5")
    half = text.endswith(_HALF)
    core = text.removesuffix(_HALF).removesuffix("个") if half else text
    if not core or _NUMBER_TOKEN.fullmatch(core) is None:
        return None
    value = _number(core)
    if value is None:
        return None
    return value + Decimal("0.5") if half else value


def _several_numbers(text: str) -> bool:
    return len(_NUMBER_TOKEN.findall(text)) > 1


def parse_money(raw: str) -> ParseOutcome:
    """Yuan: ``4500``, ``4500元``, ``4,500``, ``4.5k``, ``4k5``, ``1万2``, ``三千五``,
    ``两千八百五``."""
    if _is_zero(raw):
        return Parsed(Decimal(0))
    text = _strip_words(_strip_words(normalize(raw), "parsing.filler_words"), "parsing.money_words")
    text = _strip_words(text, "parsing.approximate_money_words")
    value = parse_number(text) if text else None
    if value is not None:
        return Parsed(Decimal(str(value)))
    plain = parse_plain_number(text)
    if plain is not None:
        return Parsed(plain)
    return Unparsed("several_numbers" if _several_numbers(text) else "not_a_number")


def parse_wage(raw: str, units: tuple[WageUnit, ...], *, parts: bool = False) -> ParseOutcome:
    """Pay with its unit: ``月薪4500``, ``一天250``, ``250一天``, ``一个钟22块``, ``时薪22``,
    ``计件``; a bare amount (``4500``, ``3千五``) is monthly. Units a calculator cannot use are
    refused. With ``parts``, a monthly wage told in parts (前6个月4000 后6个月5000) is their
    average."""
    told = wage_parts(raw) if parts else None
    fact = read_wage(normalize(raw)) if told is None else None
    if told is not None:
        wage = Wage(average(told), "month", told)
    elif fact is not None:
        amount = None if fact.amount is None else Decimal(str(fact.amount))
        wage = Wage(amount, fact.unit)
    else:
        outcome = parse_money(raw)
        if not isinstance(outcome, Parsed) or not isinstance(outcome.value, Decimal):
            return outcome
        wage = Wage(outcome.value, "month")
    if wage.unit not in units:
        return Unparsed("piece_not_here" if wage.unit == "piece" else "monthly_only")
    if wage.amount is not None and wage.amount <= 0:
        return Unparsed("too_small", {"min": "1"})
    if wage.amount is not None and wage.amount > MAX_PAY:
        return Unparsed("too_large", {"max": f"{MAX_PAY:f}"})
    return Parsed(wage)


def _parse_with_units(raw: str, units_key: str, wrong_units_key: str) -> ParseOutcome:
    if _is_zero(raw):
        return Parsed(Decimal(0))
    text = _strip_words(normalize(raw), "parsing.filler_words")
    if any(word in text for word in words(wrong_units_key)):
        return Unparsed(wrong_units_key.rsplit(".", 1)[-1])
    text = _strip_words(text, units_key)
    value = parse_plain_number(text)
    if value is not None:
        return Parsed(value)
    return Unparsed("several_numbers" if _several_numbers(text) else "not_a_number")


def parse_hours(raw: str) -> ParseOutcome:
    """Hours: ``10``, ``10小时``, ``十个小时``, ``3个半小时``; days are refused (ask in hours)."""
    return _parse_with_units(raw, "parsing.hour_words", "parsing.hours_not_days")


def parse_days(raw: str) -> ParseOutcome:
    """Days: ``5``, ``5天``, ``两天半``; also a count of days in the month or in all, as said
    (``一个月22天``, ``每月出勤22天``)."""
    outcome = _parse_with_units(raw, "parsing.day_words", "parsing.days_not_hours")
    if isinstance(outcome, Parsed):
        return outcome
    fact = read_work_time(normalize(raw))
    if fact is not None and fact.unit == "d" and fact.per in (None, "month"):
        return Parsed(Decimal(str(fact.amount)))
    return outcome


def parse_weeks(raw: str) -> ParseOutcome:
    """Weeks: ``4``, ``4个星期``, ``四周``."""
    return _parse_with_units(raw, "parsing.week_words", "parsing.weeks_not_hours")


def parse_work_time(raw: str) -> ParseOutcome:
    """Working time as said: ``16小时`` (a total), ``每天3个钟`` (per day), ``3天`` (days),
    ``一周六天`` (days a week), ``每天做12个钟`` (all working time, not only overtime)."""
    if _is_zero(raw):
        return Parsed(WorkTime(Decimal(0)))
    fact = read_work_time(normalize(raw))
    if fact is not None:
        amount = Decimal(str(fact.amount))
        if fact.kind in ("work", "off"):
            return Parsed(WorkTime(amount, fact.unit, fact.per, fact.kind))
        return Parsed(WorkTime(amount, fact.unit, fact.per))
    outcome = parse_hours(raw)
    if isinstance(outcome, Parsed) and isinstance(outcome.value, Decimal):
        return Parsed(WorkTime(outcome.value))
    return outcome


_SPAN: Final = re.compile(
    rf"^(?:(?P<years>{_NUMBER}){_YEAR_UNIT}(?P<yhalf>{_HALF})?(?:零|又)?)?"
    rf"(?:(?P<months>{_NUMBER})(?:个)?(?P<mhalf>{_HALF})?(?:{_MONTH_UNIT}))?$"
)


def _span_months(raw: str) -> Decimal | None:
    """A span in months: ``3年`` = 36, ``一年半`` = 18, ``半年`` = 6, ``两年三个月`` = 27."""
    text = _strip_words(normalize(raw), "parsing.filler_words")
    if text in words("parsing.half_year_words"):
        return Decimal(6)
    match = _SPAN.fullmatch(text)
    if match is None or not (match.group("years") or match.group("months")):
        return None
    months = Decimal(0)
    if match.group("years"):
        years = _number(match.group("years"))
        if years is None:
            return None
        months += years * 12 + (6 if match.group("yhalf") else 0)
    if match.group("months"):
        count = _number(match.group("months"))
        if count is None:
            return None
        months += count + (Decimal("0.5") if match.group("mhalf") else 0)
    return months


def parse_months(raw: str) -> ParseOutcome:
    """Months; a bare number means months, ``X年`` is converted (``3年`` → 36)."""
    if _is_zero(raw):
        return Parsed(Decimal(0))
    months = _span_months(raw)
    if months is not None:
        return Parsed(months)
    text = _strip_words(normalize(raw), "parsing.filler_words")
    value = parse_plain_number(text)
    if value is not None:
        return Parsed(value)
    return Unparsed("several_numbers" if _several_numbers(text) else "not_a_duration")


def parse_years(raw: str) -> ParseOutcome:
    """Years; a bare number means years, months are converted and rounded down (4 places)."""
    if _is_zero(raw):
        return Parsed(Decimal(0))
    text = _strip_words(normalize(raw), "parsing.filler_words")
    value = parse_plain_number(text)
    if value is not None:
        return Parsed(value)
    months = _span_months(raw)
    if months is None:
        # 4年多, 快5年: the least (快5年: 4年11个月) or the whole years said (4年多), each
        # within the tier of every length the words may mean.
        fact = read_service_length(normalize(raw))
        if fact is not None and fact.months > 0 and fact.qualifier != "exact":
            said = Decimal(str(fact.months))
            months = said - 1 if fact.qualifier == "almost" else said
    if months is not None:
        # Rounding down keeps 11 months below the 1-year threshold of the leave tiers.
        return Parsed((months / 12).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))
    return Unparsed("several_numbers" if _several_numbers(text) else "not_a_duration")


def _make_date(year: int, month: int, day: int) -> ParseOutcome:
    if year < 100:
        year += 2000
    try:
        return Parsed(date(year, month, day))
    except ValueError:
        return Unparsed("not_a_date")


def _relative_date(text: str, today: date) -> ParseOutcome | None:
    """去年12月 (→ that month), 去年12月15号, 上个月: a date said relative to today."""
    years: dict[str, int] = texts.node("parsing.relative_years")
    months_back: dict[str, int] = texts.node("parsing.relative_months")
    for word, back in sorted(months_back.items(), key=lambda item: -len(item[0])):
        if not text.startswith(word):
            continue
        index = today.year * 12 + today.month - 1 - int(back)
        if text == word:
            return Parsed(MonthDate(index // 12, index % 12 + 1, 1))
        # 上个月30号: a day of that month.
        day_said = _DAY_OF_MONTH.fullmatch(text[len(word) :])
        day = parse_number(day_said.group(1)) if day_said is not None else None
        if isinstance(day, int):
            return _make_date(index // 12, index % 12 + 1, day)
    for word, back in sorted(years.items(), key=lambda item: -len(item[0])):
        if not text.startswith(word):
            continue
        match = _MONTH_AND_DAY.fullmatch(text[len(word) :])
        if match is None:
            return None
        month = parse_number(match.group(1))
        if not isinstance(month, int) or not 1 <= month <= 12:
            return Unparsed("not_a_date")
        year = today.year - int(back)
        if match.group(2) is None:
            return Parsed(MonthDate(year, month, 1))
        day = parse_number(match.group(2))
        return _make_date(year, month, day) if isinstance(day, int) else Unparsed("not_a_date")
    return None


def _counted_back(text: str, today: date) -> ParseOutcome | None:
    """5个月前, 一年半以前: a length said back from today, counted so that the days from it
    up to today inclusive are exactly that long (5个月前 on 6 December is 7 July)."""
    for word in sorted(words("parsing.ago_words"), key=len, reverse=True):
        if text.endswith(word) and len(text) > len(word):
            fact = read_service_length(text[: -len(word)])
            if fact is None or fact.months <= 0:
                return None
            back = add_months(today, -int(fact.months)) + ONE_DAY
            return Parsed(CountedBackDate(back.year, back.month, back.day))
    return None


def _part_of_month(text: str, today: date) -> ParseOutcome | None:
    """上个月底, 2024年3月底, 去年12月中: a part of a month said by name (its last day, 15th …)."""
    parts: dict[str, int] = texts.node("parsing.month_parts")
    for word, day in sorted(parts.items(), key=lambda item: -len(item[0])):
        if not text.endswith(word) or len(text) == len(word):
            continue
        month = parse_date(text[: -len(word)], today)
        if isinstance(month, Parsed) and isinstance(month.value, MonthDate):
            year, number = month.value.year, month.value.month
            last = calendar.monthrange(year, number)[1]
            return Parsed(date(year, number, min(int(day), last) if day else last))
    return None


@lru_cache(maxsize=1)
def _numeral_date_part() -> re.Pattern[str]:
    """A year, month or day written in Chinese numerals (二〇二六年五月一日, 九月三十号)."""
    units = re.escape(texts.text("parsing.date_units"))
    return re.compile(rf"([{NUMERAL_CHARS}]+)(?=[{units}])")


_YEAR_PART: Final = rf"(?:[{NUMERAL_CHARS}]{{4}}|\d{{4}})年"
_MONTH_OR_DAY: Final = rf"(?:[{NUMERAL_CHARS}]{{1,3}}|\d{{1,2}})"
#: A whole date with a year of four digits or a day (not 十年零俩月, a length); the year may
#: come first as digits and a dash (2026-九月三十日: a year supplied to a month and day said).
_NUMERAL_DATE: Final = re.compile(
    rf"{_YEAR_PART}{_MONTH_OR_DAY}月(?:{_MONTH_OR_DAY}[日号])?"
    rf"|(?:\d{{4}}-|{_YEAR_PART})?{_MONTH_OR_DAY}月{_MONTH_OR_DAY}[日号]"
)


def _numeral_dates(text: str) -> str:
    """``text`` with the years, months and days of a date written in Chinese numerals as digits
    (二〇二六年五月一日 → 2026年5月1日), so it reads like typed digits; anything else as it is."""
    if not _NUMERAL_DATE.fullmatch(text):
        return text

    def digits(match: re.Match[str]) -> str:
        value = parse_number(match.group(1))
        return str(value) if isinstance(value, int) else match.group(1)

    return _numeral_date_part().sub(digits, text)


def parse_date(raw: str, today: date) -> ParseOutcome:
    """A calendar date: ``2024-03-01``, ``2024/3/1``, ``2024年3月1号``, ``20240301``, ``今天``,
    dates said relative to today (``去年12月``, ``上个月``; a month alone is its 1st), lengths
    back from today (``5个月前``) and parts of a month (``上个月底`` is its last day)."""
    if _is_today(raw):
        return Parsed(today)
    text = _numeral_dates(normalize(raw))
    part = _part_of_month(text, today)
    if part is not None:
        return part
    relative = _relative_date(text, today) or _counted_back(text, today)
    if relative is not None:
        return relative
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        match = pattern.fullmatch(text)
        if match:
            return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    month_only = _YEAR_MONTH.fullmatch(text)
    if month_only:
        year, month = int(month_only.group(1)), int(month_only.group(2))
        year += 2000 if year < 100 else 0
        if not 1 <= month <= 12:
            return Unparsed("not_a_date")
        return Parsed(MonthDate(year, month, 1))  # only the month is known: the 1st
    if _MONTH_DAY.fullmatch(text):
        return Unparsed("date_needs_year")
    return Unparsed("not_a_date")


def parse_date_or_length(raw: str, today: date) -> ParseOutcome:
    """A start date, or how long the worker has been there (``两年零七个月``, ``快五年``,
    ``一年多``, ``半年``) when they do not remember the date."""
    outcome = parse_date(raw, today)
    if isinstance(outcome, Parsed) or outcome.error == "date_needs_year":
        return outcome
    fact = read_service_length(normalize(raw))
    if fact is not None and fact.months > 0:
        return Parsed(ServiceLength(Decimal(str(fact.months)), fact.qualifier))
    return Unparsed("not_a_date_or_length")


def parse_bool(raw: str) -> ParseOutcome:
    """是/否; "不是", "没有" … are checked before "是", "有" so negations win."""
    text = normalize(raw)
    if any(word in text for word in words("parsing.unsure_words")):
        return Unparsed("not_yes_no")
    if any(word in text for word in words("parsing.no_words")):
        return Parsed(False)
    if any(word in text for word in words("parsing.yes_words")):
        return Parsed(True)
    return Unparsed("not_yes_no")


def said_unnegated(word: str, text: str) -> bool:
    """Whether ``word`` occurs in ``text`` other than right after a negation (both are
    normalised: Traditional 沒 is 没)."""
    negations = words("parsing.negations")
    start = text.find(word)
    while start >= 0:
        if start == 0 or text[start - 1] not in negations or word[0] in negations:
            return True
        start = text.find(word, start + 1)
    return False


def parse_choice(raw: str, choices: tuple[Choice, ...]) -> ParseOutcome:
    """An option by key, button label, number (``1``, ``2``) or one of its match words."""
    text = normalize(raw)
    for choice in choices:
        if text in (choice.key.lower(), normalize(choice.label)):
            return Parsed(choice.key)
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return Parsed(choices[int(text) - 1].key)
    # The longest matching word decides, so "无固定期限" picks 无固定期限 over 固定期限; a
    # word right after a negation does not count (没签过 is not 签过).
    best: dict[str, int] = {}
    for choice in choices:
        lengths = [len(word) for word in choice.match if said_unnegated(normalize(word), text)]
        if lengths:
            best[choice.key] = max(lengths)
    if best:
        top = max(best.values())
        winners = [key for key, length in best.items() if length == top]
        if len(winners) == 1:
            return Parsed(winners[0])
    return Unparsed("not_a_choice")


def parse_city(raw: str) -> ParseOutcome:
    """A place name as typed (resolved later against the minimum-wage city list)."""
    text = normalize(raw)
    return Parsed(text) if text and not is_skip(text) else Unparsed("empty")


def parse_kind(kind: str, raw: str, today: date) -> ParseOutcome:
    """Parse a non-choice answer for a field kind."""
    if kind == "money":
        return parse_money(raw)
    if kind == "hours":
        return parse_hours(raw)
    if kind == "days":
        return parse_days(raw)
    if kind == "weeks":
        return parse_weeks(raw)
    if kind == "work_time":
        return parse_work_time(raw)
    if kind == "date_or_length":
        return parse_date_or_length(raw, today)
    if kind == "months":
        return parse_months(raw)
    if kind == "years":
        return parse_years(raw)
    if kind == "date":
        return parse_date(raw, today)
    if kind == "bool":
        return parse_bool(raw)
    if kind == "city":
        return parse_city(raw)
    raise ValueError(f"{kind!r} fields have their own parser (parse_choice, parse_wage)")
