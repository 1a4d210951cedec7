"""Weekends counted (3个周末, 两个双休日) and whether days said after them are each weekend's
(每个周末周六周日两天都没休 → two days of each).

The working-time reader (``nlu.days_and_hours``) multiplies such days by the weekends. The words
live in ``nlu/entity_rules.yml`` (``work_time.weekends``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlu.numbers import NUMERAL_CHARS, parse_number
from nlu.phrase_text import alternation

#: 这3个周末, 那两个周末: weekends named again, not counted.
_BACK_REFERENCES = ("这", "那")


@dataclass(frozen=True, slots=True)
class Weekends:
    """``count`` weekends counted from ``start`` to ``end`` in the text."""

    start: int
    end: int
    count: int


@lru_cache(maxsize=4)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    either = alternation(words)
    return re.compile(f"([0-9]+|[{NUMERAL_CHARS}两]+)个(?:{either})")


def find_weekends(norm: str, words: Sequence[str]) -> list[Weekends]:
    """The counts of weekends in ``norm`` (not those named again: 这3个周末的加班费)."""
    found: list[Weekends] = []
    for match in _pattern(tuple(words)).finditer(norm):
        count = parse_number(match.group(1))
        if norm[: match.start()].endswith(_BACK_REFERENCES):
            continue
        if isinstance(count, int) and count > 0:
            found.append(Weekends(match.start(), match.end(), count))
    return found


@lru_cache(maxsize=4)
def _one_week_pattern(cues: tuple[str, ...], saturday: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(cues)})的?(?=(?:{alternation(saturday)}))")


def find_one_weekend(norm: str, cues: Sequence[str], saturday: Sequence[str]) -> list[Weekends]:
    """One weekend named by when it was, right before its Saturday (上个礼拜六, 上周六): one
    weekend each, for its two days named together after (上个礼拜六同礼拜日都返咗工)."""
    if not cues or not saturday:
        return []
    pattern = _one_week_pattern(tuple(cues), tuple(saturday))
    return [Weekends(m.start(), m.end(), 1) for m in pattern.finditer(norm)]


def each_weekend(between: str, each_words: Sequence[str], total_words: Sequence[str]) -> bool:
    """Whether days said after a count of weekends, with ``between`` in the middle, are each
    weekend's (每个周末 … 两天, 都加了一天班), not a total (一共加了4天)."""
    return any(w in between for w in each_words) and not any(w in between for w in total_words)
