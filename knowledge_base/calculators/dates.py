"""Calendar arithmetic for service periods (pure, no clock).

Periods are inclusive of both ends, the way a worker says "从3月1日做到8月31日": the start day
is the first working day and the end day the last. One month after 3 March is 3 April; when the
target month is shorter the last day of that month is used (31 January + 1 month = 28/29 February).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class Span:
    """Length of an inclusive period [start, end] as whole months plus leftover days."""

    months: int
    days: int

    @property
    def years(self) -> int:
        """Whole years."""
        return self.months // 12

    @property
    def months_after_years(self) -> int:
        """Whole months beyond the whole years."""
        return self.months % 12


def span(start: date, end: date) -> Span:
    """Whole months and leftover days of [start, end] (both days count); end before start → 0."""
    after_end = end + ONE_DAY
    if after_end <= start:
        return Span(0, 0)
    months = (after_end.year - start.year) * 12 + (after_end.month - start.month)
    while months > 0 and add_months(start, months) > after_end:
        months -= 1
    return Span(months, (after_end - add_months(start, months)).days)


def inclusive_days(start: date, end: date) -> int:
    """Number of calendar days in [start, end] (0 when end is before start)."""
    return max(0, (end - start).days + 1)
