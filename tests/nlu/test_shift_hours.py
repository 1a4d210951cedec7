"""A working day told by the clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nlu.numbers import find_quantities
from nlu.shift_hours import find_overtime_spans, find_shift_spans
from nlu.tokenizer import normalize


def hours(text: str) -> list[Decimal]:
    norm = normalize(text)
    return [span.hours for span in find_shift_spans(norm, find_quantities(norm))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("早上7点半干到晚上7点半", [Decimal(12)]),
        ("早上7点半干到晚上7点半 中午吃饭歇1个钟头", [Decimal(11)]),  # the meal break is off
        ("8点到8点", [Decimal(12)]),  # no part of the day said: the end is the evening
        ("下午2点到10点", [Decimal(8)]),
        ("晚上8点到早上8点", [Decimal(12)]),  # a night shift into the next morning
        ("早上八点上班一直干到晚上十点", [Decimal(14)]),
        ("7点30分到下午5点", [Decimal("9.5")]),
        ("早上8点上班 晚上8点下班 中午吃饭休息1个小时", [Decimal(11)]),  # a start and a stop
        ("早上7点半干到晚上7点半 吃午饭1个钟 吃晚饭半个钟", [Decimal("10.5")]),  # both meals
        ("今天见面", []),
    ],
)
def test_the_hours_a_clock_range_gives(text: str, expected: list[Decimal]) -> None:
    assert hours(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正常是下午5点半下班，吃完饭6点开始加班，一直加到晚上十点", [Decimal(4)]),
        ("每天6点下班，吃完饭还要加班到9点", [Decimal(3)]),  # from the day's end
        ("下午5点半下班，加班到晚上8点半", [Decimal(3)]),
        ("晚上8点开始加班干到凌晨2点", [Decimal(6)]),  # into the next morning
        ("早上8点到下午5点，中午休息1个小时，上个月都加到晚上九点半", [Decimal("4.5")]),
        ("早上8点到下午5点，吃完晚饭加到九点", []),  # the meal's length is not known
        ("早上8点上班晚上8点下班", []),  # a working day, not overtime
        ("6点开始加班", []),  # no end told
    ],
)
def test_overtime_told_by_the_clock(text: str, expected: list[Decimal]) -> None:
    assert [span.hours for span in find_overtime_spans(normalize(text))] == expected
