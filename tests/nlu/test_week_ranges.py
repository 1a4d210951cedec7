"""A working week told by its first and last day (nlu/week_ranges.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # Probe 16: six days a week; its 周六 names no rest day of its own.
    ("周一到周六都上班，每天11个小时",
     [("work_time", "work:6d/week", "周一到周六"), ("work_time", "work:11h/day", "每天11个小时")]),
    ("星期一至星期日都要开工", [("work_time", "work:7d/week", "星期一至星期日")]),
    # The standard week stays what it was; days named off are no work.
    ("周一到周五上班 每天8个钟", [("work_time", "work:8h/day", "每天8个钟")]),
    ("周一到周六休息", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_week_told_by_its_first_and_last_day(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
