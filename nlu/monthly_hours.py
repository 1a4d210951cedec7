"""Hours told month by month (8月加了36个钟，9月40个钟，10月30个钟): the months after the first
share its verb and kind, and all of them add up to one total.

Only hours said right after a month, each in its own clause, one clause after another, count;
the first must already have been read as working time (its verb says so).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Final

from nlu.numbers import Quantity
from nlu.phrase_facts import Found, WorkTimeFact
from nlu.phrase_text import clause_start

#: A clause that opens with a month (今年8月, 9月份, 上个月), then at most a few characters before
#: the hours (加了, 又).
_MONTH_FIRST: Final = re.compile(
    r"^\s*(?:(?:今年|去年|前年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?"
    r"|上上个月|上个月|这个月|本月|前个月)\D{0,4}$"
)
#: At least this many months make a list.
_MIN_MONTHS: Final = 2


def _month_hours(norm: str, quantities: Sequence[Quantity]) -> list[Quantity]:
    """Hours amounts that open their clause with a month."""
    return [
        q
        for q in quantities
        if q.kind == "hours" and _MONTH_FIRST.match(norm[clause_start(norm, q.start) : q.start])
    ]


def _one_after_another(norm: str, months: Sequence[Quantity]) -> bool:
    """Each amount's clause starts right where the one before ends (a break between only)."""
    return all(
        clause_start(norm, later.start) > earlier.end
        and not norm[earlier.end : clause_start(norm, later.start)].strip(",，、;； ")
        for earlier, later in itertools.pairwise(months)
    )


def monthly_hours(norm: str, quantities: Sequence[Quantity], facts: list[Found]) -> list[Found]:
    """``facts`` with hours told month by month read as one total of the first month's kind."""
    months = _month_hours(norm, quantities)
    if len(months) < _MIN_MONTHS or not _one_after_another(norm, months):
        return facts
    first, rest = months[0], months[1:]
    index = next(
        (
            i
            for i, f in enumerate(facts)
            if isinstance(f.fact, WorkTimeFact)
            and f.fact.unit == "h"
            and f.fact.per is None
            and f.start <= first.start < f.end
        ),
        None,
    )
    taken = [(f.start, f.end) for f in facts]
    if index is None or any(start <= q.start < end for q in rest for start, end in taken):
        return facts
    said = facts[index]
    fact = said.fact
    if not isinstance(fact, WorkTimeFact):
        return facts
    total = sum((q.amount if q.amount is not None else q.value) for q in months)
    merged = Found(WorkTimeFact(fact.kind, total, "h", None), said.start, months[-1].end)
    return [merged if i == index else f for i, f in enumerate(facts)]
