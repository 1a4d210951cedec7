"""Rest days and weekdays counted as worked, or counted in times (nlu/counted_days.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # Hours after a leave word are leave given back, not work; 一整天 is each counted day's
    # length; the days named again (这4个周六) are no count.
    ("4个周六加班 补休了8个小时", [("work_time", "rest_day:4d", "4个周六")]),
    ("4个周六都上了一整天班", [("work_time", "rest_day:4d", "4个周六")]),
    ("两个礼拜天都加班了", [("work_time", "rest_day:2d", "两个礼拜天")]),
    ("上个月做了3个周六", [("work_time", "rest_day:3d", "3个周六")]),
    # Weekdays counted are days worked; going there on counted Sundays is working; the set
    # they were among (5个礼拜天里头) is not.
    ("上个月20个工作日每天都干11个钟头",
     [("work_time", "weekday:20d", "20个工作日"),
      ("work_time", "work:11h/day", "每天都干11个钟头")]),
    ("上个月4个礼拜天里头去了2个", [("work_time", "rest_day:2d", "2个")]),
    ("周六加了两次班", [("work_time", "rest_day:2d", "两次")]),
    ("这4个周六的加班费怎么算", []),
    # Seventh session (probe 14): not one of them missed is worked.
    ("上个月4个星期天我一天没落下", [("work_time", "rest_day:4d", "4个星期天")]),
    # Probe 28: how many of the set, then the verb in its clause; the set alone is no work.
    ("5个周日里有4个也叫我回来上了全天", [("work_time", "rest_day:4d", "4个")]),
    ("5个周日里有4个", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_counted_days_worked(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
