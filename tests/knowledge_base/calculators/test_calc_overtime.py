"""Overtime pay: hand-checked examples and properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import overtime
from knowledge_base.calculators.base import TODAY as TODAY_KEY
from tests.knowledge_base.calculators.conftest import TODAY, chat, run

D = Decimal
wages = st.decimals(min_value=500, max_value=100_000, places=2)
hours = st.decimals(min_value=1, max_value=500, places=1)


ZERO = D(0)


def pay(
    wage: Decimal,
    weekday: Decimal = ZERO,
    rest: Decimal = ZERO,
    holiday: Decimal = ZERO,
    comp: Decimal = ZERO,
) -> Decimal:
    inputs: dict[str, object] = {
        TODAY_KEY: TODAY,
        "wage": wage,
        "weekday_hours": weekday,
        "rest_day_hours": rest,
        "holiday_hours": holiday,
    }
    if rest > 0:
        inputs["rest_day_comp_hours"] = comp
    result = overtime.compute(inputs)
    assert result.amount is not None
    return result.amount


def test_worked_example_weekday() -> None:
    # 4350 ÷ 21.75 ÷ 8 = 25.00 per hour; × 150% × 10 hours = 375.00
    answers, _ = chat(overtime.SPEC, ["4350", "10", "0", "0"])
    result = run(overtime.SPEC, answers)
    assert result.amount == D("375.00")
    assert (
        result.steps[0]
        == "小时工资 = 4350 ÷ 21.75（月计薪天数）÷ 8（每天小时数）= 25.00元/小时（四舍五入到分）"
    )
    assert result.steps[1] == "工作日加班：25.00 × 150% × 10小时 = 375.00元"


def test_worked_example_all_kinds() -> None:
    # 25.00/h: weekday 10 h × 1.5 = 375; rest day 16 h − 8 h leave = 8 h × 2 = 400;
    # holiday 24 h × 3 = 1800; total 2575.00
    assert pay(D(4350), D(10), D(16), D(24), comp=D(8)) == D("2575.00")


def test_worked_example_rounding() -> None:
    # 4500 ÷ 21.75 ÷ 8 = 25.862… → 25.86; × 1.5 × 36 = 1396.44
    assert overtime.hourly_wage(D(4500)) == D("25.86")
    assert pay(D(4500), weekday=D(36)) == D("1396.44")


def test_asks_about_compensatory_leave_only_after_rest_day_work() -> None:
    _, asked = chat(overtime.SPEC, ["5000", "10", "0", "0"])
    assert "rest_day_comp_hours" not in asked
    _, asked = chat(overtime.SPEC, ["5000", "10", "8", "8", "0"])
    assert asked == [
        "wage",
        "weekday_hours",
        "rest_day_hours",
        "rest_day_comp_hours",
        "holiday_hours",
    ]


def test_monthly_limit_warning() -> None:
    assert (
        run(
            overtime.SPEC,
            {
                "wage": D(4000),
                "weekday_hours": D(36),
                "rest_day_hours": D(0),
                "holiday_hours": D(0),
            },
        ).warnings
        == ()
    )
    warned = run(
        overtime.SPEC,
        {
            "wage": D(4000),
            "weekday_hours": D(37),
            "rest_day_hours": D(0),
            "holiday_hours": D(0),
        },
    )
    assert len(warned.warnings) == 1


@settings(deadline=None)
@given(wages, hours)
def test_holiday_beats_rest_day_beats_weekday(wage: Decimal, h: Decimal) -> None:
    assert pay(wage, holiday=h) > pay(wage, rest=h) > pay(wage, weekday=h)


@settings(deadline=None)
@given(wages, hours, hours)
def test_monotonic_in_hours(wage: Decimal, h1: Decimal, h2: Decimal) -> None:
    low, high = sorted((h1, h2))
    assert pay(wage, weekday=low) <= pay(wage, weekday=high)
    assert pay(wage, rest=low) <= pay(wage, rest=high)
    assert pay(wage, holiday=low) <= pay(wage, holiday=high)


@settings(deadline=None)
@given(wages, wages, hours)
def test_monotonic_in_wage(w1: Decimal, w2: Decimal, h: Decimal) -> None:
    low, high = sorted((w1, w2))
    assert pay(low, h, h, h) <= pay(high, h, h, h)


@settings(deadline=None)
@given(wages, hours, st.decimals(min_value=0, max_value=1, places=2))
def test_compensatory_leave_only_lowers_pay(wage: Decimal, h: Decimal, share: Decimal) -> None:
    comp = (h * share).quantize(D("0.1"))
    assert pay(wage, rest=h, comp=comp) <= pay(wage, rest=h)
    assert pay(wage, rest=h, comp=h) == D(0)


@settings(deadline=None)
@given(wages, hours, hours, hours)
def test_total_is_sum_of_parts_and_in_cents(
    wage: Decimal, a: Decimal, b: Decimal, c: Decimal
) -> None:
    total = pay(wage, a, b, c)
    assert total == pay(wage, weekday=a) + pay(wage, rest=b) + pay(wage, holiday=c)
    assert total == total.quantize(D("0.01"))
