"""Overtime pay: hand-checked examples and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import flow, overtime, texts
from knowledge_base.calculators import wages as pay_units
from knowledge_base.calculators.base import TODAY as TODAY_KEY
from knowledge_base.calculators.base import CalculationResult, Wage, WorkTime
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
    assert "4350 ÷ 21.75" in result.steps[0] and "= 25.00元/小时" in result.steps[0]
    assert result.steps[1] == "工作日加班：25.00 × 150% × 10小时 = 375.00元"


def test_worked_example_all_kinds() -> None:
    # 25.00/h: weekday 10 h × 1.5 = 375; rest day 16 h − 8 h leave = 8 h × 2 = 400;
    # holiday 24 h × 3 = 1800; total 2575.00
    assert pay(D(4350), D(10), D(16), D(24), comp=D(8)) == D("2575.00")


def test_worked_example_rounding() -> None:
    # 4500 ÷ 21.75 ÷ 8 = 25.86206… → 25.8621 (cents would lose 0.0021 an hour);
    # × 1.5 × 36 = 1396.55
    assert overtime.hourly_wage(D(4500)) == D("25.8621")
    assert pay(D(4500), weekday=D(36)) == D("1396.55")


def test_hourly_wage_keeps_four_places_in_the_working() -> None:
    # 3500 ÷ 21.75 ÷ 8 = 20.1149; 16 hours at 200 % = 643.68 (on 20.11 it would be 643.52)
    result = result_of({"wage": W(D(3500), "month"), "rest_day_hours": T(D(16))})
    assert result.amount == D("643.68")
    assert any("20.1149" in step for step in result.steps)


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


@pytest.mark.parametrize(
    ("said", "weeks", "pay"),
    [
        # 月休2天: 8 − 2 = 6 rest days a month at the daily wage × 200%: 4000 / 21.75 = 183.91.
        (WorkTime(D(2), "d", "month", "off"), None, "2206.92"),
        # 每周休一天 over 4 weeks: one rest day a week worked.
        (WorkTime(D(1), "d", "week", "off"), D(4), "1471.28"),
        # 月休8天 or more: no rest day worked.
        (WorkTime(D(8), "d", "month", "off"), None, "0.00"),
    ],
)
def test_days_off_mean_the_other_rest_days_were_worked(
    said: WorkTime, weeks: Decimal | None, pay: str
) -> None:
    inputs: dict[str, object] = {
        "wage": D(4000),
        "weekday_hours": D(0),
        "rest_day_hours": said,
        "rest_day_comp_hours": D(0),
        "holiday_hours": D(0),
    }
    if weeks is not None:
        inputs["rest_day_weeks"] = weeks
    assert run(overtime.SPEC, inputs).amount == D(pay)


def test_days_off_in_a_month_mean_every_weekday_was_worked() -> None:
    # 月休2天, 每天11个钟: 20 weekdays of four weeks × 3 h = 60 h at 150%, and 6 rest days of
    # 11 h = 66 h at 200%; 2200 / 21.75 / 8 = 12.6437 an hour. The weekday count is not asked.
    inputs: dict[str, object] = {
        TODAY_KEY: TODAY,
        "wage": D(2200),
        "weekday_hours": WorkTime(D(11), "h", "day", "work"),
        "rest_day_hours": WorkTime(D(2), "d", "month", "off"),
        "rest_day_comp_hours": D(0),
        "holiday_hours": D(0),
    }
    assert "weekday_days" not in flow.missing(overtime.SPEC, inputs, TODAY)
    result = run(overtime.SPEC, inputs)
    assert result.amount == D("1137.93") + D("1668.97")
    # Said per day without days off, the count is still asked.
    del inputs["rest_day_hours"]
    assert "weekday_days" in flow.missing(overtime.SPEC, inputs, TODAY)


def test_days_off_are_only_rest_day_work() -> None:
    problem = overtime._cross_check(
        "holiday_hours", WorkTime(D(2), "d", "month", "off"), {"wage": D(4000)}
    )
    assert problem is not None and problem[0] == "days_off_not_here"


def test_more_weekdays_than_a_month_has_warns_that_some_were_rest_days() -> None:
    def warnings(days: int, rest_day_hours: int) -> tuple[str, ...]:
        inputs = {
            "wage": D(4000),
            "weekday_hours": WorkTime(D(2), "h", "day"),
            "weekday_days": D(days),
            "rest_day_hours": D(rest_day_hours),
            "holiday_hours": D(0),
        }
        return run(overtime.SPEC, inputs).warnings

    # 2 h × 23 days = 46 h: only the 36-hour warning; 26 days: also the weekend one.
    assert len(warnings(23, 0)) == 1
    assert len(warnings(26, 0)) == 2
    assert len(warnings(26, 16)) == 1  # rest-day work was given


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


# --------------------------------------------------------------------------- pay in any unit

W = Wage
T = WorkTime


def result_of(answers: dict[str, object]) -> CalculationResult:
    return run(overtime.SPEC, answers)


def test_daily_wage_and_holiday_days() -> None:
    # 一天250, 国庆三天都上班了: 250 × 300% × 3 = 2250 (劳动法第四十四条), not a few dozen yuan.
    answers, asked = chat(overtime.SPEC, ["一天250", "0", "0", "3天"])
    assert asked == ["wage", "weekday_hours", "rest_day_hours", "holiday_hours"]
    result = result_of(answers)
    assert result.amount == D("2250.00")
    assert "250.00 × 300% × 3天 = 2250.00元" in result.steps[-1]
    assert ("工资", "按日工资250元计算") in result.inputs


@pytest.mark.parametrize(
    ("said", "wage"),
    [
        ("月薪4500", W(D(4500), "month")),
        ("底薪3千五", W(D(3500), "month")),
        ("工资4k", W(D(4000), "month")),
        ("两千八百五", W(D(2850), "month")),
        ("1.2万", W(D(12000), "month")),
        ("日薪250", W(D(250), "day")),
        ("一天250", W(D(250), "day")),
        ("一天250块", W(D(250), "day")),
        ("每天两百五", W(D(250), "day")),
        ("250元一天", W(D(250), "day")),
        ("时薪22", W(D(22), "hour")),
        ("一小时22", W(D(22), "hour")),
        ("一个钟22块", W(D(22), "hour")),
        ("每小时22元", W(D(22), "hour")),
        ("计件", W(None, "piece")),
        ("计件 一件5毛", W(D("0.5"), "piece")),
    ],
)
def test_pay_as_workers_say_it(said: str, wage: Wage) -> None:
    outcome = flow.read_answer(overtime.SPEC, "wage", said, {}, TODAY)
    assert isinstance(outcome, flow.Accepted), outcome
    assert outcome.value == wage


@pytest.mark.parametrize(
    ("said", "unit"),
    [("300", "month"), ("月薪200000", "month"), ("一天8000", "day"), ("时薪2000", "hour")],
)
def test_implausible_pay_is_confirmed_not_computed(said: str, unit: str) -> None:
    outcome = flow.read_answer(overtime.SPEC, "wage", said, {}, TODAY)
    assert isinstance(outcome, flow.ToConfirm)
    first = outcome.readings[0].value
    assert isinstance(first, Wage) and first.unit == unit


def test_a_low_monthly_figure_offers_daily_and_hourly_readings() -> None:
    outcome = flow.read_answer(overtime.SPEC, "wage", "250", {}, TODAY)
    assert isinstance(outcome, flow.ToConfirm)
    units = [r.value.unit for r in outcome.readings if isinstance(r.value, Wage)]
    assert units == ["month", "day", "hour"]


def test_conversion_is_shown_with_the_statutory_figures() -> None:
    result = result_of({"wage": W(D(250), "day"), "weekday_hours": T(D(10))})
    assert "250 ÷ 8" in result.steps[0] and "= 31.25元/小时" in result.steps[0]
    assert result.amount == D("468.75")  # 31.25 × 150% × 10
    assert texts.citation("pay_days_notice") in result.citations


def test_piece_rate_is_not_converted() -> None:
    answers, asked = chat(overtime.SPEC, ["计件 一件5毛"])
    assert asked == ["wage"]  # no hours questions: overtime is paid on the piece price
    result = result_of(answers)
    assert result.amount is None
    assert any("0.5 × 150% = 0.75元/件" in step for step in result.steps)
    assert texts.citation("wage_payment_13") == result.citations[0]


# --------------------------------------------------------------------------- working time


def test_hours_a_day_are_turned_into_overtime_for_the_days_asked() -> None:
    # 每天做12个钟: 4 hours over the 8-hour day, on 22 days = 88 hours × 25 × 150%.
    answers, asked = chat(overtime.SPEC, ["4350", "每天做12个钟", "22天", "0", "0"])
    assert asked[:3] == ["wage", "weekday_hours", "weekday_days"]
    assert result_of(answers).amount == D("3300.00")


def test_a_six_day_week_is_one_rest_day_a_week() -> None:
    # 一周干六天 for 4 weeks: 4 rest days, paid on the daily wage 200 × 200% × 4.
    answers, asked = chat(overtime.SPEC, ["4350", "0", "一周干六天", "4个星期", "0", "0"])
    assert asked[2:4] == ["rest_day_hours", "rest_day_weeks"]
    result = result_of(answers)
    assert result.amount == D("1600.00")
    assert any("比每周 5天多 1天" in step for step in result.steps)


def test_overtime_a_day_times_days() -> None:
    answers, _ = chat(overtime.SPEC, ["4350", "每天加3个钟", "20", "0", "0"])
    assert result_of(answers).amount == D("2250.00")  # 25 × 150% × 60


def test_weekday_overtime_in_days_is_refused() -> None:
    outcome = flow.read_answer(
        overtime.SPEC, "weekday_hours", "3天", {"wage": W(D(4350), "month")}, TODAY
    )
    assert isinstance(outcome, flow.Rejected)


def test_unknown_hours_are_left_out_and_said_so() -> None:
    answers, _ = chat(overtime.SPEC, ["4350", "10", "不知道", "0"])
    result = result_of(answers)
    assert result.amount == D("375.00")
    assert len(result.warnings) == 1  # the rest-day part is not counted


def test_unknown_compensatory_leave_shows_both_readings() -> None:
    answers, _ = chat(overtime.SPEC, ["4350", "0", "16", "不知道", "0"])
    result = result_of(answers)
    assert result.amount == D("800.00")  # 25 × 200% × 16 if none was given as leave
    assert any("0.00元" in line for line in result.result_lines[1:])  # all given as leave


# --------------------------------------------------------------------------- properties

monthly = st.decimals(min_value=500, max_value=100_000, places=0)
day_counts = st.integers(min_value=1, max_value=31)


@settings(deadline=None)
@given(monthly, hours)
def test_the_same_pay_in_any_unit_gives_nearly_the_same_overtime(wage: Decimal, h: Decimal) -> None:
    # Daily and hourly equivalents differ only by rounding to cents at each step.
    per_month = pay(wage, weekday=h, holiday=h)
    per_day = pay_in(W((wage / D("21.75")).quantize(D("0.01")), "day"), weekday=h, holiday=h)
    per_hour = pay_in(W((wage / D("21.75") / 8).quantize(D("0.01")), "hour"), weekday=h, holiday=h)
    tolerance = (h * 2) * D("0.05")  # up to half a cent per hour and rate point
    assert abs(per_month - per_day) <= tolerance
    assert abs(per_month - per_hour) <= tolerance


@settings(deadline=None)
@given(st.decimals(min_value=20, max_value=5000, places=0), day_counts)
def test_whole_holiday_days_are_three_days_pay(daily: Decimal, days: int) -> None:
    amount = pay_in(W(daily, "day"), holiday_days=D(days))
    assert amount == daily * 3 * days


@settings(deadline=None)
@given(
    st.sampled_from(["month", "day", "hour"]), st.decimals(min_value=1, max_value=200_000, places=0)
)
def test_pay_is_confirmed_exactly_when_implausible_for_its_unit(unit: str, amount: Decimal) -> None:
    words = {"month": "月薪", "day": "日薪", "hour": "时薪"}
    outcome = flow.read_answer(overtime.SPEC, "wage", f"{words[unit]}{amount}", {}, TODAY)
    low, high = pay_units.PLAUSIBLE[unit]  # type: ignore[index]
    if low <= amount <= high:
        assert outcome == flow.Accepted(W(amount, unit), pay_units.said(W(amount, unit)))  # type: ignore[arg-type]
    else:
        assert isinstance(outcome, flow.ToConfirm)


def pay_in(
    wage: Wage,
    *,
    weekday: Decimal = ZERO,
    holiday: Decimal = ZERO,
    holiday_days: Decimal | None = None,
) -> Decimal:
    inputs: dict[str, object] = {
        TODAY_KEY: TODAY,
        "wage": wage,
        "weekday_hours": T(weekday),
        "rest_day_hours": T(ZERO),
        "holiday_hours": T(holiday_days, "d") if holiday_days is not None else T(holiday),
    }
    result = overtime.compute(inputs)
    assert result.amount is not None
    return result.amount


def test_rest_day_hours_a_day_times_rest_days() -> None:
    answers, asked = chat(overtime.SPEC, ["4350", "0", "每天10小时", "8天", "0", "0"])
    assert asked[2:4] == ["rest_day_hours", "rest_day_days"]
    assert result_of(answers).amount == D("4000.00")  # 25 × 200% × 80
