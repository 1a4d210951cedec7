"""A monthly wage told in parts (前6个月每月4000 后6个月每月5000): the average over the months,
each amount weighted by the months it was paid. Economic compensation is paid on the average
wage of the 12 months before leaving (劳动合同法 第四十七条第三款), so the parts must cover
12 months. Words live in ``prompts.yml`` (``wages.parts``).
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.base import WagePart, round_money
from nlu.numbers import Quantity, find_quantities
from nlu.phrase_text import is_word_part
from nlu.tokenizer import normalize

#: The months an average wage covers (劳动合同法 第四十七条: 前十二个月的平均工资).
AVERAGE_MONTHS: Final = Decimal(12)
#: How many characters may sit between the months and their amount (每个月工资都是).
_GAP: Final = 6
#: Below this a number after months is no monthly wage (see wages.PLAUSIBLE).
_LOWEST_MONTHLY: Final = 500


def _is_months(q: Quantity) -> bool:
    return q.kind == "duration" and q.unit in ("月", "年") and q.value > 0


def _amount_after(norm: str, months: Quantity, amount: Quantity) -> Decimal | None:
    """The monthly wage right after a count of months (6个月每月4000, 头3个月拿3800)."""
    gap = norm[months.end : amount.start]
    if amount.kind not in ("money", "number") or len(gap) > _GAP or any(c.isdigit() for c in gap):
        return None
    if any(word in gap for word in texts.words("wages.parts.not_monthly")):
        return None
    if amount.value < _LOWEST_MONTHLY:
        return None
    return Decimal(str(amount.value))


def _is_rate_word(norm: str, before: Quantity, q: Quantity) -> bool:
    """一个月 right after a count of months (头3个月一个月4200): the period of the amount after
    it, not more months."""
    gap = norm[before.end : q.start]
    one_month = q.kind == "duration" and q.unit == "月" and q.amount == 1
    return one_month and _is_months(before) and len(gap) <= _GAP and not any(map(str.isdigit, gap))


def wage_parts(text: str) -> tuple[WagePart, ...] | None:
    """The parts of the last 12 months' wage a text tells one after another (at least two,
    their months adding up to 12); None otherwise."""
    norm = normalize(text)
    found = find_quantities(norm)
    quantities = [
        q for i, q in enumerate(found) if i == 0 or not _is_rate_word(norm, found[i - 1], q)
    ]
    parts: list[WagePart] = []
    index = 0
    while index + 1 < len(quantities):
        months, amount = quantities[index], quantities[index + 1]
        pay = _amount_after(norm, months, amount) if _is_months(months) else None
        if pay is None:
            if parts:
                break  # the parts are told one after another
            index += 1
            continue
        parts.append(WagePart(Decimal(str(months.value)), pay))
        if sum(p.months for p in parts) == AVERAGE_MONTHS:
            break  # 12 months told: what follows (房租一个月800) is no part of the wage
        index += 2
    if len(parts) < 2 or sum(p.months for p in parts) != AVERAGE_MONTHS:
        return None
    return tuple(parts)


#: How far a total word and its amount may sit after the months (最后12个月工资条加起来一共是).
_TOTAL_REACH: Final = 16


def monthly_from_total(text: str) -> Decimal | None:
    """The monthly average of a total told for a count of months (最后12个月工资加起来一共64800
    → 5400), up to 12 months; None when no such total is told."""
    norm = normalize(text)
    found = [q for q in find_quantities(norm) if not is_word_part(norm, q)]  # 一共's 一
    totals = texts.words("wages.parts.total_words")
    for months, amount in itertools.pairwise(found):
        if not (_is_months(months) and months.unit == "月" and months.value <= AVERAGE_MONTHS):
            continue
        gap = norm[months.end : amount.start]
        if len(gap) > _TOTAL_REACH or any(c.isdigit() for c in gap):
            continue
        if not any(word in gap for word in totals) or amount.kind not in ("money", "number"):
            continue
        count = Decimal(str(months.value))
        if amount.value < _LOWEST_MONTHLY * count:
            continue
        return round_money(Decimal(str(amount.value)) / count)
    return None


def average(parts: tuple[WagePart, ...]) -> Decimal:
    """Σ months × amount ÷ Σ months, rounded half up to cents."""
    total = sum((p.months * p.amount for p in parts), Decimal(0))
    return round_money(total / sum(p.months for p in parts))


def typed_parts(parts: tuple[WagePart, ...]) -> str:
    """The parts as a worker would type them at the wage question (6个月每月4000，…)."""
    return "，".join(
        texts.text(
            "wages.parts.typed",
            months=texts.plain_number(p.months),
            amount=texts.plain_number(p.amount),
        )
        for p in parts
    )
