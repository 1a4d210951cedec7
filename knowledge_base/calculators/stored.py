"""The calculators' answers in the session store: a JSON-safe form of each typed answer and
back (the calculators' ``dump`` / ``load`` of the form engine).

The stored shapes are a contract with sessions written by earlier versions: Decimal → ``"4350"``,
date → ``"2024-03-01"``, a month without a day → ``"2024-03"``, pay → ``{"amount", "unit"}``
(and ``"parts"``, ``[[months, amount], …]``, for a wage told in parts), working time →
``{"amount", "unit", "per", "base"}``, a length of service → ``{"months", "qualifier"}``.
Answers stored before units existed (a plain number for pay or working time) still load.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from knowledge_base.calculators.base import (
    ALL_WAGE_UNITS,
    CountedBackDate,
    MonthDate,
    ServiceLength,
    Wage,
    WagePart,
    WorkTime,
)

#: Marks a stored date counted back from the day it was said (``2026-07-06~``).
_COUNTED_BACK = "~"

#: Kinds whose answers are JSON values already (keys, text, yes/no).
_PLAIN_KINDS = frozenset({"bool", "choice", "city"})


def dump_value(value: object) -> Any:
    """One answer in a JSON-safe form (see :func:`load_value`)."""
    if isinstance(value, Wage):
        amount = None if value.amount is None else str(value.amount)
        wage: dict[str, Any] = {"amount": amount, "unit": value.unit}
        if value.parts:  # told in parts (前6个月4000 后6个月5000)
            wage["parts"] = [[str(p.months), str(p.amount)] for p in value.parts]
        return wage
    if isinstance(value, WorkTime):
        return {
            "amount": str(value.amount),
            "unit": value.unit,
            "per": value.per,
            "base": value.base,
        }
    if isinstance(value, ServiceLength):
        return {"months": str(value.months), "qualifier": value.qualifier}
    if isinstance(value, MonthDate):
        return value.isoformat()[:7]
    if isinstance(value, CountedBackDate):
        return value.isoformat() + _COUNTED_BACK
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def load_value(kind: str, value: Any) -> object:
    """Inverse of :func:`dump_value` for a field of ``kind``; raises ValueError on bad data."""
    if value is None or kind in _PLAIN_KINDS:
        return value
    try:
        if kind == "wage":
            return _load_wage(value)
        if kind == "work_time":
            return _load_work_time(value)
        if kind in ("date", "date_or_length"):
            return _load_date_or_length(value)
        return Decimal(str(value))
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise ValueError(f"cannot read a stored {kind} answer") from exc


def _load_wage(value: Any) -> Wage:
    if not isinstance(value, dict):
        return Wage(Decimal(str(value)), "month")  # stored before units: monthly
    amount, unit = value.get("amount"), str(value["unit"])
    if unit not in ALL_WAGE_UNITS or (amount is None and unit != "piece"):
        raise ValueError(f"not a stored wage: {value!r}")
    parts = tuple(
        WagePart(Decimal(str(months)), Decimal(str(paid)))
        for months, paid in value.get("parts", ())
    )
    return Wage(None if amount is None else Decimal(str(amount)), cast(Any, unit), parts)


def _load_work_time(value: Any) -> WorkTime:
    if not isinstance(value, dict):
        return WorkTime(Decimal(str(value)))  # stored before units: a total of hours
    return WorkTime(
        Decimal(str(value["amount"])),
        cast(Any, value.get("unit") or "h"),
        cast(Any, value.get("per")),
        cast(Any, value.get("base") or "overtime"),
    )


def _load_date_or_length(value: Any) -> date | ServiceLength:
    if isinstance(value, dict):
        return ServiceLength(Decimal(str(value["months"])), cast(Any, value["qualifier"]))
    text = str(value)
    if len(text) == 7:
        return MonthDate.fromisoformat(text + "-01")
    if text.endswith(_COUNTED_BACK):
        return CountedBackDate.fromisoformat(text.removesuffix(_COUNTED_BACK))
    return date.fromisoformat(text)
