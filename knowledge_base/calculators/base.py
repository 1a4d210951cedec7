"""Shared shapes of every calculator: the answers it reads, what it returns, how money is
rounded.

A calculator is a :class:`~knowledge_base.calculators.spec.CalculatorSpec`: fields of the one
form engine (:class:`InputField`, :class:`When`, :class:`Derived` from ``knowledge_base.forms``,
re-exported here) plus a pure ``compute`` function from typed inputs to a
:class:`CalculationResult`. This module holds the typed answers (:class:`Wage`,
:class:`WorkTime` …), the result and the typed access ``compute`` uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

# The form engine's field types, re-exported for the calculators' older imports.
from knowledge_base.forms.fields import TODAY as TODAY
from knowledge_base.forms.fields import Choice as Choice
from knowledge_base.forms.fields import Condition as Condition
from knowledge_base.forms.fields import Derived as Derived
from knowledge_base.forms.fields import InputField as InputField
from knowledge_base.forms.fields import When as When

#: The kinds of answer the calculators read (``InputField.kind``; checked by ``CalculatorSpec``).
FieldKind = Literal[
    "money",
    "hours",
    "months",
    "years",
    "days",
    "weeks",
    "date",
    "city",
    "choice",
    "bool",
    "wage",
    "work_time",
    "date_or_length",
]
NUMERIC_KINDS: Final[frozenset[str]] = frozenset(
    {"money", "hours", "months", "years", "days", "weeks"}
)
WageUnit = Literal["month", "day", "hour", "piece"]
TimeUnit = Literal["h", "d"]
Period = Literal["day", "week", "month"]
Qualifier = Literal["exact", "almost", "more"]
ALL_WAGE_UNITS: Final[tuple[WageUnit, ...]] = ("month", "day", "hour", "piece")
TIME_WAGE_UNITS: Final[tuple[WageUnit, ...]] = ("month", "day", "hour")

CENT: Final = Decimal("0.01")


def round_money(value: Decimal) -> Decimal:
    """Round to 2 decimals, half up (0.005 → 0.01), the way wage slips are rounded."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- citations


@dataclass(frozen=True)
class Citation:
    """One statute article a result relies on.

    ``law`` is the canonical short name (ANSWER_SCHEMA.md), ``article`` the integer article
    number or None for a text without numbered articles. ``quotes`` are phrases of the article
    that state the number or rule used; a test checks each one against the statute text.
    """

    law: str
    article: int | None
    paragraph: int | None = None
    quotes: tuple[str, ...] = field(default=(), compare=False)


# --------------------------------------------------------------------------- answer values


@dataclass(frozen=True)
class WagePart:
    """Part of a wage told in parts: ``amount`` yuan a month, paid for ``months`` months."""

    months: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Wage:
    """Pay as the worker said it: ``amount`` yuan per ``unit`` (month, day, hour or piece).

    ``amount`` is None only for a piece rate whose piece price was not given. A monthly wage
    told in parts (前6个月4000 后6个月5000) keeps them in ``parts``; ``amount`` is their average.
    """

    amount: Decimal | None
    unit: WageUnit
    parts: tuple[WagePart, ...] = ()


@dataclass(frozen=True)
class WorkTime:
    """Working time as the worker said it: ``amount`` hours (``h``) or days (``d``), per day,
    week or month (``per``; None is a total). ``base`` "work" means all working time
    (每天做12个钟), "overtime" only the overtime (每天加3个钟), "off" the days off (月休2天:
    the other rest days were worked)."""

    amount: Decimal
    unit: TimeUnit = "h"
    per: Period | None = None
    base: Literal["overtime", "work", "off"] = "overtime"


@dataclass(frozen=True)
class ServiceLength:
    """How long someone worked for the employer, without dates: ``months`` and whether that
    was said exactly, as "almost" (快五年) or as "more than" (一年多)."""

    months: Decimal
    qualifier: Qualifier = "exact"


class MonthDate(date):
    """A date of which only the year and month were given; the 1st of the month is assumed."""

    __slots__ = ()


