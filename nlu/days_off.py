"""Days off in a month or a week (月休2天, 一个月只休息两天, 每周休一天)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import cast

from nlu.numbers import CN_DIGIT_CHARS, parse_number
from nlu.phrase_facts import Found, Period, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import overlaps


@lru_cache(maxsize=4)
def _days_off_pattern(
    periods: tuple[tuple[str, str], ...], verbs: tuple[str, ...], fillers: tuple[str, ...]
) -> re.Pattern[str]:
    def either(words: Sequence[str]) -> str:
        return "|".join(re.escape(w) for w in words)

    period = either([word for word, _ in periods])
    return re.compile(
        f"({period})(?:{either(fillers)})*(?:{either(verbs)})(?:{either(fillers)})*"
        f"([0-9.]+|[{CN_DIGIT_CHARS}两半]+)(?:个)?(?:天|日)"
    )


def find_days_off(norm: str, rules: PhraseRules, taken: Sequence[tuple[int, int]]) -> list[Found]:
    """月休2天, 一个月只休息两天, 每周休一天: the days off in a month or a week."""
    pattern = _days_off_pattern(rules.off_periods, rules.off_verbs, rules.off_fillers)
    periods = dict(rules.off_periods)
    found: list[Found] = []
    for match in pattern.finditer(norm):
        if overlaps(match.start(), match.end(), taken):
            continue
        numeral = match.group(2)
        amount = 0.5 if numeral == "半" else parse_number(numeral)
        if amount is None:
            continue
        per = cast(Period, periods[match.group(1)])
        found.append(Found(WorkTimeFact("off", amount, "d", per), match.start(), match.end()))
    return found
