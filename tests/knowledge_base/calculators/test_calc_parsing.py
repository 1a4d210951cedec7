"""Reading workers' answers: numbers (incl. colloquial Chinese), spans, dates, yes/no, choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators.base import Choice, CountedBackDate, MonthDate
from knowledge_base.calculators.parsing import (
    Parsed,
    Unparsed,
    chinese_number,
    is_skip,
    parse_bool,
    parse_choice,
    parse_date,
    parse_days,
    parse_hours,
    parse_money,
    parse_months,
    parse_years,
)
from knowledge_base.numerals import int_to_chinese

D = Decimal
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4500", D(4500)),
        ("4500元", D(4500)),
        ("4,500", D(4500)),
        ("４５００", D(4500)),
        (" 4500块 ", D(4500)),
        ("4.5k", D(4500)),
        ("4k5", D(4500)),
        ("3千5", D(3500)),
        ("1万2", D(12000)),
        ("1.2万", D(12000)),
        ("三千五", D(3500)),
        ("三千五百", D(3500)),
        ("两千八", D(2800)),
        ("一万二", D(12000)),
        ("五千", D(5000)),
        ("月薪4800左右", D(4800)),
        ("一个月4350", D(4350)),
        ("4350.5", D("4350.5")),
        # Around an amount: the amount itself (the worker confirms it before anything is computed).
        ("平均5千多吧", D(5000)),
        ("四千出头", D(4000)),
        ("快五千", D(5000)),
        ("没有", D(0)),
    ],
)
def test_money(text: str, value: Decimal) -> None:
    assert parse_money(text) == Parsed(value)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("很多", "not_a_number"),
        ("多少", "not_a_number"),
        ("4000到5000", "several_numbers"),
        ("", "not_a_number"),
    ],
)
def test_money_rejected(text: str, error: str) -> None:
    outcome = parse_money(text)
    assert isinstance(outcome, Unparsed)
    assert outcome.error == error


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10", D(10)),
        ("10小时", D(10)),
        ("十个小时", D(10)),
        ("3个半小时", D("3.5")),
        ("半小时", D("0.5")),
        ("36h", D(36)),
        ("没加班", D(0)),
        ("大概20个钟头", D(20)),
    ],
)
def test_hours(text: str, value: Decimal) -> None:
    assert parse_hours(text) == Parsed(value)


def test_hours_refuse_days() -> None:
    assert parse_hours("两天") == Unparsed("hours_not_days")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", D(5)),
        ("5天", D(5)),
        ("两天半", D("2.5")),
        ("没休过", D(0)),
        ("一个月22天", D(22)),
        ("每月出勤22天", D(22)),
        ("一个月上22天", D(22)),
    ],
)
def test_days(text: str, value: Decimal) -> None:
    assert parse_days(text) == Parsed(value)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("3年", D(36)),
        ("一年半", D(18)),
        ("6个月", D(6)),
        ("半年", D(6)),
        ("两年三个月", D(27)),
        ("18", D(18)),
        ("三个月", D(3)),
        ("1年零3个月", D(15)),
        ("11年又8个月", D(140)),
    ],
)
def test_months(text: str, months: Decimal) -> None:
    assert parse_months(text) == Parsed(months)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("6", D(6)),
        ("3年半", D("3.5")),
        ("十年", D(10)),
        ("半年", D("0.5")),
        ("8个月", D("0.6666")),
        ("11个月", D("0.9166")),
        # Said roughly: within the tier of every length the words may mean.
        ("4年多", D(4)),
        ("快10年", D("9.9166")),  # 9 years 11 months: under the 10-year tier
    ],
)
def test_years(text: str, years: Decimal) -> None:
    assert parse_years(text) == Parsed(years)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024/3/1", date(2024, 3, 1)),
        ("2024.3.1", date(2024, 3, 1)),
        ("2024年3月1日", date(2024, 3, 1)),
        ("2024年3月1号", date(2024, 3, 1)),
        ("20240301", date(2024, 3, 1)),
        ("24年3月1日", date(2024, 3, 1)),
        ("今天", TODAY),
        ("还在上班", TODAY),
        ("2024年3月", MonthDate(2024, 3, 1)),  # only the month: the 1st is assumed
        ("2021-03", MonthDate(2021, 3, 1)),
        # Relative to today (2026-11-22).
        ("去年12月", MonthDate(2025, 12, 1)),
        ("去年十二月份", MonthDate(2025, 12, 1)),
        ("今年3月", MonthDate(2026, 3, 1)),
        ("前年5月15号", date(2024, 5, 15)),
        ("上个月", MonthDate(2026, 10, 1)),
        # A part of a month by name: a real date (the last day, the 15th …), not a month.
        ("上个月底", date(2026, 10, 31)),
        # Probe 17: a day of a month named relative to today.
        ("上个月30号", date(2026, 10, 30)),
        ("上上个月3号", date(2026, 9, 3)),
        ("2024年2月末", date(2024, 2, 29)),
        ("去年12月中旬", date(2025, 12, 15)),
        ("前年3月初", date(2024, 3, 1)),
        # A length back from today, so that up to today inclusive is exactly that long.
        ("5个月前", CountedBackDate(2026, 6, 23)),
        ("一年半以前", CountedBackDate(2025, 5, 23)),
        ("两年零七个月前", CountedBackDate(2024, 4, 23)),
        # Ninth session (probe 20): a date written in Chinese numerals, as typed in a formal note.
        ("二〇二一年三月一日", date(2021, 3, 1)),
        ("2023年十月十五号", date(2023, 10, 15)),
        ("二〇二二年五月", MonthDate(2022, 5, 1)),
    ],
)
def test_dates(text: str, value: date) -> None:
    assert parse_date(text, TODAY) == Parsed(value)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("3月1号", "date_needs_year"),
        ("2024-02-30", "not_a_date"),
        ("去年", "not_a_date"),
        ("前", "not_a_date"),
        ("个月前", "not_a_date"),
        # Chinese numerals: a month and day still need their year; a length is no date.
        ("九月三十日", "date_needs_year"),
        ("十年零俩月", "not_a_date"),
    ],
)
def test_dates_rejected(text: str, error: str) -> None:
    assert parse_date(text, TODAY) == Unparsed(error)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("是的", True),
        ("对", True),
        ("有", True),
        ("否", False),
        ("不是", False),
        ("没有", False),
        ("没", False),
        ("no", False),
        ("yes", True),
    ],
)
def test_bool(text: str, value: bool) -> None:
    assert parse_bool(text) == Parsed(value)


def test_bool_unsure_is_not_no() -> None:
    assert parse_bool("不清楚") == Unparsed("not_yes_no")


def test_skip_words() -> None:
    assert is_skip("不知道")
    assert is_skip("跳过吧")
    assert not is_skip("4500")


CHOICES = (
    Choice("fixed_term", "有固定期限", ("固定期限", "几年")),
    Choice("open_ended", "无固定期限", ("无固定期限", "无固定")),
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1", "fixed_term"),
        ("2", "open_ended"),
        ("有固定期限", "fixed_term"),
        ("open_ended", "open_ended"),
        ("签的是无固定期限的", "open_ended"),
        ("签了几年的", "fixed_term"),
    ],
)
def test_choice(text: str, key: str) -> None:
    assert parse_choice(text, CHOICES) == Parsed(key)


SIGNED_OR_NOT = (
    Choice("signed", "签了", ("签了", "签过", "补了")),
    Choice("never", "一直没签", ("没签", "一直没", "从来没")),
)


@pytest.mark.parametrize(
    ("text", "key"),
    [("没签过", "never"), ("从来没签过合同", "never"), ("签过", "signed"), ("后来补了", "signed")],
)
def test_a_choice_word_after_a_negation_does_not_count(text: str, key: str) -> None:
    assert parse_choice(text, SIGNED_OR_NOT) == Parsed(key)


def test_choice_rejects_unknown() -> None:
    assert parse_choice("3", CHOICES) == Unparsed("not_a_choice")
    assert parse_choice("随便", CHOICES) == Unparsed("not_a_choice")


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numbers_round_trip(number: int) -> None:
    assert chinese_number(int_to_chinese(number)) == number


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=10_000_000))
def test_any_written_amount_parses(number: int) -> None:
    assert parse_money(str(number)) == Parsed(D(number))
    assert parse_money(f"{number:,}元") == Parsed(D(number))
