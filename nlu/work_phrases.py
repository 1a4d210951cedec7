"""Phrases the calculators need, read the way workers say them.

- pay with the period it is paid for: 月薪4500, 一天250, 250一天, 一个钟22块, 时薪22, 计件;
- working time with the kind of day and the period it repeats in: 周末加了16个小时,
  平时每天加3个钟, 国庆三天都上班了, 每天做12个钟, 一周干六天;
- how long someone has worked somewhere: 干了两年零七个月, 干了快五年, 一年多, 半年, 三年半.

The same reader serves a whole message (``nlu.entities`` turns the facts into entities) and an
answer typed at a calculator's question (``read_wage`` …), so "一天250" means the same in
both. Word lists live in ``nlu/entity_rules.yml``; scanners run on ``nlu.tokenizer.normalize``-d
text, whose offsets are those of the original.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal, cast

import yaml

from nlu.date_ranges import DayRange, find_day_ranges
from nlu.holiday_dates import (
    DayList,
    HolidayCalendar,
    MonthDay,
    find_day_lists,
    split_by_calendar,
    year_said,
)
from nlu.named_days import find_named_days
from nlu.not_pay import find_local_average, said_of
from nlu.numbers import (
    CN_DIGIT_CHARS,
    CN_DIGITS,
    NUMERAL_CHARS,
    Number,
    Quantity,
    find_quantities,
    parse_number,
)
from nlu.shift_hours import find_shift_spans
from nlu.tokenizer import normalize
from nlu.weekends import each_weekend, find_weekends

RULES_PATH: Final = Path(__file__).with_name("entity_rules.yml")

WageUnit = Literal["month", "day", "hour", "piece"]
WorkKind = Literal["weekday", "rest_day", "holiday", "overtime", "work", "off"]
TimeUnit = Literal["h", "d"]
Period = Literal["day", "week", "month"]
Qualifier = Literal["exact", "almost", "more"]

WAGE_UNITS: Final[tuple[WageUnit, ...]] = ("month", "day", "hour", "piece")
WORK_KINDS: Final[tuple[WorkKind, ...]] = (
    "weekday",
    "rest_day",
    "holiday",
    "overtime",
    "work",
    "off",
)
PERIODS: Final[tuple[Period, ...]] = ("day", "week", "month")
_QUALIFIER_MARKS: Final[dict[Qualifier, str]] = {"exact": "", "almost": "-", "more": "+"}

_BREAK: Final = re.compile(r"[，。,.!?！？；;：:\n、\s]")
_DAY_UNITS: Final = frozenset({"天", "日"})
_SPAN_UNITS: Final = frozenset({"年", "月"})


def _number_text(value: Number) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(text: str) -> Number:
    value = float(text)
    return int(value) if value.is_integer() else value


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True, slots=True)
class WageFact:
    """Pay of ``amount`` yuan per ``unit`` (None: piece rate without a stated piece price)."""

    amount: Number | None
    unit: WageUnit

    def value(self) -> str:
        """Entity value: ``250/day``, ``4500/month``, ``0.5/piece`` or ``piece``."""
        return self.unit if self.amount is None else f"{_number_text(self.amount)}/{self.unit}"

    @classmethod
    def from_value(cls, value: str) -> WageFact | None:
        """Inverse of :meth:`value`; None for anything else."""
        amount, _, unit = value.rpartition("/")
        if not amount and value in WAGE_UNITS:
            return cls(None, value)
        if unit not in WAGE_UNITS:
            return None
        try:
            return cls(_number(amount), unit)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class WorkTimeFact:
    """``amount`` hours or days of work of ``kind``, per ``per`` (None: a total)."""

    kind: WorkKind
    amount: Number
    unit: TimeUnit
    per: Period | None = None

    def value(self) -> str:
        """Entity value: ``rest_day:16h``, ``weekday:3h/day``, ``work:6d/week``."""
        per = f"/{self.per}" if self.per else ""
        return f"{self.kind}:{_number_text(self.amount)}{self.unit}{per}"

    @classmethod
    def from_value(cls, value: str) -> WorkTimeFact | None:
        """Inverse of :meth:`value`; None for anything else."""
        match = re.fullmatch(r"(\w+):(\d+(?:\.\d+)?)([hd])(?:/(\w+))?", value)
        if match is None or match.group(1) not in WORK_KINDS:
            return None
        per = match.group(4)
        if per is not None and per not in PERIODS:
            return None
        return cls(
            cast(WorkKind, match.group(1)),
            _number(match.group(2)),
            cast(TimeUnit, match.group(3)),
            cast(Period | None, per),
        )


@dataclass(frozen=True, slots=True)
class ServiceLengthFact:
    """How long someone worked somewhere: ``months``, and whether said as exact, "almost"
    (快五年: a little under) or "more" (一年多: that and some months)."""

    months: Number
    qualifier: Qualifier = "exact"

    def value(self) -> str:
        """Entity value: ``31m``, ``60m-`` (almost), ``12m+`` (more)."""
        return f"{_number_text(self.months)}m{_QUALIFIER_MARKS[self.qualifier]}"

    @classmethod
    def from_value(cls, value: str) -> ServiceLengthFact | None:
        """Inverse of :meth:`value`; None for anything else."""
        match = re.fullmatch(r"(\d+(?:\.\d+)?)m([-+]?)", value)
        if match is None:
            return None
        qualifier = next(q for q, mark in _QUALIFIER_MARKS.items() if mark == match.group(2))
        return cls(_number(match.group(1)), qualifier)


@dataclass(frozen=True, slots=True)
class Found:
    """A fact and the span of text that says it."""

    fact: WageFact | WorkTimeFact | ServiceLengthFact
    start: int
    end: int


# --------------------------------------------------------------------------- rules


def _longest_first(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


@dataclass(frozen=True, slots=True)
class PhraseRules:
    """The word lists of ``entity_rules.yml`` these scanners use, normalised."""

    wage_before: tuple[tuple[str, str], ...]
    wage_after: tuple[tuple[str, str], ...]
    wage_fillers: tuple[str, ...]
    piece_words: tuple[str, ...]
    pay_words: tuple[str, ...]
    #: Right before an amount or its pay phrase: what it is said of when not pay (宿舍费 →
    #: cost, 社平工资 → the local average wage).
    not_pay: tuple[tuple[str, str], ...]
    min_bare: dict[str, float]
    bare_blocked_after: tuple[str, ...]
    kinds: tuple[tuple[str, str], ...]
    #: Statutory days off of a named holiday (国庆 → 3), from 全国年节及纪念日放假办法 第二条.
    holiday_days: dict[str, int]
    #: 春节 by its days: New Year's Eve words, the statutory days (0 = 除夕 … 3 = 初三) and
    #: the words joining a first and a last day.
    eve_words: tuple[str, ...]
    lunar_statutory: tuple[int, int]
    range_words: tuple[str, ...]
    #: Range words holding a verb (一直干到): the days between are said worked.
    range_verbs: tuple[str, ...]
    #: Before 初N, the same day (正月初二, 大年初六).
    lunar_day_prefixes: tuple[str, ...]
    #: Rest-day words that may be counted (4个周六): that many whole days of rest-day work.
    counted_days: tuple[str, ...]
    counted_weekdays: tuple[str, ...]
    counted_verbs: tuple[str, ...]
    counted_set_after: tuple[str, ...]
    #: Times a counted day was worked, said after the verb (礼拜六去了3回).
    counted_times: tuple[str, ...]
    #: A holiday named as one day (清明那天): the day words, what may sit before them (节)
    #: and the words joining such days in a list (清明节当日同端午节当日).
    named_day_words: tuple[str, ...]
    named_day_between: tuple[str, ...]
    named_day_joiners: tuple[str, ...]
    named_day_not_verbs: tuple[str, ...]
    #: Weekends counted (3个周末), and the words that make days after them each weekend's
    #: (每个周末 … 两天).
    weekend_words: tuple[str, ...]
    weekend_each_words: tuple[str, ...]
    #: Before an amount, a total, not each day's or weekend's (一共干了12个钟).
    total_words: tuple[str, ...]
    #: Before days counted after daily overtime: more days, not the same (另外还加了2天).
    more_days_words: tuple[str, ...]
    #: After an amount, words that start another fact (另外): what follows is not the amount's.
    new_fact_words: tuple[str, ...]
    #: The holidays' calendar (first statutory days, the rules before 2025).
    calendar: HolidayCalendar
    #: Between a festival and a holiday on a fixed date named together (国庆加中秋).
    together_joiners: tuple[str, ...]
    #: Holidays whose break starts on their first statutory day (from the year after them).
    break_from_first_day: tuple[str, ...]
    break_from_first_day_since: int
    standard_words: tuple[str, ...]
    #: Right before an amount, these make it leave given back (补休了8个小时), not work.
    comp_leave_words: tuple[str, ...]
    #: Right after 一天, these make it "not a day off" (一天没休), not one day worked.
    none_off_after: tuple[str, ...]
    #: A holiday's break told (放三天假, 放假7天): its length is no work, and the holiday named
    #: before it still names the days said worked after it.
    break_before: tuple[str, ...]
    #: Days off (月休2天): period words, the verbs and what may sit between them.
    off_periods: tuple[tuple[str, str], ...]
    off_verbs: tuple[str, ...]
    off_fillers: tuple[str, ...]
    #: Said right after a weekday or rest-day word: days off (周六周日休息), unless negated.
    off_after: tuple[str, ...]
    off_negations: tuple[str, ...]
    #: The verb 上 of 一周上6天, counted only right between a period and days.
    shang: str
    overtime_verbs: tuple[str, ...]
    work_verbs: tuple[str, ...]
    per: tuple[tuple[str, str], ...]
    time_fillers: tuple[str, ...]
    service_verbs: tuple[str, ...]
    service_max_gap: int
    #: Words written with a numeral that are no number (一共, 一直), between a verb and a length.
    service_not_numbers: tuple[str, ...]
    service_gap_words: tuple[str, ...]
    #: A length with no verb right after a workplace (这个厂6年，), ending its clause.
    service_bare_after: tuple[str, ...]
    service_bare_fillers: tuple[str, ...]
    service_bare_end: tuple[str, ...]
    almost: tuple[str, ...]
    more: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = RULES_PATH) -> PhraseRules:
        """Read the phrase sections of the rule file."""
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

        def words(items: Sequence[object]) -> tuple[str, ...]:
            return tuple(sorted((normalize(str(w)) for w in items), key=len, reverse=True))

        def by_key(section: dict[str, list[object]]) -> tuple[tuple[str, str], ...]:
            return _longest_first([(normalize(str(w)), k) for k, ws in section.items() for w in ws])

        wage, time, service = raw["wage"], raw["work_time"], raw["service_length"]
        lunar, off = time["lunar_new_year"], time["days_off"]
        named, weekends = time["named_days"], time["weekends"]
        calendar = time["holiday_calendar"]
        before_low, before_high = (int(day) for day in calendar["lunar_statutory_before"])
        first_day, last_day = (int(day) for day in lunar["statutory_days"])
        return cls(
            wage_before=by_key(wage["before"]),
            wage_after=by_key(wage["after"]),
            wage_fillers=words(wage["fillers"]),
            piece_words=words(wage["piece_words"]),
            pay_words=words(wage["pay_words"]),
            not_pay=by_key(wage["not_pay"]),
            min_bare={str(k): float(v) for k, v in wage["min_bare"].items()},
            bare_blocked_after=words(raw["bare_number"]["blocked_after"]),
            kinds=by_key(time["kinds"]),
            holiday_days={normalize(str(k)): int(v) for k, v in time["holiday_days"].items()},
            eve_words=words(lunar["eve"]),
            lunar_statutory=(first_day, last_day),
            range_words=words([*lunar["range_words"], *lunar["range_verbs"]]),
            range_verbs=words(lunar["range_verbs"]),
            lunar_day_prefixes=words(lunar["day_prefixes"]),
            counted_days=words(time.get("counted_days") or ()),
            counted_weekdays=words(time.get("counted_weekdays") or ()),
            counted_verbs=words(time.get("counted_verbs") or ()),
            counted_set_after=words(time.get("counted_set_after") or ()),
            counted_times=words(time.get("counted_times") or ()),
            named_day_words=words(named["day_words"]),
            named_day_between=words(named["between"]),
            named_day_joiners=words(named["joiners"]),
            named_day_not_verbs=words(named["not_verbs"]),
            weekend_words=words(weekends["words"]),
            weekend_each_words=words(weekends["each_words"]),
            total_words=words(time["total_words"]),
            more_days_words=words(time["more_days_words"]),
            new_fact_words=words(time["new_fact_words"]),
            calendar=HolidayCalendar(
                first_dates={
                    normalize(str(k)): _month_day(str(v))
                    for k, v in calendar["first_dates"].items()
                },
                changed_in=int(calendar["changed_in"]),
                days_before={normalize(str(k)): int(v) for k, v in calendar["days_before"].items()},
                lunar_before=(before_low, before_high),
                relative_years={
                    normalize(str(k)): int(v) for k, v in calendar["relative_years"].items()
                },
                festivals_inside={
                    int(year): {_month_day(str(k)): _month_day(str(v)) for k, v in days.items()}
                    for year, days in calendar["festivals_inside"].items()
                },
                lunar_workdays={
                    int(year): frozenset(int(day) for day in days)
                    for year, days in (calendar.get("lunar_workdays") or {}).items()
                },
            ),
            together_joiners=words(calendar["together_joiners"]),
            break_from_first_day=words(calendar["break_from_first_day"]),
            break_from_first_day_since=int(calendar["break_from_first_day_since"]),
            standard_words=words(time.get("standard_words") or ()),
            comp_leave_words=words(time.get("comp_leave_words") or ()),
            none_off_after=words(time.get("none_off_after") or ()),
            break_before=words(time.get("break_before") or ()),
            off_periods=by_key(off["periods"]),
            off_verbs=words(off["verbs"]),
            off_fillers=words(off["fillers"]),
            off_after=words(time["off_after"]),
            off_negations=words(time["off_negations"]),
            shang=normalize(str(time["period_verb"])),
            overtime_verbs=words(time["overtime_verbs"]),
            work_verbs=words(time["work_verbs"]),
            per=by_key(time["per"]),
            time_fillers=words(time["fillers"]),
            service_verbs=words(service["verbs"]),
            service_max_gap=int(service["max_gap"]),
            service_not_numbers=words(service["not_numbers"]),
            service_gap_words=words(service["gap_words"]),
            service_bare_after=words(service["bare_after"]),
            service_bare_fillers=words(service["bare_fillers"]),
            service_bare_end=words(service["bare_end"]),
            almost=words(service["almost"]),
            more=words(service["more"]),
        )

    @property
    def verbs_and_fillers(self) -> tuple[str, ...]:
        """Words that may sit between a period (每天) and its amount (每天都要加3个钟)."""
        words = self.overtime_verbs + self.work_verbs + self.time_fillers
        return tuple(sorted(words, key=len, reverse=True))

    @property
    def between_period_and_amount(self) -> tuple[str, ...]:
        """Verbs, fillers and kind words (每个星期平时晚上加班加起来6个钟头)."""
        words = self.verbs_and_fillers + tuple(cue for cue, _ in self.kinds)
        return tuple(sorted(set(words), key=len, reverse=True))

    def statutory_days(self, cue: str, year: int | None) -> int | None:
        """The statutory days of the holiday named ``cue`` in ``year`` (None: today's)."""
        return self.calendar.statutory_days(cue, year, self.holiday_days)

    def lunar_days(self, year: int | None) -> tuple[int, int]:
        """The statutory days of 春节 in ``year`` (0 is 除夕, N is 初N)."""
        return self.calendar.lunar_days(year, self.lunar_statutory)


def _month_day(text: str) -> MonthDay:
    month, day = text.split("-")
    return int(month), int(day)


@lru_cache(maxsize=2)
def load_phrase_rules(path: Path = RULES_PATH) -> PhraseRules:
    """The rules from ``path``, read once."""
    return PhraseRules.load(path)


def _strip_tail(text: str, words: tuple[str, ...], limit: int = 4) -> str:
    for _ in range(limit):
        word = next((w for w in words if w and text.endswith(w)), None)
        if word is None:
            break
        text = text[: -len(word)]
    return text


def _strip_head(text: str, words: tuple[str, ...], limit: int = 4) -> str:
    for _ in range(limit):
        word = next((w for w in words if w and text.startswith(w)), None)
        if word is None:
            break
        text = text[len(word) :]
    return text


def _ending(text: str, cues: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    return next(((cue, key) for cue, key in cues if text.endswith(cue)), None)


def _starting(text: str, cues: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    return next(((cue, key) for cue, key in cues if text.startswith(cue)), None)


def _starts_number(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in CN_DIGITS or text[0] == "十")


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# --------------------------------------------------------------------------- pay


def find_wages(
    norm: str, quantities: Sequence[Quantity], rules: PhraseRules, *, answer: bool = False
) -> list[Found]:
    """Pay amounts with their unit in normalised text. In a whole message a bare number after
    a period word (一天30) must be large enough to be pay; after a pay word (日薪, 时薪) or in
    an answer to the pay question it need not."""
    found: list[Found] = []
    for q in quantities:
        if q.kind not in ("money", "number") or _is_word(norm, q):
            continue
        hit = _wage_unit(norm, q, rules)
        if hit is None:
            continue
        unit, start, end = hit
        if said_of(norm[:start], rules.not_pay, rules.wage_fillers) is not None:
            continue  # 宿舍费每月150, 社平工资11000: not the worker's pay
        strong = answer or norm[start:end].startswith(rules.pay_words)
        if q.kind == "number" and (
            (q.value < rules.min_bare[unit] and not strong)
            or norm[q.end :].startswith(rules.bare_blocked_after)
        ):
            continue
        found.append(Found(WageFact(q.value, cast(WageUnit, unit)), start, end))
    priced = [f.fact for f in found if isinstance(f.fact, WageFact) and f.fact.unit == "piece"]
    if not priced:
        for word in rules.piece_words:
            index = norm.find(word)
            if index >= 0 and not _overlaps(
                index, index + len(word), [(f.start, f.end) for f in found]
            ):
                found.append(Found(WageFact(None, "piece"), index, index + len(word)))
                break
    return sorted(found, key=lambda f: f.start)


def _wage_unit(norm: str, q: Quantity, rules: PhraseRules) -> tuple[str, int, int] | None:
    # The unit after the amount is the more specific one (工资250一天 is pay per day).
    after = norm[q.end :]
    cue = _starting(after, rules.wage_after)
    if cue is not None:
        return cue[1], q.start, q.end + len(cue[0])
    before = norm[: q.start]
    stripped = _strip_tail(before, rules.wage_fillers, limit=2)
    cue = _ending(stripped, rules.wage_before)
    if cue is None:
        return None
    return cue[1], len(stripped) - len(cue[0]), q.end


# --------------------------------------------------------------------------- working time


def _is_time(q: Quantity) -> bool:
    return q.kind == "hours" or (q.kind == "duration" and q.unit in _DAY_UNITS)


def _is_period_cue(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """True for 一天 in 一天加3个钟 / 一天250 and 一个钟 in 一个钟22块: a period, not an amount."""
    if q.amount != 1 or q.kind not in ("hours", "duration"):
        return False
    rest = _strip_head(norm[q.end :], rules.verbs_and_fillers + rules.wage_fillers)
    return _starts_number(rest)


def _is_word(norm: str, q: Quantity) -> bool:
    """A lone 一 is part of a word (一共, 一般, 一直), not an amount."""
    return q.kind == "number" and norm[q.start : q.end] == "一"


def _is_date_part(norm: str, q: Quantity) -> bool:
    """10 and 1 of 10月1号: a number naming a month or a day."""
    return q.kind == "number" and norm[q.end : q.end + 1] in _DATE_UNITS


def _clause_end(norm: str, index: int) -> int:
    match = _BREAK.search(norm, index)
    return match.start() if match else len(norm)


@dataclass(frozen=True, slots=True)
class _KindWord:
    """Where a kind word (平时, 周末, 国庆, 五一 …) stands in the text."""

    start: int
    end: int
    cue: str
    kind: str


def _kind_words(norm: str, quantities: Sequence[Quantity], rules: PhraseRules) -> list[_KindWord]:
    """Every kind word in the text that is not part of a longer number: 五一 in 五一那天 names a
    holiday, but not in 两千八百五一个月 (a number it only overlaps)."""
    found: list[_KindWord] = []
    for cue, kind in rules.kinds:
        index = norm.find(cue)
        while index >= 0:
            end = index + len(cue)
            if all(
                index <= q.start and q.end <= end
                for q in quantities
                if q.start < end and index < q.end
            ):
                found.append(_KindWord(index, end, cue, kind))
            index = norm.find(cue, index + 1)
    return found


_DATE_UNITS: Final = frozenset("月号日")
#: 这三天, 那两天: days named again.
_BACK_REFERENCES: Final = ("这", "那")
#: Kinds a following rest word makes days off (holidays are named with 放假 and still worked).
_OFF_KINDS: Final = frozenset({"weekday", "rest_day"})
#: How far after a kind word its rest word may stand (周六周日休息: 周日 in between).
_OFF_REACH: Final = 4


def _said_off(norm: str, word: _KindWord, rules: PhraseRules) -> bool:
    """周六周日休息, 周日休: the kind word names days off, not days worked."""
    if word.kind not in _OFF_KINDS:
        return False
    after = norm[word.end : word.end + _OFF_REACH]
    for verb in rules.off_after:
        index = after.find(verb)
        if index >= 0 and not after[:index].endswith(rules.off_negations):
            return True
    return False


def _kind_before(words: Sequence[_KindWord], start: int, end: int) -> _KindWord | None:
    """The kind word inside ``norm[start:end]`` that ends last."""
    inside = [w for w in words if start <= w.start and w.end <= end]
    return max(inside, key=lambda w: (w.end, len(w.cue)), default=None)


def _kind_after(words: Sequence[_KindWord], start: int, end: int) -> _KindWord | None:
    """The kind word inside ``norm[start:end]`` that starts first."""
    inside = [w for w in words if start <= w.start and w.end <= end]
    return min(inside, key=lambda w: (w.start, -len(w.cue)), default=None)


#: Between days named in a list (除夕 初一 初二, 初一、初二和初三).
_LIST_SEPARATORS: Final = " 、,，和跟及"
_LUNAR_DAY_NUMBERS: Final = {n: i for i, n in enumerate("一二三四五六七八九十", start=1)}


@dataclass(frozen=True, slots=True)
class _LunarSpan:
    """初一到初三 in the text: where, and its first and last day (0 is 除夕)."""

    start: int
    end: int
    first: int
    last: int
    #: Told with a verb inside the range word (从除夕一直上到初六): said worked.
    worked: bool = False


@lru_cache(maxsize=4)
def _lunar_pattern(
    eve_words: tuple[str, ...], range_words: tuple[str, ...], prefixes: tuple[str, ...]
) -> re.Pattern[str]:
    prefix = "|".join(re.escape(w) for w in prefixes)
    day = "|".join([*(re.escape(w) for w in eve_words), f"(?:{prefix})?初[一二三四五六七八九十]"])
    joiner = "|".join(re.escape(w) for w in range_words)
    return re.compile(f"({day})(?:({joiner})({day}))?")


def _lunar_day(text: str, rules: PhraseRules) -> int:
    return 0 if text in rules.eve_words else _LUNAR_DAY_NUMBERS[text[-1]]


def _lunar_spans(norm: str, rules: PhraseRules) -> list[_LunarSpan]:
    """The 春节 days the text names (初一到初三, 除夕到初五, 初二), in order."""
    spans: list[_LunarSpan] = []
    pattern = _lunar_pattern(rules.eve_words, rules.range_words, rules.lunar_day_prefixes)
    for match in pattern.finditer(norm):
        first = _lunar_day(match.group(1), rules)
        last = _lunar_day(match.group(3), rules) if match.group(3) else first
        worked = match.group(2) in rules.range_verbs
        if last < first:
            continue
        previous = spans[-1] if spans else None
        gap = norm[previous.end : match.start()] if previous else ""
        if previous and first == previous.last + 1 and not gap.strip(_LIST_SEPARATORS):
            # 除夕 初一 初二: days named one after another are one span of them all.
            worked = worked or previous.worked
            spans[-1] = _LunarSpan(previous.start, match.end(), previous.first, last, worked)
        else:
            spans.append(_LunarSpan(match.start(), match.end(), first, last, worked))
    return spans


def _lunar_lists(norm: str, spans: Sequence[_LunarSpan]) -> list[list[_LunarSpan]]:
    """The spans grouped by the list they are named in (初一、初三: one list of two; a span
    alone is a list of one), in order."""
    lists: list[list[_LunarSpan]] = []
    for span in spans:
        if lists and not norm[lists[-1][-1].end : span.start].strip(_LIST_SEPARATORS):
            lists[-1].append(span)
        else:
            lists.append([span])
    return lists


def _lunar_work(span: _LunarSpan, rules: PhraseRules, year: int | None) -> list[WorkTimeFact]:
    """Days worked in the 春节 break: the statutory ones (of ``year``) are holiday work, the
    rest (weekends moved next to it) rest-day work."""
    low, high = rules.lunar_days(year)
    # 除夕 2024 was an ordinary working day, outside the break: no overtime by itself.
    workdays = sum(
        rules.calendar.lunar_workday(day, year) for day in range(span.first, span.last + 1)
    )
    days = span.last - span.first + 1 - workdays
    statutory = max(0, min(span.last, high) - max(span.first, low) + 1)
    facts = [WorkTimeFact("holiday", statutory, "d", None)] if statutory else []
    if days > statutory:
        facts.append(WorkTimeFact("rest_day", days - statutory, "d", None))
    return facts


@lru_cache(maxsize=4)
def _days_off_pattern(
    periods: tuple[tuple[str, str], ...], verbs: tuple[str, ...], fillers: tuple[str, ...]
) -> re.Pattern[str]:
    def either(words: Sequence[str]) -> str:
        return "|".join(re.escape(w) for w in words)

    period = either([word for word, _ in periods])
    return re.compile(
        f"({period})(?:{either(fillers)})*(?:{either(verbs)})(?:{either(fillers)})*"
        f"([0-9.]+|[{CN_DIGIT_CHARS}两半]+)(?:个)?(?:天|日)"
    )


def _days_off(norm: str, rules: PhraseRules, taken: Sequence[tuple[int, int]]) -> list[Found]:
    """月休2天, 一个月只休息两天, 每周休一天: the days off in a month or a week."""
    pattern = _days_off_pattern(rules.off_periods, rules.off_verbs, rules.off_fillers)
    periods = dict(rules.off_periods)
    found: list[Found] = []
    for match in pattern.finditer(norm):
        if _overlaps(match.start(), match.end(), taken):
            continue
        numeral = match.group(2)
        amount = 0.5 if numeral == "半" else parse_number(numeral)
        if amount is None:
            continue
        per = cast(Period, periods[match.group(1)])
        found.append(Found(WorkTimeFact("off", amount, "d", per), match.start(), match.end()))
    return found


def _says_worked(clause: str, rules: PhraseRules) -> bool:
    """Whether ``clause`` has a verb of working or of overtime (上班, 干了, 加班 …)."""
    return any(verb in clause for verb in (*rules.overtime_verbs, *rules.work_verbs))


@lru_cache(maxsize=4)
def _counted_days_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    either = "|".join(re.escape(w) for w in words)
    return re.compile(f"([0-9]+|[{NUMERAL_CHARS}两]+)个({either})")


#: After a count of times, these make it a length of time instead (1个小时, 两个月).
_NOT_TIMES: Final = "小时|钟|半|多|月|星期|礼拜|周|工作日|晚|白天|通宵|夜|点|人"


@lru_cache(maxsize=4)
def _counted_times_pattern(
    days: tuple[str, ...],
    set_after: tuple[str, ...],
    verbs: tuple[str, ...],
    times: tuple[str, ...],
) -> re.Pattern[str]:
    def either(words: tuple[str, ...]) -> str:
        # Longest first, so 加班 is tried before 加; built once (the pattern is cached).
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))

    return re.compile(
        f"(?:{either(days)})(?:{either(set_after)})?(?:都|也|总共|一共|共|还|又)?"
        f"(?:{either(verbs)})了?([0-9]+|[{NUMERAL_CHARS}两]+)(?:{either(times)})"
        # 上了1个小时班, 去了两个月: a length of time, not a number of days.
        f"(?!{_NOT_TIMES})"
    )


def _counted_times(norm: str, rules: PhraseRules, taken: Sequence[tuple[int, int]]) -> list[Found]:
    """礼拜六去了3回, 5个礼拜天里头去了3个: a rest day's word, the verb, then how many times."""
    if not rules.counted_days or not rules.counted_times:
        return []
    pattern = _counted_times_pattern(
        rules.counted_days,
        rules.counted_set_after,
        (*rules.counted_verbs, *rules.work_verbs, *rules.overtime_verbs),
        rules.counted_times,
    )
    found: list[Found] = []
    for match in pattern.finditer(norm):
        amount = parse_number(match.group(1))
        if _overlaps(match.start(1), match.end(), taken) or amount is None or amount <= 0:
            continue
        fact = WorkTimeFact("rest_day", amount, "d", None)
        found.append(Found(fact, match.start(1), match.end()))
    return found


def _counted_days(
    norm: str, rules: PhraseRules, taken: Sequence[tuple[int, int]], *, need_verb: bool
) -> list[Found]:
    """4个周六都去上班了: that many whole rest days worked; 19个工作日每天都干12个钟: that many
    weekdays worked (a work verb, or going there, in the clause); 礼拜六去了3回: the same,
    counted after the verb."""
    found: list[Found] = _counted_times(norm, rules, taken)
    taken = [*taken, *((f.start, f.end) for f in found)]
    for words, kind in ((rules.counted_days, "rest_day"), (rules.counted_weekdays, "weekday")):
        if not words:
            continue
        for match in _counted_days_pattern(words).finditer(norm):
            if _overlaps(match.start(), match.end(), taken):
                continue
            if norm.startswith(rules.counted_set_after, match.end()):
                continue  # 5个礼拜天里头去了3个: the Sundays there were, not those worked
            if norm[: match.start()].endswith(_BACK_REFERENCES):
                continue  # 这4个周六的加班费: the days already told, named again
            clause = norm[clause_start(norm, match.start()) : _clause_end(norm, match.end())]
            went = any(verb in clause for verb in rules.counted_verbs)
            if need_verb and not (went or _says_worked(clause, rules)):
                continue
            amount = parse_number(match.group(1))
            if amount is None or amount <= 0:
                continue
            fact = WorkTimeFact(cast(WorkKind, kind), amount, "d", None)
            found.append(Found(fact, match.start(), match.end()))
    return found


#: Hours a day beside a count of days (4个周六 … 每天8小时) are at most a day's.
_MAX_DAY_HOURS: Final = 24
#: Hours of a kind said without a period beside a count of its days (周六干8个钟 … 4个周六)
#: are a day's when no more than a long day's; more is a total.
_MAX_UNSAID_DAY_HOURS: Final = 12
#: Kinds whose days may be told apart from the hours worked on each.
_DAY_KINDS: Final = frozenset({"rest_day", "holiday"})


#: A clause that only names dates again (就是5月1号跟2号): digits, date units and joiners.
_DATES_ONLY: Final = re.compile(
    r"(?:就是|也就是|即)?[0-9一二三四五六七八九十两月号日,，、和跟到至 -]+"
)


#: How far before its dates a holiday's name may stand (国庆 今年10月1号到7号).
_RANGE_REACH: Final = 8


#: At most this far after a festival's name, its one date is its own day (中秋节那天（9月17号).
_NAMED_DATE_GAP: Final = 4


@dataclass(frozen=True, slots=True)
class _HolidayDates:
    """Days of holiday breaks told by their dates: those read, and the days that could not
    be placed (where, and how many days), whose count said again is no work to guess."""

    found: list[Found]
    unplaced: list[tuple[int, int, int]]


def _holiday_ranges(
    norm: str,
    kind_words: Sequence[_KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    year: int | None,
    *,
    need_verb: bool,
) -> _HolidayDates:
    """国庆10月1号到7号 … 全在车间干: the days of a holiday's break told by their dates, worked
    (its statutory days are holiday work, the rest rest-day work). For a holiday on a fixed
    date the calendar places each day; a run it cannot place (国庆 … 8号到10号) is unplaced."""
    holidays = [w for w in kind_words if w.kind == "holiday" and w.cue in rules.holiday_days]
    read = _HolidayDates([], [])
    for run in find_day_ranges(norm) if holidays else ():
        word = _kind_before(holidays, max(0, run.start - _RANGE_REACH - 4), run.start)
        if word is None:  # further back in the sentence: a holiday the calendar can check
            word = _holiday_of(norm, holidays, run.start)
            word = word if word is not None and word.cue in rules.calendar.first_dates else None
        if word is None or _overlaps(run.start, run.end, taken):
            continue
        together = _named_with_its_break(norm, word, holidays, rules, year)
        if together is None:  # 国庆中秋1号到8号, no year: which day was 中秋 is not known
            read.unplaced.append((run.start, run.end, run.days))
            continue
        word = together
        clause = norm[clause_start(norm, run.start) : _clause_end(norm, run.end)]
        if need_verb and not _says_worked(clause, rules):
            continue
        first = rules.calendar.first_dates.get(word.cue)
        if first is None:  # 端午 … 5月31号到6月2号: the festival's own day is not known
            whole = WorkTimeFact("holiday", run.days, "d", None)
            facts = _split_holiday(whole, word, rules, year)
        else:
            split = _run_by_calendar(norm, run, word, kind_words, quantities, rules, year)
            if split is None:
                read.unplaced.append((run.start, run.end, run.days))
                continue
            facts = [
                WorkTimeFact(cast(WorkKind, kind), count, "d", None)
                for kind, count in zip(("holiday", "rest_day"), split, strict=True)
                if count
            ]
        read.found.extend(Found(f, run.start, run.end) for f in facts)
    return read


def _named_with_its_break(
    norm: str,
    word: _KindWord,
    holidays: Sequence[_KindWord],
    rules: PhraseRules,
    year: int | None,
) -> _KindWord | None:
    """The holiday whose days ``word`` names: a festival named together with a holiday on a
    fixed date (国庆加中秋, 中秋国庆, 国庆节和中秋节) is that holiday's break, when the calendar
    of ``year`` puts the festival in it (2025: 中秋 on 10月6日); None when it does not or no
    year is said (which days were statutory is not known); else ``word`` itself."""
    if word.cue in rules.calendar.first_dates:
        return word
    for other in holidays:
        if other.cue not in rules.calendar.first_dates:
            continue
        if other.end <= word.start:
            gap = norm[other.end : word.start]
        elif word.end <= other.start:
            gap = norm[word.end : other.start]
        else:
            continue
        gap = gap.removeprefix(_FESTIVAL_SUFFIX)
        if gap and gap not in rules.together_joiners:
            continue
        return other if rules.calendar.festival_inside(other.cue, year) is not None else None
    return word


def _run_by_calendar(
    norm: str,
    run: DayRange,
    word: _KindWord,
    kind_words: Sequence[_KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    year: int | None,
) -> tuple[int, int] | None:
    """(statutory days, rest days) of a run of days worked in a fixed-date holiday's break: in
    the break said before it (五一放假5天 … 3号到5号), else in the run itself when it holds the
    holiday's first day (国庆10月1号到7号一天没休); None when neither places it."""
    first = rules.calendar.first_dates[word.cue]
    month = run.first_month or first[0]
    days = [(month, run.first_day + i) for i in range(run.days)]
    window = _break_window(norm, word, (run.start, run.end), kind_words, quantities, rules, year)
    if window is None and (month, run.first_day) <= first < (month, run.first_day + run.days):
        window = ((month, run.first_day), run.days)
    if window is None:
        return None
    statutory = rules.statutory_days(word.cue, year) or 0
    festival = rules.calendar.festival_inside(word.cue, year)
    return split_by_calendar(days, first, statutory, window, year, festival)


#: After a holiday's name (国庆节, 中秋节): still the name.
_FESTIVAL_SUFFIX: Final = "节"
#: Ends of a sentence: a holiday named before one is not the holiday of dates after it.
_SENTENCE_END: Final = re.compile(r"[。！？!?\n]")


def _holiday_of(norm: str, kind_words: Sequence[_KindWord], index: int) -> _KindWord | None:
    """The holiday named last before ``index`` in its sentence."""
    ends = [m.end() for m in _SENTENCE_END.finditer(norm, 0, index)]
    start = ends[-1] if ends else 0
    holidays = [w for w in kind_words if w.kind == "holiday"]
    return _kind_before(holidays, start, index)


def _break_window(
    norm: str,
    word: _KindWord,
    worked: tuple[int, int],
    kind_words: Sequence[_KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    year: int | None,
) -> tuple[MonthDay, int] | None:
    """The break said of the holiday ``word`` names (after its name, before another holiday's
    or the sentence's end; not the days ``worked``): by its dates (10月1号到7号), else by its
    length from the holiday's first day (放了五天假) where the break starts there; None when
    neither is said."""
    first = rules.calendar.first_dates[word.cue]
    bound = _said_of_holiday_until(norm, word, kind_words)
    for run in find_day_ranges(norm):
        told = norm[clause_start(norm, run.start) : _clause_end(norm, run.end)]
        inside = word.end <= run.start and run.end <= bound
        if inside and not _overlaps(run.start, run.end, [worked]) and not _says_worked(told, rules):
            return (run.first_month or first[0], run.first_day), run.days
    from_first_day = word.cue in rules.break_from_first_day and (
        year is None or year >= rules.break_from_first_day_since
    )
    length = _break_days(norm, word, kind_words, quantities, rules)
    return (first, length) if from_first_day and length is not None else None


def _said_of_holiday_until(norm: str, word: _KindWord, kind_words: Sequence[_KindWord]) -> int:
    """Where what is said of the holiday ``word`` names ends: at another holiday's name or the
    sentence's end."""
    others = [w.start for w in kind_words if w.kind == "holiday" and w.start >= word.end]
    others = [i for i in others if not norm.startswith(word.cue, i)]
    sentence_end = _SENTENCE_END.search(norm, word.end)
    return min([*others, sentence_end.start() if sentence_end else len(norm)])


def _break_days(
    norm: str,
    word: _KindWord,
    kind_words: Sequence[_KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
) -> int | None:
    """The length of the holiday's break said after its name (国庆放了7天), if any."""
    bound = _said_of_holiday_until(norm, word, kind_words)
    for q in quantities:
        inside = word.end <= q.start and q.end <= bound
        if inside and _break_length(norm, q, rules) and q.amount is not None:
            return int(q.amount)
    return None


def _part_of_a_break(
    norm: str,
    fact: WorkTimeFact,
    word: _KindWord | None,
    kind_words: Sequence[_KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
) -> bool:
    """国庆放假7天 我上了3天班: fewer days worked than the break said, not told which: which of
    them were the statutory days is not known."""
    if word is None or fact.kind != "holiday" or fact.unit != "d" or fact.per is not None:
        return False
    length = _break_days(norm, word, kind_words, quantities, rules)
    return length is not None and fact.amount < length


def _holiday_dates(
    norm: str,
    kind_words: Sequence[_KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    year: int | None,
    *,
    need_verb: bool,
) -> _HolidayDates:
    """国庆放7天（10月1号到7号）… 我只上了1号、4号、5号: days of a fixed-date holiday's break
    told by their dates, said worked: the holiday's statutory days are holiday work, the others
    in the break rest-day work. The lists of one break (1号上了班，3号也上了) are one set of
    days; a day that is neither statutory nor in the break leaves them unplaced."""
    # Not inside a run of days (1号到7号) nor a count of days (返咗3日工).
    spans = [
        *taken,
        *((r.start, r.end) for r in find_day_ranges(norm)),
        *((q.start, q.end) for q in quantities if q.kind == "duration"),
    ]
    lists: list[tuple[DayList, _KindWord]] = []
    for days in find_day_lists(norm):
        word = _holiday_of(norm, kind_words, days.start)
        if word is None or _overlaps(days.start, days.end, spans):
            continue
        clause = norm[clause_start(norm, days.start) : _clause_end(norm, days.end)]
        if need_verb and not _worked_unnegated(clause, rules):
            continue
        named_day = word.cue not in rules.calendar.first_dates and len(days.days) == 1
        if named_day and days.start - word.end <= _NAMED_DATE_GAP:
            continue  # 端午节6月10号: the festival's own day (it is read as named)
        lists.append((days, word))
    read = _HolidayDates([], [])
    for word in dict.fromkeys(w for _, w in lists):
        group = [days for days, said_of in lists if said_of == word]
        dates = tuple(dict.fromkeys(day for days in group for day in days.days))
        first = rules.calendar.first_dates.get(word.cue)
        split = None
        if first is not None:
            statutory = rules.statutory_days(word.cue, year) or 0
            worked = (group[0].start, group[-1].end)
            window = _break_window(norm, word, worked, kind_words, quantities, rules, year)
            festival = rules.calendar.festival_inside(word.cue, year)
            split = split_by_calendar(dates, first, statutory, window, year, festival)
        if split is None:  # 国庆 … 8号9号上了两天班: which days these were is not known
            read.unplaced.extend((d.start, d.end, len(set(d.days))) for d in group)
            continue
        for kind, count in zip(("holiday", "rest_day"), split, strict=True):
            if count:
                fact = WorkTimeFact(cast(WorkKind, kind), count, "d", None)
                read.found.append(Found(fact, group[0].start, group[0].end))
    return read


def _count_of_unplaced(norm: str, q: Quantity, unplaced: Sequence[tuple[int, int, int]]) -> bool:
    """两天 in 国庆 … 8号9号上了两天班: the days of a list that could not be placed in the
    break, counted again in its clause: not to be read as the holiday's days."""
    amount = q.amount if q.amount is not None else q.value
    return q.unit in _DAY_UNITS and any(
        end <= q.start and count == amount and clause_start(norm, q.start) <= start
        for start, end, count in unplaced
    )


def _holiday_year(
    norm: str,
    kind_words: Sequence[_KindWord],
    lunar: Sequence[_LunarSpan],
    rules: PhraseRules,
    this_year: int,
) -> int | None:
    """The one year said right before the holidays named (2024年国庆, 前年春节; 今年 is
    ``this_year``); None when none is said, or several."""
    starts = [w.start for w in kind_words if w.kind == "holiday"] + [s.start for s in lunar]
    years = {year_said(norm, start, rules.calendar.relative_years, this_year) for start in starts}
    years.discard(None)
    return years.pop() if len(years) == 1 else None


def _break_length(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """放三天假, 国庆放了7天: how long a break is, not days worked."""
    before = _strip_tail(norm[: q.start], ("了",))
    return q.unit in _DAY_UNITS and before.endswith(rules.break_before)


def _not_a_day_off(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """一天没休: not one day off (all of them worked), not one day of work."""
    one_day = q.kind == "duration" and q.unit in _DAY_UNITS and q.amount == 1
    return one_day and norm.startswith(rules.none_off_after, q.end)


def _whole_day_of_counted(norm: str, q: Quantity, counted: Sequence[Found]) -> bool:
    """四个周六都被叫去上了一整天班: each of the days counted was a whole day, not one more."""
    whole_day = q.kind == "duration" and q.unit in _DAY_UNITS and q.amount == 1
    if not whole_day or "整" not in norm[q.start : q.end]:
        return False
    start = clause_start(norm, q.start)
    return any(start <= f.start and f.end <= q.start for f in counted)


def _same_days_again(q: Quantity, ranges: Sequence[Found]) -> bool:
    """这7天 or 三天都去上班了 after a break told by its dates: the same days again."""
    totals: dict[tuple[int, int], Number] = {}
    for f in ranges:
        if isinstance(f.fact, WorkTimeFact) and f.end <= q.start:
            totals[(f.start, f.end)] = totals.get((f.start, f.end), 0) + f.fact.amount
    amount = q.amount if q.amount is not None else q.value
    return q.unit in _DAY_UNITS and amount in totals.values()


def _verb_after_dates(norm: str, end: int, rules: PhraseRules) -> bool:
    """Whether, after ``end``, clauses that only name dates again are followed by one that
    says the days were worked and holds no amount of its own (我都上了班)."""
    start = end
    for _ in range(3):
        while start < len(norm) and _BREAK.match(norm, start):
            start += 1
        clause_end = _clause_end(norm, start)
        clause = norm[start:clause_end]
        if not clause:
            return False
        if _DATES_ONLY.fullmatch(clause):
            start = clause_end
            continue
        return _says_worked(clause, rules) and not any(c.isdigit() for c in clause)
    return False


def _refers_back(norm: str, q: Quantity, found: Sequence[Found]) -> bool:
    """这三天 after three days already found: the same days named again, not more work."""
    if not norm[: q.start].endswith(_BACK_REFERENCES):
        return False
    amount = q.amount if q.amount is not None else q.value
    # 国庆三天 is two facts on one span (holiday and moved rest days): their days add up.
    days: dict[tuple[int, int], Number] = {}
    for f in found:
        if isinstance(f.fact, WorkTimeFact) and f.fact.unit == "d" and f.end <= q.start:
            days[(f.start, f.end)] = days.get((f.start, f.end), 0) + f.fact.amount
    return amount in days.values() or any(
        f.fact.unit == "d" and f.fact.amount == amount
        for f in found
        if isinstance(f.fact, WorkTimeFact) and f.end <= q.start
    )


def _after_day_count(found: Sequence[Found], start: int) -> bool:
    """Whether the last working time found before ``start`` is a count of rest or holiday
    days (国庆这三天, 4个周六)."""
    before = [f for f in found if f.end <= start]
    if not before:
        return False
    last = max(before, key=lambda f: f.end).fact
    return (
        isinstance(last, WorkTimeFact)
        and last.kind in _DAY_KINDS
        and last.unit == "d"
        and last.per is None
    )


def _hours_a_day(found: Found, days: WorkTimeFact) -> bool:
    """Hours a day (每天8小时) beside a count of days; or hours of the same kind said without
    a period (周六还要干8个钟 … 4个周六), no more than a long day's."""
    fact = found.fact
    if not isinstance(fact, WorkTimeFact) or fact.unit != "h":
        return False
    if days.kind == "weekday" and fact.kind not in ("weekday", "overtime"):
        # 20天都是周一到周五下了班又干两个钟: overtime hours on each weekday; a whole working day
        # (每天干10个钟: work) stays the calculator's to split.
        return False
    if fact.per is None:
        return fact.kind == days.kind and fact.amount <= _MAX_UNSAID_DAY_HOURS
    return fact.kind in (days.kind, "work") and fact.per == "day" and fact.amount <= _MAX_DAY_HOURS


def _is_day_count(fact: object) -> bool:
    return (
        isinstance(fact, WorkTimeFact)
        and fact.kind in (*_DAY_KINDS, "weekday")
        and fact.unit == "d"
        and fact.per is None
    )


def _days_with_their_hours(found: list[Found]) -> list[Found]:
    """Days of rest-day or holiday work with the hours worked on each said beside them
    (4个周六都去上班了，每天8小时; 国庆三天都上班，每天干8个小时: hours of no named kind
    belong to the days before them; 周六还要干8个钟 … 4个周六都上了: hours of the days' own
    kind, before or after) as one total of hours; days said alone stay whole days."""
    facts = sorted(found, key=lambda f: f.start)
    merged: dict[int, Found] = {}
    used: set[int] = set()
    for index, days in enumerate(facts):
        count = days.fact
        if index in used or not isinstance(count, WorkTimeFact) or not _is_day_count(count):
            continue
        after = (i for i in range(index + 1, len(facts)) if _hours_a_day(facts[i], count))
        before = (
            i
            for i in range(index - 1, -1, -1)
            if cast(WorkTimeFact, facts[i].fact).per is None and _hours_a_day(facts[i], count)
        )
        match = next((i for i in (*after, *before) if i not in used), None)
        if match is None:
            continue
        used.update((index, match))
        hours = cast(WorkTimeFact, facts[match].fact).amount
        # 国庆7天 is two facts on one span (holiday and moved rest days): the hours a day are
        # worked on every one of them.
        siblings = [
            i
            for i, other in enumerate(facts)
            if i == index
            or (
                i not in used
                and (other.start, other.end) == (days.start, days.end)
                and _is_day_count(other.fact)
            )
        ]
        used.update(siblings)
        end = facts[match].end if match > index else days.end
        for i in siblings:
            fact = cast(WorkTimeFact, facts[i].fact)
            # Hours said earlier, maybe far: the total stands where the days are counted.
            merged[i] = Found(WorkTimeFact(fact.kind, fact.amount * hours, "h"), days.start, end)
    return [merged.get(i, f) for i, f in enumerate(facts) if i in merged or i not in used]


#: Days a weekend has (周六周日两天): more said after a count of weekends is no weekend's.
_WEEKEND_DAYS: Final = 2
#: How far before a verb of working a negation still denies it (没去上班).
_NEGATION_REACH: Final = 2


def _worked_unnegated(clause: str, rules: PhraseRules) -> bool:
    """A verb of working in ``clause`` with no negation right before it (中秋那天没去上班 is no
    work; 没休 is itself a verb of working)."""
    for verb in (*rules.overtime_verbs, *rules.work_verbs):
        for match in re.finditer(re.escape(verb), clause):
            before = clause[max(0, match.start() - _NEGATION_REACH) : match.start()]
            if verb.startswith(rules.off_negations) or not any(
                n in before for n in rules.off_negations
            ):
                return True
    return False


def _holiday_said_otherwise(norm: str, found: Found, rules: PhraseRules) -> bool:
    """Holiday work said as days (一整天, 国庆三天) or as a total of hours (一共14个钟): the
    named days are not counted again."""
    fact = found.fact
    if not isinstance(fact, WorkTimeFact) or fact.kind != "holiday":
        return False
    if fact.unit == "d" or fact.per not in (None, "day"):
        return True
    before = norm[clause_start(norm, found.start) : found.start]
    total = any(word in before for word in rules.total_words)
    return fact.per is None and (fact.amount > _MAX_UNSAID_DAY_HOURS or total)


def _named_holidays(
    norm: str,
    kind_words: Sequence[_KindWord],
    rules: PhraseRules,
    found: Sequence[Found],
    *,
    need_verb: bool,
) -> list[Found]:
    """清明节当日同端午节当日都返去开工, 中秋那天去上班了: holidays named as single days, one day
    of holiday work each, when the clause says they were worked."""
    if any(_holiday_said_otherwise(norm, f, rules) for f in found):
        return []
    holidays = [(w.start, w.end) for w in kind_words if w.kind == "holiday"]
    named = find_named_days(
        norm, holidays, rules.named_day_words, rules.named_day_between, rules.named_day_joiners
    )
    days: list[Found] = []
    for run in named:
        # The clause around the days' names (not 加上 between them), less words that only hold
        # a verb (参加).
        clause = (
            norm[clause_start(norm, run.start) : run.start]
            + norm[run.end : _clause_end(norm, run.end)]
        )
        for word in rules.named_day_not_verbs:
            clause = clause.replace(word, "_")
        if need_verb and not _worked_unnegated(clause, rules):
            continue
        days.append(Found(WorkTimeFact("holiday", run.days, "d", None), run.start, run.end))
    return days


def _weekends_worked(norm: str, facts: list[Found], rules: PhraseRules) -> list[Found]:
    """3个周末 每个周末周六周日两天都没休: the days worked on each weekend, times the weekends
    (the first working time said after the count, unless said as a total)."""
    out = sorted(facts, key=lambda f: f.start)
    for weekends in find_weekends(norm, rules.weekend_words):
        index = next((i for i, f in enumerate(out) if f.start >= weekends.end), None)
        if index is None:
            continue
        days = out[index]
        fact = days.fact
        if not (
            isinstance(fact, WorkTimeFact)
            and (fact.kind, fact.unit) == ("rest_day", "d")
            and fact.per in (None, "week")
            and fact.amount <= _WEEKEND_DAYS
        ):
            continue
        between = norm[weekends.end : days.end]
        if each_weekend(between, rules.weekend_each_words, rules.total_words):
            total = WorkTimeFact("rest_day", fact.amount * weekends.count, "d", None)
            out[index] = Found(total, days.start, days.end)
    return out


def _daily_then_days(norm: str, hours: Found, days: Found, rules: PhraseRules) -> bool:
    """周一到周五每天都加班2小时 一共加了20天: overtime hours a day, then a count of days with an
    overtime verb and no kind of its own (not more days: 另外还加了2天)."""
    each, count = hours.fact, days.fact
    return (
        isinstance(each, WorkTimeFact)
        and each.kind in ("weekday", "overtime")
        and (each.unit, each.per) == ("h", "day")
        and isinstance(count, WorkTimeFact)
        and (count.kind, count.unit, count.per) == ("overtime", "d", None)
        and not any(word in norm[hours.end : days.start] for word in rules.more_days_words)
    )


def _days_of_daily_overtime(norm: str, facts: list[Found], rules: PhraseRules) -> list[Found]:
    """Overtime hours a day followed by the days they were worked on, as one total of hours."""
    ordered = sorted(facts, key=lambda f: f.start)
    out: list[Found] = []
    index = 0
    while index < len(ordered):
        hours = ordered[index]
        days = ordered[index + 1] if index + 1 < len(ordered) else None
        if days is not None and _daily_then_days(norm, hours, days, rules):
            each = cast(WorkTimeFact, hours.fact)
            total = each.amount * cast(WorkTimeFact, days.fact).amount
            out.append(Found(WorkTimeFact(each.kind, total, "h"), hours.start, days.end))
            index += 2
            continue
        out.append(hours)
        index += 1
    return out


#: A span of fewer hours told by the clock is no working day (3点到4点见面).
_MIN_SHIFT_HOURS: Final = 4


def _shifts(
    norm: str,
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    *,
    need_verb: bool,
) -> list[Found]:
    """早上7点半干到晚上7点半 (每天): a day's whole working time, told by the clock, with a
    work verb or a per-day word in its clause."""
    found: list[Found] = []
    for span in find_shift_spans(norm, list(quantities)):
        if span.hours < _MIN_SHIFT_HOURS or _overlaps(span.start, span.end, taken):
            continue
        clause = norm[clause_start(norm, span.start) : _clause_end(norm, span.end)]
        daily = any(word in clause for word, per in rules.per if per == "day")
        if need_verb and not (daily or _says_worked(clause, rules)):
            continue
        amount = _number(str(span.hours.normalize()))
        found.append(Found(WorkTimeFact("work", amount, "h", "day"), span.start, span.end))
    return found


def find_work_times(
    norm: str,
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    *,
    taken: Sequence[tuple[int, int]] = (),
    need_verb: bool = True,
    today: dt.date | None = None,
) -> list[Found]:
    """Hours or days of work with their kind and period. In a whole message the words around
    the amount must say it was worked (``need_verb``); an answer to an hours question need not.
    Years said relative to ``today`` (今年国庆) count from it (default: the clock's day)."""
    kind_words = _kind_words(norm, quantities, rules)
    working_kinds = [w for w in kind_words if not _said_off(norm, w, rules)]
    lunar = _lunar_spans(norm, rules)
    this_year = (today or dt.date.today()).year
    year = _holiday_year(norm, kind_words, lunar, rules, this_year)
    # A number inside a kind word (五一, 十一假期) or a day's name (初三) names the day, it is
    # not an amount.
    inside_kind_word = [(w.start, w.end) for w in kind_words] + [(d.start, d.end) for d in lunar]
    amounts = [
        q
        for q in quantities
        if not _is_period_cue(norm, q, rules)
        and not _is_word(norm, q)
        and not _overlaps(q.start, q.end, inside_kind_word)
        and not _break_length(norm, q, rules)
        and not _not_a_day_off(norm, q, rules)
    ]
    found: list[Found] = _days_off(norm, rules, taken)
    found += _shifts(norm, quantities, rules, taken, need_verb=need_verb)
    runs = _holiday_ranges(
        norm,
        working_kinds,
        quantities,
        rules,
        [*taken, *((f.start, f.end) for f in found)],
        year,
        need_verb=need_verb,
    )
    dated = _holiday_dates(
        norm,
        working_kinds,
        quantities,
        rules,
        [*taken, *((f.start, f.end) for f in found)],
        year,
        need_verb=need_verb,
    )
    # 国庆 … 我上了1号、4号、5号: the days by their dates, unless a run of them was worked.
    worked_runs = runs.found or runs.unplaced
    ranges = runs.found if worked_runs else dated.found
    unplaced = [*runs.unplaced, *([] if worked_runs else dated.unplaced)]
    found += ranges
    counted = _counted_days(
        norm, rules, [*taken, *((f.start, f.end) for f in found)], need_verb=need_verb
    )
    taken = [*taken, *((f.start, f.end) for f in (*found, *counted))]
    for named in _lunar_lists(norm, lunar):
        # 初一、初三都上班了: days named in a list share its verb, and their days add up.
        start, end = named[0].start, named[-1].end
        clause = norm[clause_start(norm, start) : _clause_end(norm, end)]
        worked = _says_worked(clause, rules) or any(span.worked for span in named)
        if (need_verb and not worked) or _overlaps(start, end, taken):
            continue
        days: dict[WorkKind, Number] = {}
        for span in named:
            for fact in _lunar_work(span, rules, year):
                days[fact.kind] = days.get(fact.kind, 0) + fact.amount
        found += [Found(WorkTimeFact(kind, n, "d", None), start, end) for kind, n in days.items()]
    for index, q in enumerate(amounts):
        if not _is_time(q) or _overlaps(q.start, q.end, taken):
            continue
        if _refers_back(norm, q, [*found, *counted]) or _same_days_again(q, ranges):
            continue
        if _count_of_unplaced(norm, q, unplaced):
            continue
        if _whole_day_of_counted(norm, q, counted):
            continue
        # Kind words may sit in an earlier clause (周末加班，一共16个小时), back to the previous
        # amount; verbs and the period belong to the amount's own clause.
        # Numbers of a date (国庆10月1号2号3号这三天) are no amount that ends the region.
        earlier = [a for a in amounts[:index] if not _is_date_part(norm, a)]
        region_start = earlier[-1].end if earlier else 0
        own_start = clause_start(norm, q.start)
        next_start = amounts[index + 1].start if index + 1 < len(amounts) else len(norm)
        region_end = _before_new_fact(norm, q.end, min(next_start, _clause_end(norm, q.end)), rules)
        word = _kind_before(working_kinds, region_start, q.start) or _kind_after(
            working_kinds, q.end, region_end
        )
        kind = word.kind if word is not None else None
        # A kind word in an earlier clause carries its verb along (周末加班，一共16个小时).
        clause_from = region_start if kind is not None else max(region_start, own_start)
        clause = norm[clause_from:region_end]
        overtime = any(verb in clause for verb in rules.overtime_verbs)
        worked = overtime or any(verb in clause for verb in rules.work_verbs)
        worked = worked or _period_then_shang(norm, q, rules) or _long_day(norm, q, rules)
        said_before = norm[min(clause_from, own_start) : q.start]
        if any(word in said_before for word in rules.standard_words):
            continue  # 合同写的每天8小时: the standard day, not time worked
        if _strip_tail(norm[own_start : q.start], ("了", "过")).endswith(rules.comp_leave_words):
            continue  # 补休了8个小时: leave given back (the overtime calculator reads it)
        own, per_cue = _period_before(norm[own_start : q.start], rules)
        per = cast(Period | None, per_cue[1] if per_cue else None)
        # 国庆这三天叫我去上班 每天8个钟: hours a day right after days worked are worked too.
        worked = worked or (per == "day" and _after_day_count([*found, *counted], q.start))
        if need_verb and not worked and kind in _DAY_KINDS and q.unit in _DAY_UNITS:
            # 五一那两天 就是5月1号跟2号 我都上了班: the verb after the days' own dates.
            worked = _verb_after_dates(norm, region_end, rules)
        if need_verb and not worked:
            continue
        if kind is None:
            kind = "work" if worked and not overtime else "overtime"
        elif kind == "weekday" and worked and not overtime and per == "day":
            # 平时周一到周五上班 每天8个钟: a weekday's whole working time, not overtime.
            kind = "work" if q.kind == "hours" and q.value >= _STANDARD_DAY_HOURS else kind
        unit: TimeUnit = "h" if q.kind == "hours" else "d"
        amount = q.amount if q.amount is not None else q.value
        said = WorkTimeFact(cast(WorkKind, kind), amount, unit, per)
        if word is not None and kind == "holiday":
            # 国庆加中秋8天都没休: the break of 国庆, with 中秋's day in it that year.
            word = _named_with_its_break(norm, word, working_kinds, rules, year)
            if word is None:
                continue
        if _part_of_a_break(norm, said, word, kind_words, quantities, rules):
            continue
        start = own_start + len(own) - len(per_cue[0]) if per_cue else q.start
        found += [Found(fact, start, q.end) for fact in _split_holiday(said, word, rules, year)]
    found += _named_holidays(norm, working_kinds, rules, [*found, *counted], need_verb=need_verb)
    facts = _weekends_worked(norm, [*found, *counted], rules)
    return _days_with_their_hours(_days_of_daily_overtime(norm, facts, rules))


def _before_new_fact(norm: str, start: int, end: int, rules: PhraseRules) -> int:
    """``end``, or where a word that starts another fact (另外) stands before it."""
    found = [i for w in rules.new_fact_words if (i := norm.find(w, start, end)) >= 0]
    return min(found, default=end)


#: At most this many verbs, fillers and kind words between a period and its amount.
_PERIOD_REACH: Final = 6


def _period_before(own: str, rules: PhraseRules) -> tuple[str, tuple[str, str] | None]:
    """The period right before an amount (每天, 每个星期), past verbs, fillers and kind words
    (每个星期平时晚上加班加起来6个钟头): ``own`` up to the period's end, and the period."""
    words = rules.between_period_and_amount
    for _ in range(_PERIOD_REACH):
        cue = _ending(own, rules.per)
        if cue is not None:
            return own, cue
        word = next((w for w in words if w and own.endswith(w)), None)
        if word is None:
            break
        own = own[: -len(word)]
    return own, _ending(own, rules.per)


#: 每天12小时 said with no verb: more hours a day than a standard day can only be working time.
_STANDARD_DAY_HOURS: Final = 8


def _long_day(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """每天12小时, 一天11个钟: hours beyond a standard day, right after a per-day word."""
    if q.kind != "hours" or (q.amount if q.amount is not None else q.value) <= _STANDARD_DAY_HOURS:
        return False
    cue = _ending(_strip_tail(norm[: q.start], rules.time_fillers), rules.per)
    return cue is not None and cue[1] == "day"


def _period_then_shang(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """一周上6天, 一个月上26天: 上 right between a period and a count of days is the verb of
    working (上 alone elsewhere is not: 上个月)."""
    if (
        q.kind != "duration"
        or q.unit not in _DAY_UNITS
        or not norm[: q.start].endswith(rules.shang)
    ):
        return False
    return _ending(norm[: q.start - len(rules.shang)], rules.per) is not None


def _split_holiday(
    fact: WorkTimeFact, word: _KindWord | None, rules: PhraseRules, year: int | None
) -> list[WorkTimeFact]:
    """国庆7天都没休息: the festival's statutory days (of ``year``) are holiday work, the days
    around them (weekends moved for the long break) are rest-day work."""
    statutory = rules.statutory_days(word.cue, year) if word is not None else None
    if (
        fact.kind != "holiday"
        or fact.unit != "d"
        or fact.per is not None
        or statutory is None
        or fact.amount <= statutory
    ):
        return [fact]
    return [
        WorkTimeFact("holiday", statutory, "d", None),
        WorkTimeFact("rest_day", fact.amount - statutory, "d", None),
    ]


def clause_start(norm: str, index: int) -> int:
    """Where the clause holding ``index`` starts (after the last break before it)."""
    breaks = [m.end() for m in _BREAK.finditer(norm, 0, index)]
    return breaks[-1] if breaks else 0


# --------------------------------------------------------------------------- length of service


def find_service_lengths(
    norm: str, quantities: Sequence[Quantity], rules: PhraseRules, *, need_verb: bool = True
) -> list[Found]:
    """Lengths of service in years/months with how exactly they were said."""
    found: list[Found] = []
    for q in quantities:
        if q.kind != "duration" or q.unit not in _SPAN_UNITS:
            continue
        before = norm[clause_start(norm, q.start) : q.start]
        close = _strip_tail(before, rules.almost, limit=1)
        almost = close != before
        # The verb must be near, with no other number between (干12个小时 一个月 is not service;
        # 工作一共11年 is).
        looked = close
        for word in rules.service_gap_words:
            looked = looked.replace(word, "")
        for word in rules.service_not_numbers:
            looked = looked.replace(word, "_" * len(word))
        near = re.split(r"[\d" + "".join(CN_DIGITS) + "]", looked)[-1][-rules.service_max_gap - 2 :]
        end = q.end
        more_word = next((w for w in rules.more if norm.startswith(w, q.end)), None)
        more = q.approximate or more_word is not None
        if more_word is not None:
            end += len(more_word)
        said = any(verb in near for verb in rules.service_verbs)
        if need_verb and not said and not _bare_length(norm, close, end, rules):
            continue
        qualifier: Qualifier = "almost" if almost else "more" if more else "exact"
        start = q.start - (len(before) - len(close))
        found.append(Found(ServiceLengthFact(q.value, qualifier), start, end))
    return found


def _bare_length(norm: str, before: str, end: int, rules: PhraseRules) -> bool:
    """这个厂6年，前面一个厂6年): a length with no verb, right after a workplace, that ends
    its clause."""
    workplace = _strip_tail(before, rules.service_bare_fillers, limit=2)
    if not workplace.endswith(rules.service_bare_after):
        return False
    after = norm[end:]
    return not after or bool(_BREAK.match(after)) or after.startswith(rules.service_bare_end)


# --------------------------------------------------------------------------- whole answers


def _only(found: list[Found]) -> Found | None:
    return found[0] if len(found) == 1 else None


def read_wage(text: str) -> WageFact | None:
    """The pay an answer states with its unit (一天250 → 250/day), or None when it states
    no unit or several amounts."""
    norm = normalize(text.strip())
    hit = _only(find_wages(norm, find_quantities(norm), load_phrase_rules(), answer=True))
    return hit.fact if hit is not None and isinstance(hit.fact, WageFact) else None


def read_work_time(text: str) -> WorkTimeFact | None:
    """The working time an answer states (每天3个钟 → 3h/day, 2天 → 2d), or None."""
    norm = normalize(text.strip())
    rules = load_phrase_rules()
    hit = _only(find_work_times(norm, find_quantities(norm), rules, need_verb=False))
    return hit.fact if hit is not None and isinstance(hit.fact, WorkTimeFact) else None


def read_service_length(text: str) -> ServiceLengthFact | None:
    """A length of service an answer states (两年零七个月, 快五年, 一年多), or None."""
    norm = normalize(text.strip())
    rules = load_phrase_rules()
    hit = _only(find_service_lengths(norm, find_quantities(norm), rules, need_verb=False))
    return hit.fact if hit is not None and isinstance(hit.fact, ServiceLengthFact) else None


def read_local_average(text: str) -> Number | None:
    """The local average wage a message states (当地社平工资是11000), or None."""
    norm = normalize(text.strip())
    rules = load_phrase_rules()
    between = sorted(rules.wage_fillers + rules.pay_words, key=len, reverse=True)
    return find_local_average(norm, find_quantities(norm), rules.not_pay, between)
