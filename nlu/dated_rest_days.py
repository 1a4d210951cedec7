"""Rest days told by their dates and said worked (厂里说20号21号是休息日，这两天我也上了): each
day told is a day of rest-day work. The verb may stand in the days' own clause or in the next
one, when that clause names the days again (这两天).
"""

from __future__ import annotations

import re
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

#: What may stand between the dates and the rest-day word (20号21号是休息日, 都是周末), with
#: the days counted and an aside in brackets (Cantonese 4号同5号两日（都系放假嘅休息日）).
_LINK: Final = re.compile(
    r"(?:[两二三四五六七\d][天日])?([(（])?[都也]?(?:是|系|为|算|算是)?(?:放假的|放假嘅)?"
)
_CLOSING: Final = re.compile(r"[)）]")


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
        link = None
        word = None
        for candidate in rest_words:
            if candidate.start >= days.end:
                link = _LINK.fullmatch(norm, days.end, candidate.start)
                if link is not None:
                    word = candidate
                    break
        if word is None or link is None:
            continue
        end = clause_end(norm, word.end)
        closing = _CLOSING.search(norm, word.end) if link.group(1) else None
        if closing is not None:  # the verb stands after the aside: （…休息日，…）又返咗
            end = clause_end(norm, closing.end())
        worked = worked_unnegated(norm[clause_start(norm, days.start) : end], rules)
        # Worked in the days' own clause: the hours said after them (26号星期六又上了10个钟)
        # stay free to join them.
        stop = word.end if worked else end
        if not worked and need_verb:
            later = next_clause_start(norm, end)
            again = norm[later : clause_end(norm, later)]
            worked = again.startswith(BACK_REFERENCES) and worked_unnegated(again, rules)
            stop = clause_end(norm, later) if worked else end
        if worked or not need_verb:
            fact = WorkTimeFact("rest_day", len(days.days), "d", None)
            found.append(Found(fact, days.start, stop))
    return found
