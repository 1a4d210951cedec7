"""How many weeks a week's pattern was worked, read from a worker's first message for the
overtime calculator (一周干六天 每天10个钟 这样连着干了4个星期 → 4 weeks; 上个月每周六上午加班
4小时 → the Saturdays of last month).

The overtime calculator asks how many weeks a weekly pattern held and, for overtime told per
day, on how many weekdays: a count of weeks said right after a verb of working answers both
(weekdays: those worked in a week, at most the five of a standard week, times the weeks).
Words live in ``prompts.yml`` (``overtime.message``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import MonthDate
from knowledge_base.calculators.parsing import parse_date
from knowledge_base.forms.spec import Parsed
from nlu.numbers import NUMERAL_CHARS, Number, parse_number
from nlu.phrase_facts import WorkTimeFact
from nlu.phrase_text import alternation
from nlu.tokenizer import normalize
from nlu.types import Entity
from nlu.week_ranges import day_ranges

_WORDS: Final = "overtime.message."
#: Weekdays in a standard week (国务院关于职工工作时间的规定 第三条: 5 days of 8 hours).
STANDARD_WEEKDAYS: Final = 5


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    verbs = alternation(
        [*texts.words(_WORDS + "weeks_verbs"), *texts.words(_WORDS + "weeks_month_leads")]
    )
    fillers = alternation(texts.words(_WORDS + "weeks_fillers"))
    # Not 周末, 周六, 星期天: a day, not weeks.
    days = "".join(texts.words(_WORDS + "weeks_not_after"))
    return re.compile(
        rf"({verbs})(?:{fillers}){{0,2}}([0-9]+|[{NUMERAL_CHARS}两]+)个?(?:星期|礼拜|周)"
        rf"(?![{re.escape(days)}])"
    )


def weeks_said(text: str) -> Number | None:
    """The one count of weeks worked the message says (None: none, or several different);
    not weeks of notice (提前3个星期)."""
    norm = normalize(text)
    not_leads = texts.words(_WORDS + "weeks_not_leads")
    months = texts.words(_WORDS + "weeks_month_leads")
    counts = {
        count
        for m in _pattern().finditer(norm)
        if not norm[: m.end(1)].endswith(not_leads)
        and (count := parse_number(m.group(2))) is not None
        and not (m.group(1) in months and count == 1)
    }
    return counts.pop() if len(counts) == 1 else None


def week_facts(text: str, entities: Sequence[Entity]) -> dict[str, str]:
    """The weeks of a weekly pattern, and the weekdays they hold, as typed at the overtime
    calculator's questions (only the questions the calculator asks take them)."""
    weeks = weeks_said(text)
    if weeks is None or weeks <= 0:
        return {}
    days_a_week = [
        fact.amount
        for entity in entities
        if entity.entity == "work_time"
        and (fact := WorkTimeFact.from_value(str(entity.value))) is not None
        and fact.kind in ("work", "weekday")  # 一周上6天班, 一周上5天平时班
        and (fact.unit, fact.per) == ("d", "week")
    ]
    weekdays = (
        min(days_a_week[0], STANDARD_WEEKDAYS) if len(days_a_week) == 1 else STANDARD_WEEKDAYS
    )
    return {
        "weekday_weeks": str(weeks),
        "rest_day_weeks": str(weeks),
        "weekday_days": str(weekdays * weeks),
    }


#: The last weekday of a standard week (Friday).
_LAST_WEEKDAY: Final = 5


def weekdays_of_one_week(text: str, entities: Sequence[Entity]) -> dict[str, str]:
    """The weekdays worked in the one week just past that the message names, for overtime told
    per day (上周周一到周五每天都加班3个小时 → 5 days); nothing when no such week and range are
    said, or several ranges."""
    norm = normalize(text)
    per_day = any(
        entity.entity == "work_time"
        and (fact := WorkTimeFact.from_value(str(entity.value))) is not None
        and fact.kind in ("weekday", "overtime")
        and fact.per == "day"
        for entity in entities
    )
    ranges = day_ranges(norm)
    not_a_day = "".join(texts.words(_WORDS + "one_week_not_before"))
    one_week = any(
        re.search(f"{re.escape(word)}(?![{re.escape(not_a_day)}])", norm)
        for word in texts.words(_WORDS + "one_week")
    )
    if not per_day or not one_week or len(ranges) != 1:
        return {}
    first, last = ranges[0]
    return {"weekday_days": str(last - first + 1)} if first <= last <= _LAST_WEEKDAY else {}


def _rest_day_weekly(entities: Sequence[Entity]) -> bool:
    """Whether the message says rest-day work every week (rest_day:4h/week)."""
    return any(
        entity.entity == "work_time"
        and (fact := WorkTimeFact.from_value(str(entity.value))) is not None
        and (fact.kind, fact.per) == ("rest_day", "week")
        for entity in entities
    )


def _months_named(norm: str, entities: Sequence[Entity], today: date) -> set[tuple[int, int]]:
    """The whole months before today's the message names (上个月, 2024年3月, 去年12月); none
    when a date it names cannot be read (4月 alone: which year is not known)."""
    months: dict[str, int] = texts.node("parsing.relative_months")
    said = [
        word
        for word in months
        if word in norm
        and not any(word != other and word in other and other in norm for other in months)
    ]
    said += [str(e.text) for e in entities if e.entity == "date"]
    named: set[tuple[int, int]] = set()
    for text in said:
        parsed = parse_date(text, today)
        if not isinstance(parsed, Parsed):
            return set()
        if isinstance(parsed.value, MonthDate):
            month = (parsed.value.year, parsed.value.month)
            if month < (today.year, today.month):
                named.add(month)
    return named


def weeks_of_the_month_named(text: str, entities: Sequence[Entity], today: date) -> int | None:
    """上个月每周六上午加班4小时: rest-day work on one day every week, of one whole month
    named: the times that day falls in the month (None: not said so)."""
    norm = normalize(text)
    if not _rest_day_weekly(entities):
        return None
    cues: dict[str, int] = texts.node(_WORDS + "weekly_rest_days")
    weekdays = {day for cue, day in cues.items() if cue in norm}
    months = _months_named(norm, entities, today)
    if len(weekdays) != 1 or len(months) != 1:
        return None
    (weekday,), ((year, month),) = weekdays, months
    days = calendar.monthrange(year, month)[1]
    return sum(date(year, month, day).weekday() == weekday for day in range(1, days + 1))
