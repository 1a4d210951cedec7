"""Counts of days put together with the hours of each, each weekend's days, and daily
overtime's days (nlu/days_and_hours.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # Days of a kind counted, with the hours worked on each: one total of hours (2026-12-06:
    # each used to be read as one day).
    ("4个周六都去上班了，每天8小时",
     [("work_time", "rest_day:32h", "4个周六都去上班了，每天8小时")]),
    ("3个星期天各上了8个钟的班", [("work_time", "rest_day:24h", "3个星期天各上了8个钟")]),
    # Hours a day beside a holiday's break are worked on its moved rest days too.
    ("国庆7天都没休息 每天8个钟",
     [("work_time", "holiday:24h", "7天都没休息 每天8个钟"),
      ("work_time", "rest_day:32h", "7天都没休息 每天8个钟")]),
    # Weekdays counted with the overtime after each (2026-12-06, fourth session): a total.
    ("有15天都是平时下了班又干3个钟",
     [("work_time", "weekday:45h", "15天都是平时下了班又干3个钟")]),
    # Fifth session (probe 9): days counted after overtime hours a day are the days of those
    # hours (more days, 另外还加了2天, are not); days of each of the weekends counted.
    ("平时每天都加班3小时 总共加了15天",
     [("work_time", "weekday:45h", "每天都加班3小时 总共加了15天")]),
    ("每天加班2小时 另外还加了2天班",
     [("work_time", "overtime:2h/day", "每天加班2小时"), ("work_time", "overtime:2d", "2天")]),
    ("两个周末 每个周末两天都加班", [("work_time", "rest_day:4d", "每个周末两天")]),
    ("4个周末一共加了3天", [("work_time", "rest_day:3d", "3天")]),
    ("国庆三天都上班，每天干8个小时", [("work_time", "holiday:24h", "三天都上班，每天干8个小时")]),
    # Hours of each counted day: 每次, or said of the day's own kind before the count.
    ("上个月3个周日都被叫去加班 每次10小时",
     [("work_time", "rest_day:30h", "3个周日都被叫去加班 每次10小时")]),
    ("周六还要干9个钟 周日休息 上个月4个周六都上了", [("work_time", "rest_day:36h", "4个周六")]),
    ("上个月一共去了3个礼拜天 每回9个钟头",
     [("work_time", "rest_day:27h", "3个礼拜天 每回9个钟头")]),
    # Counted after the verb, in times (去了3回, 加了两次班).
    ("上个月礼拜六去了3回 每回8个钟", [("work_time", "rest_day:24h", "3回 每回8个钟")]),
    ("两个礼拜六都返足8个钟", [("work_time", "rest_day:16h", "两个礼拜六都返足8个钟")]),
    # The other day of each weekend counted (另一天, 另外一天): worked, with the hours said of it.
    ("两个周末都只休了一天 另一天上班8小时", [("work_time", "rest_day:16h", "另一天上班8小时")]),
    ("三个周末都只休息一天，另外一天都去加班了", [("work_time", "rest_day:3d", "另外一天")]),
    ("4个周末每个周末只休了一天 另外一天都干了10个钟",
     [("work_time", "rest_day:40h", "另外一天都干了10个钟")]),
    ("两个周末都只休了一天 另一天在厂里干了8个钟头",
     [("work_time", "rest_day:16h", "另一天在厂里干了8个钟头")]),
    # Seventh session (probe 13): both days of each counted weekend named together and worked.
    ("这个月有3个周末 周六和周日都要上班 每天干9个钟",
     [("work_time", "rest_day:54h", "周六和周日都要上班 每天干9个钟")]),
    ("两个周末礼拜六礼拜天都返工", [("work_time", "rest_day:4d", "礼拜六礼拜天")]),
    # ... not when they are the days off.
    ("两个周末星期六星期天都休息", []),
    # ... nor when the clause denies the work (2026-12-07: 都没加班 used to count).
    ("两个周末，星期六星期日都没开工", []),
    # Twelfth session (probe 23): one weekend named by when it was, both its days worked.
    ("上个礼拜六同礼拜日都返咗工，每日8个钟",
     [("work_time", "rest_day:16h", "礼拜六同礼拜日都返咗工，每日8个钟")]),
    ("上周六周日都加班了", [("work_time", "rest_day:2d", "周六周日")]),
    ("上周六周日都没加班", []),
    # Probe 24: a total named again after days and their hours were put together (这16个小时).
    ("两个周六各加班8小时，公司没给调休，这16个小时加班费多少",
     [("work_time", "rest_day:16h", "两个周六各加班8小时")]),
    # ... and days named again for their pay after the holidays worked (probe 8).
    ("清明节当天和端午节当天都叫我去上班 各干了8个钟 这两天的加班费是多少",
     [("work_time", "holiday:16h", "清明节当天和端午节当天都叫我去上班 各干了8个钟")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_days_put_together_with_their_hours(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
