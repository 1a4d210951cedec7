"""Facts and their entity values round-trip (nlu/phrase_facts.py)."""

from __future__ import annotations

import pytest

from nlu.phrase_facts import ServiceLengthFact, WageFact, WorkTimeFact


@pytest.mark.parametrize(
    "fact",
    [
        WageFact(250, "day"),
        WageFact(0.5, "piece"),
        WageFact(None, "piece"),
        WorkTimeFact("rest_day", 16, "h"),
        WorkTimeFact("weekday", 2.5, "h", "day"),
        WorkTimeFact("off", 2, "d", "month"),
        ServiceLengthFact(31),
        ServiceLengthFact(60, "almost"),
        ServiceLengthFact(12, "more"),
    ],
)
def test_values_read_back_as_the_same_fact(
    fact: WageFact | WorkTimeFact | ServiceLengthFact,
) -> None:
    assert type(fact).from_value(fact.value()) == fact


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("250/year", WageFact),
        ("abc/day", WageFact),
        ("holiday:3d/year", WorkTimeFact),
        ("sleep:3h", WorkTimeFact),
        ("3y", ServiceLengthFact),
    ],
)
def test_other_values_are_no_fact(
    value: str, kind: type[WageFact | WorkTimeFact | ServiceLengthFact]
) -> None:
    assert kind.from_value(value) is None
