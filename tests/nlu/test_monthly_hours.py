"""Hours told month by month add up to one total of the first month's kind
(nlu/monthly_hours.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    # Seventh session (probe 14): the months after the first share its verb and kind.
    ("平时加班，8月加了20个钟，9月25个钟，10月15个钟",
     [("work_time", "weekday:60h", "20个钟，9月25个钟，10月15个钟")]),
    ("9月份加班30个小时，10月份12个小时",
     [("work_time", "overtime:42h", "30个小时，10月份12个小时")]),
    # Months named relative to today (上个月, 这个月) count the same way.
    ("上个月加了20个钟，这个月10个钟", [("work_time", "overtime:30h", "20个钟，这个月10个钟")]),
    # One month alone stays as it is; a month with no verb of its own and none before is not work.
    ("8月加了20个钟", [("work_time", "overtime:20h", "20个钟")]),
    ("8月20个钟，9月25个钟", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_hours_month_by_month(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
