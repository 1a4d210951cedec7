"""Counts of days that name days already read again (这三天, 三天都去上班了 after 10月1号到3号,
一整天 of each counted Saturday): no more work.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlu.days_and_hours import DAY_KINDS
from nlu.numbers import Number, Quantity
from nlu.phrase_facts import Found, WorkTimeFact
from nlu.phrase_text import BACK_REFERENCES, DAY_UNITS, clause_start


def count_of_unplaced(norm: str, q: Quantity, unplaced: Sequence[tuple[int, int, int]]) -> bool:
    """两天 in 国庆 … 8号9号上了两天班: the days of a list that could not be placed in the
    break, counted again in its clause: not to be read as the holiday's days."""
    amount = q.amount if q.amount is not None else q.value
    return q.unit in DAY_UNITS and any(
        end <= q.start and count == amount and clause_start(norm, q.start) <= start
        for start, end, count in unplaced
    )


def whole_day_of_counted(norm: str, q: Quantity, counted: Sequence[Found]) -> bool:
    """四个周六都被叫去上了一整天班: each of the days counted was a whole day, not one more."""
    whole_day = q.kind == "duration" and q.unit in DAY_UNITS and q.amount == 1
    if not whole_day or "整" not in norm[q.start : q.end]:
        return False
    start = clause_start(norm, q.start)
    return any(start <= f.start and f.end <= q.start for f in counted)


def same_days_again(q: Quantity, ranges: Sequence[Found]) -> bool:
    """这7天 or 三天都去上班了 after a break told by its dates: the same days again."""
    totals: dict[tuple[int, int], Number] = {}
    for f in ranges:
        if isinstance(f.fact, WorkTimeFact) and f.end <= q.start:
            totals[(f.start, f.end)] = totals.get((f.start, f.end), 0) + f.fact.amount
    amount = q.amount if q.amount is not None else q.value
    return q.unit in DAY_UNITS and amount in totals.values()


def refers_back(norm: str, q: Quantity, found: Sequence[Found]) -> bool:
    """这三天 after three days already found, 这6个钟头 after six hours: the same time named
    again, not more work."""
    if not norm[: q.start].endswith(BACK_REFERENCES):
        return False
    amount = q.amount if q.amount is not None else q.value
    unit = "h" if q.kind == "hours" else "d"
    # 国庆三天 is two facts on one span (holiday and moved rest days): their days add up.
    days: dict[tuple[int, int], Number] = {}
    for f in found:
        if isinstance(f.fact, WorkTimeFact) and f.fact.unit == unit and f.end <= q.start:
            days[(f.start, f.end)] = days.get((f.start, f.end), 0) + f.fact.amount
    return amount in days.values() or any(
        f.fact.unit == unit and f.fact.amount == amount
        for f in found
        if isinstance(f.fact, WorkTimeFact) and f.end <= q.start
    )


def without_totals_named_again(
    norm: str, found: list[Found], pay_of_days: Sequence[str]
) -> list[Found]:
    """这16个小时 after 两个周六各加班8小时 (put together as 16 hours): a total named again
    once days and their hours are one total, not more work; so are days named again for their
    pay (清明节当天和端午节当天都上班 … 这两天的加班费) after days of a kind were worked."""
    kept: list[Found] = []
    for f in found:
        earlier = [k.fact for k in kept if isinstance(k.fact, WorkTimeFact) and k.end <= f.start]
        if not _names_earlier_work(norm, f, earlier, pay_of_days):
            kept.append(f)
    return kept


def _names_earlier_work(
    norm: str, f: Found, earlier: Sequence[WorkTimeFact], pay_of_days: Sequence[str]
) -> bool:
    fact = f.fact
    if not isinstance(fact, WorkTimeFact) or fact.per is not None:
        return False
    if not norm[: f.start].endswith(BACK_REFERENCES):
        return False
    total = (fact.unit, fact.amount, None)
    if any((e.unit, e.amount, e.per) == total for e in earlier):
        return True
    their_pay = fact.unit == "d" and norm[f.end :].startswith(tuple(pay_of_days))
    return their_pay and any(e.kind in DAY_KINDS for e in earlier)
