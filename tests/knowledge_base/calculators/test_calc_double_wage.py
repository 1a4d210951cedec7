"""Double wages without a written contract: which months count, the 11-month / one-year limit."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import double_wage, flow
from knowledge_base.calculators.base import TODAY as TODAY_KEY
from knowledge_base.calculators.dates import add_months
from knowledge_base.calculators.oneshot import calculate
from tests.knowledge_base.calculators.conftest import TODAY, chat, run

D = Decimal
starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 6, 30))


def test_never_signed_for_more_than_a_year_counts_eleven_months() -> None:
    answers, asked = chat(double_wage.SPEC, ["2025年3月10号", "一直没签", "今天", "4800"])
    assert asked == ["start_date", "contract_status", "end_date", "monthly_wage"]
    result = run(double_wage.SPEC, answers)
    assert result.amount == D(4800) * 11
    assert "第1个月：2025-04-10 至 2025-05-09" in result.steps
    assert "第11个月：2026-02-10 至 2026-03-09" in result.steps
    assert not any("第12个月" in step for step in result.steps)
    # After the first year: deemed open-ended contract, no more double wages.
    assert any("2026-03-10" in note for note in result.notes)


def test_signed_later_with_part_month() -> None:
    # 1 Mar start: whole months Apr, May, Jun; 1–19 Jul is a part-month with 15 days worked.
    # 4350 × 3 = 13050; 4350 ÷ 21.75 = 200.00/day × 15 = 3000; total 16050.00
    answers, asked = chat(double_wage.SPEC, ["2026-03-01", "签了", "2026-07-20", "4350", "15"])
    assert asked[-1] == "part_month_days"
    assert run(double_wage.SPEC, answers).amount == D("16050.00")


def test_signed_within_first_month_owes_nothing_and_asks_no_wage() -> None:
    answers, asked = chat(double_wage.SPEC, ["2026-03-01", "补签了", "2026-03-31"])
    assert "monthly_wage" not in asked
    assert run(double_wage.SPEC, answers).amount == D(0)


def test_part_month_question_names_the_dates() -> None:
    answers: dict[str, object] = {
        "start_date": date(2026, 3, 1),
        "contract_status": "signed",
        "signed_date": date(2026, 7, 20),
        "monthly_wage": D(4350),
    }
    question = flow.next_question(double_wage.SPEC, answers, TODAY)
    assert question is not None
    assert "2026-07-01 到 2026-07-19（共 19 天）" in question.text
    rejected = flow.read_answer(double_wage.SPEC, "part_month_days", "20", answers, TODAY)
    assert isinstance(rejected, flow.Rejected)


def test_part_month_never_worth_more_than_a_month() -> None:
    inputs = {
        TODAY_KEY: TODAY,
        "start_date": date(2026, 1, 31),
        "contract_status": "never",
        "end_date": date(2026, 3, 27),
        "monthly_wage": D(3000),
        "part_month_days": D(26),
    }
    # Period: 28 Feb – 27 Mar (a part-month, 28 days); 26 days × 137.93 > 3000 → capped.
    assert double_wage.compute(inputs).amount == D(3000)


@settings(deadline=None)
@given(starts, st.integers(min_value=0, max_value=1000))
def test_period_rules(start: date, days: int) -> None:
    stop = start + timedelta(days=days)
    period = double_wage.double_wage_period(start, stop)
    assert len(period.full_months) <= double_wage.MAX_MONTHS
    assert period.first_day == add_months(start, 1)
    assert period.last_day < period.anniversary == add_months(start, 12)
    spans = [*period.full_months, *([period.part_month] if period.part_month else [])]
    if spans:
        assert spans[0][0] == period.first_day
        assert spans[-1][1] == period.last_day <= stop
        for (_, end), (begin, _) in itertools.pairwise(spans):
            assert begin == end + timedelta(days=1)  # no gap, no overlap
    else:
        assert stop < period.first_day


@settings(deadline=None)
@given(
    starts,
    st.integers(min_value=0, max_value=1000),
    st.decimals(min_value=1000, max_value=50000, places=2),
)
def test_never_more_than_eleven_months_of_wages(start: date, days: int, wage: Decimal) -> None:
    inputs: dict[str, object] = {
        TODAY_KEY: TODAY,
        "start_date": start,
        "contract_status": "never",
        "end_date": start + timedelta(days=days),
        "monthly_wage": wage,
        "part_month_days": D(31),
    }
    result = double_wage.compute(inputs)
    assert result.amount is not None
    assert D(0) <= result.amount <= wage * double_wage.MAX_MONTHS
    if days >= 366:
        assert result.amount == (wage * 11).quantize(D("0.01"))


@pytest.mark.parametrize(
    ("text", "months"),
    [
        # Left, only the length said: min(months − 1, 11) months of double wages.
        ("在厂里做了6个月就辞工了 一直没签合同 月薪4000", 5),
        ("在这个厂干了一年多就走了 合同一直没签 月薪4000", 11),
        ("我做咗4个月工就走咗 冇签合同 人工4000", 3),
        # Still there, the one length said, in Traditional: 入職滿8個月.
        ("入職滿8個月了 老闆一直沒有和我簽合同 月薪4000", 7),
        ("我返咗两年工 老细一直冇同我签合同 人工4000", 11),
    ],
)
def test_a_length_without_dates_is_enough_for_double_wages(text: str, months: int) -> None:
    result = calculate(text, intent="calc_double_wage", today=TODAY)
    assert result is not None and result.result is not None
    assert result.result.amount == D(4000) * months


@pytest.mark.parametrize(
    "text",
    [
        "在厂里干了两个多月就走了 一直没签合同 月薪4000",  # 2 months and some days: not whole
        "干了快一年就辞职了 一直没签合同 月薪4000",  # under a year, by how much unknown
        "出来打工8个月 一直没签合同 月薪4000",  # not said of this employer
    ],
)
def test_a_length_that_tells_no_whole_months_asks_the_dates(text: str) -> None:
    result = calculate(text, intent="calc_double_wage", today=TODAY)
    assert result is not None and result.result is None
    assert "start_date" in result.missing


@pytest.mark.parametrize(
    ("text", "months"),
    [
        # Both days said, the last one with a bare 走 after it: counted to that day.
        ("2025年3月1号入职，做到2025年10月31号走，一直没签合同，月薪4000", 7),
        ("我2025年5月1號返工 做到2025年12月31號就走 冇簽合同 人工4000", 7),
    ],
)
def test_the_day_left_ends_the_double_wages(text: str, months: int) -> None:
    result = calculate(text, intent="calc_double_wage", today=TODAY)
    assert result is not None and result.result is not None, result and result.missing
    assert result.result.amount == D(4000) * months
