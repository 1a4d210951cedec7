"""The days of 春节 named by their lunar names (除夕, 初一到初三, 初一、初三, 从除夕一直干到初五),
worked: the statutory ones of the year are holiday work, the weekends moved next to them
rest-day work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from nlu.numbers import Number
from nlu.phrase_facts import Found, WorkKind, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import clause_end, clause_start, overlaps
from nlu.work_verbs import says_worked

#: Between days named in a list (除夕 初一 初二, 初一、初二和初三).
_LIST_SEPARATORS: Final = " 、,，和跟及"
#: "That day" after a day's name (除夕那天, Cantonese 除夕嗰日).
_THAT_DAY: Final = ("那一天", "那天", "那日", "当天", "嗰日", "嗰天")
_LUNAR_DAY_NUMBERS: Final = {n: i for i, n in enumerate("一二三四五六七八九十", start=1)}


@dataclass(frozen=True, slots=True)
class LunarSpan:
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
    # 初三 is the day, not 年初三月 (early in the year, March).
    day = "|".join(
        [*(re.escape(w) for w in eve_words), f"(?:{prefix})?初[一二三四五六七八九十](?![月个号])"]
    )
    joiner = "|".join(re.escape(w) for w in range_words)
    # 除夕（2月16号）: the day's date said in brackets after its name belongs to it, and so
    # does "that day" (从除夕那天一直干到初五).
    aside = rf"(?:{'|'.join(_THAT_DAY)})?(?:[(（][^()（）]{{0,12}}[)）])?"
    return re.compile(f"({day}){aside}(?:({joiner})({day}){aside})?")


def _lunar_day(text: str, rules: PhraseRules) -> int:
    return 0 if text in rules.eve_words else _LUNAR_DAY_NUMBERS[text[-1]]


def find_lunar_spans(norm: str, rules: PhraseRules) -> list[LunarSpan]:
    """The 春节 days the text names (初一到初三, 除夕到初五, 初二), in order."""
    spans: list[LunarSpan] = []
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
            spans[-1] = LunarSpan(previous.start, match.end(), previous.first, last, worked)
        else:
            spans.append(LunarSpan(match.start(), match.end(), first, last, worked))
    return spans


def _lunar_lists(norm: str, spans: Sequence[LunarSpan]) -> list[list[LunarSpan]]:
    """The spans grouped by the list they are named in (初一、初三: one list of two; a span
    alone is a list of one), in order."""
    lists: list[list[LunarSpan]] = []
    for span in spans:
        if lists and not norm[lists[-1][-1].end : span.start].strip(_LIST_SEPARATORS):
            lists[-1].append(span)
        else:
            lists.append([span])
    return lists


def _lunar_work(span: LunarSpan, rules: PhraseRules, year: int | None) -> list[WorkTimeFact]:
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


def lunar_days_worked(
    norm: str,
    lunar: Sequence[LunarSpan],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    year: int | None,
    *,
    need_verb: bool,
) -> list[Found]:
    """The 春节 days of ``lunar`` said worked (not inside ``taken``), of ``year``'s calendar:
    days named in a list (初一、初三都上班了) share its verb, and their days add up."""
    found: list[Found] = []
    for named in _lunar_lists(norm, lunar):
        start, end = named[0].start, named[-1].end
        clause = norm[clause_start(norm, start) : clause_end(norm, end)]
        worked = says_worked(clause, rules) or any(span.worked for span in named)
        if (need_verb and not worked) or overlaps(start, end, taken):
            continue
        days: dict[WorkKind, Number] = {}
        for span in named:
            for fact in _lunar_work(span, rules, year):
                days[fact.kind] = days.get(fact.kind, 0) + fact.amount
        found += [Found(WorkTimeFact(kind, n, "d", None), start, end) for kind, n in days.items()]
    return found
