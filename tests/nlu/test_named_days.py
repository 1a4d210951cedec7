"""Holidays named as single days, alone or in a list (nlu/named_days.py)."""

from __future__ import annotations

import pytest

from nlu.named_days import find_named_days
from nlu.phrase_rules import load_phrase_rules
from nlu.tokenizer import normalize


def _named(said: str, names: list[str]) -> list[tuple[str, int]]:
    rules = load_phrase_rules()
    text = normalize(said)  # as the working-time reader sees it (嗰 folds to one form)
    spans = [(text.index(name), text.index(name) + len(name)) for name in names]
    found = find_named_days(
        text, spans, rules.named_day_words, rules.named_day_between, rules.named_day_joiners
    )
    return [(said[n.start : n.end], n.days) for n in found]


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("中秋那天加班了", ["中秋"], [("中秋那天", 1)]),
        ("元旦当日同清明节嗰日都返咗工", ["元旦", "清明"], [("元旦当日同清明节嗰日", 2)]),
        ("五一那天、端午当天和国庆节那日都上了班", ["五一", "端午", "国庆"],
         [("五一那天、端午当天和国庆节那日", 3)]),
        # Apart, with other words between: two lists of one.
        ("中秋那天上了班 后来国庆那天也上了", ["中秋", "国庆"],
         [("中秋那天", 1), ("国庆那天", 1)]),
        # A holiday's name without a day word names no single day.
        ("国庆七天都上了班", ["国庆"], []),
    ],
)  # fmt: skip
def test_single_holidays_are_one_day_each(
    text: str, names: list[str], expected: list[tuple[str, int]]
) -> None:
    assert _named(text, names) == expected
