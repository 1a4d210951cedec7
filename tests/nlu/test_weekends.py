"""Weekends counted, and days said to be each weekend's (nlu/weekends.py)."""

from __future__ import annotations

import pytest

from nlu.phrase_rules import load_phrase_rules
from nlu.weekends import each_weekend, find_one_weekend, find_weekends


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


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("上个礼拜六同礼拜日都返咗工", [0]),
        ("上周六周日都加班了", [0]),
        ("周六周日都加班", []),  # which weekend is not said: maybe every one
    ],
)
def test_one_weekend_named_by_when_it_was(text: str, starts: list[int]) -> None:
    rules = load_phrase_rules()
    found = find_one_weekend(text, rules.weekend_one_week_cues, rules.weekend_saturday)
    assert [w.start for w in found] == starts
    assert all(w.count == 1 for w in found)
