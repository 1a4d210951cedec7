"""Years of work across employers, added up from a first message that tells them apart
(之前在别的厂干了7年 来现在这个厂也4年了 → 11 years), or said for a whole working life beside
this employer's (打工干了二十多年了 在这个厂干了八年 → 20 years or more), for the annual-leave
tiers: the years count at every employer (职工带薪年休假条例 第三条, 实施办法 第四条).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from knowledge_base.calculators import texts
from knowledge_base.calculators.parsing import normalize
from knowledge_base.calculators.tenure import (
    of_an_earlier_employer,
    of_this_employer,
    said_as_total,
)
from nlu.phrase_facts import ServiceLengthFact
from nlu.phrase_text import clause_start
from nlu.types import Entity

_MONTHS_IN_A_YEAR: Final = 12
#: 快五年 is less than five years, 五年多 more, by up to this many months.
_AT_MOST_OFF: Final = Decimal(11)


@dataclass(frozen=True)
class CareerYears:
    """The lengths said added up: ``months`` as said, and the least and most they may be
    (快五年 and 五年多 are not exact)."""

    months: Decimal
    low: Decimal
    high: Decimal

    def typed(self, tier: Callable[[Decimal], int]) -> str:
        """The total as the worker would type it at the years question (11年, 10年6个月): as
        said, unless its ``tier`` (of years) is not that of the least it may be (快5年 and 5年
        are under 10 years): then the least, in whole years."""
        years, months = divmod(self.months, _MONTHS_IN_A_YEAR)
        if tier(self.months / _MONTHS_IN_A_YEAR) != tier(self.low / _MONTHS_IN_A_YEAR):
            years, months = self.low // _MONTHS_IN_A_YEAR, Decimal(0)
        return texts.text(
            "common.years_and_months",
            years=texts.plain_number(years),
            months=texts.plain_number(months),
        )


def _bounds(fact: ServiceLengthFact) -> tuple[Decimal, Decimal, Decimal]:
    months = Decimal(str(fact.months))
    if fact.qualifier == "almost":
        return months, months - _AT_MOST_OFF, months - 1
    if fact.qualifier == "more":
        return months, months + 1, months + _AT_MOST_OFF
    return months, months, months


def career_length(text: str, entities: Sequence[Entity]) -> CareerYears | None:
    """The length of a whole working life (打工干了二十多年了, 累计工作12年) when it is the one
    length said of no employer here or before, or the one said with a career word beside the
    lengths at each employer that make it up (累计工作刚好满10年（在现在这个厂做了4年，之前在别的
    厂做了6年）); None otherwise."""
    lengths = [e for e in entities if e.entity == "service_length"]
    others = [e for e in lengths if not of_this_employer(e, text)]
    careers = [e for e in others if not of_an_earlier_employer(e, text)]
    if len(careers) != 1:
        return None
    said = careers[0]
    career = _said_with_a_career_word(said, text)
    fact = ServiceLengthFact.from_value(str(said.value))
    if fact is None or not (career or said_as_total(said, text)):
        return None
    read = CareerYears(*_bounds(fact))
    if len(others) > 1 and not (career and read.high >= _months_of_the_parts(lengths, said)):
        return None  # the parts must fit in the whole
    return read


def _months_of_the_parts(lengths: Sequence[Entity], whole: Entity) -> Decimal:
    facts = [ServiceLengthFact.from_value(str(e.value)) for e in lengths if e is not whole]
    return sum((_bounds(f)[1] for f in facts if f is not None), Decimal(0))


def _said_with_a_career_word(said: Entity, text: str) -> bool:
    clause = normalize(text[clause_start(text, said.start) : said.start])
    return any(word in clause for word in texts.words("tenure.career_length_words"))


def years_across_employers(
    text: str, entities: Sequence[Entity], months_here: int | None = None
) -> CareerYears | None:
    """Each earlier employer's length plus this one's; None unless exactly one length is said
    of this employer, at least one of an earlier one, and none is a total or said of no one.
    ``months_here``, the whole months since the day of joining this employer, stands for its
    length when none is said (之前在别的厂干了5年多 … 今年3月1号跳到现在这个厂)."""
    lengths = [e for e in entities if e.entity == "service_length"]
    if any(said_as_total(e, text) for e in lengths):
        return None
    here = [e for e in lengths if of_this_employer(e, text)]
    earlier = [e for e in lengths if e not in here and of_an_earlier_employer(e, text)]
    joined_only = months_here is not None and not here
    if (len(here) != 1 and not joined_only) or not earlier:
        return None
    if len(here) + len(earlier) != len(lengths):
        return None
    facts = [ServiceLengthFact.from_value(str(e.value)) for e in lengths]
    if any(fact is None for fact in facts):
        return None
    bounds = [_bounds(fact) for fact in facts if fact is not None]
    if joined_only and months_here is not None:
        bounds.append((Decimal(months_here),) * 3)
    return CareerYears(
        months=sum((b[0] for b in bounds), Decimal(0)),
        low=sum((b[1] for b in bounds), Decimal(0)),
        high=sum((b[2] for b in bounds), Decimal(0)),
    )
