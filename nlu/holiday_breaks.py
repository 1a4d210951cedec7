"""Work in a holiday's break: days told by their dates (国庆10月1号到7号, 我只上了1号、4号、5号),
the break's length (放了五天假), the year the holiday is said of (2024年国庆), and a count of
days worked split into the festival's statutory days and the rest days moved next to it.

Dates are placed with ``nlu.holiday_dates``; a run of days with ``nlu.date_ranges``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, cast

from nlu.date_ranges import DayRange, find_day_ranges
from nlu.holiday_dates import DayList, MonthDay, find_day_lists, split_by_calendar, year_said
from nlu.kind_words import KindWord, kind_before
from nlu.lunar_days import LunarSpan
from nlu.numbers import NUMERAL_CHARS, Quantity, parse_number
from nlu.phrase_facts import Found, WorkKind, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import DAY_UNITS, clause_end, clause_start, overlaps, strip_tail
from nlu.work_verbs import says_worked, worked_unnegated

#: How far before its dates a holiday's name may stand (国庆 今年10月1号到7号).
_RANGE_REACH: Final = 8


#: At most this far after a festival's name, its one date is its own day (中秋节那天（9月17号).
_NAMED_DATE_GAP: Final = 4


@dataclass(frozen=True, slots=True)
class HolidayDates:
    """Days of holiday breaks told by their dates: those read, and the days that could not
    be placed (where, and how many days), whose count said again is no work to guess."""

    found: list[Found]
    unplaced: list[tuple[int, int, int]]


def worked_holiday_runs(
    norm: str,
    kind_words: Sequence[KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    year: int | None,
    *,
    need_verb: bool,
) -> HolidayDates:
    """国庆10月1号到7号 … 全在车间干: the days of a holiday's break told by their dates, worked
    (its statutory days are holiday work, the rest rest-day work). For a holiday on a fixed
    date the calendar places each day; a run it cannot place (国庆 … 8号到10号) is unplaced."""
    holidays = [w for w in kind_words if w.kind == "holiday" and w.cue in rules.holiday_days]
    read = HolidayDates([], [])
    for run in find_day_ranges(norm) if holidays else ():
        word = kind_before(holidays, max(0, run.start - _RANGE_REACH - 4), run.start)
        if word is None:  # further back in the sentence: a holiday the calendar can check
            word = _holiday_of(norm, holidays, run.start)
            word = word if word is not None and word.cue in rules.calendar.first_dates else None
        if word is None or overlaps(run.start, run.end, taken):
            continue
        together = named_with_its_break(norm, word, holidays, rules, year)
        if together is None:  # 国庆中秋1号到8号, no year: which day was 中秋 is not known
            read.unplaced.append((run.start, run.end, run.days))
            continue
        word = together
        clause = norm[clause_start(norm, run.start) : clause_end(norm, run.end)]
        if need_verb and not (says_worked(clause, rules) or _all_worked_later(norm, run, rules)):
            continue
        first = rules.calendar.first_dates.get(word.cue)
        if first is None:  # 端午 … 5月31号到6月2号: the festival's own day is not known
            whole = WorkTimeFact("holiday", run.days, "d", None)
            facts = split_holiday(whole, word, rules, year)
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


#: Ends of a sentence: a holiday named before one is not the holiday of dates after it, and a
#: run's days said worked again are looked for up to it.
_SENTENCE_END: Final = re.compile(r"[。！？!?\n]")
#: 一天 (一日) before a word that says it was not off (一天都没休息).
_ONE_DAY: Final = re.compile("一[天日]")
#: The days of a run said again as all worked (我5天都去上班了), later in its sentence.
_ALL_DAYS: Final = re.compile(rf"(\d+|[{NUMERAL_CHARS}两]+)[天日](?:都|全|全部|全都)")


def _all_worked_later(norm: str, run: DayRange, rules: PhraseRules) -> bool:
    """五一放假5天（5月1号到5号），其中…，我5天都去上班了: a run named with no verb of its own,
    its days all said worked by their count in a later clause of the sentence (round of probe
    16), or not one of them off (我一天都没休息, probe 28)."""
    end = _SENTENCE_END.search(norm, run.end)
    rest = norm[run.end : end.start() if end else len(norm)]
    # 五一放假从5月1号到5号，我一天都没休息: not one day of the run off.
    for match in _ONE_DAY.finditer(rest):
        if rest.startswith(rules.none_off_after, match.end()):
            return True
    for match in _ALL_DAYS.finditer(rest):
        clause = rest[clause_start(rest, match.start()) : clause_end(rest, match.end())]
        if parse_number(match.group(1)) == run.days and worked_unnegated(clause, rules):
            return True
    return False


def named_with_its_break(
    norm: str,
    word: KindWord,
    holidays: Sequence[KindWord],
    rules: PhraseRules,
    year: int | None,
) -> KindWord | None:
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
        if rules.calendar.festival_apart(other.cue, word.cue, year):
            continue  # 元旦和中秋: two holidays, each its own day
        return other if rules.calendar.festival_inside(other.cue, year) is not None else None
    return word


def _run_by_calendar(
    norm: str,
    run: DayRange,
    word: KindWord,
    kind_words: Sequence[KindWord],
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


def _holiday_of(norm: str, kind_words: Sequence[KindWord], index: int) -> KindWord | None:
    """The holiday named last before ``index`` in its sentence."""
    ends = [m.end() for m in _SENTENCE_END.finditer(norm, 0, index)]
    start = ends[-1] if ends else 0
    holidays = [w for w in kind_words if w.kind == "holiday"]
    return kind_before(holidays, start, index)


def _break_window(
    norm: str,
    word: KindWord,
    worked: tuple[int, int],
    kind_words: Sequence[KindWord],
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
        told = norm[clause_start(norm, run.start) : clause_end(norm, run.end)]
        inside = word.end <= run.start and run.end <= bound
        if inside and not overlaps(run.start, run.end, [worked]) and not says_worked(told, rules):
            return (run.first_month or first[0], run.first_day), run.days
    from_first_day = word.cue in rules.break_from_first_day and (
        year is None or year >= rules.break_from_first_day_since
    )
    length = _break_days(norm, word, kind_words, quantities, rules)
    return (first, length) if from_first_day and length is not None else None


def _said_of_holiday_until(norm: str, word: KindWord, kind_words: Sequence[KindWord]) -> int:
    """Where what is said of the holiday ``word`` names ends: at another holiday's name or the
    sentence's end."""
    others = [w.start for w in kind_words if w.kind == "holiday" and w.start >= word.end]
    others = [i for i in others if not norm.startswith(word.cue, i)]
    sentence_end = _SENTENCE_END.search(norm, word.end)
    return min([*others, sentence_end.start() if sentence_end else len(norm)])


