"""What a field declares about its answer (bounds, dates in the past, date order), checked the
same way for every form. Error names are the form's to explain (``too_small``, ``too_large``,
``future_date``, ``before_field``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from knowledge_base.forms.fields import InputField
from knowledge_base.forms.spec import FormSpec

Problem = tuple[str, Mapping[str, str]]


def plain_number(value: Decimal) -> str:
    """A number without needless zeros (``10``, ``10.5``, ``21.75``)."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{value.normalize():f}"


def declared_problem(
    spec: FormSpec,
    field: InputField,
    value: object,
    answers: Mapping[str, object],
    today: date,
) -> Problem | None:
    """(error, values) when ``value`` breaks what ``field`` declares; None when it does not."""
    if isinstance(value, Decimal):
        if field.min_value is not None and value < field.min_value:
            return "too_small", {"min": plain_number(field.min_value)}
        if field.max_value is not None and value > field.max_value:
            return "too_large", {"max": plain_number(field.max_value)}
    if isinstance(value, date):
        if field.not_after_today and value > today:
            return "future_date", {"today": today.isoformat()}
        earlier = answers.get(field.not_before) if field.not_before else None
        if isinstance(earlier, date) and value < earlier:
            other = next(f for f in spec.fields if f.name == field.not_before)
            return "before_field", {"other": spec.label(other), "date": earlier.isoformat()}
    return None
