"""Ages under 16 stated next to work (the legal line of child labour). Sentences written here."""

from __future__ import annotations

import pytest

from knowledge_base.minor_age import MINIMUM_WORKING_AGE, ages_under_16_at_work


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("我今年14岁 放假想去厂里打工", [14]),
        ("表弟十五岁就进厂上班了", [15]),
        ("车间里有几个十三四岁的小孩在干活", [13]),
        ("我妹妹十四歲 在廠裡做工", [14]),
        ("１５岁的学生能打寒假工吗", [15]),
        ("我17岁进厂 厂里要给我特殊照顾吗", []),  # a juvenile worker, not a child
        ("我在厂里干了15年 被辞退了", []),  # years, not an age
        ("我35岁 厂里说年纪大了不要我", []),
        ("孩子8岁 我想请假带他看病", []),  # an age, but nothing about the child working
    ],
)
def test_ages_under_16_next_to_work(text: str, ages: list[int]) -> None:
    assert ages_under_16_at_work(text) == ages


def test_the_line_is_sixteen() -> None:
    assert MINIMUM_WORKING_AGE == 16
    assert ages_under_16_at_work("16岁能进厂打工吗") == []
    assert ages_under_16_at_work("15岁能进厂打工吗") == [15]
