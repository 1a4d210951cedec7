"""A message that names what it wants computed gets that calculator (names.py)."""

from __future__ import annotations

import pytest

from knowledge_base.calculators.names import calculator_meant, named_calculator
from knowledge_base.calculators.registry import CALCULATORS


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("底薪2000加提成，一个月大概拿6000，辞退补偿按多少算", "calc_compensation"),
        ("周末加班的加班费怎么算", "calc_overtime"),
        ("一年多没签合同，双倍工资能拿多少", "calc_double_wage"),
        ("加班费没给，辞职能要补偿吗", None),  # two named: the NLU decides
        ("一天250 国庆三天都上班了", None),  # none named
    ],
)
def test_the_one_calculator_a_message_names(text: str, named: str | None) -> None:
    assert named_calculator(text) == named


def test_the_nlu_choice_stands_unless_another_calculator_is_named() -> None:
    text = "底薪2000加提成，一个月大概拿6000，辞退补偿按多少算"
    assert calculator_meant("calc_overtime", text) == "calc_compensation"
    assert calculator_meant("calc_overtime", "一天250 国庆三天都上班了") == "calc_overtime"
    assert calculator_meant("ask_dismissal", text) == "ask_dismissal"  # not a calculator


def test_every_named_calculator_exists() -> None:
    from knowledge_base.calculators.names import _names

    assert {intent for intent, _ in _names()} <= set(CALCULATORS)
