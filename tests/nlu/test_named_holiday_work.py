"""Holidays named as single days and said worked (nlu/named_holiday_work.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # 一整天 of a named day is that day; days named in a list (和, 同; 当天, 那天, 当日, 嗰日)
    # are one day each, not when not worked.
    ("清明那天也上了一整天", [("work_time", "holiday:1d", "一整天")]),
    ("中秋节当天和国庆节那天都被叫回去上班",
     [("work_time", "holiday:2d", "中秋节当天和国庆节那天")]),
    ("端午那天没去上班", []),
    ("清明节当日加上端午节当日都休息了", []),  # 加上 joins the days, no verb
    ("中秋那天去参加婚礼", []),
    ("元旦当日同清明节嗰日都返咗工 每日做足10个钟",
     [("work_time", "holiday:20h", "元旦当日同清明节嗰日都返咗工 每日做足10个钟")]),
    # A festival named with its own date, before or after the name: one day, when the date is
    # the festival's day that year (or, no year said, in a year the calendar knows).
    ("2024年6月10号端午我去上班了", [("work_time", "holiday:1d", "6月10号端午")]),
    ("2025年10月6日中秋也上班了", [("work_time", "holiday:1d", "10月6日中秋")]),
    ("清明 4月4日 我上班了", [("work_time", "holiday:1d", "清明 4月4日")]),
    ("2024年端午节6月10号和中秋节9月17号都在上班",
     [("work_time", "holiday:2d", "端午节6月10号和中秋节9月17号")]),
    ("2024年端午节6月11号去上班了", []),  # not 端午's day in 2024: not placed
    ("2024年6月10号端午没去上班", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_holidays_named_as_single_days(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
