"""A working week told by its first and last day (周一到周六都上班, 星期一至星期日都要干): that
many working days a week, read as 每周上六天班 is. 周一到周五 stays the weekday kind word it is.
"""

from __future__ import annotations

import re
from typing import Final

from nlu.phrase_facts import Found, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import clause_end
from nlu.work_verbs import worked_unnegated

_DAY_NUMBERS: Final = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_RANGE: Final = re.compile(
    r"(?:周|星期|礼拜)(?P<first>[一二三四五六日天])(?:到|至|-|~|—)(?:周|星期|礼拜)?"
    r"(?P<last>[一二三四五六日天])"
)
#: Fewer days than this are no more than the standard week (周一到周五).
_MORE_THAN_A_STANDARD_WEEK: Final = 6


def day_ranges(norm: str) -> list[tuple[int, int]]:
    """Every range of days of the week said (周一到周四 → (1, 4); Sunday is 7), in order."""
    return [
        (_DAY_NUMBERS[match.group("first")], _DAY_NUMBERS[match.group("last")])
        for match in _RANGE.finditer(norm)
    ]


def find_week_ranges(norm: str, rules: PhraseRules, *, need_verb: bool) -> list[Found]:
    """周一到周六都上班: six (or seven) working days a week, when the clause says they were
    worked (or no verb is needed)."""
    found: list[Found] = []
    for match in _RANGE.finditer(norm):
        first = _DAY_NUMBERS[match.group("first")]
        last = _DAY_NUMBERS[match.group("last")]
        if first != 1 or last < _MORE_THAN_A_STANDARD_WEEK:
            continue
        clause = norm[match.start() : clause_end(norm, match.end())]
        if need_verb and not worked_unnegated(clause, rules):
            continue
        found.append(Found(WorkTimeFact("work", last, "d", "week"), match.start(), match.end()))
    return found
