"""What a first message says about the time at this employer."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_base.calculators.tenure import preceded_by, read_tenure, whole_months_said
from nlu.entities import extract_entities
from tests.knowledge_base.calculators.conftest import TODAY


def tenure(text: str):  # type: ignore[no-untyped-def]
    return read_tenure(text, extract_entities(text), TODAY)


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("在这个厂干了3年", "3年"),
        ("进厂5个月了", "5个月"),
        ("我在厂里上班一年半了", "一年半"),
        ("工作了8年", None),  # years of work, not of this employer
        ("在这间公司做了4年", "4年"),
        ("喺而家間廠做咗3年", "3年"),  # Cantonese: the one I work at now
        ("依家嗰间公司返咗一年半工", "一年半"),
    ],
)
def test_a_length_counts_only_when_said_of_this_employer(text: str, length: str | None) -> None:
    assert tenure(text).length == length


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("2019年进的厂", date(2019, 1, 1)),  # a year alone: the year is what counts
        ("今年3月份入职的", date(2026, 3, 1)),
        ("2024年5月1号开始在这个厂上班", date(2024, 5, 1)),
        ("2024年5月1号开始上班", None),  # naming no employer: when working began at all
        ("2024年5月1号签的合同", None),  # a date, but not of joining
        # A verb of going and the employer gone to.
        ("2025年3月1日到新公司上班", date(2025, 3, 1)),
        ("去年5月进了这间厂", date(2025, 5, 1)),
        ("2024年8月返呢间公司", date(2024, 8, 1)),
        ("2020年到现在一直没签合同", None),  # 到现在: up to now, no employer
    ],
)
def test_a_date_is_the_join_date_only_with_a_join_word(text: str, joined: date | None) -> None:
    assert tenure(text).joined == joined


@pytest.mark.parametrize(
    ("text", "left"),
    [("上个月辞职了", True), ("被辞退了", True), ("还没辞职", False), ("没辞职 还在做", False)],
)
def test_leaving_is_read_unless_negated(text: str, left: bool) -> None:
    assert tenure(text).left is left


def test_a_length_counts_back_from_today_only_while_still_there() -> None:
    assert tenure("进厂5个月了").since == date(2026, 6, 22)
    assert tenure("进厂5个月了 上周辞职了").since is None


@pytest.mark.parametrize(
    ("text", "left_on"),
    [
        ("11月20号离职了", date(2026, 11, 20)),  # the year not said: this year's
        ("12月20号离职了", date(2025, 12, 20)),  # still to come this year: last year's
        ("12月20号要离职", date(2026, 12, 20)),  # leaving still to come: this year's
        ("上个月底辞职了", date(2026, 10, 31)),
        ("我7月15号从厂里离职的", date(2026, 7, 15)),  # the employer named between
        ("上个月底11月20号辞工了", date(2026, 11, 20)),  # the day that reads, of two
        ("9月30号干完最后一天就走了", date(2026, 9, 30)),
        ("辞职了", None),
    ],
)
def test_the_day_of_leaving_is_the_day_said_before_the_word(
    text: str, left_on: date | None
) -> None:
    assert tenure(text).left_on == left_on


@pytest.mark.parametrize(
    ("text", "career_start"),
    [
        ("我1995年3月参加工作的 2016年到的这个厂", date(1995, 3, 1)),
        ("俺1999年9月就开始上班了 2010年进的现在这个厂", date(1999, 9, 1)),
        ("08年5月开始打工", date(2008, 5, 1)),
        ("2024年8月15号开始在这个厂上班", None),  # joining here, not the start of working life
    ],
)
def test_when_working_began_at_all(text: str, career_start: date | None) -> None:
    assert tenure(text).career_start == career_start


def test_leaving_another_employer_is_not_leaving_here() -> None:
    moved = tenure("今年6月30号在老厂办完离职 7月1号就进了现在这个厂")
    assert not moved.left
    assert moved.joined == date(2026, 7, 1)  # the year not said: this year's


@pytest.mark.parametrize(
    ("text", "left_on"),
    [
        ("23年5月10号进的厂 24年1月9号离职", date(2024, 1, 9)),
        ("2023年8月1号进厂 2024年4月30号走的", date(2024, 4, 30)),
        ("我做到2024年7月31号就走咗", date(2024, 7, 31)),
        # A bare 走 right after the day (做到…号走).
        ("2024年3月1号入职，做到2024年9月30号走", date(2024, 9, 30)),
        ("我2025年2月10號返工 做到2025年8月15號就走", date(2025, 8, 15)),
    ],
)
def test_a_leaving_word_right_after_a_day_is_the_day_left(text: str, left_on: date) -> None:
    tenure = read_tenure(text, extract_entities(text), date(2026, 12, 6))
    assert tenure.left and tenure.left_on == left_on


def test_leaving_said_without_a_day_is_no_leaving() -> None:
    text = "想离职 能拿到补偿吗"
    assert not read_tenure(text, extract_entities(text), date(2026, 12, 6)).left


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("我做咗9个月 冇签合同", "9个月"),  # the one length, of no other employer
        ("干了一年多 没签合同", "一年多"),  # a year or more: whole months enough
        ("干了快两年 没签合同", "快两年"),
        ("干了三个多月 没签合同", None),  # the part-month is not known
        ("干了快一年 没签合同", None),
        ("之前在别的厂干了9个月", None),
        ("累计工作9个月", None),
    ],
)
def test_a_length_tells_whole_months_when_said_so(text: str, length: str | None) -> None:
    assert whole_months_said(None, text, extract_entities(text)) == length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一直做到10月31号", True),
        ("做到了10月31号", False),  # 了 between: not right before the date
        ("我10月31号做到", False),  # after the date, not before it
    ],
)
def test_a_date_preceded_by_words(text: str, expected: bool) -> None:
    (entity,) = [e for e in extract_entities(text) if e.entity == "date"]
    assert preceded_by(entity, text, ("做到",), 5) is expected
