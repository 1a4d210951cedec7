"""Minimum-wage lookup: every figure carries date, source and doubts; no guessed tiers."""

from __future__ import annotations

import filecmp
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import flow, min_wage
from knowledge_base.calculators.base import TODAY as TODAY_KEY
from knowledge_base.calculators.base import CalculationResult
from knowledge_base.calculators.min_wage_table import load_data, resolve_place, row_in_force
from tests.knowledge_base.calculators.conftest import TODAY, chat, run

D = Decimal
DATA_DIR = Path(min_wage.__file__).resolve().parents[1] / "data"
SHARED_DATA = Path("/work/shared/data")
GUANGDONG = [
    "广州",
    "深圳",
    "珠海",
    "佛山",
    "东莞",
    "中山",
    "汕头",
    "韶关",
    "河源",
    "梅州",
    "惠州",
    "汕尾",
    "江门",
    "阳江",
    "湛江",
    "茂名",
    "肇庆",
    "清远",
    "潮州",
    "揭阳",
    "云浮",
]
SINGLE_AREA = [*GUANGDONG, "上海", "北京", "天津", "厦门"]
MULTI_AREA = ["苏州", "无锡", "郑州", "成都", "重庆", "武汉", "西安", "合肥", "烟台"]


def lookup(place: str, **extra: object) -> CalculationResult:
    return min_wage.compute({TODAY_KEY: TODAY, "city": place, **extra})


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data not mounted")
@pytest.mark.parametrize("name", ["min_wage_cn.csv", "min_wage_cn_README.md"])
def test_data_files_are_unchanged_copies(name: str) -> None:
    assert filecmp.cmp(DATA_DIR / name, SHARED_DATA / name, shallow=False)


def test_every_row_reference_names_a_document_found_in_the_csv() -> None:
    data = load_data()
    for city in data.cities:
        for area in city.areas:
            assert area.confirmed == bool(area.rows), (city.key, area.key)
            for ref in area.rows:
                row = ref.row
                # The document number is in this row's source, or in the source of the
                # province tier row with the same figure and date.
                same = [
                    r
                    for r in data.rows
                    if r.province == row.province
                    and r.monthly == row.monthly
                    and r.effective == row.effective
                ]
                assert any(ref.document.number in r.source for r in same), (city.key, ref)


@pytest.mark.parametrize("place", SINGLE_AREA)
def test_required_single_area_cities_have_a_current_figure(place: str) -> None:
    result = lookup(place)
    assert result.amount is not None
    assert any(line.startswith("生效日期：") for line in result.result_lines)
    assert any(line.startswith("来源：") for line in result.result_lines)
    assert any(line.startswith("可靠程度：") for line in result.result_lines)


@pytest.mark.parametrize("place", MULTI_AREA)
def test_split_cities_ask_which_area(place: str) -> None:
    answers = {"city": place}
    question = flow.next_question(min_wage.SPEC, answers, TODAY)
    assert question is not None
    assert question.field.name == "area"
    assert len(question.choices) >= 3  # at least two areas plus 不清楚


def test_dongguan_before_and_after_september_2026() -> None:
    before = lookup("东莞市", on_date=date(2026, 8, 31))
    after = lookup("東莞", on_date=date(2026, 9, 1))
    assert (before.amount, after.amount) == (D(2080), D(2300))
    assert any("2026-09-01" in w and "2300" in w for w in before.warnings)  # later change shown
    assert (
        "来源：广东省人民政府《关于调整我省最低工资标准的通知》（粤府函〔2026〕188号）"
        in after.result_lines
    )


def test_third_class_city_has_no_figure_before_2026_rules() -> None:
    # Our data does not say which tier 江门 was in before 2026-09-01: no guess.
    assert lookup("江门", on_date=date(2026, 5, 1)).amount is None
    assert lookup("江门").amount == D(2040)


def test_kunshan_is_not_given_suzhou_figure() -> None:
    result = lookup("昆山")
    assert result.amount is None
    assert any("12333" in line for line in result.result_lines)


def test_unknown_city_points_to_12333() -> None:
    answers, asked = chat(min_wage.SPEC, ["长沙"])
    assert asked == ["city"]
    result = run(min_wage.SPEC, answers)
    assert result.amount is None
    assert any("12333" in line for line in result.result_lines)


def test_low_confidence_and_unknown_date_are_flagged() -> None:
    suzhou = lookup("苏州", area="urban")
    assert suzhou.amount == D(2660)
    assert any("可靠程度低" in w for w in suzhou.warnings)
    zhengzhou = lookup("郑州市区")
    assert zhengzhou.amount == D(2350)
    assert any("不知道这个标准从哪天开始执行" in w for w in zhengzhou.warnings)
    assert "生效日期：不清楚（只知道 2026-01-01 时已经在执行）" in zhengzhou.result_lines
    # A row with an unknown start date is not applied to earlier periods.
    assert lookup("郑州市区", on_date=date(2025, 6, 1)).amount is None


def test_old_figure_is_flagged_as_possibly_outdated() -> None:
    result = lookup("重庆", area="tier1", on_date=date(2027, 1, 1))
    assert any("可能已经过时" in w for w in result.warnings)


def test_comparison_says_what_is_excluded() -> None:
    answers, asked = chat(min_wage.SPEC, ["我在东莞长安镇", "2200"])
    assert asked == ["city", "monthly_wage"]
    result = run(min_wage.SPEC, answers)
    assert "你的工资 2200.00元 低于最低工资标准 2300.00元，每月差 100.00元。" in result.result_lines
    assert any("加班工资" in note and "津贴" in note for note in result.notes)


def test_area_named_in_city_answer_is_not_asked_again() -> None:
    _, asked = chat(min_wage.SPEC, ["重庆奉节", "跳过"])
    assert asked == ["city", "monthly_wage"]
    assert resolve_place("重庆奉节").area is not None


def test_unsure_area_lists_each_area_without_choosing() -> None:
    answers, _ = chat(min_wage.SPEC, ["成都", "不清楚"])
    result = run(min_wage.SPEC, answers)
    assert result.amount is None
    assert sum("2330.00元" in line or "2200.00元" in line for line in result.result_lines) == 2


places = st.sampled_from(
    [
        *SINGLE_AREA,
        "苏州市区",
        "郑州市区",
        "成都高新区",
        "重庆主城",
        "西安雁塔",
        "合肥市区",
        "烟台莱阳",
        "武汉市区",
        "昆山",
        "长沙",
        "南京",
    ]
)


@settings(deadline=None)
@given(places, st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)))
def test_every_figure_carries_date_source_and_is_in_force(place: str, on: date) -> None:
    result = lookup(place, on_date=on)
    if result.amount is None:
        assert any("12333" in line for line in result.result_lines)
        return
    lines = "\n".join(result.result_lines)
    assert "生效日期：" in lines
    assert "来源：" in lines
    match = resolve_place(place)
    assert match.city is not None and match.area is not None
    ref = row_in_force(match.area, on, load_data().table_as_of)
    assert ref is not None and ref.row.monthly == result.amount
    assert (ref.row.effective or load_data().table_as_of) <= on
    if ref.row.confidence != "high":
        assert result.warnings
