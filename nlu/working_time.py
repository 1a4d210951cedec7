"""Working time with the kind of day and the period it repeats in, read the way workers say
it: 周末加了16个小时, 平时每天加3个钟, 国庆三天都上班了, 每天做12个钟, 一周干六天, 月休2天.

:func:`find_work_times` reads each amount of hours or days with the kind word and period
around it, and gathers the phrase families read elsewhere: days off (``nlu.days_off``), a day
told by the clock (``nlu.shift_hours``), holiday breaks (``nlu.holiday_breaks``), counted days
(``nlu.counted_days``), 春节 days (``nlu.lunar_days``), named holidays
(``nlu.named_holiday_work``), then puts days together with their hours
(``nlu.days_and_hours``). The same reader serves a whole message (``nlu.entities``) and an
answer typed at a calculator's question (:func:`read_work_time`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Final, cast

from nlu.counted_days import find_counted_days
from nlu.dated_rest_days import dated_rest_days
from nlu.days_and_hours import (
    DAY_KINDS,
    after_day_count,
    days_of_daily_overtime,
    days_with_their_hours,
    weekends_worked,
)
from nlu.days_off import find_days_off
from nlu.holiday_breaks import (
    break_length,
    holiday_year,
    named_with_its_break,
    part_of_a_break,
    split_holiday,
    worked_holiday_dates,
    worked_holiday_runs,
)
from nlu.kind_words import KindWord, find_kind_words, kind_after, kind_before, said_off
from nlu.lunar_days import find_lunar_spans, lunar_days_worked
from nlu.monthly_hours import monthly_hours
from nlu.named_days import only_joiners
from nlu.named_holiday_work import named_holiday_work
from nlu.numbers import NUMERAL_CHARS, Quantity, find_quantities
from nlu.phrase_facts import (
    Found,
    Period,
    TimeUnit,
    WorkKind,
    WorkTimeFact,
    number_from_text,
    only_one,
)
from nlu.phrase_rules import PhraseRules, load_phrase_rules
from nlu.phrase_text import (
    DAY_UNITS,
    clause_end,
    clause_start,
    ending,
    is_word_part,
    next_clause_start,
    overlaps,
    sentence_start,
    starts_number,
    strip_head,
    strip_tail,
)
from nlu.repeated_days import (
    count_of_unplaced,
    refers_back,
    same_days_again,
    whole_day_of_counted,
    without_totals_named_again,
)
from nlu.shift_hours import find_overtime_spans, find_shift_spans
from nlu.tokenizer import normalize
from nlu.week_ranges import find_week_ranges
from nlu.work_verbs import says_worked

#: Right before a leave word: not given (没补休, 没有调休, 未补休).
_NOT_GIVEN: Final = ("没", "没有", "未", "不给", "没给")


def _is_time(q: Quantity) -> bool:
    return q.kind == "hours" or (q.kind == "duration" and q.unit in DAY_UNITS)


def _is_period_cue(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """True for 一天 in 一天加3个钟 / 一天250 and 一个钟 in 一个钟22块: a period, not an amount."""
    if q.amount != 1 or q.kind not in ("hours", "duration"):
        return False
    rest = strip_head(norm[q.end :], rules.verbs_and_fillers + rules.wage_fillers)
    return starts_number(rest)


_DATE_UNITS: Final = frozenset("月号日")


def _is_date_part(norm: str, q: Quantity) -> bool:
    """10 and 1 of 10月1号: a number naming a month or a day."""
    return q.kind == "number" and norm[q.end : q.end + 1] in _DATE_UNITS


#: A clause that only names dates again (就是5月1号跟2号): digits, date units and joiners.
_DATES_ONLY: Final = re.compile(
    r"(?:就是|也就是|即)?[0-9一二三四五六七八九十两月号日,，、和跟到至 -]+"
)


def _not_a_day_off(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """一天没休: not one day off (all of them worked), not one day of work."""
    one_day = q.kind == "duration" and q.unit in DAY_UNITS and q.amount == 1
    return one_day and norm.startswith(rules.none_off_after, q.end)


def _verb_after_dates(norm: str, end: int, rules: PhraseRules) -> bool:
    """Whether, after ``end``, clauses that only name dates again are followed by one that
    says the days were worked and holds no amount of its own (我都上了班)."""
    start = end
    for _ in range(3):
        start = next_clause_start(norm, start)
        end_of_clause = clause_end(norm, start)
        clause = norm[start:end_of_clause]
        if not clause:
            return False
        if _DATES_ONLY.fullmatch(clause):
            start = end_of_clause
            continue
        return says_worked(clause, rules) and not any(c.isdigit() for c in clause)
    return False


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
        if span.hours < _MIN_SHIFT_HOURS or overlaps(span.start, span.end, taken):
            continue
        clause = norm[clause_start(norm, span.start) : clause_end(norm, span.end)]
        daily = any(word in clause for word, per in rules.per if per == "day")
        if need_verb and not (daily or says_worked(clause, rules)):
            continue
        amount = number_from_text(str(span.hours.normalize()))
        found.append(Found(WorkTimeFact("work", amount, "h", "day"), span.start, span.end))
    return found


def _overtime_by_the_clock(
    norm: str, kind_words: Sequence[KindWord], taken: Sequence[tuple[int, int]]
) -> tuple[list[Found], list[tuple[int, int]]]:
    """6点开始加班，一直加到晚上十点: a working day's overtime hours, told by the clock, and
    where the working days' ranges it ran on from stand. Not in a clause that names a rest day
    or a holiday (周六8点开始加班到12点 is no weekday's)."""
    found: list[Found] = []
    day_ranges: list[tuple[int, int]] = []
    for span in find_overtime_spans(norm):
        if overlaps(span.start, span.end, taken):
            continue
        begin, end = clause_start(norm, span.start), clause_end(norm, span.end)
        if any(
            w.kind != "weekday" and overlaps(w.start, w.end, [(begin, end)]) for w in kind_words
        ):
            continue
        amount = number_from_text(str(span.hours.normalize()))
        found.append(Found(WorkTimeFact("overtime", amount, "h", "day"), span.start, span.end))
        if span.day_range is not None:
            day_ranges.append(span.day_range)
    return found, day_ranges


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
    kind_words = find_kind_words(norm, quantities, rules)
    # 周一到周六都上班: six working days a week; its 周六 names no rest day worked.
    weeks = find_week_ranges(norm, rules, need_verb=need_verb)
    week_spans = [(f.start, f.end) for f in weeks]
    kind_words = [w for w in kind_words if not overlaps(w.start, w.end, week_spans)]
    working_kinds = [w for w in kind_words if not said_off(norm, w, rules)]
    lunar = find_lunar_spans(norm, rules)
    this_year = (today or dt.date.today()).year
    year = holiday_year(norm, kind_words, lunar, rules, this_year)
    # A number inside a kind word (五一, 十一假期) or a day's name (初三) names the day, it is
    # not an amount.
    inside_kind_word = [(w.start, w.end) for w in kind_words] + [(d.start, d.end) for d in lunar]
    amounts = [
        q
        for q in quantities
        if not _is_period_cue(norm, q, rules)
        and not is_word_part(norm, q)
        and not overlaps(q.start, q.end, inside_kind_word)
        and not break_length(norm, q, rules)
        and not _not_a_day_off(norm, q, rules)
    ]
    found: list[Found] = find_days_off(norm, rules, taken)
    found += [f for f in weeks if not overlaps(f.start, f.end, taken)]
    # Overtime by the clock first: a working day's range it runs on from (早上8点到下午5点 … 加到
    # 晚上九点半) is then no whole day of work of its own.
    by_the_clock, day_ranges = _overtime_by_the_clock(
        norm, kind_words, [*taken, *((f.start, f.end) for f in found)]
    )
    found += by_the_clock
    shift_taken = [*taken, *day_ranges, *((f.start, f.end) for f in found)]
    found += _shifts(norm, quantities, rules, shift_taken, need_verb=need_verb)
    taken_so_far = [*taken, *((f.start, f.end) for f in found)]
    runs = worked_holiday_runs(
        norm, working_kinds, quantities, rules, taken_so_far, year, need_verb=need_verb
    )
    dated = worked_holiday_dates(
        norm, working_kinds, quantities, rules, taken_so_far, year, need_verb=need_verb
    )
    # 国庆 … 我上了1号、4号、5号: the days by their dates, unless a run of them was worked.
    worked_runs = runs.found or runs.unplaced
    ranges = runs.found if worked_runs else dated.found
    unplaced = [*runs.unplaced, *([] if worked_runs else dated.unplaced)]
    found += ranges
    found += dated_rest_days(
        norm,
        working_kinds,
        rules,
        [*taken, *((f.start, f.end) for f in found)],
        need_verb=need_verb,
    )
    counted = find_counted_days(
        norm, rules, [*taken, *((f.start, f.end) for f in found)], need_verb=need_verb
    )
    taken = [*taken, *((f.start, f.end) for f in (*found, *counted))]
    found += lunar_days_worked(norm, lunar, rules, taken, year, need_verb=need_verb)
    for index, q in enumerate(amounts):
        if not _is_time(q) or overlaps(q.start, q.end, taken):
            continue
        if refers_back(norm, q, [*found, *counted]) or same_days_again(q, ranges):
            continue
        if count_of_unplaced(norm, q, unplaced):
            continue
        if whole_day_of_counted(norm, q, counted):
            continue
        # Kind words may sit in an earlier clause (周末加班，一共16个小时), back to the previous
        # amount; verbs and the period belong to the amount's own clause.
        # Numbers of a date (国庆10月1号2号3号这三天) are no amount that ends the region.
        earlier = [a for a in amounts[:index] if not _is_date_part(norm, a)]
        region_start = earlier[-1].end if earlier else 0
        own_start = clause_start(norm, q.start)
        next_start = amounts[index + 1].start if index + 1 < len(amounts) else len(norm)
        region_end = _before_new_fact(norm, q.end, min(next_start, clause_end(norm, q.end)), rules)
        word = kind_before(working_kinds, region_start, q.start) or kind_after(
            working_kinds, q.end, region_end
        )
        kind = word.kind if word is not None else None
        # A kind word in an earlier clause carries its verb along (周末加班，一共16个小时).
        clause_from = region_start if kind is not None else max(region_start, own_start)
        clause = norm[clause_from:region_end]
        overtime = any(verb in clause for verb in rules.overtime_verbs)
        worked = overtime or any(verb in clause for verb in rules.work_verbs)
        worked = worked or _period_then_shang(norm, q, rules) or _long_day(norm, q, rules)
        # 合同上写的加班费就按底薪算。… 每天10个小时: a standard said in an earlier sentence is
        # not this amount's.
        said_from = max(min(clause_from, own_start), sentence_start(norm, q.start))
        said_before = norm[said_from : q.start]
        if any(word in said_before for word in rules.standard_words):
            continue  # 合同写的每天8小时: the standard day, not time worked
        if norm.startswith(rules.beyond_words, q.end):
            continue  # 8小时以外多加了2个钟: where more work starts, not time worked
        own_before = norm[own_start : q.start]
        if strip_tail(own_before, ("了", "过")).endswith(rules.comp_leave_words):
            continue  # 补休了8个小时: leave given back (the overtime calculator reads it)
        if _days_without_leave(own_before, rules):
            continue  # 那没补休的2天: rest days already told, named again
        own, per_cue = _period_before(norm[own_start : q.start], rules)
        per = cast(Period | None, per_cue[1] if per_cue else None)
        # 国庆这三天叫我去上班 每天8个钟: hours a day right after days worked are worked too.
        worked = worked or (per == "day" and after_day_count([*found, *counted], q.start))
        if need_verb and not worked and kind in DAY_KINDS and q.unit in DAY_UNITS:
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
            word = named_with_its_break(norm, word, working_kinds, rules, year)
            if word is None:
                continue
        if part_of_a_break(norm, said, word, kind_words, quantities, rules):
            continue
        start = own_start + len(own) - len(per_cue[0]) if per_cue else q.start
        named_with = _holidays_named_before(norm, word, working_kinds, rules, year)
        split = split_holiday(said, word, rules, year, named_with=named_with)
        found += [Found(fact, start, q.end) for fact in split]
    found += named_holiday_work(
        norm,
        working_kinds,
        rules,
        [*found, *counted],
        year,
        this_year=this_year,
        need_verb=need_verb,
    )
    facts = weekends_worked(norm, monthly_hours(norm, quantities, [*found, *counted]), rules)
    together = days_with_their_hours(days_of_daily_overtime(norm, facts, rules))
    return without_totals_named_again(norm, together, rules.pay_of_days)


def _holidays_named_before(
    norm: str,
    word: KindWord | None,
    kind_words: Sequence[KindWord],
    rules: PhraseRules,
    year: int | None,
) -> list[KindWord]:
    """清明和端午那两天: the holidays named right before ``word``, joined to it by a joiner
    (和, 跟, 、), whose days the count after them covers too — each a holiday of its own, not
    a festival inside the break of the other (2025年中秋和国庆那8天: one break)."""
    if word is None or word.kind != "holiday":
        return []
    together: list[KindWord] = []
    end = word.start
    for other in sorted(kind_words, key=lambda w: w.start, reverse=True):
        if other.end > end:
            continue
        gap = norm[other.end : end]  # a joiner between, not names run together
        if (
            other.kind != "holiday"
            or not gap.strip()
            or not only_joiners(gap, rules.named_day_joiners)
        ):
            break
        if not all(_apart(other, named, rules, year) for named in (word, *together)):
            return []  # a festival and the break it may fall in: the break's own split
        together.append(other)
        end = other.start
    return together


def _apart(first: KindWord, second: KindWord, rules: PhraseRules, year: int | None) -> bool:
    """Two holidays that never share a break: both on fixed dates (元旦, 五一), both festivals
    (清明, 端午), or a festival far from the fixed-date holiday's break (元旦和中秋)."""
    fixed = rules.calendar.first_dates
    if (first.cue in fixed) == (second.cue in fixed):
        return True
    holiday, festival = (first, second) if first.cue in fixed else (second, first)
    return rules.calendar.festival_apart(holiday.cue, festival.cue, year)


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
        own = own.rstrip()  # 每晚都加班 3个钟: a space typed before the amount
        cue = ending(own, rules.per)
        if cue is not None:
            return own, cue
        word = next((w for w in words if w and own.endswith(w)), None)
        if word is None:
            boundary = _BEYOND_HOURS.search(own)
            if boundary is None or not own.endswith(rules.beyond_words):
                break
            own = own[: boundary.start()]  # 每天都在8小时以外多加了2个钟: the boundary
            continue
        own = own[: -len(word)]
    return own, ending(own, rules.per)


#: Hours said as where more work starts (在8小时以外, 正常8个钟之外), at the end of a text.
_BEYOND_HOURS: Final = re.compile(
    rf"(?:在|正常|标准)?(?:\d+|[{NUMERAL_CHARS}两]+)个?(?:小时|钟头|个钟|钟)[^\d,，。]{{0,2}}$"
)


#: 每天12小时 said with no verb: more hours a day than a standard day can only be working time.
_STANDARD_DAY_HOURS: Final = 8


def _long_day(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """每天12小时, 一天11个钟: hours beyond a standard day, right after a per-day word."""
    if q.kind != "hours" or (q.amount if q.amount is not None else q.value) <= _STANDARD_DAY_HOURS:
        return False
    cue = ending(strip_tail(norm[: q.start], rules.time_fillers), rules.per)
    return cue is not None and cue[1] == "day"


def _days_without_leave(before: str, rules: PhraseRules) -> bool:
    """True when a count comes right after 没补休的 (那没补休的2天, 没有调休的两个周六): the
    rest days told before, the ones not given back, named again; not more work."""
    named = strip_tail(before, ("那", "这"), limit=1)
    if not named.endswith("的"):
        return False
    leave = next((w for w in rules.comp_leave_words if named[:-1].endswith(w)), None)
    return leave is not None and named[: -1 - len(leave)].endswith(_NOT_GIVEN)


def _period_then_shang(norm: str, q: Quantity, rules: PhraseRules) -> bool:
    """一周上6天, 一个月上26天: 上 right between a period and a count of days is the verb of
    working (上 alone elsewhere is not: 上个月)."""
    if q.kind != "duration" or q.unit not in DAY_UNITS or not norm[: q.start].endswith(rules.shang):
        return False
    return ending(norm[: q.start - len(rules.shang)], rules.per) is not None


def read_work_time(text: str) -> WorkTimeFact | None:
    """The working time an answer states (每天3个钟 → 3h/day, 2天 → 2d), or None."""
    norm = normalize(text.strip())
    rules = load_phrase_rules()
    hit = only_one(find_work_times(norm, find_quantities(norm), rules, need_verb=False))
    return hit.fact if hit is not None and isinstance(hit.fact, WorkTimeFact) else None