def _break_days(
    norm: str,
    word: KindWord,
    kind_words: Sequence[KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
) -> int | None:
    """The length of the holiday's break said after its name (国庆放了7天), if any."""
    bound = _said_of_holiday_until(norm, word, kind_words)
    for q in quantities:
        inside = word.end <= q.start and q.end <= bound
        if inside and break_length(norm, q, rules) and q.amount is not None:
            return int(q.amount)
    return None


def part_of_a_break(
    norm: str,
    fact: WorkTimeFact,
    word: KindWord | None,
    kind_words: Sequence[KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
) -> bool:
    """国庆放假7天 我上了3天班: fewer days worked than the break said, not told which: which of
    them were the statutory days is not known."""
    if word is None or fact.kind != "holiday" or fact.unit != "d" or fact.per is not None:
        return False
    length = _break_days(norm, word, kind_words, quantities, rules)
    return length is not None and fact.amount < length


def worked_holiday_dates(
    norm: str,
    kind_words: Sequence[KindWord],
    quantities: Sequence[Quantity],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    year: int | None,
    *,
    need_verb: bool,
) -> HolidayDates:
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
    lists: list[tuple[DayList, KindWord]] = []
    for days in find_day_lists(norm):
        word = _holiday_of(norm, kind_words, days.start)
        if word is None or overlaps(days.start, days.end, spans):
            continue
        clause = norm[clause_start(norm, days.start) : clause_end(norm, days.end)]
        if need_verb and not worked_unnegated(clause, rules):
            continue
        named_day = word.cue not in rules.calendar.first_dates and len(days.days) == 1
        if named_day and days.start - word.end <= _NAMED_DATE_GAP:
            continue  # 端午节6月10号: the festival's own day (it is read as named)
        lists.append((days, word))
    read = HolidayDates([], [])
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


def holiday_year(
    norm: str,
    kind_words: Sequence[KindWord],
    lunar: Sequence[LunarSpan],
    rules: PhraseRules,
    this_year: int,
) -> int | None:
    """The one year said right before the holidays named (2024年国庆, 前年春节; 今年 is
    ``this_year``); None when none is said, or several."""
    starts = [w.start for w in kind_words if w.kind == "holiday"] + [s.start for s in lunar]
    years = {year_said(norm, start, rules.calendar.relative_years, this_year) for start in starts}
    years.discard(None)
    return years.pop() if len(years) == 1 else None


def break_length(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """放三天假, 国庆放了7天: how long a break is, not days worked."""
    before = strip_tail(norm[: q.start], ("了",))
    return q.unit in DAY_UNITS and before.endswith(rules.break_before)


def split_holiday(
    fact: WorkTimeFact,
    word: KindWord | None,
    rules: PhraseRules,
    year: int | None,
    *,
    named_with: Sequence[KindWord] = (),
) -> list[WorkTimeFact]:
    """国庆7天都没休息: the festival's statutory days (of ``year``) are holiday work, the days
    around them (weekends moved for the long break) are rest-day work. Holidays ``named_with``
    the word (清明和端午那两天) add their statutory days to its own."""
    statutory = rules.statutory_days(word.cue, year) if word is not None else None
    for other in named_with:
        days = rules.statutory_days(other.cue, year)
        statutory = None if days is None or statutory is None else statutory + days
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
