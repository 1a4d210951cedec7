"""Weekends counted, and days said to be each weekend's (nlu/weekends.py)."""

from __future__ import annotations

import pytest

from nlu.phrase_rules import load_phrase_rules
from nlu.weekends import each_weekend, find_weekends


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("上个月有3个周末", [3]),
        ("两个双休日都加班", [2]),
        ("这4个周末的加班费", []),  # named again
        ("周末加班", []),
    ],
)
def test_weekends_counted(text: str, counts: list[int]) -> None:
    rules = load_phrase_rules()
    assert [w.count for w in find_weekends(text, rules.weekend_words)] == counts


@pytest.mark.parametrize(
    ("between", "each"),
    [
        (" 每个周末周六周日两天", True),
        ("都上了一天", True),
        ("一共加了4天", False),
        ("加了3天", False),
    ],
)
def test_days_after_weekends_are_each_weekends_only_when_said_so(between: str, each: bool) -> None:
    rules = load_phrase_rules()
    assert each_weekend(between, rules.weekend_each_words, rules.total_words) is each
