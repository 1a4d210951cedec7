"""The weeks a week's pattern was worked, read from a first message (weeks_worked)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_base.calculators.weeks_worked import (
    week_facts,
    weeks_of_the_month_named,
    weeks_said,
)
from nlu.entities import extract_entities

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "weeks"),
    [("这样连着干了4个星期", 4), ("做咗3个星期", 3), ("上了两周", 2), ("干满十个礼拜", 10)],
)
def test_weeks_after_a_verb_of_working_are_read(text: str, weeks: int) -> None:
    assert weeks_said(text) == weeks


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("这个月连续两个礼拜 每天都加班", 2),
        ("前面5个星期 每个星期加了8个钟", 5),
        ("前两周每天晚上加班2小时", 2),
        ("最近三周 平时每晚多干1小时 这三周的加班费", 3),  # the same weeks named again
        # Twelfth session (probe 17): the month the weeks were worked in; one week after a
        # month is days a week (上个月一周干六天), not a count of weeks.
        ("上个月整整4个星期 都是周一到周六上班", 4),
        ("上个月一周干六天 每天11个小时", None),
    ],
)
def test_weeks_in_a_row_or_just_past_are_read(text: str, weeks: int | None) -> None:
    assert weeks_said(text) == weeks


@pytest.mark.parametrize(
    "text",
    [
        "干了4个周末",
        "上周六加班",
        "干了3个星期天",
        "3个星期",
        "3个星期前开始加班",  # when, not how long
        "提前3个星期通知我 每天加班2小时",  # notice, not weeks worked
        "连续两个星期天都加班",  # Sundays, not weeks
        "连续两周 这3周",  # two counts: asked
    ],
)
def test_days_of_the_week_and_bare_counts_are_not_weeks_worked(text: str) -> None:
    assert weeks_said(text) is None


def test_weekdays_are_at_most_five_a_week() -> None:
    text = "一周干六天 每天10个钟 这样干了3个星期"
    facts = week_facts(text, extract_entities(text))
    assert facts == {"weekday_weeks": "3", "rest_day_weeks": "3", "weekday_days": "15"}


def test_four_days_a_week_are_four_weekdays() -> None:
    text = "一周上四天 每天12个钟 干了2个星期"
    assert week_facts(text, extract_entities(text))["weekday_days"] == "8"


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("上个月每周六上午加班4小时", 4),  # November 2026: 7, 14, 21, 28
        ("2024年3月每个星期天下午都加班3小时", 5),  # 3, 10, 17, 24, 31
        ("去年12月每礼拜六都去加班6小时", 4),  # December 2025: 6, 13, 20, 27
    ],
)
def test_one_rest_day_every_week_of_a_month_named_is_that_days_count(text: str, weeks: int) -> None:
    entities = extract_entities(text, today=TODAY)
    assert weeks_of_the_month_named(text, entities, TODAY) == weeks


@pytest.mark.parametrize(
    "text",
    [
        "这个月每周六上午加班4小时",  # the month is not over
        "每周六上午加班4小时",  # no month
        "上个月每周末加班8小时",  # not one day of the week
        "上个月每天加班2小时",  # not rest-day work
        "2024年3月和4月每周六加班4小时",  # two months
    ],
)
def test_no_whole_month_or_no_single_weekday_gives_no_weeks(text: str) -> None:
    entities = extract_entities(text, today=TODAY)
    assert weeks_of_the_month_named(text, entities, TODAY) is None
