"""Economic compensation N and unlawful-termination damages 2N."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import compensation
from knowledge_base.calculators.base import TODAY as TODAY_KEY
from knowledge_base.calculators.base import ServiceLength, round_money
from knowledge_base.calculators.dates import add_months
from tests.knowledge_base.calculators.conftest import TODAY, chat, run

D = Decimal
starts = st.dates(min_value=date(2008, 1, 1), max_value=date(2026, 1, 1))
wages = st.decimals(min_value=1000, max_value=200_000, places=2)


def n_of(start: date, end: date) -> Decimal:
    return compensation.compensation_months(start, end)[1]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 3, 1), date(2024, 3, 1), D("0.5")),  # one day
        (date(2024, 3, 1), date(2024, 8, 31), D(1)),  # exactly 6 months: 六个月以上 → 1
        (date(2024, 3, 1), date(2024, 8, 30), D("0.5")),  # one day short of 6 months
        (date(2024, 3, 1), date(2025, 2, 28), D(1)),  # exactly one year
        (date(2019, 3, 1), date(2024, 8, 15), D("5.5")),  # 5 years 5 months 15 days
        (date(2019, 3, 1), date(2024, 9, 30), D(6)),  # 5 years 7 months
    ],
)
def test_n_half_month_rule(start: date, end: date, expected: Decimal) -> None:
    assert n_of(start, end) == expected


def test_worked_example_economic() -> None:
    answers, asked = chat(compensation.SPEC, ["1", "2019-03-01", "2024年8月15日", "5000"])
    assert "local_avg_wage" not in asked  # 5000 ≤ 3 × the lowest minimum wage: no cap possible
    result = run(compensation.SPEC, answers)
    assert result.amount == D("27500.00")  # 5000 × 5.5
    assert result.warnings == ()


def test_worked_example_unlawful_capped() -> None:
    # 40000 > 3 × 10000 → base 30000; N = 20 → 12; 2N = 2 × 360000
    answers, asked = chat(compensation.SPEC, ["2", "2005-03-01", "2024-10-15", "40000", "10000"])
    assert asked[-1] == "local_avg_wage"
    result = run(compensation.SPEC, answers)
    assert result.amount == D("720000.00")


def test_unknown_local_average_warns_and_stays_uncapped() -> None:
    answers, _ = chat(compensation.SPEC, ["1", "2010-01-01", "2024-12-31", "40000", "不知道"])
    result = run(compensation.SPEC, answers)
    assert answers["local_avg_wage"] is None
    assert result.amount == D(40000) * 15
    assert any("3 倍" in warning for warning in result.warnings)


def test_service_before_2008_warns_for_n_only() -> None:
    base = {"start_date": date(2006, 5, 1), "end_date": date(2020, 5, 1), "monthly_wage": D(4000)}
    assert len(run(compensation.SPEC, {**base, "kind": "economic"}).warnings) == 1
    assert run(compensation.SPEC, {**base, "kind": "unlawful"}).warnings == ()


def test_cap_screen_is_three_times_lowest_minimum_wage() -> None:
    assert compensation.cap_screen() == 3 * D(1750)


def compute(kind: str, start: date, end: date, wage: Decimal, average: Decimal | None) -> Decimal:
    inputs: dict[str, object] = {
        TODAY_KEY: TODAY,
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "monthly_wage": wage,
    }
    if wage > compensation.cap_screen():
        inputs["local_avg_wage"] = average
    result = compensation.compute(inputs)
    assert result.amount is not None
    return result.amount


@settings(deadline=None)
@given(starts, st.integers(min_value=0, max_value=20 * 366))
def test_n_in_half_month_steps_within_bounds(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    length, n = compensation.compensation_months(start, end)
    assert (n * 2) == (n * 2).to_integral_value()
    assert n > 0
    assert length.years <= n <= length.years + 1
    assert (n == length.years) == (length.months_after_years == 0 and length.days == 0)


@settings(deadline=None)
@given(
    starts, st.integers(min_value=0, max_value=20 * 366), st.integers(min_value=0, max_value=400)
)
def test_n_never_decreases_with_longer_service(start: date, days: int, extra: int) -> None:
    end = start + timedelta(days=days)
    assert n_of(start, end) <= n_of(start, end + timedelta(days=extra))


@settings(deadline=None)
@given(
    starts,
    st.integers(min_value=0, max_value=30 * 366),
    wages,
    st.decimals(min_value=2000, max_value=20000, places=0),
)
def test_two_n_is_twice_n_and_cap_holds(
    start: date, days: int, wage: Decimal, average: Decimal
) -> None:
    end = start + timedelta(days=days)
    n_amount = compute("economic", start, end, wage, average)
    assert compute("unlawful", start, end, wage, average) == 2 * n_amount
    months = n_of(start, end)
    if wage > compensation.cap_screen() and wage > 3 * average:
        assert n_amount == 3 * average * min(months, D(12))
        assert n_amount <= 3 * average * 12
    else:
        assert n_amount == round_money(wage * months)


@settings(deadline=None)
@given(starts)
def test_twelve_years_of_high_wage_is_the_ceiling(start: date) -> None:
    end = add_months(start, 12 * 15) - timedelta(days=1)
    assert compute("economic", start, end, D(100_000), D(5000)) == 3 * D(5000) * 12


# --------------------------------------------------------------------------- lengths without dates


@pytest.mark.parametrize(
    ("said", "n"),
    [
        ("两年零七个月", D(3)),  # 7 months ≥ 6: counts as a year
        ("两年零三个月", D("2.5")),  # 3 months < 6: half a month
        ("干了快五年", D(5)),  # a little under five years: the last part is over six months
        ("半年", D(1)),  # 六个月以上不满一年的，按一年计算
        ("三个月", D("0.5")),  # 不满六个月的，支付半个月
        ("三年半", D(4)),
        ("五年多", D("5.5")),  # the 'more' is asked (see below); here: under six months
    ],
)
def test_length_of_service_without_dates(said: str, n: Decimal) -> None:
    replies = ["1", said, "5000"]
    if said.endswith("多"):
        replies.insert(2, "不满6个月")
    answers, asked = chat(compensation.SPEC, replies)
    assert "end_date" not in asked
    result = run(compensation.SPEC, answers)
    assert result.amount == round_money(D(5000) * n)


def test_a_year_and_more_asks_only_about_the_half_month_rule() -> None:
    _, asked = chat(compensation.SPEC, ["1", "一年多", "6个月以上", "5000"])
    assert asked == ["kind", "start_date", "remainder", "monthly_wage"]
    # 'one year and five months': the rule cannot change, nothing is asked.
    _, asked = chat(compensation.SPEC, ["1", "一年零五个多月", "5000"])
    assert "remainder" not in asked


def test_not_knowing_the_remainder_shows_both() -> None:
    answers, _ = chat(compensation.SPEC, ["1", "一年多", "不知道", "5000"])
    result = run(compensation.SPEC, answers)
    assert (result.amount, result.amount_high) == (D("7500.00"), D("10000.00"))


def test_whole_years_say_what_a_few_more_days_would_change() -> None:
    answers, _ = chat(compensation.SPEC, ["1", "五年", "5000"])
    result = run(compensation.SPEC, answers)
    assert result.amount == D("25000.00")
    assert any("27500.00元" in line for line in result.result_lines)


def test_daily_pay_is_converted_to_a_month_and_shown() -> None:
    answers, _ = chat(compensation.SPEC, ["2", "两年零七个月", "一天200"])
    result = run(compensation.SPEC, answers)
    assert result.steps[0].startswith("月工资 = 日工资 200 × 21.75")
    assert result.amount == D(4350) * 3 * 2  # 200 × 21.75 = 4350; N = 3; 2N


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=40 * 12), st.sampled_from(["exact", "almost", "more"]))
def test_n_from_a_length_matches_n_from_dates_it_describes(months: int, qualifier: str) -> None:
    # A length said without dates gives the N of some service period it could describe.
    length = ServiceLength(D(months), qualifier)  # type: ignore[arg-type]
    low, high = compensation.length_months(length, None)
    start = date(2000, 1, 1)
    exact = n_of(start, add_months(start, months) - timedelta(days=1))
    if qualifier == "exact":
        assert low == exact
    elif qualifier == "almost":
        assert n_of(start, add_months(start, months) - timedelta(days=2)) == low
    else:
        assert low <= n_of(start, add_months(start, months) + timedelta(days=20)) <= (high or low)
