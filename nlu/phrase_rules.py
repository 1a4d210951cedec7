"""The word lists of ``nlu/entity_rules.yml`` the phrase readers use (sections ``wage``,
``work_time``, ``service_length``), read once and normalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from nlu.holiday_dates import HolidayCalendar, MonthDay
from nlu.tokenizer import normalize

RULES_PATH: Final = Path(__file__).with_name("entity_rules.yml")


def _longest_first(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


@dataclass(frozen=True, slots=True)
class PhraseRules:
    """The word lists of ``entity_rules.yml`` these scanners use, normalised."""

    wage_before: tuple[tuple[str, str], ...]
    wage_after: tuple[tuple[str, str], ...]
    wage_fillers: tuple[str, ...]
    piece_words: tuple[str, ...]
    pay_words: tuple[str, ...]
    #: Right before an amount or its pay phrase: what it is said of when not pay (宿舍费 →
    #: cost, 社平工资 → the local average wage).
    not_pay: tuple[tuple[str, str], ...]
    #: The worker speaking (我, 俺): after someone else's name in a clause, the pay is theirs.
    first_person: tuple[str, ...]
    #: What may sit between the local average's words and its amount: fillers, pay words and
    #: the month's cues (社平工资是每月9000), longest first.
    local_average_between: tuple[str, ...]
    min_bare: dict[str, float]
    bare_blocked_after: tuple[str, ...]
    kinds: tuple[tuple[str, str], ...]
    #: Statutory days off of a named holiday (国庆 → 3), from 全国年节及纪念日放假办法 第二条.
    holiday_days: dict[str, int]
    #: 春节 by its days: New Year's Eve words, the statutory days (0 = 除夕 … 3 = 初三) and
    #: the words joining a first and a last day.
    eve_words: tuple[str, ...]
    lunar_statutory: tuple[int, int]
    range_words: tuple[str, ...]
    #: Range words holding a verb (一直干到): the days between are said worked.
    range_verbs: tuple[str, ...]
    #: Before 初N, the same day (正月初二, 大年初六).
    lunar_day_prefixes: tuple[str, ...]
    #: Rest-day words that may be counted (4个周六): that many whole days of rest-day work.
    counted_days: tuple[str, ...]
    counted_weekdays: tuple[str, ...]
    counted_verbs: tuple[str, ...]
    counted_set_after: tuple[str, ...]
    #: Times a counted day was worked, said after the verb (礼拜六去了3回).
    counted_times: tuple[str, ...]
    #: A holiday named as one day (清明那天): the day words, what may sit before them (节)
    #: and the words joining such days in a list (清明节当日同端午节当日).
    named_day_words: tuple[str, ...]
    named_day_between: tuple[str, ...]
    named_day_joiners: tuple[str, ...]
    named_day_not_verbs: tuple[str, ...]
    #: Weekends counted (3个周末), and the words that make days after them each weekend's
    #: (每个周末 … 两天).
    weekend_words: tuple[str, ...]
    weekend_each_words: tuple[str, ...]
    #: After a count of weekends, the other day of each (两个周末都只休了一天 另一天上班8小时).
    weekend_other_day_words: tuple[str, ...]
    #: Saturday's names, Sunday's, and what joins them (星期六星期日都开工: both days worked).
    weekend_saturday: tuple[str, ...]
    weekend_sunday: tuple[str, ...]
    weekend_both_joiners: tuple[str, ...]
    #: One weekend named by when it was (上个礼拜六同礼拜日): the words before its two days.
    weekend_one_week_cues: tuple[str, ...]
    #: Before an amount, a total, not each day's or weekend's (一共干了12个钟).
    total_words: tuple[str, ...]
    #: Before days counted after daily overtime: more days, not the same (另外还加了2天).
    more_days_words: tuple[str, ...]
    #: After an amount, words that start another fact (另外): what follows is not the amount's.
    new_fact_words: tuple[str, ...]
    #: After days named again (这两天), words naming their pay (的加班费): no more work.
    pay_of_days: tuple[str, ...]
    #: The holidays' calendar (first statutory days, the rules before 2025).
    calendar: HolidayCalendar
    #: Between a festival and a holiday on a fixed date named together (国庆加中秋).
    together_joiners: tuple[str, ...]
    #: Holidays whose break starts on their first statutory day (from the year after them).
    break_from_first_day: tuple[str, ...]
    break_from_first_day_since: int
    standard_words: tuple[str, ...]
    beyond_words: tuple[str, ...]
    #: Right before an amount, these make it leave given back (补休了8个小时), not work.
    comp_leave_words: tuple[str, ...]
    #: Right after 一天, these make it "not a day off" (一天没休), not one day worked.
    none_off_after: tuple[str, ...]
    #: A holiday's break told (放三天假, 放假7天): its length is no work, and the holiday named
    #: before it still names the days said worked after it.
    break_before: tuple[str, ...]
    #: Days off (月休2天): period words, the verbs and what may sit between them.
    off_periods: tuple[tuple[str, str], ...]
    off_verbs: tuple[str, ...]
    off_fillers: tuple[str, ...]
    #: Said right after a weekday or rest-day word: days off (周六周日休息), unless negated.
    off_after: tuple[str, ...]
    off_negations: tuple[str, ...]
    #: Right before a kind word (perhaps with 调休 between), these say what the days were not
    #: (唔系调休上班日, 不是周末): the word names no kind.
    not_kind_before: tuple[str, ...]
    not_kind_between: tuple[str, ...]
    not_kind_questions: tuple[str, ...]
    #: The verb 上 of 一周上6天, counted only right between a period and days.
    shang: str
    overtime_verbs: tuple[str, ...]
    work_verbs: tuple[str, ...]
    per: tuple[tuple[str, str], ...]
    time_fillers: tuple[str, ...]
    service_verbs: tuple[str, ...]
    service_max_gap: int
    #: Words written with a numeral that are no number (一共, 一直), between a verb and a length.
    service_not_numbers: tuple[str, ...]
    service_gap_words: tuple[str, ...]
    #: Right before a length: the first months of a stay (前10个月), not its length.
    service_first_part: tuple[str, ...]
    service_first_part_not: tuple[str, ...]
    #: A length with no verb right after a workplace (这个厂6年，), ending its clause.
    service_bare_after: tuple[str, ...]
    service_bare_fillers: tuple[str, ...]
    service_bare_end: tuple[str, ...]
    almost: tuple[str, ...]
    more: tuple[str, ...]

    @classmethod
    def load(cls, path: Path = RULES_PATH) -> PhraseRules:
        """Read the phrase sections of the rule file."""
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

        def words(items: Sequence[object]) -> tuple[str, ...]:
            return tuple(sorted((normalize(str(w)) for w in items), key=len, reverse=True))

        def by_key(section: dict[str, list[object]]) -> tuple[tuple[str, str], ...]:
            return _longest_first([(normalize(str(w)), k) for k, ws in section.items() for w in ws])

        wage, time, service = raw["wage"], raw["work_time"], raw["service_length"]
        lunar, off = time["lunar_new_year"], time["days_off"]
        named, weekends = time["named_days"], time["weekends"]
        calendar = time["holiday_calendar"]
        before_low, before_high = (int(day) for day in calendar["lunar_statutory_before"])
        first_day, last_day = (int(day) for day in lunar["statutory_days"])
        wage_before, wage_fillers = by_key(wage["before"]), words(wage["fillers"])
        pay_words = words(wage["pay_words"])
        month_cues = tuple(cue for cue, unit in wage_before if unit == "month")
        return cls(
            wage_before=wage_before,
            wage_after=by_key(wage["after"]),
            wage_fillers=wage_fillers,
            piece_words=words(wage["piece_words"]),
            pay_words=pay_words,
            not_pay=by_key(wage["not_pay"]),
            first_person=words(wage["first_person"]),
            local_average_between=tuple(
                sorted({*wage_fillers, *pay_words, *month_cues}, key=lambda w: (-len(w), w))
            ),
            min_bare={str(k): float(v) for k, v in wage["min_bare"].items()},
            bare_blocked_after=words(raw["bare_number"]["blocked_after"]),
            kinds=by_key(time["kinds"]),
            holiday_days={normalize(str(k)): int(v) for k, v in time["holiday_days"].items()},
            eve_words=words(lunar["eve"]),
            lunar_statutory=(first_day, last_day),
            range_words=words([*lunar["range_words"], *lunar["range_verbs"]]),
            range_verbs=words(lunar["range_verbs"]),
            lunar_day_prefixes=words(lunar["day_prefixes"]),
            counted_days=words(time.get("counted_days") or ()),
            counted_weekdays=words(time.get("counted_weekdays") or ()),
            counted_verbs=words(time.get("counted_verbs") or ()),
            counted_set_after=words(time.get("counted_set_after") or ()),
            counted_times=words(time.get("counted_times") or ()),
            named_day_words=words(named["day_words"]),
            named_day_between=words(named["between"]),
            named_day_joiners=words(named["joiners"]),
            named_day_not_verbs=words(named["not_verbs"]),
            weekend_words=words(weekends["words"]),
            weekend_each_words=words(weekends["each_words"]),
            weekend_other_day_words=words(weekends.get("other_day_words") or ()),
            weekend_saturday=words(weekends.get("saturday") or ()),
            weekend_sunday=words(weekends.get("sunday") or ()),
            weekend_both_joiners=words(weekends.get("both_joiners") or ()),
            weekend_one_week_cues=words(weekends.get("one_week_cues") or ()),
            total_words=words(time["total_words"]),
            more_days_words=words(time["more_days_words"]),
            new_fact_words=words(time["new_fact_words"]),
            pay_of_days=words(time.get("pay_of_days") or ()),
            calendar=HolidayCalendar(
                first_dates={
                    normalize(str(k)): _month_day(str(v))
                    for k, v in calendar["first_dates"].items()
                },
                changed_in=int(calendar["changed_in"]),
                days_before={normalize(str(k)): int(v) for k, v in calendar["days_before"].items()},
                lunar_before=(before_low, before_high),
                relative_years={
                    normalize(str(k)): int(v) for k, v in calendar["relative_years"].items()
                },
                festivals_inside={
                    int(year): {_month_day(str(k)): _month_day(str(v)) for k, v in days.items()}
                    for year, days in calendar["festivals_inside"].items()
                },
                lunar_workdays={
                    int(year): frozenset(int(day) for day in days)
                    for year, days in (calendar.get("lunar_workdays") or {}).items()
                },
                festival_dates={
                    normalize(str(name)): {
                        int(year): _month_day(str(day)) for year, day in days.items()
                    }
                    for name, days in (calendar.get("festival_dates") or {}).items()
                },
            ),
            together_joiners=words(calendar["together_joiners"]),
            break_from_first_day=words(calendar["break_from_first_day"]),
            break_from_first_day_since=int(calendar["break_from_first_day_since"]),
            standard_words=words(time.get("standard_words") or ()),
            beyond_words=words(time.get("beyond_words") or ()),
            comp_leave_words=words(time.get("comp_leave_words") or ()),
            none_off_after=words(time.get("none_off_after") or ()),
            break_before=words(time.get("break_before") or ()),
            off_periods=by_key(off["periods"]),
            off_verbs=words(off["verbs"]),
            off_fillers=words(off["fillers"]),
            off_after=words(time["off_after"]),
            off_negations=words(time["off_negations"]),
            not_kind_before=words(time.get("not_kind_before") or ()),
            not_kind_between=words(time.get("not_kind_between") or ()),
            not_kind_questions=words(time.get("not_kind_questions") or ()),
            shang=normalize(str(time["period_verb"])),
            overtime_verbs=words(time["overtime_verbs"]),
            work_verbs=words(time["work_verbs"]),
            per=by_key(time["per"]),
            time_fillers=words(time["fillers"]),
            service_verbs=words(service["verbs"]),
            service_max_gap=int(service["max_gap"]),
            service_not_numbers=words(service["not_numbers"]),
            service_gap_words=words(service["gap_words"]),
            service_bare_after=words(service["bare_after"]),
            service_bare_fillers=words(service["bare_fillers"]),
            service_bare_end=words(service["bare_end"]),
            service_first_part=words(service["first_part"]),
            service_first_part_not=words(service["first_part_not"]),
            almost=words(service["almost"]),
            more=words(service["more"]),
        )

    @property
    def verbs_and_fillers(self) -> tuple[str, ...]:
        """Words that may sit between a period (每天) and its amount (每天都要加3个钟)."""
        words = self.overtime_verbs + self.work_verbs + self.time_fillers
        return tuple(sorted(words, key=len, reverse=True))

    @property
    def between_period_and_amount(self) -> tuple[str, ...]:
        """Verbs, fillers and kind words (每个星期平时晚上加班加起来6个钟头)."""
        words = self.verbs_and_fillers + tuple(cue for cue, _ in self.kinds)
        return tuple(sorted(set(words), key=len, reverse=True))

    def statutory_days(self, cue: str, year: int | None) -> int | None:
        """The statutory days of the holiday named ``cue`` in ``year`` (None: today's)."""
        return self.calendar.statutory_days(cue, year, self.holiday_days)

    def lunar_days(self, year: int | None) -> tuple[int, int]:
        """The statutory days of 春节 in ``year`` (0 is 除夕, N is 初N)."""
        return self.calendar.lunar_days(year, self.lunar_statutory)


def _month_day(text: str) -> MonthDay:
    month, day = text.split("-")
    return int(month), int(day)


@lru_cache(maxsize=2)
def load_phrase_rules(path: Path = RULES_PATH) -> PhraseRules:
    """The rules from ``path``, read once."""
    return PhraseRules.load(path)
