"""Rest days given back as leave, read from a first message (comp_leave.comp_leave_said)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.calculators.comp_leave import comp_leave_said
from nlu.numbers import int_to_chinese


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("4个周六都加班了，两个周六后来给我补休了", "2天"),
        ("周末加了3天班 其中1天后来调休了", "1天"),
        ("4个周六加班 补休了8个小时", "8小时"),
        ("4个周六加班 补休了半天", "0.5天"),
        ("4个周六都加班了 都没补休", "0"),
        ("4个周六都加班了都没补休", "0"),
        ("周六加班 厂里不给补休", "0"),
        ("周末加了两天 一天调休都没给", "0"),
        ("补休也没有", "0"),
        # Seventh session (probe 13): the days named again (这两天) had none; days of a rest-day
        # kind counted before the denial are the ones left without leave.
        ("周末加了两天班，这两天都没有补休", "0"),
        ("4个周六加班，其中1个周六调休了，另外3个星期六没补休", "1天"),
        ("礼拜天去了三回 过后也没给俺调休", "0"),
        # Probe 16: the days left counted by 个 alone (剩下1个没补休).
        ("4个星期天都加了班，其中3个星期天后来安排了补休，剩下1个没补休", "3天"),
        ("两个周六补休了 另外两个没补休", "2天"),
        # Probe 17: 其中 between the leave word and its count.
        ("4个周六都来加班，厂里给我补休了其中1天，另外3天没补休", "1天"),
        # Ninth session (probe 18): the days without leave named again in the question
        # (那没补休的2天给多少) deny nothing.
        ("周六加了两天班 其中有1天后来补休了 那没补休的1天加班费怎么算", "1天"),
    ],
)
def test_leave_given_back_is_read_as_typed(text: str, said: str) -> None:
    assert comp_leave_said(text) == said


@pytest.mark.parametrize(
    "text",
    [
        "4个周六都加班了 加班费多少",  # no leave word
        "补休是什么意思",  # no amount
        "两个周六补休了 另外三天也补休了",  # two different amounts: asked
    ],
)
def test_nothing_readable_is_left_to_ask(text: str) -> None:
    assert comp_leave_said(text) is None


@given(st.integers(min_value=1, max_value=30), st.booleans())
def test_any_count_of_days_given_back_is_that_many_days(days: int, chinese: bool) -> None:
    count = int_to_chinese(days) if chinese else str(days)
    assert comp_leave_said(f"周六加班了好几次 其中{count}个周六后来补休了") == f"{days}天"


def test_days_left_without_leave_do_not_deny_the_leave_given() -> None:
    # 补休了2天 then 剩下4天没补休: 2 days given back, not none.
    assert comp_leave_said("6个休息日加班 后面补休了2天 剩下4天没补休也没给钱") == "2天"
