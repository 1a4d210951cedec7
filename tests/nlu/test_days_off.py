"""Days off in a month or a week (nlu/days_off.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # Days off in a period are read (the rest are worked).
    ("月休2天", [("work_time", "off:2d/month", "月休2天")]),
    ("一个月只休息两天", [("work_time", "off:2d/month", "一个月只休息两天")]),
    ("每周休一天", [("work_time", "off:1d/week", "每周休一天")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_days_off_in_a_period(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
