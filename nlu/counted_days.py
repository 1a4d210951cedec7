"""Rest days or weekdays counted as worked (4个周六都去上班了, 19个工作日每天都干12个钟), or
counted after the verb in times (礼拜六去了3回, 周六加了两次班).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final, cast

from nlu.numbers import NUMERAL_CHARS, parse_number
from nlu.phrase_facts import Found, WorkKind, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import BACK_REFERENCES, alternation, clause_end, clause_start, overlaps
from nlu.work_verbs import says_worked


@lru_cache(maxsize=4)
def _counted_days_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    either = "|".join(re.escape(w) for w in words)
    return re.compile(f"([0-9]+|[{NUMERAL_CHARS}两]+)个({either})")


#: After a count of times, these make it a length of time instead (1个小时, 两个月).
_NOT_TIMES: Final = "小时|钟|半|多|月|星期|礼拜|周|工作日|晚|白天|通宵|夜|点|人"


@lru_cache(maxsize=4)
def _counted_times_pattern(
    days: tuple[str, ...],
    set_after: tuple[str, ...],
    verbs: tuple[str, ...],
    times: tuple[str, ...],
) -> re.Pattern[str]:
    either = alternation  # longest first; built once (the pattern is cached)

    return re.compile(
        f"(?:{either(days)})(?:{either(set_after)})?(?:都|也|总共|一共|共|还|又)?"
        f"(?:{either(verbs)})了?([0-9]+|[{NUMERAL_CHARS}两]+)(?:{either(times)})"
        # 上了1个小时班, 去了两个月: a length of time, not a number of days.
        f"(?!{_NOT_TIMES})"
    )


@lru_cache(maxsize=4)
def _counted_among_pattern(
    days: tuple[str, ...], set_after: tuple[str, ...], times: tuple[str, ...]
) -> re.Pattern[str]:
    """5个周日里有4个也叫我回来上了全天: the set, then how many of it, then (in the clause) the
    verb."""
    either = alternation
    return re.compile(
        f"(?:{either(days)})(?:{either(set_after)})(?:有|头有|面有)"
        f"([0-9]+|[{NUMERAL_CHARS}两]+)(?:{either(times)})(?!{_NOT_TIMES})"
    )


def _counted_times(norm: str, rules: PhraseRules, taken: Sequence[tuple[int, int]]) -> list[Found]:
    """礼拜六去了3回, 5个礼拜天里头去了3个: a rest day's word, the verb, then how many times;
    5个周日里有4个也叫我回来上了全天: how many of the set, then the verb in its clause."""
    if not rules.counted_days or not rules.counted_times:
        return []
    verbs = (*rules.counted_verbs, *rules.work_verbs, *rules.overtime_verbs)
    pattern = _counted_times_pattern(
        rules.counted_days, rules.counted_set_after, verbs, rules.counted_times
    )
    among = _counted_among_pattern(rules.counted_days, rules.counted_set_after, rules.counted_times)
    matches = [
        *pattern.finditer(norm),
        *(
            m
            for m in among.finditer(norm)
            if any(verb in norm[m.end() : clause_end(norm, m.end())] for verb in verbs)
        ),
    ]
    found: list[Found] = []
    for match in matches:
        amount = parse_number(match.group(1))
        if overlaps(match.start(1), match.end(), taken) or amount is None or amount <= 0:
            continue
        fact = WorkTimeFact("rest_day", amount, "d", None)
        found.append(Found(fact, match.start(1), match.end()))
    return found


def find_counted_days(
    norm: str, rules: PhraseRules, taken: Sequence[tuple[int, int]], *, need_verb: bool
) -> list[Found]:
    """4个周六都去上班了: that many whole rest days worked; 19个工作日每天都干12个钟: that many
    weekdays worked (a work verb, or going there, in the clause); 礼拜六去了3回: the same,
    counted after the verb."""
    found: list[Found] = _counted_times(norm, rules, taken)
    taken = [*taken, *((f.start, f.end) for f in found)]
    for words, kind in ((rules.counted_days, "rest_day"), (rules.counted_weekdays, "weekday")):
        if not words:
            continue
        for match in _counted_days_pattern(words).finditer(norm):
            if overlaps(match.start(), match.end(), taken):
                continue
            if norm.startswith(rules.counted_set_after, match.end()):
                continue  # 5个礼拜天里头去了3个: the Sundays there were, not those worked
            if norm[: match.start()].endswith(BACK_REFERENCES):
                continue  # 这4个周六的加班费: the days already told, named again
            clause = norm[clause_start(norm, match.start()) : clause_end(norm, match.end())]
            went = any(verb in clause for verb in rules.counted_verbs)
            if need_verb and not (went or says_worked(clause, rules)):
                continue
            amount = parse_number(match.group(1))
            if amount is None or amount <= 0:
                continue
            fact = WorkTimeFact(cast(WorkKind, kind), amount, "d", None)
            found.append(Found(fact, match.start(), match.end()))
    return found
