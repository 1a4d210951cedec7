"""春节 days named by their lunar names, worked (nlu/lunar_days.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    ("春节初一到初三都上班了", [("work_time", "holiday:3d", "初一到初三")]),
    ("正月初二上班了", [("work_time", "holiday:1d", "正月初二")]),
    ("初一到初七都没放假",
     [("work_time", "holiday:3d", "初一到初七"), ("work_time", "rest_day:4d", "初一到初七")]),
    ("大年三十到初五都在上班",
     [("work_time", "holiday:4d", "大年三十到初五"),
      ("work_time", "rest_day:2d", "大年三十到初五")]),
    # A range with its verb inside (除夕一直干到初五).
    ("从除夕一直干到初五", [("work_time", "holiday:4d", "除夕一直干到初五"),
                          ("work_time", "rest_day:2d", "除夕一直干到初五")]),
    ("年三十一直上到大年初五", [("work_time", "holiday:4d", "年三十一直上到大年初五"),
                              ("work_time", "rest_day:2d", "年三十一直上到大年初五")]),
    # Fifteenth session (probe 29): "that day" after the first day's name belongs to it.
    ("从初一那天一直干到初六", [("work_time", "holiday:3d", "初一那天一直干到初六"),
                              ("work_time", "rest_day:3d", "初一那天一直干到初六")]),
    # 春节 days named in a list are all of them.
    ("除夕 初一 初二这3天都在厂里上班 每天8小时",
     [("work_time", "holiday:24h", "除夕 初一 初二这3天都在厂里上班 每天8小时")]),
    # Days in a list that are not one after another share the list's verb and add up.
    ("初一、初三都上班了", [("work_time", "holiday:2d", "初一、初三")]),
    ("初二、初五、初六都上班了",
     [("work_time", "holiday:1d", "初二、初五、初六"),
      ("work_time", "rest_day:2d", "初二、初五、初六")]),
    ("初三那天我去医院了", []),
    # Seventh session (probe 13): each day's date said in brackets after its name.
    ("2025年从除夕(1月28号)一直上到初二(1月30号)",
     [("work_time", "holiday:3d", "除夕(1月28号)一直上到初二(1月30号)")]),
    # Probe 14: Cantonese 一路做到 and 年初六; 年初三月 is early March, not a day of 春节.
    ("2026年由除夕一路做到年初六",
     [("work_time", "holiday:4d", "除夕一路做到年初六"),
      ("work_time", "rest_day:3d", "除夕一路做到年初六")]),
    ("去年年初三月份开始上班了", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_lunar_new_year_days_worked(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
