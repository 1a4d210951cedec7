"""A monthly wage told in parts, averaged over the months (average_wage)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge_base.calculators import wages
from knowledge_base.calculators.average_wage import (
    average,
    monthly_from_total,
    typed_parts,
    wage_parts,
)
from knowledge_base.calculators.base import Wage, WagePart
from knowledge_base.calculators.oneshot import calculate
from knowledge_base.calculators.parsing import parse_wage
from knowledge_base.calculators.stored import dump_value, load_value
from knowledge_base.forms.spec import Parsed
from tests.knowledge_base.calculators.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("最后一年里前4个月每月3600 后8个月每月4500", ((4, 3600), (8, 4500))),
        ("头3个月拿3800，后面9个月工资4200元", ((3, 3800), (9, 4200))),
        ("上半年每月4000 下半年每月5000", ((6, 4000), (6, 5000))),
        ("前2个月3千5 中间5个月4千 后5个月4千5", ((2, 3500), (5, 4000), (5, 4500))),
        # 一个月 between the months and the amount is its period, not one month more.
        ("开头5个月一个月3900，后面7个月一个月4500", ((5, 3900), (7, 4500))),
        ("前11个月每月4000，最后一个月5000", ((11, 4000), (1, 5000))),
        # Probe 16: what follows the twelve months (房租一个月800) is no part of the wage.
        ("离职前12个月里，前6个月每月4200，后6个月每月4800。房租一个月800", ((6, 4200), (6, 4800))),
    ],
)
def test_parts_covering_twelve_months_are_read(text: str, parts: tuple[tuple[int, int]]) -> None:
    found = wage_parts(text)
    assert found == tuple(WagePart(Decimal(m), Decimal(a)) for m, a in parts)


@pytest.mark.parametrize(
    "text",
    [
        "前6个月每月4000",  # one part: no average to make
        "前3个月每月4000 后5个月每月5000",  # 8 months: not the last 12
        "前6个月每天200 后6个月每天220",  # daily pay, not a month's
        "离职前12个月平均工资4500",
    ],
)
def test_no_parts_without_two_monthly_amounts_over_twelve_months(text: str) -> None:
    assert wage_parts(text) is None


def test_the_average_weighs_each_amount_by_its_months() -> None:
    parts = (WagePart(Decimal(4), Decimal(3600)), WagePart(Decimal(8), Decimal(4500)))
    assert average(parts) == Decimal(4200)
    assert average(
        (WagePart(Decimal(5), Decimal(4000)), WagePart(Decimal(7), Decimal(4500)))
    ) == Decimal("4291.67")


def test_parts_typed_read_back_as_the_average_only_where_an_average_is_asked() -> None:
    parts = (WagePart(Decimal(6), Decimal(4000)), WagePart(Decimal(6), Decimal(5000)))
    typed = typed_parts(parts)
    averaged = parse_wage(typed, ("month", "day", "hour"), parts=True)
    assert averaged == Parsed(Wage(Decimal(4500), "month", parts))
    assert not isinstance(parse_wage(typed, ("month", "day", "hour")), Parsed)


def test_the_average_is_worked_out_before_any_conversion() -> None:
    wage = Wage(
        Decimal(4350),
        "month",
        (WagePart(Decimal(6), Decimal(4000)), WagePart(Decimal(6), Decimal(4700))),
    )
    converted = wages.daily(wage)
    assert converted.amount == Decimal(200)  # 4350 ÷ 21.75
    assert len(converted.steps) == 2  # the average, then the daily wage
    assert wages.monthly(wage).amount == Decimal(4350)
    assert len(wages.monthly(wage).steps) == 1


def test_a_wage_in_parts_is_stored_with_them() -> None:
    wage = Wage(
        Decimal(4500),
        "month",
        (WagePart(Decimal(6), Decimal(4000)), WagePart(Decimal(6), Decimal(5000))),
    )
    assert load_value("wage", dump_value(wage)) == wage
    assert load_value("wage", {"amount": "4500", "unit": "month"}) == Wage(Decimal(4500), "month")


@pytest.mark.parametrize(
    ("text", "intent", "amount"),
    [
        # (4 × 3600 + 8 × 4500) ÷ 12 = 4200 × N 5 (劳动合同法 第四十七条).
        ("在这个厂干了5年 被裁员了 最后12个月里前4个月每月3600 后8个月每月4500 补偿多少",
         "calc_compensation", 21000.0),
        # (6 × 4000 + 6 × 4700) ÷ 12 = 4350 ÷ 21.75 = 200 a day × 200% × 5 days.
        ("工作了6年 今年整年都在这个厂 年假没休 上半年每月4000 下半年每月4700 补多少",
         "calc_annual_leave", 2000.0),
    ],
)  # fmt: skip
def test_calculators_of_an_average_wage_use_the_parts(
    text: str, intent: str, amount: float
) -> None:
    result = calculate(text, intent=intent, today=TODAY)
    assert result is not None and result.result is not None
    assert float(result.result.amount or 0) == amount


@pytest.mark.parametrize(
    ("text", "monthly"),
    [
        # Seventh session (probe 14): a total told for a count of months is averaged.
        ("离职前12个月的工资加起来一共60000", Decimal(5000)),
        ("最后6个月总共拿了27000块", Decimal(4500)),
        ("干了12个月 每个月4000", None),  # a monthly wage, not a total
        ("12个月一共请假3天", None),  # no amount of pay
    ],
)
def test_a_total_over_months_is_averaged(text: str, monthly: Decimal | None) -> None:
    assert monthly_from_total(text) == monthly
