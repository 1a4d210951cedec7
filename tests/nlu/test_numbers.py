"""Chinese, Arabic and mixed numerals, and quantities with units (nlu/numbers.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu import numbers
from nlu.numbers import (
    CN_DIGIT_CHARS,
    CN_DIGITS,
    chinese_to_int,
    find_quantities,
    int_to_chinese,
    parse_count,
    parse_duration_months,
    parse_hours,
    parse_money,
    parse_number,
    parse_percent,
)
from nlu.tokenizer import normalize

NUMBERS = [
    ("三千五", 3500),
    ("3k", 3000),
    ("3k5", 3500),
    ("3K5", 3500),
    ("1.2万", 12000),
    ("两千", 2000),
    ("一万二", 12000),
    ("十二", 12),
    ("十", 10),
    ("十万", 100000),
    ("一百五", 150),
    ("一千零五", 1005),
    ("一万零五十", 10050),
    ("三千五万", 35000000),
    ("一点五万", 15000),
    ("2.5w", 25000),
    ("4千5", 4500),
    ("1万500", 10500),
    ("3,500", 3500),
    ("二〇二三", 2023),
    ("零", 0),
    ("３５００", 3500),  # full-width digits
    ("兩千", 2000),  # Traditional
    ("叁仟伍佰", 3500),  # financial numerals
]
NOT_NUMBERS = ["", "万", "千万", "k", "工资", "3五", "abc"]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_parse_number_refuses_non_numerals(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4500块", 4500),
        ("3k", 3000),
        ("3k5", 3500),
        ("1.2万", 12000),
        ("三千五百元", 3500),
        ("十二块五", 12.5),
        ("¥800", 800),
        ("两千块钱", 2000),
    ],
)
def test_parse_money(text: str, expected: float) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("两个半月", 2.5),
        ("一年半", 18.0),
        ("半年", 6.0),
        ("三个月", 3.0),
        ("半个月", 0.5),
        ("3年", 36.0),
        ("一年零三个月", 15.0),
        ("十一年又八个月", 140.0),
        ("2年3个月", 27.0),
        ("15天", 0.5),
    ],
)
def test_parse_duration_in_months(text: str, months: float) -> None:
    assert parse_duration_months(text) == months


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("三个钟", 3.0),
        ("3个小时", 3.0),
        ("一个半小时", 1.5),
        ("半小时", 0.5),
        ("12h", 12.0),
        ("十二個鐘頭", 12.0),
    ],
)
def test_parse_hours(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize("text", ["三点钟", "三月", "2023年"])
def test_not_a_span_of_time(text: str) -> None:
    assert (parse_hours(text), parse_duration_months(text)) == (None, None)


def test_parse_percent_and_count() -> None:
    assert [parse_percent("百分之一百五十"), parse_percent("150%")] == [150, 150]
    assert [parse_count("三百多个人"), parse_count("200人"), parse_count("十几个工人")] == [
        300,
        200,
        10,
    ]


def test_find_quantities_gives_kinds_values_and_offsets() -> None:
    text = "欠了我三个月工资，一共一万二千块，每天干12个小时"
    found = [(q.kind, q.value, text[q.start : q.end]) for q in find_quantities(text)]
    assert ("duration", 3, "三个月") in found
    assert ("money", 12000, "一万二千块") in found
    assert ("hours", 12, "12个小时") in found


def test_ordinals_and_codes_are_not_quantities() -> None:
    assert find_quantities("第三个月") == []
    assert [q for q in find_quantities("回执号GY-7K3P") if q.kind == "money"] == []
    assert [q for q in find_quantities("型号BOT3个") if q.kind == "hours"] == []


def test_an_amount_glued_to_ot_is_read() -> None:
    """Hong Kong and Guangdong workers write overtime as OT, often glued to the hours."""
    assert [(q.kind, q.value) for q in find_quantities("每晚ot2个钟")] == [("hours", 2)]


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numeral_round_trip(number: int) -> None:
    assert parse_number(int_to_chinese(number)) == number


@given(st.integers(min_value=0, max_value=99_999_999))
def test_arabic_numeral_round_trip(number: int) -> None:
    assert parse_number(str(number)) == number


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_decimal_wan(whole: int, tenth: int) -> None:
    assert parse_number(f"{whole}.{tenth}万") == whole * 10_000 + tenth * 1000


@given(
    st.text(alphabet="我在厂里干活老板说吧呢的了", max_size=6),
    st.integers(min_value=1, max_value=99_999),
    st.text(alphabet="我在厂里干活老板说吧呢的了", max_size=6),
)
def test_money_span_offsets(prefix: str, amount: int, suffix: str) -> None:
    text = f"{prefix}{int_to_chinese(amount)}块{suffix}"
    money = [q for q in find_quantities(text) if q.kind == "money"]
    assert [(q.value, q.start, q.end) for q in money] == [
        (amount, len(prefix), len(text) - len(suffix))
    ]


def test_int_to_chinese_reads_like_chinese() -> None:
    assert [int_to_chinese(n) for n in (0, 10, 15, 105, 1010, 10050, 110000, 20000001)] == [
        "零", "十", "十五", "一百零五", "一千零一十", "一万零五十", "十一万", "二千万零一",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3千五", 3500), ("4k", 4000), ("两千八百五", 2850), ("1.2万", 12000), ("两百五", 250)],
)
def test_amounts_as_workers_type_them(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "kind", "value", "surface"),
    [
        ("250一天", "number", 250, "250"),  # not the numeral 250一
        ("22块一个钟", "money", 22, "22块"),  # 一 after 块 starts 一个钟, it is not 1 角
        ("250元一天", "money", 250, "250元"),
        ("一件5毛", "money", 0.5, "5毛"),
        ("十二块五", "money", 12.5, "十二块五"),
    ],
)
def test_an_amount_next_to_its_period(text: str, kind: str, value: float, surface: str) -> None:
    found = [(q.kind, q.value, text[q.start : q.end]) for q in find_quantities(text)]
    assert (kind, value, surface) in found


def test_quantities_keep_the_unit_and_amount_as_said() -> None:
    (days,) = [q for q in find_quantities("国庆三天") if q.kind == "duration"]
    assert (days.unit, days.amount, days.value) == ("天", 3, 0.1)
    (span,) = find_quantities("一年零五个多月")
    assert (span.value, span.approximate) == (17, True)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一百零七", 107),
        ("二○○八", 2008),
        ("十五", 15),
        ("１０７", 107),
        ("3.5", None),
        ("3k", None),
    ],
)
def test_chinese_to_int_reads_whole_numbers_only(text: str, number: int | None) -> None:
    assert chinese_to_int(text) == number


def test_one_numeral_table_for_the_whole_project() -> None:
    # STYLE.md "One of each": the knowledge base and the calculators read numerals here.
    from knowledge_base import numerals
    from knowledge_base.calculators import parsing

    assert numerals.chinese_to_int is chinese_to_int
    assert numerals.int_to_chinese is int_to_chinese
    assert set(numerals.NUMERAL_CHARS) <= set(CN_DIGITS) | set("十拾百佰千仟")
    assert parsing.chinese_number("两千八百五") == 2850


@given(st.integers(min_value=1, max_value=9999))
def test_article_numbers_round_trip(number: int) -> None:
    assert chinese_to_int(int_to_chinese(number)) == number


@pytest.mark.timeout(20)  # a guard against a hang, not a speed measurement
@pytest.mark.parametrize(
    "text",
    ["6222020200112233445566778899", "1" * 5000, "一" * 5000, "1万" * 3000, "两年零七个月" * 800],
)
def test_long_runs_of_digits_end(text: str) -> None:
    # Once, 40 digits never ended (every way of cutting the run was tried).
    quantities = find_quantities(text)
    assert all(0 <= q.start < q.end <= len(text) for q in quantities)


@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789一二三两十百千万半个月年天小时钟块元人%百分之第a ¥")
        ),
        max_size=30,
    )
)
def test_only_scanners_that_can_match_are_skipped(text: str) -> None:
    # find_quantities runs no numeral scanner without a numeral and no 半 scanner without 半.
    norm = normalize(text)
    skipped = [s for s in numbers._SCANNERS if s not in numbers._scanners_for(norm)]
    for regex, _build in skipped:
        assert regex.search(norm) is None


def test_the_digit_characters_are_only_chinese_digits() -> None:
    # A character class built from them must not take a comma or an Arabic digit along
    # (月薪4000，4个周六 once read "4000,4" as one count).
    assert not set(CN_DIGIT_CHARS) & set("0123456789,:' {}")


@pytest.mark.parametrize(("text", "money"), [("两千八一个月", 2800), ("三千五一个月", 3500)])
def test_a_shortened_numeral_before_a_month_is_the_amount(text: str, money: int) -> None:
    # 两千八一个月 is 2800 a month, not 81 months.
    kinds = {q.kind: q.value for q in find_quantities(text)}
    assert kinds == {"number": money, "duration": 1}


@pytest.mark.parametrize(
    ("text", "months", "amount"),
    [
        ("以前在别的厂也做过三四年", 36, 3),
        ("干了十三四年", 156, 13),
        ("请了五六个月假", 5, 5),
        ("一两年", 12, 1),
    ],
)
def test_two_neighbouring_digits_are_the_lesser_said_roughly(
    text: str, months: float, amount: float
) -> None:
    """三四年 is three or four years, not 34: the lesser, marked approximate."""
    (found,) = [q for q in find_quantities(text) if q.kind == "duration"]
    assert (found.value, found.amount, found.approximate) == (months, amount, True)


def test_a_range_of_thousands_is_the_lesser_roughly() -> None:
    (found,) = [q for q in find_quantities("工资三四千块") if q.kind == "money"]
    assert (found.value, found.approximate) == (3000, True)
