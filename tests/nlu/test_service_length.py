"""Length of service and how exactly it was said, read from whole messages
(nlu/service_length.py)."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import PhrasesFound, phrase_entities

CASES: list[tuple[str, PhrasesFound]] = [
    ("我返咗两年工", [("service_length", "24m", "两年")]),
    ("来这个厂也3年了", [("service_length", "36m", "3年")]),
    ("干了两年零七个月被辞退", [("service_length", "31m", "两年零七个月")]),
    ("干了快五年 公司裁员", [("service_length", "60m-", "快五年")]),
    ("进厂一年多了", [("service_length", "12m+", "一年多")]),
    ("在这个厂干了三年半", [("service_length", "42m", "三年半")]),
    ("工作一共11年了", [("service_length", "132m", "11年")]),  # 一共 holds no number
    ("我都上了22年班了", [("service_length", "264m", "22年")]),  # the verb split by the length
    # 俩 and 仨 hold their 个; 一个月 right before an amount is its period, not a month more.
    ("干了三年零仨月", [("service_length", "39m", "三年零仨月")]),
    # No verb: a length right after a workplace that ends its clause; not 3年没涨过工资.
    ("这个厂4年了", [("service_length", "48m", "4年")]),
    ("在公司都有两年了", [("service_length", "24m", "两年")]),
    ("我们厂3年没涨过工资", []),
    # Ninth session (probe 18): the first months of a stay are not its length; years of social
    # insurance paid are years of work.
    ("进厂后前8个月都没签合同", []),
    ("头三个月是试用期", []),
    ("社保累计交了16年", [("service_length", "192m", "16年")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_service_length_is_read_with_its_qualifier(text: str, expected: PhrasesFound) -> None:
    assert phrase_entities(text) == expected
