"""Amounts said of a cost, an allowance or the local average wage are not the worker's pay
(nlu/not_pay.py); the local average is read as itself."""

from __future__ import annotations

import pytest

from nlu.entities import extract_entities
from nlu.pay_phrases import read_local_average


@pytest.mark.parametrize(
    ("text", "wages"),
    [
        ("房租一个月800，月薪4200", ["4200/month"]),
        ("伙食费是150一个月，工资一天200", ["200/day"]),
        ("底薪2600，饭补每天20", ["2600/month"]),
        ("社平工资9000，我月薪3万", ["30000/month"]),
        ("当地上年度职工月平均工资8800，我平均每月工资26000", ["26000/month"]),
        # Pay said before the cost stays pay.
        ("每月工资5000，水电费每月另扣100", ["5000/month"]),
        # Seventh session (probe 13): renting said as a verb; the local average with a pay word
        # and a month cue before its amount.
        ("在厂外面租房子每月700，底薪3900", ["3900/month"]),
        ("我们这里社平工资是每月8600，我月薪三万", ["30000/month"]),
        # Probe 15: a loan repaid monthly, someone else's pay.
        ("房贷每月2800，我底薪4100", ["4100/month"]),
        ("我月薪5200 老公一个月六千", ["5200/month"]),
        # Ninth session (probe 18): a cost the worker pays (自己出) before its period.
        ("房租自己出一个月650，时薪21", ["21/hour"]),
        # Fifteenth session (probe 29): someone else named further back in the clause, and
        # the worker named again after them.
        ("一天260块，我堂客在电子厂一个月拿5千2", ["260/day"]),
        ("老婆说我一个月4500", ["4500/month"]),
        ("我妈一个月3000，我底薪3800", ["3800/month"]),
    ],
)  # fmt: skip
def test_costs_and_the_local_average_are_not_pay(text: str, wages: list[str]) -> None:
    assert [e.value for e in extract_entities(text) if e.entity == "wage"] == wages


@pytest.mark.parametrize(
    ("text", "average"),
    [
        ("社平工资9000，我月薪3万", 9000),
        ("本市上年度职工月平均工资是1.1万元", 11000),
        ("当地平均工资大概7500", 7500),
        # Cantonese 係 ("is") before the amount.
        ("我月薪4万，本市上年度职工月平均工资係9600", 9600),
        ("社平工资都係8200", 8200),
        ("我市社平工资是每月8600", 8600),
        ("我月薪3万", None),
        ("离职前12个月平均工资每月28000", None),  # the worker's own average
    ],
)  # fmt: skip
def test_the_local_average_wage_is_read(text: str, average: int | None) -> None:
    assert read_local_average(text) == average
