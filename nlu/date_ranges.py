"""Runs of calendar days told by their dates (10月1号到7号, 1号到3号, 5月1日至5月5日).

A holiday's break is often told this way (国庆10月1号到7号我一天没休): the working-time reader
(``nlu.holiday_breaks``) turns such a run, after a holiday's name, into days worked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

#: What stands between the first and the last day of a run (1号到3号, 1号至3号, 1号-3号).
RANGE_WORDS: Final = ("到", "至", "-", "~", "—")
#: Month optional on either side; the second day needs its 号 or 日 (1到3 alone is no date).
#: A day's name in brackets after its date (2月16号（除夕）到19号（初三）).
_NOTE: Final = r"(?:[（(][^（）()]{1,4}[）)])?"
_RANGE: Final = re.compile(
    rf"(?:(?P<m1>\d{{1,2}})月)?(?P<d1>\d{{1,2}})(?:号|日)?{_NOTE}"
    rf"(?:一直到|{'|'.join(map(re.escape, RANGE_WORDS))})"
    rf"(?:(?P<m2>\d{{1,2}})月)?(?P<d2>\d{{1,2}})(?:号|日){_NOTE}"
)
#: Longer runs are no holiday break (a month told by its days).
MAX_DAYS: Final = 15


@dataclass(frozen=True, slots=True)
class DayRange:
    """``days`` calendar days told from ``start`` to ``end`` in the text, ends included."""

    start: int
    end: int
    days: int
    #: The first day of the run, and its month when said (1号到3号: no month).
    first_day: int = 0
    first_month: int | None = None


def find_day_ranges(norm: str) -> list[DayRange]:
    """Runs of days within one month told by their first and last dates, in order."""
    found = []
    for match in _RANGE.finditer(norm):
        month1, month2 = match.group("m1"), match.group("m2")
        if month1 and month2 and month1 != month2:
            continue
        days = int(match.group("d2")) - int(match.group("d1")) + 1
        if 1 <= days <= MAX_DAYS and 1 <= int(match.group("d1")) <= 31:
            month = month1 or month2
            first = int(match.group("d1"))
            found.append(
                DayRange(match.start(), match.end(), days, first, int(month) if month else None)
            )
    return found
