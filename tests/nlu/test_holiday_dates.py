"""Days of a holiday's break told by their dates, and the year a holiday is said of
(nlu/holiday_dates.py, read by nlu/holiday_breaks.py)."""

from __future__ import annotations

import pytest

from nlu.entities import extract_entities
from nlu.holiday_dates import find_day_lists, split_by_calendar, year_said
from nlu.phrase_rules import load_phrase_rules


def _work_times(text: str) -> list[str]:
    return sorted(str(e.value) for e in extract_entities(text) if e.entity == "work_time")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("我上了2号、6号", [[(None, 2), (None, 6)]]),
        ("10月3号4号", [[(10, 3), (None, 4)]]),
        ("5号和7日都去了", [[(None, 5), (None, 7)]]),
        ("3号上班 5号休息", [[(None, 3)], [(None, 5)]]),  # two lists: words between
        ("第32号", []),  # no day of a month
        ("10月1日、2日", [[(10, 1), (None, 2)]]),
        ("返咗3日工", []),  # 日 alone: as often a count of days
        ("一号二号都去了", [[(None, 1), (None, 2)]]),
        ("在2号车间", []),  # a workshop, not a day
        ("一号到三号", []),  # the ends of a run of days, not two days
        ("从1号一直干到3号", []),
    ],
)
def test_days_told_one_after_another_are_one_list(
    text: str, days: list[list[tuple[int | None, int]]]
) -> None:
    assert [list(found.days) for found in find_day_lists(text)] == days


@pytest.mark.parametrize(
    ("text", "year"),
    [("2024年国庆", 2024), ("2023年的五一", 2023), ("前年春节", 2020), ("国庆", None)],
)
def test_the_year_said_right_before_a_holiday(text: str, year: int | None) -> None:
    relative = load_phrase_rules().calendar.relative_years
    assert year_said(text, len(text) - 2, relative, this_year=2022) == year


def test_a_day_is_statutory_or_inside_the_break_or_unread() -> None:
    first, window = (10, 1), ((10, 1), 7)
    assert split_by_calendar([(None, 2), (None, 6)], first, 3, window, 2026) == (1, 1)
    assert split_by_calendar([(None, 3)], first, 3, None, 2026) == (1, 0)
    assert split_by_calendar([(None, 6)], first, 3, None, 2026) is None  # no break said
    assert split_by_calendar([(None, 9)], first, 3, window, 2026) is None  # after the break
    # 2025: 中秋 on 10月6日 inside the break is statutory too.
    assert split_by_calendar([(None, 6)], first, 4, ((10, 1), 8), 2025, (10, 6)) == (1, 0)


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # The break by its length (国庆 and 劳动节 start on their first day): 2 statutory, 6 not.
        ("国庆放了7天假，我2号和6号被叫回去上班", ["holiday:1d", "rest_day:1d"]),
        # The break by its dates: 4号 and 5号 are the weekend moved next to it.
        ("五一5月1号到5号放假 我4号5号都上了班", ["rest_day:2d"]),
        # From 2025 劳动节 has two statutory days, before only 5月1日.
        ("2025年五一放了5天 我1号2号去上了班", ["holiday:2d"]),
        ("2024年五一放了5天 我1号2号去上了班", ["holiday:1d", "rest_day:1d"]),
        # 2025's 中秋 fell inside 国庆's break, on 10月6日.
        ("2025年国庆放了8天 我6号回厂里上班", ["holiday:1d"]),
        # Days of one break told in two clauses are one set of days.
        ("国庆放了7天 我2号上了班 6号也上了班", ["holiday:1d", "rest_day:1d"]),
        ("国庆我一号二号都上了班", ["holiday:2d"]),
        # A run of days worked, placed by the break said before it: all moved rest days.
        ("五一放假5天 我3号到5号都在厂里加班", ["rest_day:3d"]),
        # The break's length said after the days (and without 假) places them too.
        ("2024年国庆我1号、2号、6号上了班 国庆放了7天", ["holiday:2d", "rest_day:1d"]),
    ],
)
def test_dates_worked_in_a_break_are_holiday_or_rest_day_work(text: str, facts: list[str]) -> None:
    assert _work_times(text) == facts


