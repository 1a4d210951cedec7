"""Turn a worker's free-text answer into a typed value for one field kind.

Workers type on phones: ``4500``, ``4500元``, ``4.5k``, ``三千五``, ``1万2``, ``10个小时``,
``3年半``, ``2024年3月1号``, ``今天``, ``没有``. Each parser returns a :class:`Parsed` value or a
:class:`Unparsed` error key from prompts.yml (``common.errors.*``) with its format values.
The word lists (skip words, yes/no, filler words) live in prompts.yml under ``parsing``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

import opencc

from knowledge_base.calculators.base import Choice, FieldKind
from knowledge_base.calculators.texts import words

# The numeral system itself (not prose): digit and unit characters of Chinese numbers.
_CN_DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS: Final[dict[str, int]] = {"十": 10, "百": 100, "千": 1000}
_CN_WAN: Final = "万"
_CN_CHARS: Final = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + _CN_WAN
_HALF: Final = "半"
_NUMBER: Final = rf"(?:\d+(?:\.\d+)?|[{_CN_CHARS}]+)"
# Shorthand multipliers workers use for money: 4.5k, 4k5, 1w, 1万2, 3千5.
_MONEY_SHORT: Final = re.compile(r"^(\d+(?:\.\d+)?)(k|千|w|万)(\d)?$")
_MONEY_UNIT: Final[dict[str, int]] = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}
_NUMBER_TOKEN: Final = re.compile(_NUMBER)
_YEAR_UNIT: Final = "年"
_MONTH_UNIT: Final = "月"
_DAY_UNITS: Final = "日号"
_FULL_DATE: Final = re.compile(
    rf"^(\d{{4}}|\d{{2}})[-/.{_YEAR_UNIT}](\d{{1,2}})[-/.{_MONTH_UNIT}](\d{{1,2}})[{_DAY_UNITS}]?$"
)
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH: Final = re.compile(rf"^(\d{{4}}|\d{{2}})[-/.{_YEAR_UNIT}](\d{{1,2}}){_MONTH_UNIT}?$")
_MONTH_DAY: Final = re.compile(rf"^(\d{{1,2}}){_MONTH_UNIT}(\d{{1,2}})[{_DAY_UNITS}]?$")


@dataclass(frozen=True)
class Parsed:
    """A usable answer (``None`` means the worker skipped an optional question)."""

    value: object


@dataclass(frozen=True)
class Unparsed:
    """An answer we could not read; ``error`` is a key under ``common.errors`` in prompts.yml."""

    error: str
    values: Mapping[str, str] = field(default_factory=dict)


ParseOutcome = Parsed | Unparsed


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to Simplified (沒有 → 没有, 東莞 → 东莞)."""
    return str(_t2s().convert(text))


def normalize(raw: str) -> str:
    """Simplified, half-width, lower case, no spaces or thousands separators."""
    folded = unicodedata.normalize("NFKC", to_simplified(raw)).strip().lower()
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
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))  # 二零二四
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 0  # unit just before a trailing digit (三千五 → 5 × 100)
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
            if digit == 0:
                digit = None
                last_unit = 0
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            section += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:  # 万
            section += digit or 0
            total += (section or 1) * 10000
            section = 0
            digit = None
            last_unit = 10000
    if digit is not None:
        section += digit * (last_unit // 10 if last_unit >= 100 else 1)
    return Decimal(total + section)


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
    """Yuan: ``4500``, ``4500元``, ``4,500``, ``4.5k``, ``4k5``, ``1万2``, ``三千五``."""
    if _is_zero(raw):
        return Parsed(Decimal(0))
    text = _strip_words(_strip_words(normalize(raw), "parsing.filler_words"), "parsing.money_words")
    short = _MONEY_SHORT.fullmatch(text)
    if short:
        unit = _MONEY_UNIT[short.group(2)]
        value = Decimal(short.group(1)) * unit
        if short.group(3):
            value += Decimal(short.group(3)) * unit / 10
        return Parsed(value)
    plain = parse_plain_number(text)
    if plain is not None:
        return Parsed(plain)
    return Unparsed("several_numbers" if _several_numbers(text) else "not_a_number")


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
    """Days: ``5``, ``5天``, ``两天半``."""
    return _parse_with_units(raw, "parsing.day_words", "parsing.days_not_hours")


_SPAN: Final = re.compile(
    rf"^(?:(?P<years>{_NUMBER}){_YEAR_UNIT}(?P<yhalf>{_HALF})?(?:零)?)?"
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


def parse_date(raw: str, today: date) -> ParseOutcome:
    """A calendar date: ``2024-03-01``, ``2024/3/1``, ``2024年3月1号``, ``20240301``, ``今天``."""
    if _is_today(raw):
        return Parsed(today)
    text = normalize(raw)
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        match = pattern.fullmatch(text)
        if match:
            return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if _YEAR_MONTH.fullmatch(text):
        return Unparsed("date_needs_day")
    if _MONTH_DAY.fullmatch(text):
        return Unparsed("date_needs_year")
    return Unparsed("not_a_date")


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


def parse_choice(raw: str, choices: tuple[Choice, ...]) -> ParseOutcome:
    """An option by key, button label, number (``1``, ``2``) or one of its match words."""
    text = normalize(raw)
    for choice in choices:
        if text in (choice.key.lower(), normalize(choice.label)):
            return Parsed(choice.key)
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return Parsed(choices[int(text) - 1].key)
    # The longest matching word decides, so "无固定期限" picks 无固定期限 over 固定期限.
    best: dict[str, int] = {}
    for choice in choices:
        lengths = [len(word) for word in choice.match if normalize(word) in text]
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


def parse_kind(kind: FieldKind, raw: str, today: date) -> ParseOutcome:
    """Parse a non-choice answer for a field kind."""
    if kind == "money":
        return parse_money(raw)
    if kind == "hours":
        return parse_hours(raw)
    if kind == "days":
        return parse_days(raw)
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
    raise ValueError(f"choice fields are parsed with parse_choice, not {kind!r}")
