"""How typed answers read back: years of work in years and months."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge_base.calculators.display import years_text


@pytest.mark.parametrize(
    ("years", "numbers"),
    [
        (Decimal(5), ["5"]),
        (Decimal("5.75"), ["5", "9"]),  # 5 years 9 months
        (Decimal(10) / Decimal(12), ["10"]),  # 0.8333…: 10 months, not a decimal
        (Decimal("5.1"), ["5.1"]),  # no whole number of months: as said
    ],
)
def test_years_read_back_in_years_and_months(years: Decimal, numbers: list[str]) -> None:
    shown = years_text(years)
    assert [n for n in "".join(c if c.isdigit() or c == "." else " " for c in shown).split()] == (
        numbers
    )
