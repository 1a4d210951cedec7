"""Rest days told by their dates and said worked (厂里说20号21号是休息日，这两天我也上了): each
day told is a day of rest-day work. The verb may stand in the days' own clause or in the next
one, when that clause names the days again (这两天).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from nlu.holiday_dates import find_day_lists
from nlu.kind_words import KindWord
from nlu.phrase_facts import Found, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import (
    BACK_REFERENCES,
    clause_end,
    clause_start,
    next_clause_start,
    overlaps,
)
from nlu.work_verbs import worked_unnegated

#: What may stand between the dates and the rest-day word (20号21号是休息日, 都是周末).
_LINKS: Final = ("", "是", "都是", "也是", "为", "算", "算是")


def dated_rest_days(
    norm: str,
    kind_words: Sequence[KindWord],
    rules: PhraseRules,
    taken: Sequence[tuple[int, int]],
    *,
    need_verb: bool,
) -> list[Found]:
    """Rest days told by their dates right before a rest-day word, and said worked."""
    rest_words = [w for w in kind_words if w.kind == "rest_day"]
    found: list[Found] = []
    for days in find_day_lists(norm) if rest_words else ():
        if overlaps(days.start, days.end, taken):
            continue
        word = next(
            (w for w in rest_words if w.start >= days.end and norm[days.end : w.start] in _LINKS),
            None,
        )
        if word is None:
            continue
        end = clause_end(norm, word.end)
        worked = worked_unnegated(norm[clause_start(norm, days.start) : end], rules)
        if not worked and need_verb:
            later = next_clause_start(norm, end)
            again = norm[later : clause_end(norm, later)]
            worked = again.startswith(BACK_REFERENCES) and worked_unnegated(again, rules)
            end = clause_end(norm, later) if worked else end
        if worked or not need_verb:
            fact = WorkTimeFact("rest_day", len(days.days), "d", None)
            found.append(Found(fact, days.start, end))
    return found
