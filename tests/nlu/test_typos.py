"""Typos fixed before entities are read (nlu/typos.py): positions kept."""

from __future__ import annotations

from nlu.entities import extract_entities
from nlu.typos import fix_typos


def test_a_typo_is_fixed_in_place() -> None:
    fixed = fix_typos("上个月公资5000 加班废没给")
    assert fixed == "上个月工资5000 加班费没给"


def test_pay_said_with_a_typo_is_read_as_pay_at_its_own_place() -> None:
    text = "我公资5000一个月"
    wages = [e for e in extract_entities(text) if e.entity == "wage"]
    assert [(w.value, text[w.start : w.end]) for w in wages] == [
        ("5000/month", w.text) for w in wages
    ]
    assert wages and wages[0].value == "5000/month"