@pytest.mark.parametrize(
    "text",
    [
        "国庆放假 我8号9号上了班",  # after the statutory days, no break said
        "2023年国庆放了8天 我6号7号上了班",  # that break began on 9月29日: its length is no help
        "元旦放了3天 我2号上了班",  # 元旦's break often starts on 12月30日
        "中秋放3天 我15号16号上了班",  # a lunar festival: its date moves
        "国庆放了7天 我2号没上班",  # not worked
        "国庆那几天过得好 每个月15号发工资",  # no work said
        # … nor is their count said again taken as the holiday's days.
        "国庆只有4号和5号两天上了班",
        "中秋放了3天 我15号16号两天都上了班",
        "国庆放假 我8号到10号上了三天班",  # a run after the break
        "国庆放了7天 1号上了班 9号也上了班",  # one day of the two cannot be placed
        # Fewer days worked than the break, not told which: statutory or moved is not known.
        "国庆放假7天 我上了3天班",
        "端午放了3天 我上了2天班",
        "五一放了5天 国庆放了7天 我国庆2号6号上了班",  # 五一's break is not 国庆's
    ],
)
def test_dates_that_cannot_be_placed_in_the_break_are_not_read(text: str) -> None:
    assert not [v for v in _work_times(text) if v.startswith(("holiday", "rest_day"))]


def test_a_count_of_days_in_cantonese_is_no_date() -> None:
    assert _work_times("国庆返咗2日工") == ["holiday:2d"]  # two days, not the 2nd


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # 春节 before 2025: 初一 to 初三 statutory, 除夕 a rest day moved next to them.
        ("2023年春节除夕到初三都在厂里上班", ["holiday:3d", "rest_day:1d"]),
        ("春节除夕到初三都在厂里上班", ["holiday:4d"]),
        # A count of the days worked in 2024's 五一 break: one statutory day, the rest moved.
        ("2024年五一我上了三天班", ["holiday:1d", "rest_day:2d"]),
        # 2025's 国庆 break of 8 days held 4 statutory days (中秋 on 10月6日).
        ("2025年国庆8天都没休息", ["holiday:4d", "rest_day:4d"]),
    ],
)
def test_the_statutory_days_are_those_of_the_year_said(text: str, facts: list[str]) -> None:
    assert _work_times(text) == facts


def test_the_whole_break_worked_is_split_by_its_statutory_days() -> None:
    assert _work_times("国庆放假7天 7天都上了班") == ["holiday:3d", "rest_day:4d"]


def test_a_festivals_one_date_right_after_its_name_is_its_own_day() -> None:
    assert _work_times("端午节6月10号我上了一天班") == ["holiday:1d"]


@pytest.mark.parametrize(
    ("day", "year", "workday"),
    [(0, 2024, True), (0, 2023, False), (0, 2025, False), (1, 2024, False), (0, None, False)],
)
def test_new_years_eve_2024_was_a_working_day(day: int, year: int | None, workday: bool) -> None:
    assert load_phrase_rules().calendar.lunar_workday(day, year) is workday


@pytest.mark.parametrize(
    ("cue", "day", "year", "is_its_day"),
    [
        ("端午", (6, 10), 2024, True),
        ("端午", (6, 10), 2025, False),  # 2025: 5月31日
        ("中秋", (10, 6), 2025, True),
        ("清明", (4, 4), None, True),  # its day in some year known
        ("清明", (4, 6), None, False),
        ("国庆", (10, 1), 2024, False),  # a fixed-date holiday is placed by its break instead
    ],
)
def test_a_festivals_own_day_by_year(
    cue: str, day: tuple[int, int], year: int | None, is_its_day: bool
) -> None:
    calendar = load_phrase_rules().calendar
    assert calendar.is_festival_day(cue, day, year) is is_its_day


@pytest.mark.parametrize(
    ("cue", "festival", "year", "apart"),
    [
        ("元旦", "中秋", 2026, True),  # never one break
        ("元旦", "中秋", None, True),  # in every year known
        ("国庆", "中秋", 2025, False),  # 10月6日: inside the break
        ("国庆", "中秋", 2026, False),  # 9月25日: close enough to be asked
        ("国庆", "中秋", None, False),
    ],
)
def test_a_festival_far_from_a_holidays_break_is_a_holiday_of_its_own(
    cue: str, festival: str, year: int | None, apart: bool
) -> None:
    calendar = load_phrase_rules().calendar
    assert calendar.festival_apart(cue, festival, year) is apart