class CountedBackDate(date):
    """A date counted back from today by a length the worker said (进厂5个月 → 5 months ago)."""

    __slots__ = ()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CalculationResult:
    """Everything the bot shows after a calculation, already in plain Chinese.

    ``amount`` is the headline figure (None when there is none, e.g. a city we have no data
    for); ``amount_high`` the top of a range when an unknown answer leaves one; ``amount_unit`` says
    whether the figure is yuan or days. ``citations``
    are the few articles that carry the result (at most :data:`MAX_SHORT_CITATIONS`), shown in
    the short reply; ``further_citations`` go to the details with the notes. ``related`` lists
    intents of calculators worth offering next; ``provenance`` holds long source descriptions
    for the details, not for the first reply.
    """

    calculator: str
    title: str
    formula: str
    inputs: tuple[tuple[str, str], ...]
    steps: tuple[str, ...]
    result_lines: tuple[str, ...]
    amount: Decimal | None
    citations: tuple[Citation, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    provenance: tuple[str, ...] = ()
    further_citations: tuple[Citation, ...] = ()
    amount_high: Decimal | None = None
    #: What ``amount`` counts: yuan, or days (the annual leave due, when only that is asked).
    amount_unit: str = "yuan"


#: The short reply cites at most this many articles; the rest go to the details.
MAX_SHORT_CITATIONS: Final = 4


def split_citations(
    citations: list[Citation],
) -> tuple[tuple[Citation, ...], tuple[Citation, ...]]:
    """(the first few, in order of importance, for the short reply; the rest for details)."""
    unique = list(dict.fromkeys(citations))
    return tuple(unique[:MAX_SHORT_CITATIONS]), tuple(unique[MAX_SHORT_CITATIONS:])


class InputError(ValueError):
    """``compute`` got a missing or ill-typed input; names the field."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field_name = field_name


# --------------------------------------------------------------------------- typed access


def get_decimal(inputs: Mapping[str, object], name: str) -> Decimal:
    """A required numeric input."""
    value = inputs.get(name)
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InputError(name, f"expected a number, got {type(value).__name__}")
    return Decimal(value)


def get_optional_decimal(inputs: Mapping[str, object], name: str) -> Decimal | None:
    """A numeric input that may be missing or skipped."""
    return None if inputs.get(name) is None else get_decimal(inputs, name)


def get_date(inputs: Mapping[str, object], name: str) -> date:
    """A required date input."""
    value = inputs.get(name)
    if not isinstance(value, date):
        raise InputError(name, f"expected a date, got {type(value).__name__}")
    return value


def get_optional_date(inputs: Mapping[str, object], name: str) -> date | None:
    """A date input that may be missing or skipped."""
    return None if inputs.get(name) is None else get_date(inputs, name)


def get_str(inputs: Mapping[str, object], name: str) -> str:
    """A required choice/city input."""
    value = inputs.get(name)
    if not isinstance(value, str) or not value:
        raise InputError(name, f"expected text, got {type(value).__name__}")
    return value


def get_bool(inputs: Mapping[str, object], name: str) -> bool:
    """A required yes/no input."""
    value = inputs.get(name)
    if not isinstance(value, bool):
        raise InputError(name, f"expected yes/no, got {type(value).__name__}")
    return value


def get_wage(inputs: Mapping[str, object], name: str) -> Wage:
    """A required pay input; a plain number (answers stored before units existed) is monthly."""
    value = inputs.get(name)
    if isinstance(value, Wage):
        return value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Wage(Decimal(value), "month")
    raise InputError(name, f"expected pay, got {type(value).__name__}")


def get_optional_monthly(inputs: Mapping[str, object], name: str) -> Decimal | None:
    """An optional monthly pay input (a month-only ``wage`` field, or a plain number)."""
    if inputs.get(name) is None:
        return None
    wage = get_wage(inputs, name)
    if wage.unit != "month" or wage.amount is None:
        raise InputError(name, f"expected monthly pay, got {wage.unit}")
    return wage.amount


def get_optional_work_time(inputs: Mapping[str, object], name: str) -> WorkTime | None:
    """Working time that may be missing or skipped; a plain number is a total in hours."""
    value = inputs.get(name)
    if value is None or isinstance(value, WorkTime):
        return value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return WorkTime(Decimal(value))
    raise InputError(name, f"expected working time, got {type(value).__name__}")


def check_range(name: str, value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    """Raise InputError when ``value`` lies outside [low, high]."""
    if low is not None and value < low:
        raise InputError(name, f"{value} < {low}")
    if high is not None and value > high:
        raise InputError(name, f"{value} > {high}")
    return value
