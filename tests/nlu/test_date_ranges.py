"""Runs of days told by their dates (nlu.date_ranges)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.date_ranges import MAX_DAYS, find_day_ranges


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("10月1号到7号", 7),
        ("1号到3号", 3),
        ("5月1日至5月5日", 5),
        ("2月9号-2月17号", 9),
        # Probe 17: a day's name in brackets after its date.
        ("2月16号（除夕）到19号（初三）", 4),
    ],
)
def test_a_run_of_days_counts_both_ends(text: str, days: int) -> None:
    assert [r.days for r in find_day_ranges(text)] == [days]


@pytest.mark.parametrize("text", ["1到3", "3月1号到4月2号", "1号到31号", "7号到3号"])
def test_no_run_across_months_backwards_or_too_long(text: str) -> None:
    assert find_day_ranges(text) == []


@given(st.integers(min_value=1, max_value=28), st.integers(min_value=0, max_value=MAX_DAYS - 1))
def test_any_run_within_a_month_is_its_length(first: int, extra: int) -> None:
    last = min(first + extra, 31)
    assert [r.days for r in find_day_ranges(f"{first}号到{last}号")] == [last - first + 1]
