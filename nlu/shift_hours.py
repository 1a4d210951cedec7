"""A working day told by the clock: 早上7点半干到晚上7点半, 8点到8点, 晚上8点到早上8点,
早上8点上班 晚上8点下班.

The span is the day's working time, less a meal break the message gives in hours (中午吃饭歇1个
钟头). The words (parts of the day, range words, meal words) are in ``nlu/entity_rules.yml``
under ``work_time.shift``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from nlu.numbers import CN_DIGIT_CHARS, Quantity, parse_number
from nlu.phrase_text import alternation

RULES_PATH: Final = Path(__file__).with_name("entity_rules.yml")
_HALF_DAY: Final = 12
_DAY: Final = 24
#: A meal break longer than this is not one (中午休息3个小时 is a split shift: not read).
_MAX_BREAK_HOURS: Final = 2
#: How far after a meal word its hours may stand (中午吃饭歇1个钟头).
_BREAK_REACH: Final = 6
#: How far a stop time may stand after a start word (8点上班 晚上8点下班).
_START_TO_STOP: Final = 4
#: How far overtime's end may stand after the day's end (6点下班 吃完饭 加班到9点).
_STOP_TO_OVERTIME: Final = 8
#: How far overtime's end may stand after the working day's range (早上8点到下午5点 … 加到九点半).
_RANGE_TO_OVERTIME: Final = 30
#: Overtime told by the clock runs at most this long after a working day.
_MAX_OVERTIME_HOURS: Final = 8


@dataclass(frozen=True, slots=True)
class ShiftSpan:
    """Where a clock range stands and the hours it gives (the meal break taken off)."""

    start: int
    end: int
    hours: Decimal
    break_hours: Decimal
    #: Overtime run on from a working day's range said before it (早上8点到下午5点 … 加到九点
    #: 半): where that range stands (it is no whole day of work of its own).
    day_range: tuple[int, int] | None = None


@dataclass(frozen=True)
class _ShiftWords:
    later: tuple[str, ...]  # 下午, 晚上: hours before 12 are afternoon or evening hours
    morning: tuple[str, ...]  # 早上, 上午: an end in the morning is the next day's
    patterns: tuple[re.Pattern[str], ...]
    meals: tuple[str, ...]
    overtime: tuple[re.Pattern[str], ...]
    overtime_meals: tuple[str, ...]


def _hour(n: str) -> str:
    """A time of day (7点, 七点半, 7点30分) with named groups h<n> and m<n>."""
    return rf"(?P<h{n}>\d{{1,2}}|[{CN_DIGIT_CHARS}十两]{{1,3}})点(?P<m{n}>半|\d{{1,2}}分)?钟?"


@lru_cache(maxsize=2)
def _words(path: Path = RULES_PATH) -> _ShiftWords:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    shift = raw["work_time"]["shift"]
    parts = alternation([*shift["morning"], *shift["later"], *shift["noon"]])
    between = alternation(shift["between"])
    joined = alternation(shift["range"])
    starts, stops = alternation(shift["start_words"]), alternation(shift["stop_words"])
    ranged = re.compile(
        rf"(?P<p1>{parts})?{_hour('1')}(?:{between})*(?:{joined})(?P<p2>{parts})?{_hour('2')}"
    )
    # 早上8点上班 晚上8点下班: a start and a stop said apart.
    started = re.compile(
        rf"(?P<p1>{parts})?{_hour('1')}(?:{starts})[^点]{{0,{_START_TO_STOP}}}?"
        rf"(?P<p2>{parts})?{_hour('2')}(?:{stops})"
    )
    # 一直加到晚上十点: overtime's end (a comma may stand before it after its own start).
    overtime_end = (
        rf"(?:{alternation(shift['overtime_between'])})*"
        rf"(?:{alternation(shift['overtime_end_words'])})(?P<p2>{parts})?{_hour('2')}"
    )
    # 6点开始加班 一直加到晚上十点: overtime's own start; 6点下班 (吃完饭) 加班到9点: the day's end.
    overtime_from_start = re.compile(
        rf"(?P<p1>{parts})?{_hour('1')}(?:{alternation(shift['overtime_start_words'])})[，,]?"
        + overtime_end
    )
    overtime_from_stop = re.compile(
        rf"(?P<p1>{parts})?{_hour('1')}(?:{stops})[^点]{{0,{_STOP_TO_OVERTIME}}}?" + overtime_end
    )
    # 早上8点到下午5点 … 都加到晚上九点半: the working day's range, then overtime to its end.
    overtime_after_range = re.compile(
        rf"(?P<p0>{parts})?{_hour('0')}(?:{between})*(?:{joined})(?P<p1>{parts})?{_hour('1')}"
        rf"(?P<gap>[^点]{{0,{_RANGE_TO_OVERTIME}}}?)" + overtime_end
    )
    return _ShiftWords(
        later=tuple(shift["later"]),
        morning=tuple(shift["morning"]),
        patterns=(ranged, started),
        meals=tuple(shift["meals"]),
        overtime=(overtime_from_start, overtime_from_stop, overtime_after_range),
        overtime_meals=tuple(shift["overtime_meals"]),
    )


def _clock(hour: str, minutes: str | None, part: str | None, words: _ShiftWords) -> Decimal | None:
    value = parse_number(hour)
    if not isinstance(value, int) or not 0 <= value <= _DAY:
        return None
    at = Decimal(value)
    if minutes == "半":
        at += Decimal("0.5")
    elif minutes:
        at += Decimal(int(minutes.removesuffix("分"))) / 60
    if part in words.later and at < _HALF_DAY:
        at += _HALF_DAY
    return at


def _span_hours(match: re.Match[str], words: _ShiftWords) -> Decimal | None:
    begin = _clock(match["h1"], match["m1"], match["p1"], words)
    end = _clock(match["h2"], match["m2"], match["p2"], words)
    if begin is None or end is None:
        return None
    if end <= begin and match["p2"] is None and end < _HALF_DAY:
        end += _HALF_DAY  # 8点到8点, 下午2点到10点: the end is in the evening
    if end <= begin:
        end += _DAY  # 晚上8点到早上8点: into the next morning
    hours = end - begin
    return hours if 0 < hours < _DAY else None


def _meal_break(norm: str, quantities: list[Quantity], words: _ShiftWords) -> Decimal:
    """Hours of the meal breaks the message gives, all of them (中午吃饭歇1个钟头; 吃午饭1个钟
    吃晚饭半个钟: one and a half)."""
    breaks: dict[int, Decimal] = {}
    for meal in words.meals:
        for found in re.finditer(re.escape(meal), norm):
            reach = found.end() + _BREAK_REACH
            for q in quantities:
                if q.kind == "hours" and found.start() < q.start <= reach:
                    amount = Decimal(str(q.amount if q.amount is not None else q.value))
                    if 0 < amount <= _MAX_BREAK_HOURS:
                        breaks.setdefault(q.start, amount)
                    break
    return sum(breaks.values(), Decimal(0))


def find_shift_spans(norm: str, quantities: list[Quantity]) -> list[ShiftSpan]:
    """Working days told by the clock in normalised text, with the meal break taken off."""
    words = _words()
    spans: list[ShiftSpan] = []
    meal = _meal_break(norm, quantities, words)
    for pattern in words.patterns:
        for match in pattern.finditer(norm):
            hours = _span_hours(match, words)
            overlaps = any(s.start < match.end() and match.start() < s.end for s in spans)
            if hours is None or hours <= meal or overlaps:
                continue
            spans.append(ShiftSpan(match.start(), match.end(), hours - meal, meal))
    return sorted(spans, key=lambda span: span.start)


def find_overtime_spans(norm: str) -> list[ShiftSpan]:
    """Overtime of a day told by the clock (6点开始加班，一直加到晚上十点: 4 hours; 早上8点到下午
    5点 … 加到晚上九点半: 4.5 hours, the span then covering the working day's range too). A start
    said without a part of the day before an evening end is in the evening too (6点 → 18点)."""
    words = _words()
    spans: list[ShiftSpan] = []
    for pattern in words.overtime:
        for match in pattern.finditer(norm):
            begin = _clock(match["h1"], match["m1"], match["p1"], words)
            end = _clock(match["h2"], match["m2"], match["p2"], words)
            if begin is None or end is None:
                continue
            if match["p1"] is None and begin < _HALF_DAY and begin + _HALF_DAY < end:
                begin += _HALF_DAY
            if end <= begin and match["p2"] is None and end + _HALF_DAY > begin:
                end += _HALF_DAY  # 6点下班 加到9点: the evening
            if end <= begin:
                end += _DAY  # 晚上8点开始加班 干到凌晨2点: into the next morning
            hours = end - begin
            overlaps = any(s.start < match.end() and match.start() < s.end for s in spans)
            # A meal between the day's end and overtime's (吃完晚饭 加到9点) is not overtime:
            # how long it took is asked, not guessed.
            gap = match.groupdict().get("gap") or ""
            meal = any(word in gap for word in words.overtime_meals)
            if 0 < hours <= _MAX_OVERTIME_HOURS and not overlaps and not meal:
                if "gap" in match.groupdict():  # the range, then the overtime after the gap
                    day = (match.start(), match.start("gap"))
                    spans.append(ShiftSpan(match.end("gap"), match.end(), hours, Decimal(0), day))
                else:
                    spans.append(ShiftSpan(match.start(), match.end(), hours, Decimal(0)))
    return sorted(spans, key=lambda span: span.start)
