"""Working time with its kind of day and period, read from whole messages
(nlu/working_time.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    ("周末加了16个小时", [("work_time", "rest_day:16h", "16个小时")]),
    ("平时每天加3个钟", [("work_time", "weekday:3h/day", "每天加3个钟")]),
    ("周末加班，一共16个小时", [("work_time", "rest_day:16h", "16个小时")]),
    ("一个月上22天班", [("work_time", "work:22d/month", "一个月上22天")]),
    ("一周上六天班", [("work_time", "work:6d/week", "一周上六天")]),
    # 晚上 between the period and the amount: still hours a day.
    ("每天晚上加班3小时", [("work_time", "weekday:3h/day", "每天晚上加班3小时")]),
    ("每天都多干2个钟", [("work_time", "overtime:2h/day", "每天都多干2个钟")]),
    # Days named as days off (周六周日休息) name no work said later.
    ("周一到周五上班 周六周日休息 上个月上了22天班", [("work_time", "weekday:22d", "22天")]),
    ("周六不休息 上了4天", [("work_time", "rest_day:4d", "4天")]),
    # Kept on after the shift is overtime; wages held back (工资拖了3天) are not.
    ("平时每天下班后又拖了两个半钟头",
     [("work_time", "weekday:2.5h/day", "每天下班后又拖了两个半钟头")]),
    ("工资拖了3天才发", []),
    # After the shift, still a day's hours; the standard day (合同写的) is no time worked.
    ("每天下了班还要多干两个半小时",
     [("work_time", "overtime:2.5h/day", "每天下了班还要多干两个半小时")]),
    ("合同写的周一到周五每天8小时", []),
    # Probe 28: hours said as where more work starts (以外, 之外) are no time worked, and the
    # period before them is the more work's.
    ("我每天都在8小时以外多加了2个钟",
     [("work_time", "overtime:2h/day", "每天都在8小时以外多加了2个钟")]),
    ("正常8小时之外每天多干3个钟", [("work_time", "overtime:3h/day", "每天多干3个钟")]),
    # A working day told by the clock, with a per-day word or a work verb; not a meeting.
    ("天天早上8点干到晚上8点", [("work_time", "work:12h/day", "早上8点干到晚上8点")]),
    ("明天3点到4点见面", []),
    # The standard day said in the clause before (厂里定的是 …) is no time worked.
    ("厂里定的是周一到周五上班 一天8小时", []),
    ("每天都干够10个钟头", [("work_time", "work:10h/day", "每天都干够10个钟头")]),
    # A weekday's whole working time, not overtime.
    ("平时周一到周五上班 每天8个钟", [("work_time", "work:8h/day", "每天8个钟")]),
    ("每周上6天", [("work_time", "work:6d/week", "每周上6天")]),
    ("每天3小时", []),  # no verb and no longer than a standard day: asked, not guessed
    ("上个月上了5天", [("work_time", "work:5d", "5天")]),
    ("每个月4号发工资", []),
    # A period before kind words, 去 and 加起来 (每个礼拜平时加班加起来10个小时): still the
    # period's amount, not a total.
    ("每个礼拜平时加班加起来10个小时",
     [("work_time", "weekday:10h/week", "每个礼拜平时加班加起来10个小时")]),
    ("每周周末都去加班8小时", [("work_time", "rest_day:8h/week", "每周周末都去加班8小时")]),
    # One rest day every week: its hours are the week's (the weeks are asked or said).
    ("每周六加班8小时", [("work_time", "rest_day:8h/week", "每周六加班8小时")]),
    # A part of the day (上午, 下午) between the period and the amount: still the week's hours.
    ("每周六上午加班4小时", [("work_time", "rest_day:4h/week", "每周六上午加班4小时")]),
    ("每个星期天下午都来加班3小时",
     [("work_time", "rest_day:3h/week", "每个星期天下午都来加班3小时")]),
    ("每天中午加班1小时", [("work_time", "overtime:1h/day", "每天中午加班1小时")]),
    # Cantonese days counted with 日 after 咗 (做咗21日) and worked in full (返足).
    ("上个月做咗21日，每日加班2个钟",
     [("work_time", "work:21d", "21日"), ("work_time", "overtime:2h/day", "每日加班2个钟")]),
    ("日日都加班2个钟", [("work_time", "overtime:2h/day", "日日都加班2个钟")]),
    ("3月22日发工资", []),
    # Ninth session (probe 18): hours beyond the standard day (多出来的) are overtime of each
    # day; rest days without leave named again are no more work.
    ("每天多出来的2个钟", [("work_time", "overtime:2h/day", "每天多出来的2个钟")]),
    ("那没补休的2天加班费呢", []),
    ("20个上班日每天都加1个钟", [("work_time", "weekday:20h", "20个上班日每天都加1个钟")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_working_time_with_its_kind_and_period(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
