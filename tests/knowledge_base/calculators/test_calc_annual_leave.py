"""Annual leave days (5/10/15, pro-rated) and pay for unused days."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import annual_leave, flow
from knowledge_base.calculators.base import TODAY as TODAY_KEY
from knowledge_base.calculators.oneshot import calculate
from tests.knowledge_base.calculators.conftest import TODAY, chat, run

D = Decimal


@pytest.mark.parametrize(
    ("years", "days"),
    [
        (D("0.9999"), 0),
        (D(1), 5),
        (D("9.99"), 5),
        (D(10), 10),
        (D(19), 10),
        (D(20), 15),
        (D(40), 15),
    ],
)
def test_full_year_tiers(years: Decimal, days: int) -> None:
    assert annual_leave.full_year_days(years) == days


def test_new_employee_pro_rated() -> None:
    # Joined 1 July: 184 days left; 184 ÷ 365 × 10 = 5.04 → 5 days; 4350 ÷ 21.75 = 200 × 200% × 5
    answers, _ = chat(annual_leave.SPEC, ["12", "2", "2026-07-01", "0", "4350"])
    result = run(annual_leave.SPEC, answers)
    assert result.result_lines[:2] == ("2026年你应休年假：5 天", "还没休的年假：5 天")
    assert result.amount == D("2000.00")


def test_leaver_pro_rated_and_taken_days_subtracted() -> None:
    # Leaving 31 Oct: 304 days; 304 ÷ 365 × 5 = 4.16; − 1 taken = 3.16 → 3 days; 200 × 2 × 3
    answers, _ = chat(annual_leave.SPEC, ["3年半", "3", "2026年10月31日", "1", "4350"])
    assert run(annual_leave.SPEC, answers).amount == D("1200.00")


def test_less_than_a_year_asks_nothing_else() -> None:
    answers, asked = chat(annual_leave.SPEC, ["8个月"])
    assert asked == ["cumulative_years"]
    assert run(annual_leave.SPEC, answers).amount == D(0)


def test_no_wage_question_when_everything_was_taken() -> None:
    _, asked = chat(annual_leave.SPEC, ["5", "1", "5"])
    assert "monthly_wage" not in asked


def test_join_and_leave_must_be_same_year() -> None:
    answers: dict[str, object] = {
        "cumulative_years": D(3),
        "year_status": "joined_and_leaving",
        "join_date": date(2025, 6, 1),
    }
    outcome = flow.read_answer(annual_leave.SPEC, "leave_date", "2026-02-01", answers, TODAY)
    assert isinstance(outcome, flow.Rejected)


years = st.decimals(min_value=0, max_value=60, places=1)
statuses = st.sampled_from(["whole_year", "joined", "leaving", "joined_and_leaving"])
in_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@settings(deadline=None)
@given(
    years,
    statuses,
    in_2026,
    st.integers(min_value=0, max_value=364),
    st.decimals(min_value=0, max_value=20, places=1),
)
def test_days_in_range(y: Decimal, status: str, join: date, length: int, taken: Decimal) -> None:
    leave = min(join + timedelta(days=length), date(2026, 12, 31))
    inputs: dict[str, object] = {
        TODAY_KEY: TODAY,
        "cumulative_years": y,
        "year_status": status,
        "join_date": join,
        "leave_date": leave,
        "taken_days": taken,
        "monthly_wage": D(4350),
    }
    due, unused, _ = annual_leave.unused_days(inputs)
    full = annual_leave.full_year_days(y)
    assert due in range(16)
    assert 0 <= unused <= due <= full
    if status in ("whole_year", "joined"):
        assert unused == max(0, math.floor(due - taken))
    else:  # 第十二条 subtracts before dropping the part-day
        assert max(0, math.floor(due - taken) - 1) <= unused <= max(0, math.ceil(due - taken))
    result = annual_leave.compute(inputs)
    assert result.amount == (D(200) * 2 * unused).quantize(D("0.01"))


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=366), st.sampled_from([5, 10, 15]))
def test_pro_rating_never_exceeds_the_full_year(days: int, entitled: int) -> None:
    assert 0 <= annual_leave.prorated_days(days, entitled) <= entitled


@settings(deadline=None)
@given(years, years)
def test_more_years_never_fewer_days(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert annual_leave.full_year_days(low) <= annual_leave.full_year_days(high)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # The year asked about is the year of joining: 2025-03-01 to 12-31 is 306 days;
        # 306 ÷ 365 × 10 = 8.38 → 8 days × 200 × 200%.
        ("累计工作12年，2025年3月1日换到现在这个厂，2025年的年假一天都没休，月薪4350", 3200.0),
        # Here since 2024, asked about last year (2025): the whole year, 5 − 2 = 3 days.
        ("工龄5年，2024年6月进的这个厂，去年年假休了2天，月薪4350", 1200.0),
        # Cantonese leave taken (放咗1日): 5 − 1 = 4 days × 240 × 200%.
        ("我做嘢做咗8年，喺呢间厂做咗3年，今年放咗1日年假，人工5220", 1920.0),
        # Joined by going to the new employer (进了这间厂): 2025-04-01 to 12-31 is 275 days;
        # 275 ÷ 365 × 5 = 3.77 → 3 days × 200 × 200%.
        ("工龄8年，去年4月1号进了这间厂，去年年假一天没休，月薪4350", 1200.0),
        # Cantonese, the one worked at now (而家间厂) for two years: the whole of last year, 5 − 1.
        ("我出嚟打工累计6年，喺而家间厂做咗两年，旧年放咗1日年假，人工4350", 1600.0),
        # Probe 15: a whole year said as 干满一整年; 没修 (a typo for 没休): 4350 ÷ 21.75 = 200.
        ("工龄6年，去年在这个厂干满一整年，年假只休了2天，月薪4350，未休年假工资多少", 1200.0),
        ("工龄6年，去年一整年都在这个厂，年假一天都没修，月薪4350，未休年假工资多少", 2000.0),
    ],
)  # fmt: skip
def test_the_year_asked_about_and_cantonese_leave_taken(text: str, amount: float) -> None:
    result = calculate(text, intent="calc_annual_leave", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert float(result.result.amount or 0) == amount


def test_a_year_asked_about_before_joining_is_asked() -> None:
    # Joined this year, asked about last year's leave: not here then; the status is asked.
    text = "工龄5年，今年6月1日才进的这个厂，去年的年假一天没休，月薪4350"
    result = calculate(text, intent="calc_annual_leave", today=TODAY)
    assert result is not None and "year_status" in result.missing


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2025年没休的年假工资", 2025),
        ("2024年7月1日进厂，去年年假一天都没休", 2025),
        ("旧年一日年假都冇放", 2025),
        ("大前年的年假", 2023),
        ("2024年7月1日进厂，年假一天都没休", None),  # the year of a date is no year asked
        ("去年年假休了2天，今年年假一天没休", None),  # two years: not one
    ],
)
def test_leave_year(text: str, year: int | None) -> None:
    assert annual_leave.leave_year(text, TODAY) == year


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # Seventh session (probe 13): asked only how many days are due, the days taken and the
        # wage are not asked; the figure is days. 2026-09-01 to 12-31 is 122 days:
        # 122 ÷ 365 × 5 = 1.67 → 1 day.
        ("工龄12年，一直在这个厂，今年能休几天年假", 10),
        ("累计工作6年，今年9月1号才进的新厂，今年有几天年假", 1),
        # Probe 14: joined "just" on a day (刚到新公司上班); 应该有几天. 2026-10-01 to 12-31 is
        # 92 days: 92 ÷ 365 × 15 = 3.78 → 3 days.
        ("我参加工作21年了，今年10月1号刚到新厂上班，今年还能休几天年假", 3),
        ("出来打工六年多了，今年一整年都在这个厂，今年年假应该有几天", 5),
        # Days taken said: those left.
        ("工龄12年，一直在这个厂，今年休了3天年假，还能休几天", 7),
        # Probe 16: many years at this factory is the whole year here.
        ("在这个厂做了很多年，累计工作年限22年了，今年年假休了5天，还能休几天", 10),
    ],
)  # fmt: skip
def test_asked_only_for_days_the_days_are_the_answer(text: str, days: int) -> None:
    result = calculate(text, intent="calc_annual_leave", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert result.result.amount == days
    assert result.result.amount_unit == "days"
    assert "monthly_wage" not in result.facts.answers


def test_asked_for_days_and_money_asks_the_days_taken() -> None:
    text = "工龄12年，一直在这个厂，今年能休几天年假，没休的厂里要补多少钱"
    result = calculate(text, intent="calc_annual_leave", today=TODAY)
    assert result is not None and "taken_days" in result.missing
