"""Work in a holiday's break: days told by their dates, the break's length, the year and
the festival's statutory days (nlu/holiday_breaks.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    ("十一假期上了三天班", [("work_time", "holiday:3d", "三天")]),
    # A holiday's break told by its dates: the statutory days are holiday work, the rest
    # rest-day work; 一天没休 is no day of work, 这7天 the same days again, 放五天假 a break.
    ("国庆10月1号到7号我一天没休 都在厂里干 这7天加班费",
     [("work_time", "holiday:3d", "10月1号到7号"), ("work_time", "rest_day:4d", "10月1号到7号")]),
    ("五一放五天假 5月1号到5号都上班了",
     [("work_time", "holiday:2d", "5月1号到5号"), ("work_time", "rest_day:3d", "5月1号到5号")]),
    ("春节放了八天假 我八天都上班了",
     [("work_time", "holiday:4d", "八天"), ("work_time", "rest_day:4d", "八天")]),
    ("国庆10月1号到5号我都没歇",
     [("work_time", "holiday:3d", "10月1号到5号"), ("work_time", "rest_day:2d", "10月1号到5号")]),
    # 法定假 names the holiday (the festival's name may sit before its dates).
    # The days by their dates (both statutory from 2025); 两天 is the same days again.
    ("五一劳动节5月1号和2号两天法定假我都上了班", [("work_time", "holiday:2d", "5月1号和2号")]),
    # A holiday named before its dates, read by the dates; the days named again (这三天) are
    # no more days.
    ("国庆10月1号2号3号这三天也叫我去上班 每天8个钟 这三天的加班费",
     [("work_time", "holiday:24h", "10月1号2号3号这三天也叫我去上班 每天8个钟")]),
    # The verb after the holiday's own dates named again; not worked when it says so.
    ("国庆那三天 就是10月1号到3号 我都上了班", [("work_time", "holiday:3d", "三天")]),
    ("国庆那三天 就是10月1号到3号 我都在家", []),
    ("国庆放假三天", []),
    # The days of a holiday split in two (one statutory, two moved) named again: no more days.
    ("端午放了三天假，我三天都去上班了，这三天的加班费",
     [("work_time", "holiday:1d", "三天"), ("work_time", "rest_day:2d", "三天")]),
    # After 另外 another fact starts: its kind word and its verb are not the hours' before it.
    ("五一上了三天班每天8个小时另外平时晚上又加了12个小时",
     [("work_time", "holiday:16h", "三天班每天8个小时"),
      ("work_time", "rest_day:8h", "三天班每天8个小时"),
      ("work_time", "weekday:12h", "12个小时")]),
    # A festival named with a fixed-date holiday is that holiday's break (2025: 中秋 in it).
    ("2025年国庆加中秋10月1号到8号我都在厂里干活",
     [("work_time", "holiday:4d", "10月1号到8号"), ("work_time", "rest_day:4d", "10月1号到8号")]),
    ("2025年国庆节和中秋节8天一天没休",
     [("work_time", "holiday:4d", "8天"), ("work_time", "rest_day:4d", "8天")]),
    ("国庆节和中秋节8天都没休", []),  # no year: 中秋's day is not known
    # Probe 16: the run named with no verb, its days all said worked by their count later in
    # the sentence; a count that is not the run's is not.
    ("今年五一放假5天（5月1号到5号），我5天都去上班了每天8个小时",
     [("work_time", "holiday:16h", "5月1号到5号），我5天都去上班了每天8个小时"),
      ("work_time", "rest_day:24h", "5月1号到5号），我5天都去上班了每天8个小时")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_days_worked_in_a_holiday_break(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
