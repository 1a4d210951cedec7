"""Probation limits and notice periods."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import periods
from tests.knowledge_base.calculators.conftest import chat, run

D = Decimal


@pytest.mark.parametrize(
    ("contract_type", "months", "limit"),
    [
        ("fixed_term", D(2), D(0)),
        ("fixed_term", D("2.5"), D(0)),
        ("fixed_term", D(3), D(1)),
        ("fixed_term", D(11), D(1)),
        ("fixed_term", D(12), D(2)),
        ("fixed_term", D(35), D(2)),
        ("fixed_term", D(36), D(6)),
        ("fixed_term", D(120), D(6)),
        ("open_ended", None, D(6)),
        ("task_based", None, D(0)),
    ],
)
def test_probation_limits(contract_type: str, months: Decimal | None, limit: Decimal) -> None:
    assert periods.probation_limit(contract_type, months) == limit


def test_probation_too_long_with_damages() -> None:
    # Two-year contract: at most 2 months. Agreed 3, served 3 → 1 month over × 5000.
    answers, asked = chat(periods.PROBATION_SPEC, ["有固定期限", "两年", "3个月", "3个月", "5000"])
    assert asked[-2:] == ["served_months", "regular_wage"]
    result = run(periods.PROBATION_SPEC, answers)
    assert result.amount == D("5000.00")


def test_probation_within_limit_asks_no_more() -> None:
    answers, asked = chat(periods.PROBATION_SPEC, ["无固定期限", "6个月"])
    assert asked == ["contract_type", "agreed_months"]
    assert run(periods.PROBATION_SPEC, answers).amount is None


@settings(deadline=None)
@given(
    st.decimals(min_value=D("0.5"), max_value=600, places=1),
    st.decimals(min_value=D("0.5"), max_value=600, places=1),
)
def test_longer_contract_never_shorter_probation(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert periods.probation_limit("fixed_term", low) <= periods.probation_limit("fixed_term", high)
    assert periods.probation_limit("fixed_term", high) <= periods.probation_limit(
        "open_ended", None
    )


def test_worker_notice_thirty_days() -> None:
    answers, _ = chat(periods.NOTICE_SPEC, ["我要辞职", "否", "2026-12-01"])
    result = run(periods.NOTICE_SPEC, answers)
    assert "最早可以离职的日期：2026-12-31" in result.result_lines


def test_worker_notice_in_probation_three_days() -> None:
    answers, _ = chat(periods.NOTICE_SPEC, ["1", "是", "2026-12-01"])
    assert "最早可以离职的日期：2026-12-04" in run(periods.NOTICE_SPEC, answers).result_lines


def test_employer_without_notice_owes_last_months_wage() -> None:
    answers, _ = chat(periods.NOTICE_SPEC, ["公司要辞退我", "1", "没有", "4800"])
    assert run(periods.NOTICE_SPEC, answers).amount == D("4800.00")


def test_employer_with_notice_owes_no_notice_pay() -> None:
    answers, asked = chat(periods.NOTICE_SPEC, ["2", "1", "是"])
    assert "last_month_wage" not in asked
    assert run(periods.NOTICE_SPEC, answers).amount is None


@pytest.mark.parametrize("reason", ["2", "3", "4"])
def test_other_employer_reasons_ask_nothing_more(reason: str) -> None:
    _, asked = chat(periods.NOTICE_SPEC, ["2", reason])
    assert asked == ["who", "employer_reason"]
