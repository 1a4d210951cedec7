"""Every calculator by the NLU intent that starts it."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from knowledge_base.calculators import (
    annual_leave,
    compensation,
    double_wage,
    min_wage,
    overtime,
    periods,
)
from knowledge_base.calculators.spec import CalculatorSpec

_SPECS: Final[tuple[CalculatorSpec, ...]] = (
    overtime.SPEC,
    compensation.SPEC,
    double_wage.SPEC,
    annual_leave.SPEC,
    min_wage.SPEC,
    periods.PROBATION_SPEC,
    periods.NOTICE_SPEC,
)

#: intent (calc_overtime, calc_compensation, …) → calculator.
CALCULATORS: Final = MappingProxyType({spec.intent: spec for spec in _SPECS})


def calculator_for(intent: str) -> CalculatorSpec | None:
    """The calculator an intent starts, or None for any other intent."""
    return CALCULATORS.get(intent)


def calculator_for_topic(topic: str) -> CalculatorSpec | None:
    """The calculator that serves a knowledge-base topic (annual_leave → 年假), or None."""
    return next((spec for spec in _SPECS if spec.topic == topic), None)
