"""Rest days told by their dates and said worked (nlu/dated_rest_days.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # Probe 17: the verb in the next clause, which names the days again.
    ("厂里说20号21号是休息日，这两天我也上了",
     [("work_time", "rest_day:2d", "20号21号是休息日，这两天我也上了")]),
    ("6号7号都是周末 这两天都去上班了",
     [("work_time", "rest_day:2d", "6号7号都是周末 这两天都去上班了")]),
    # Fifteenth session (probe 29): the hours after a dated rest day said worked in its own
    # clause join it; the days counted with an aside in brackets (Cantonese 同 joins them).
    ("11月7号星期六又做了9个钟", [("work_time", "rest_day:9h", "11月7号星期六又做了9个钟")]),
    ("10月6号同7号两日（都系放假嘅休息日，唔系调休上班日）又返咗，每日都系10个钟",
     [("work_time", "rest_day:20h",
       "10月6号同7号两日（都系放假嘅休息日，唔系调休上班日）又返咗，每日都系10个钟")]),
    # Not worked, or said of no rest day.
    ("厂里说20号21号是休息日，这两天我在家", []),
    ("20号21号是休息日", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rest_days_told_by_their_dates(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected


def test_the_hours_a_day_said_after_go_to_every_day_counted_before_them() -> None:
    text = (
        "春节2月16号（除夕）到19号（初三）这4天法定假我全上了，厂里说20号21号是休息日，"
        "这两天我也上了，每天都是8小时"
    )
    values = sorted(value for _, value, _ in phrase_entities(text))
    assert values == ["holiday:32h", "rest_day:16h"]
