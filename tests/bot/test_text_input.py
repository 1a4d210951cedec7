from __future__ import annotations

import pytest

from bot.text_input import InputProblem, clean_text

CASES = [
    ("  老板不发工资  ", "老板不发工资", None),
    ("勞動合同怎麼簽", "勞動合同怎麼簽", None),  # Traditional characters kept as typed
    ("加班费😭😭", "加班费😭😭", None),
    ("工资\x00\x07没发\x1b[31m", "工资没发[31m", None),
    ("\u202e资工", "资工", None),
    ("", "", InputProblem.EMPTY),
    ("   \n\t ", "", InputProblem.EMPTY),
    ("\x00\x01\x02", "", InputProblem.UNREADABLE),
    ("\ufffd\ufffd\ufffd好", "", InputProblem.UNREADABLE),
    ("字" * 2001, "", InputProblem.TOO_LONG),
    ("字" * 100_000, "", InputProblem.TOO_LONG),
]


@pytest.mark.parametrize(("raw", "text", "problem"), CASES)
def test_clean_text(raw: str, text: str, problem: InputProblem | None) -> None:
    cleaned = clean_text(raw, max_chars=2000)
    assert (cleaned.text, cleaned.problem) == (text, problem)


def test_none_is_empty() -> None:
    assert clean_text(None, max_chars=10).problem is InputProblem.EMPTY


def test_lone_surrogate_is_dropped() -> None:
    assert clean_text("工资\ud800", max_chars=10).text == "工资"
