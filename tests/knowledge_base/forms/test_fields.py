"""Conditions of the one form engine: when a field is asked at all."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import pytest

from knowledge_base.forms.fields import Derived, InputField, When

D = Decimal
ANSWERS: dict[str, object] = {
    "kind": "day",
    "pay": D(250),
    "start": date(2025, 3, 1),
    "skipped": None,
    "tags": ["late_pay", "other"],
}

WHEN_TABLE = [
    (When("kind", "eq", "day"), True),
    (When("kind", "eq", "month"), False),
    (When("kind", "ne", "month"), True),
    (When("kind", "in", ("day", "hour")), True),
    (When("kind", "in", ("month",)), False),
    (When("kind", "in", "day"), False),  # "in" needs a tuple, not a string to search
    (When("pay", "gt", D(249)), True),
    (When("pay", "gt", D(250)), False),
    (When("pay", "ge", D(250)), True),
    (When("pay", "lt", D(250)), False),
    (When("pay", "le", D(250)), True),
    (When("start", "lt", date(2025, 3, 2)), True),
    (When("start", "ge", date(2025, 3, 2)), False),
    (When("pay", "gt", date(2025, 1, 1)), False),  # unlike types never compare
    (When("kind", "gt", "a"), False),  # only numbers and dates are ordered
    (When("kind", "given"), True),
    (When("skipped", "given"), False),
    (When("skipped", "eq", None), False),  # a skipped answer passes no test
    (When("missing", "ne", "x"), False),  # nor does a missing one
    (When("tags", "has", "other"), True),
    (When("tags", "has", "injury"), False),
    (When("kind", "has", "d"), False),  # "has" reads several choices, not text
    (When("tags", "any", ("injury", "late_pay")), True),
    (When("tags", "any", ("injury",)), False),
]


@pytest.mark.parametrize(("condition", "expected"), WHEN_TABLE, ids=str)
def test_when(condition: When, expected: bool) -> None:
    assert condition.holds(ANSWERS) == expected
    assert condition.needs == (condition.field,)


def _high_pay(answers: Mapping[str, object]) -> bool:
    pay = answers.get("pay")
    return isinstance(pay, Decimal) and pay > 200


def test_derived_waits_for_every_answer_it_reads() -> None:
    rule = Derived("high_pay_after_start", ("pay", "start"), _high_pay)
    assert rule.holds(ANSWERS)
    assert not rule.holds({"pay": D(250)})  # start not answered yet
    assert rule.holds({"pay": D(250), "start": None})  # skipped counts as answered
    assert not rule.holds({"pay": D(100), "start": None})


def test_a_field_is_relevant_when_all_its_conditions_hold() -> None:
    always = InputField("note", "text", "note")
    both = InputField(
        "days", "number", "days", ask_when=(When("kind", "eq", "day"), When("pay", "given"))
    )
    assert always.is_relevant({})
    assert both.is_relevant(ANSWERS)
    assert not both.is_relevant({**ANSWERS, "pay": None})
    assert not both.is_relevant({"pay": D(1)})
