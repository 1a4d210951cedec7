"""Holidays named as single days and said worked (中秋那天去上班了, 清明节当日同端午节当日都返去
开工, 2024年6月10号端午我去上班了): one day of holiday work each. The names are found by
``nlu.named_days``; a festival's own date is checked against ``nlu.holiday_dates``' calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, cast

from nlu.days_and_hours import MAX_UNSAID_DAY_HOURS
from nlu.holiday_dates import find_day_lists, year_said
from nlu.kind_words import KindWord
from nlu.named_days import find_named_days
from nlu.phrase_facts import Found, WorkTimeFact
from nlu.phrase_rules import PhraseRules
from nlu.phrase_text import clause_end, clause_start
from nlu.work_verbs import worked_unnegated


def _holiday_said_otherwise(norm: str, found: Found, rules: PhraseRules) -> bool:
    """Holiday work said as days (一整天, 国庆三天) or as a total of hours (一共14个钟): the
    named days are not counted again."""
    fact = found.fact
    if not isinstance(fact, WorkTimeFact) or fact.kind != "holiday":
        return False
    if fact.unit == "d" or fact.per not in (None, "day"):
        return True
    before = norm[clause_start(norm, found.start) : found.start]
    total = any(word in before for word in rules.total_words)
    return fact.per is None and (fact.amount > MAX_UNSAID_DAY_HOURS or total)


def named_holiday_work(
    norm: str,
    kind_words: Sequence[KindWord],
    rules: PhraseRules,
    found: Sequence[Found],
    year: int | None,
    *,
    this_year: int,
    need_verb: bool,
) -> list[Found]:
    """清明节当日同端午节当日都返去开工, 中秋那天去上班了, 端午节6月10号上班了: holidays named as
    single days, one day of holiday work each, when the clause says they were worked (a
    festival's date is checked in ``year``'s calendar, or that said beside it; 今年 is
    ``this_year``)."""
    if any(_holiday_said_otherwise(norm, f, rules) for f in found):
        return []
    holidays = [(w.start, w.end) for w in kind_words if w.kind == "holiday"]
    named = find_named_days(
        norm,
        holidays,
        rules.named_day_words,
        rules.named_day_between,
        rules.named_day_joiners,
        dated=_festivals_on_their_dates(norm, kind_words, rules, year, this_year),
    )
    days: list[Found] = []
    for run in named:
        # The clause around the days' names (not 加上 between them), less words that only hold
        # a verb (参加).
        # A space right after the names (清明 4月4日 我上班了) does not end what is said of them.
        after = run.end + len(norm[run.end :]) - len(norm[run.end :].lstrip(" "))
        clause = (
            norm[clause_start(norm, run.start) : run.start] + norm[after : clause_end(norm, after)]
        )
        for word in rules.named_day_not_verbs:
            clause = clause.replace(word, "_")
        if need_verb and not worked_unnegated(clause, rules):
            continue
        days.append(Found(WorkTimeFact("holiday", run.days, "d", None), run.start, run.end))
    return days


#: What may stand between a festival's name and its date after it (端午节6月10号, 清明 4月4日,
#: 中秋节（9月17号）), at most this many characters.
_NAME_TO_DATE: Final = "节的是 （(：:"
_NAME_TO_DATE_GAP: Final = 4
#: … and between a date and the festival's name after it (6月10号端午, 6月10号的端午节).
_DATE_TO_NAME: Final = "的 "
_DATE_TO_NAME_GAP: Final = 2


def _festivals_on_their_dates(
    norm: str,
    kind_words: Sequence[KindWord],
    rules: PhraseRules,
    year: int | None,
    this_year: int,
) -> list[tuple[int, int]]:
    """Festivals named with one date right beside them that is the festival's day
    (2024年6月10号端午, 端午节6月10号): the spans of name and date. The year is the one said
    right before them, else ``year``; a date that is not the festival's day is left out."""
    festivals = [
        w for w in kind_words if w.kind == "holiday" and w.cue in rules.calendar.festival_dates
    ]
    spans: list[tuple[int, int]] = []
    for days in find_day_lists(norm) if festivals else ():
        if len(days.days) != 1 or days.days[0][0] is None:
            continue
        for word in festivals:
            if word.end <= days.start:
                gap, limit = norm[word.end : days.start], _NAME_TO_DATE_GAP
                ok = not gap.strip(_NAME_TO_DATE)
            elif days.end <= word.start:
                gap, limit = norm[days.end : word.start], _DATE_TO_NAME_GAP
                ok = not gap.strip(_DATE_TO_NAME)
            else:
                continue
            if not ok or len(gap) > limit:
                continue
            start, end = min(word.start, days.start), max(word.end, days.end)
            said = year_said(norm, start, rules.calendar.relative_years, this_year)
            month, day = days.days[0]
            if rules.calendar.is_festival_day(word.cue, (cast(int, month), day), said or year):
                spans.append((start, end))
    return spans
