"""The facts the phrase readers find, with the entity values that carry them: pay with its
unit (``250/day``), working time with its kind and period (``rest_day:16h``, ``work:6d/week``)
and length of service (``31m``, ``60m-``), each with the span that says it (:class:`Found`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, cast

from nlu.numbers import Number

WageUnit = Literal["month", "day", "hour", "piece"]
WorkKind = Literal["weekday", "rest_day", "holiday", "overtime", "work", "off"]
TimeUnit = Literal["h", "d"]
Period = Literal["day", "week", "month"]
Qualifier = Literal["exact", "almost", "more"]

WAGE_UNITS: Final[tuple[WageUnit, ...]] = ("month", "day", "hour", "piece")
WORK_KINDS: Final[tuple[WorkKind, ...]] = (
    "weekday",
    "rest_day",
    "holiday",
    "overtime",
    "work",
    "off",
)
PERIODS: Final[tuple[Period, ...]] = ("day", "week", "month")
_QUALIFIER_MARKS: Final[dict[Qualifier, str]] = {"exact": "", "almost": "-", "more": "+"}


def number_text(value: Number) -> str:
    """``value`` as an entity value writes it (``250``, ``2.5``)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def number_from_text(text: str) -> Number:
    """Inverse of :func:`number_text`: an int when whole."""
    value = float(text)
    return int(value) if value.is_integer() else value


@dataclass(frozen=True, slots=True)
class WageFact:
    """Pay of ``amount`` yuan per ``unit`` (None: piece rate without a stated piece price)."""

    amount: Number | None
    unit: WageUnit

    def value(self) -> str:
        """Entity value: ``250/day``, ``4500/month``, ``0.5/piece`` or ``piece``."""
        return self.unit if self.amount is None else f"{number_text(self.amount)}/{self.unit}"

    @classmethod
    def from_value(cls, value: str) -> WageFact | None:
        """Inverse of :meth:`value`; None for anything else."""
        amount, _, unit = value.rpartition("/")
        if not amount and value in WAGE_UNITS:
            return cls(None, value)
        if unit not in WAGE_UNITS:
            return None
        try:
            return cls(number_from_text(amount), unit)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class WorkTimeFact:
    """``amount`` hours or days of work of ``kind``, per ``per`` (None: a total)."""

    kind: WorkKind
    amount: Number
    unit: TimeUnit
    per: Period | None = None

    def value(self) -> str:
        """Entity value: ``rest_day:16h``, ``weekday:3h/day``, ``work:6d/week``."""
        per = f"/{self.per}" if self.per else ""
        return f"{self.kind}:{number_text(self.amount)}{self.unit}{per}"

    @classmethod
    def from_value(cls, value: str) -> WorkTimeFact | None:
        """Inverse of :meth:`value`; None for anything else."""
        match = re.fullmatch(r"(\w+):(\d+(?:\.\d+)?)([hd])(?:/(\w+))?", value)
        if match is None or match.group(1) not in WORK_KINDS:
            return None
        per = match.group(4)
        if per is not None and per not in PERIODS:
            return None
        return cls(
            cast(WorkKind, match.group(1)),
            number_from_text(match.group(2)),
            cast(TimeUnit, match.group(3)),
            cast(Period | None, per),
        )


@dataclass(frozen=True, slots=True)
class ServiceLengthFact:
    """How long someone worked somewhere: ``months``, and whether said as exact, "almost"
    (快五年: a little under) or "more" (一年多: that and some months)."""

    months: Number
    qualifier: Qualifier = "exact"

    def value(self) -> str:
        """Entity value: ``31m``, ``60m-`` (almost), ``12m+`` (more)."""
        return f"{number_text(self.months)}m{_QUALIFIER_MARKS[self.qualifier]}"

    @classmethod
    def from_value(cls, value: str) -> ServiceLengthFact | None:
        """Inverse of :meth:`value`; None for anything else."""
        match = re.fullmatch(r"(\d+(?:\.\d+)?)m([-+]?)", value)
        if match is None:
            return None
        qualifier = next(q for q, mark in _QUALIFIER_MARKS.items() if mark == match.group(2))
        return cls(number_from_text(match.group(1)), qualifier)


@dataclass(frozen=True, slots=True)
class Found:
    """A fact and the span of text that says it."""

    fact: WageFact | WorkTimeFact | ServiceLengthFact
    start: int
    end: int


def only_one(found: list[Found]) -> Found | None:
    """The one fact found, or None when there are none or several."""
    return found[0] if len(found) == 1 else None
