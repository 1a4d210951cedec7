"""Holidays named as single days (清明那天, 端午节当日, 中秋节嗰日), alone or in a list
(清明节当日同端午节当日): one day each.

The working-time reader (``nlu.named_holiday_work``) turns such a list, in a clause that says the
days were worked, into that many days of holiday work. The words live in
``nlu/entity_rules.yml`` (``work_time.named_days``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NamedDays:
    """``days`` single holidays named from ``start`` to ``end`` in the text."""

    start: int
    end: int
    days: int


def _day_end(norm: str, end: int, day_words: Sequence[str], between: Sequence[str]) -> int | None:
    """Where the day word right after a holiday's name (``end``) ends, if one follows."""
    rest = norm[end:]
    for word in between:
        if rest.startswith(word):
            rest = rest[len(word) :]
            break
    said = next((w for w in day_words if rest.startswith(w)), None)
    return None if said is None else len(norm) - len(rest) + len(said)


def only_joiners(gap: str, joiners: Sequence[str]) -> bool:
    """Whether ``gap`` between two names holds nothing but ``joiners`` (和, 、) and spaces."""
    for word in sorted(joiners, key=len, reverse=True):
        gap = gap.replace(word, "")
    return not gap.strip()


def find_named_days(
    norm: str,
    holidays: Sequence[tuple[int, int]],
    day_words: Sequence[str],
    between: Sequence[str],
    joiners: Sequence[str],
    *,
    dated: Sequence[tuple[int, int]] = (),
) -> list[NamedDays]:
    """The lists of single named holidays in ``norm``; ``holidays`` are the spans of the
    holidays' names (a name inside a longer one counts once), ``dated`` those of holidays named
    with their own date (端午节6月10号), each a single day too."""
    named: list[tuple[int, int]] = []
    for start, end in sorted(holidays, key=lambda span: (span[0], -span[1])):
        day_end = _day_end(norm, end, day_words, between)
        if day_end is not None and not any(day_end == other for _, other in named):
            named.append((start, day_end))
    for start, end in dated:
        if not any(start < other_end and other_start < end for other_start, other_end in named):
            named.append((start, end))
    named.sort()
    lists: list[NamedDays] = []
    for start, end in named:
        previous = lists[-1] if lists else None
        if previous is not None and only_joiners(norm[previous.end : start], joiners):
            lists[-1] = NamedDays(previous.start, end, previous.days + 1)
        else:
            lists.append(NamedDays(start, end, 1))
    return lists
