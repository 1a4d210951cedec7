"""Days of a holiday's break told by their dates (国庆 … 我只上了1号、4号、5号), and the year a
holiday is said of (2024年五一, 前年国庆).

A day of a holiday on a fixed date (元旦, 劳动节, 国庆) told by its date is one of the holiday's
statutory days or, inside the break said (10月1号到7号, 放了五天假), a rest day moved next to
it. The statutory days of 劳动节 and 春节 changed from 2025 (全国年节及纪念日放假办法, as revised
in 2024: 劳动节 5月1日、2日, 春节 除夕 to 初三; before: 5月1日, 初一 to 初三), so the year said
decides how many there are. The working-time reader (``nlu.holiday_breaks``) turns the days into
holiday and rest-day work. The words live in ``nlu/entity_rules.yml``
(``work_time.holiday_calendar``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from nlu.date_ranges import RANGE_WORDS
from nlu.numbers import parse_number

#: A number of a date, in digits or Chinese (10, 十, 二十一).
_DATE_NUMBER: Final = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
#: A day of the month, its month perhaps before it (10月1号, 4号, 5日, 一号); not a number's
#: tail, nor a line, building or workshop (3号线, 2号车间).
_DAY: Final = re.compile(
    rf"(?<![\d.一二三四五六七八九十两])(?:({_DATE_NUMBER})月)?({_DATE_NUMBER})(号|日)"
    r"(?!线|楼|栋|车间|机|床|门|位|房|厂)"
)
#: 日 alone after a number is as often a count of days (Cantonese 返咗3日工): a date only with
#: its month, or in a list that began with one.
_DAYS_UNIT: Final = "日"
#: What may sit between the days of one list (1号、4号、5号, 1号2号3号, 3号和4号; Cantonese
#: 4号同5号).
_JOINERS: Final = " 、,，和跟及与同"
_YEAR: Final = re.compile(r"(\d{4})年[)）]?的?$")
#: A relative year with its number in brackets after it (前年（2024年）五一): the number.
_BRACKETED_YEAR: Final = re.compile(r"[(（](\d{4})年?[)）]的?$")
#: A range word and the run's last day, within this many characters after its first day
#: (从1号一直干到3号).
_RUN_END: Final = re.compile(
    rf"(?:{'|'.join(map(re.escape, RANGE_WORDS))})(?:(?:{_DATE_NUMBER})月)?(?:{_DATE_NUMBER})[号日]"
)
_RUN_REACH: Final = 8
#: The year of the arithmetic when none is said: no fixed-date holiday's days touch February.
_ANY_YEAR: Final = 2001
_MONTHS: Final = 12
_DAYS: Final = 31

MonthDay = tuple[int, int]


@dataclass(frozen=True, slots=True)
class DayList:
    """Days of the month told one after another from ``start`` to ``end`` in the text, each
    (month or None when not said, day)."""

    start: int
    end: int
    days: tuple[tuple[int | None, int], ...]


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """The first statutory day of each holiday on a fixed date, and the statutory days before
    the year the rules changed."""

    first_dates: Mapping[str, MonthDay]
    changed_in: int
    days_before: Mapping[str, int]
    lunar_before: tuple[int, int]
    relative_years: Mapping[str, int]
    #: Year → first day of a fixed-date holiday → the day of a festival inside its break.
    festivals_inside: Mapping[int, Mapping[MonthDay, MonthDay]]
    #: Year → days of 春节 (0 is 除夕) that were ordinary working days, outside the break.
    lunar_workdays: Mapping[int, frozenset[int]] = field(default_factory=dict)
    #: Festival not on a fixed date (端午, 中秋, 清明) → year → its day.
    festival_dates: Mapping[str, Mapping[int, MonthDay]] = field(default_factory=dict)

    def statutory_days(self, cue: str, year: int | None, now: Mapping[str, int]) -> int | None:
        """The statutory days of the holiday named ``cue`` in ``year`` (None: today's rules),
        with a festival's day that fell inside its break that year."""
        days = now.get(cue)
        if year is not None and year < self.changed_in and cue in self.days_before:
            days = self.days_before[cue]
        if days is not None and self.festival_inside(cue, year) is not None:
            days += 1
        return days

    def festival_inside(self, cue: str, year: int | None) -> MonthDay | None:
        """The day of a festival inside the break of the holiday named ``cue`` in ``year``."""
        first = self.first_dates.get(cue)
        if year is None or first is None:
            return None
        return self.festivals_inside.get(year, {}).get(first)

    def festival_apart(self, cue: str, festival: str, year: int | None) -> bool:
        """Whether the festival named ``festival`` fell far from the break of the fixed-date
        holiday named ``cue`` in ``year`` (no year: in every year known), so the two named
        together (元旦和中秋) are two holidays, not one break (国庆加中秋)."""
        first = self.first_dates.get(cue)
        days = self.festival_dates.get(festival, {})
        known = [days[year]] if year is not None and year in days else []
        if year is None:
            known = list(days.values())
        if first is None or not known:
            return False
        return all(_days_apart(first, day) > _BREAK_REACH_DAYS for day in known)

    def is_festival_day(self, cue: str, day: MonthDay, year: int | None) -> bool:
        """Whether ``day`` is the day of the festival named ``cue`` in ``year`` (no year: in
        one of the years known); False for a festival whose days are not known."""
        days = self.festival_dates.get(cue, {})
        return day == days.get(year) if year is not None else day in days.values()

    def lunar_days(self, year: int | None, now: tuple[int, int]) -> tuple[int, int]:
        """The statutory days of 春节 (0 is 除夕, N is 初N) in ``year``."""
        return self.lunar_before if year is not None and year < self.changed_in else now

    def lunar_workday(self, day: int, year: int | None) -> bool:
        """Day ``day`` of 春节 (0 is 除夕) was an ordinary working day in ``year`` (除夕 2024)."""
        return year is not None and day in self.lunar_workdays.get(year, frozenset())


#: A festival this many days or fewer from a fixed-date holiday's first day may share its break.
_BREAK_REACH_DAYS: Final = 10
_DAYS_IN_A_YEAR: Final = 365


def _days_apart(first: MonthDay, other: MonthDay) -> int:
    """Days between two days of the year, either way round the calendar (no leap day)."""
    start = dt.date(2001, *first).toordinal()
    gap = abs(dt.date(2001, *other).toordinal() - start)
    return min(gap, _DAYS_IN_A_YEAR - gap)


def _in_a_run(norm: str, start: int, end: int) -> bool:
    """A day right after a range word (到3号), or shortly before one and a day (1号到三号,
    从1号一直干到3号): one end of a run of days."""
    if norm[:start].endswith(RANGE_WORDS):
        return True
    return _RUN_END.search(norm[end : end + _RUN_REACH]) is not None


def find_day_lists(norm: str) -> list[DayList]:
    """The lists of days of the month in ``norm`` (a day alone is a list of one), in order;
    not the ends of a run of days (一号到三号 is a run, not two days)."""
    lists: list[DayList] = []
    in_runs: set[int] = set()
    for match in _DAY.finditer(norm):
        month = parse_number(match.group(1)) if match.group(1) else None
        day = parse_number(match.group(2))
        if not isinstance(day, int) or not 1 <= day <= _DAYS:
            continue
        if month is not None and (not isinstance(month, int) or not 1 <= month <= _MONTHS):
            continue
        previous = lists[-1] if lists else None
        if previous is not None and not norm[previous.end : match.start()].strip(_JOINERS):
            lists[-1] = DayList(previous.start, match.end(), (*previous.days, (month, day)))
        elif month is not None or match.group(3) != _DAYS_UNIT:
            lists.append(DayList(match.start(), match.end(), ((month, day),)))
        else:
            continue
        if _in_a_run(norm, match.start(), match.end()):
            in_runs.add(len(lists) - 1)
    return [found for index, found in enumerate(lists) if index not in in_runs]


def year_said(norm: str, index: int, relative: Mapping[str, int], this_year: int) -> int | None:
    """The year said right before ``index`` (2024年国庆, 2024年的五一, 前年春节), if any."""
    before = norm[:index]
    match = _YEAR.search(before) or _BRACKETED_YEAR.search(before)
    if match is not None:
        return int(match.group(1))
    for word, back in sorted(relative.items(), key=lambda item: -len(item[0])):
        if before.endswith((word, f"{word}的")):
            return this_year - back
    return None


def _run(first: MonthDay, days: int, year: int) -> set[dt.date]:
    try:
        start = dt.date(year, *first)
    except ValueError:
        return set()
    return {start + dt.timedelta(days=i) for i in range(max(days, 0))}


def split_by_calendar(
    days: Sequence[tuple[int | None, int]],
    first: MonthDay,
    statutory: int,
    window: tuple[MonthDay, int] | None,
    year: int | None,
    festival: MonthDay | None = None,
) -> tuple[int, int] | None:
    """(statutory days, rest days) among ``days``: a day is statutory when it is one of the
    ``statutory`` days from ``first`` (or the day of a ``festival`` inside the break, which is
    one of them), a rest day when it lies in the break (``window``: its first day and length);
    None when a day is neither (or not one day of them)."""
    base = year or _ANY_YEAR
    holidays = _run(first, statutory - (festival is not None), base)
    if festival is not None:
        holidays |= _run(festival, 1, base)
    in_break = _run(*window, base) if window is not None else set()
    placed: set[dt.date] = set()
    for month, day in days:
        matches = [
            d for d in holidays | in_break if d.day == day and (month is None or d.month == month)
        ]
        if len(matches) != 1:
            return None
        placed.add(matches[0])
    return len(placed & holidays), len(placed - holidays)
