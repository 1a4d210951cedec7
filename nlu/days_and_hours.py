"""Counts of days put together with what is said of each: the hours worked on each (4个周六 …
每天8小时), the days of each weekend counted (3个周末 每个周末两天), and the days of overtime
hours said a day (每天都加班3小时 总共加了15天) — each as one total.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, cast

from nlu.phrase_facts import Found, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import alternation, clause_end
from nlu.weekends import Weekends, each_weekend, find_one_weekend, find_weekends
from nlu.work_verbs import worked_unnegated

#: Hours a day beside a count of days (4个周六 … 每天8小时) are at most a day's.
_MAX_DAY_HOURS: Final = 24
#: Hours of a kind said without a period beside a count of its days (周六干8个钟 … 4个周六)
#: are a day's when no more than a long day's; more is a total.
MAX_UNSAID_DAY_HOURS: Final = 12
#: Kinds whose days may be told apart from the hours worked on each.
DAY_KINDS: Final = frozenset({"rest_day", "holiday"})


#: Days a weekend has (周六周日两天): more said after a count of weekends is no weekend's.
_WEEKEND_DAYS: Final = 2


def after_day_count(found: Sequence[Found], start: int) -> bool:
    """Whether the last working time found before ``start`` is a count of rest or holiday
    days (国庆这三天, 4个周六)."""
    before = [f for f in found if f.end <= start]
    if not before:
        return False
    last = max(before, key=lambda f: f.end).fact
    return (
        isinstance(last, WorkTimeFact)
        and last.kind in DAY_KINDS
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
        return fact.kind == days.kind and fact.amount <= MAX_UNSAID_DAY_HOURS
    return fact.kind in (days.kind, "work") and fact.per == "day" and fact.amount <= _MAX_DAY_HOURS


def _is_day_count(fact: object) -> bool:
    return (
        isinstance(fact, WorkTimeFact)
        and fact.kind in (*DAY_KINDS, "weekday")
        and fact.unit == "d"
        and fact.per is None
    )


def days_with_their_hours(found: list[Found]) -> list[Found]:
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
        # ... and on the days counted between them and the hours (春节4天我全上了，20号21号是
        # 休息日这两天也上了，每天都是8小时).
        siblings = [
            i
            for i, other in enumerate(facts)
            if i == index
            or (
                i not in used
                and ((other.start, other.end) == (days.start, days.end) or index < i < match)
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


def weekends_worked(norm: str, facts: list[Found], rules: PhraseRules) -> list[Found]:
    """3个周末 每个周末周六周日两天都没休: the days worked on each weekend, times the weekends
    (the first working time said after the count, unless said as a total); 两个周末都只休了一天
    另一天上班8小时: the other day of each, worked."""
    out = sorted(facts, key=lambda f: f.start)
    for weekends in find_weekends(norm, rules.weekend_words):
        other_day = _other_day_of_each(norm, weekends, out, rules)
        if other_day is not None:
            out = other_day
            continue
        both = _both_days_of_each(norm, weekends, out, rules)
        if both is not None:
            out = sorted([*out, both], key=lambda f: f.start)
            continue
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
    cues = (rules.weekend_one_week_cues, rules.weekend_saturday)
    for weekend in find_one_weekend(norm, *cues):
        # 上个礼拜六同礼拜日都返咗工: that weekend's two days, worked.
        both = _both_days_of_each(norm, weekend, out, rules)
        if both is not None:
            out = sorted([*out, both], key=lambda f: f.start)
    return out


#: How far after a count of weekends its two days may be named (两个周末，星期六星期日都开工).
_BOTH_DAYS_REACH: Final = 12


@lru_cache(maxsize=4)
def _both_days_pattern(
    saturday: tuple[str, ...], sunday: tuple[str, ...], joiners: tuple[str, ...]
) -> re.Pattern[str]:
    either = alternation
    return re.compile(f"(?:{either(saturday)})(?:{either(joiners)})?(?:{either(sunday)})")


def _both_days_of_each(
    norm: str, weekends: Weekends, facts: Sequence[Found], rules: PhraseRules
) -> Found | None:
    """两个周末，星期六星期日都开工: Saturday and Sunday named together right after a count of
    weekends (or one weekend named by when it was: 上个礼拜六同礼拜日), and said worked in their
    clause: two rest days of each weekend. None when no
    such words, when they are days off (星期六星期日都休息), or when days are counted there
    already (the count of weekends then multiplies those)."""
    if not rules.weekend_saturday or not rules.weekend_sunday:
        return None
    pattern = _both_days_pattern(
        rules.weekend_saturday, rules.weekend_sunday, rules.weekend_both_joiners
    )
    match = pattern.search(norm, weekends.end)
    if match is None or match.start() > weekends.end + _BOTH_DAYS_REACH:
        return None
    end = clause_end(norm, match.end())
    said = norm[match.end() : end].lstrip("都也两天")
    if said.startswith(rules.off_after):
        return None
    if not worked_unnegated(said, rules):  # 都没加班: no work
        return None
    counted = any(
        isinstance(f.fact, WorkTimeFact) and f.fact.unit == "d" and weekends.end <= f.start < end
        for f in facts
    )
    if counted:
        return None
    return Found(
        WorkTimeFact("rest_day", _WEEKEND_DAYS * weekends.count, "d", None),
        match.start(),
        match.end(),
    )


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


def days_of_daily_overtime(norm: str, facts: list[Found], rules: PhraseRules) -> list[Found]:
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


#: Ends of a sentence: the other day of a weekend is said in the weekends' sentence.
_SENTENCE_END: Final = re.compile(r"[。！？!?\n]")
#: Kinds the other day's working time may be read as (no kind word is said of it).
_OTHER_DAY_KINDS: Final = frozenset({"work", "overtime", "rest_day"})


def _other_day_of_each(
    norm: str, weekends: Weekends, facts: list[Found], rules: PhraseRules
) -> list[Found] | None:
    """两个周末都只休了一天 另一天上班8小时: one day of each weekend counted was worked, with the
    hours said of it (or a whole day each, when none are): the facts with that total in place
    of the other day's, or None when no other day is said of the weekends."""
    sentence_end = _SENTENCE_END.search(norm, weekends.end)
    stop = sentence_end.start() if sentence_end else len(norm)
    word, start = next(
        (
            (w, i)
            for w in rules.weekend_other_day_words
            if (i := norm.find(w, weekends.end, stop)) >= 0
        ),
        ("", -1),
    )
    if start < 0 or any(t in norm[weekends.end : start] for t in rules.total_words):
        return None
    end = clause_end(norm, start + len(word))
    said = [
        f
        for f in facts
        if start <= f.start < end
        and isinstance(f.fact, WorkTimeFact)
        and f.fact.kind in _OTHER_DAY_KINDS
        and f.fact.per in (None, "day")
    ]
    hours = [f for f in said if cast(WorkTimeFact, f.fact).unit == "h"]
    days = [f for f in said if cast(WorkTimeFact, f.fact).unit == "d"]
    if len(hours) == 1 and cast(WorkTimeFact, hours[0].fact).amount <= _MAX_DAY_HOURS:
        each = cast(WorkTimeFact, hours[0].fact).amount
        total = Found(WorkTimeFact("rest_day", each * weekends.count, "h"), start, hours[0].end)
    elif not hours and len(days) == 1 and cast(WorkTimeFact, days[0].fact).amount == 1:
        total = Found(WorkTimeFact("rest_day", weekends.count, "d"), start, days[0].end)
    else:
        return None
    kept = [f for f in facts if all(f is not other for other in said)]
    return sorted([*kept, total], key=lambda f: f.start)
