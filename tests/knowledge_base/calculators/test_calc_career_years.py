"""Years of work across employers, added up from one message (career_years)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge_base.calculators.annual_leave import SPEC as ANNUAL_LEAVE
from knowledge_base.calculators.career_years import career_length, years_across_employers
from knowledge_base.calculators.flow import prefill
from nlu.entities import extract_entities
from tests.knowledge_base.calculators.conftest import TODAY


def _across(text: str):  # type: ignore[no-untyped-def]
    return years_across_employers(text, extract_entities(text))


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("以前在老厂做了12年 进这个厂也有9年了", 252),
        ("之前在别的厂干了3年 在这个厂干了两年半", 66),
        ("原来那家厂做了5年多 来现在这个厂也2年了", 84),
    ],
)
def test_an_earlier_employers_years_add_to_these(text: str, months: int) -> None:
    across = _across(text)
    assert across is not None and across.months == months


@pytest.mark.parametrize(
    "text",
    [
        "在这个厂干了4年",  # no earlier employer
        "之前在别的厂干了7年",  # nothing here
        "累计工作15年 之前在别的厂干了10年 在这个厂干了5年",  # the total is said
        "出来打工10年了 在这个厂干了4年",  # a working life, not an earlier employer
    ],
)
def test_no_sum_unless_an_earlier_employer_and_this_one_are_told(text: str) -> None:
    assert _across(text) is None


def test_lengths_said_roughly_give_the_tier_only_when_it_cannot_change() -> None:
    # 7 years and more, 2 years and more: between 9 years 2 months and 11 years 10 months.
    text = "以前在老家厂里做了7年多 进这个厂2年多了 今年一整年都在这 年假没休 月薪4350"
    read = prefill(ANNUAL_LEAVE, extract_entities(text), TODAY, text)
    assert "cumulative_years" not in read.answers  # the tier (5 or 10 days) is asked
    sure = "以前在老家厂里做了快5年 进这个厂3年多了 今年一整年都在这 年假没休 月薪4350"
    read = prefill(ANNUAL_LEAVE, extract_entities(sure), TODAY, sure)
    assert read.answers["cumulative_years"] == Decimal(8)  # 7 to 9 years: 5 days whatever


def test_a_rough_sum_under_a_tier_is_not_typed_above_it() -> None:
    # Almost 4 years and 6 years: 9 years and some months, under 10, so 5 days (not 10 years).
    text = "以前在别的厂做了快4年 在这个厂干了6年 今年一整年都在这 年假没休 月薪4350"
    read = prefill(ANNUAL_LEAVE, extract_entities(text), TODAY, text)
    assert read.answers["cumulative_years"] == Decimal(9)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # A working life's length beside this employer's: its tier, when the words fix it.
        ("出来打工三十多年了 在这个厂干了7年 今年年假没休", Decimal(30)),
        ("打工快二十年了 现在这个厂干了5年 今年年假没休", Decimal(19)),
        ("累计工作十几年 在这个厂干了4年 今年年假没休", Decimal(10)),  # 10 to 19: one tier
        ("出来做工9年多了 这个厂干了3年 今年年假没休", Decimal(9)),
        ("出来打工快10年了 这个厂干了3年 今年年假没休", Decimal(9)),
        # Probe 16: the whole said with a career word beside the parts that make it up.
        ("累计工作刚好满10年（在这个厂做了4年，之前在别的厂做了6年） 今年年假没休", Decimal(10)),
        ("出来打工二十多年 之前在老厂干了10年 在这个厂干了4年 今年年假没休", Decimal(20)),
    ],
)
def test_a_working_lifes_length_said_roughly_gives_its_tier(
    text: str, years: Decimal | None
) -> None:
    read = prefill(ANNUAL_LEAVE, extract_entities(text), TODAY, text)
    assert read.answers.get("cumulative_years") == years


@pytest.mark.parametrize(
    "text",
    [
        "在这个厂干了4年",  # this employer's only
        "之前在老厂干了十多年 在这个厂干了4年",  # an earlier employer's: added up elsewhere
        # the parts do not fit in the whole said (a misreading is asked about, not guessed)
        "累计工作5年 之前在老厂干了10年 在这个厂干了4年",
    ],
)
def test_no_working_life_unless_the_one_not_of_an_employer_or_holding_them(text: str) -> None:
    assert career_length(text, extract_entities(text)) is None
