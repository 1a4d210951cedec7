"""Pay with the period it is paid for, read from whole messages (nlu/pay_phrases.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    ("月薪4500帮我算一下加班费", [("wage", "4500/month", "月薪4500")]),
    ("底薪3千五", [("wage", "3500/month", "底薪3千五")]),
    ("日薪两百五", [("wage", "250/day", "日薪两百五")]),
    ("时薪22 加班多", [("wage", "22/hour", "时薪22")]),
    ("250元一天", [("wage", "250/day", "250元一天")]),
    ("22块一个钟", [("wage", "22/hour", "22块一个钟")]),
    ("我是计件的 加班费怎么算", [("wage", "piece", "计件")]),
    ("计件 一件5毛", [("wage", "0.5/piece", "一件5毛")]),
    ("人工4800", [("wage", "4800/month", "人工4800")]),
    ("工资4k一个月", [("wage", "4000/month", "4k一个月")]),
    # 一 of 一直 is no wage of 1 yuan; 一直 may sit between the pay word and the amount.
    ("工资一直是每月5000", [("wage", "5000/month", "每月5000")]),
    ("月工资一直4200没变过", [("wage", "4200/month", "月工资一直4200")]),
    # Cantonese 係 ("is") between the pay word and the amount.
    ("我嘅人工係5300", [("wage", "5300/month", "人工係5300")]),
    ("日薪都係260", [("wage", "260/day", "日薪都係260")]),
    # Ninth session (probe 19): the pay word after the amount; a day's hours between the
    # period and its pay.
    ("三千二的底薪", [("wage", "3200/month", "三千二的底薪")]),
    ("一天10个钟200块", [("wage", "200/day", "一天10个钟200块")]),
    # Twelfth session (probe 19): 月薪 right after the amount is its unit (its 月 used to block
    # the number); a month named before a pay word stays a month (5月薪资还没发).
    ("4k月薪", [("wage", "4000/month", "4k月薪")]),
    ("我4000月薪", [("wage", "4000/month", "4000月薪")]),
    ("5月薪资还没发", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_pay_is_read_with_its_unit(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
