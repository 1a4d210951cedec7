"""Every citation resolves to real statute text that states the number or rule the code uses."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from knowledge_base.calculators import (
    annual_leave,
    compensation,
    double_wage,
    min_wage,
    overtime,
    periods,
    texts,
    wages,
)
from knowledge_base.calculators.base import MAX_SHORT_CITATIONS, ServiceLength, Wage, WorkTime
from knowledge_base.calculators.registry import CALCULATORS
from knowledge_base.statutes import StatuteLibrary
from tests.knowledge_base.calculators.conftest import article_text, folded, run

NOTICE = "关于职工全年月平均工作时间和工资折算问题的通知"
WORK_HOURS = "国务院关于职工工作时间的规定"
ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


@pytest.mark.parametrize("key", texts.citation_keys())
def test_declared_citation_resolves_and_quotes_match(library: StatuteLibrary, key: str) -> None:
    citation = texts.citation(key)
    law = library.law(citation.law)
    assert law is not None, citation.law
    assert law.name == citation.law  # canonical name, as ANSWER_SCHEMA.md requires
    assert not law.superseded
    article = library.article(citation.law, citation.article)
    assert article is not None, (citation.law, citation.article)
    if citation.paragraph is not None:
        # A 款 is a paragraph that is not an enumerated item （一）（二）….
        kuan = [p for p in article.paragraphs if not ITEM.match(p)]
        assert citation.paragraph <= len(kuan)
        scope = folded(kuan[citation.paragraph - 1])
    else:
        scope = folded(article.text)
    assert citation.quotes, f"{key} declares no quote"
    for quote in citation.quotes:
        assert folded(quote) in scope, (key, quote)


# The numbers in the code, and the statute words that state them.
NUMBER_FACTS = [
    ("劳动法", 44, "百分之" + "一百五十", overtime.RATE_WEEKDAY == 150),
    ("劳动法", 44, "百分之" + "二百", overtime.RATE_REST_DAY == 200),
    ("劳动法", 44, "百分之" + "三百", overtime.RATE_HOLIDAY == 300),
    ("劳动法", 41, "每月不得超过三十六小时", overtime.MONTHLY_OVERTIME_LIMIT == 36),
    (NOTICE, None, "21.75", Decimal("21.75") == overtime.PAY_DAYS_PER_MONTH),
    (NOTICE, None, "月计薪天数×8小时", overtime.HOURS_PER_DAY == 8),
    (NOTICE, None, "21.75", Decimal("21.75") == wages.PAY_DAYS_PER_MONTH),
    (NOTICE, None, "月计薪天数×8小时", wages.HOURS_PER_DAY == 8),
    (WORK_HOURS, 3, "每日工作8小时", overtime.HOURS_PER_DAY == 8),
    (WORK_HOURS, 3, "每周工作40小时", overtime.HOURS_PER_WEEK == 40),
    (WORK_HOURS, 3, "每周工作40小时", overtime.WORK_DAYS_PER_WEEK * 8 == 40),
    (
        "工资支付暂行规定",
        13,
        "计件单价的１５０％、２００％、３００％",
        overtime.RATE_HOLIDAY == 300,
    ),
    ("劳动合同法", 47, "每满一年支付一个月工资", True),
    ("劳动合同法", 47, "六个月以上不满一年的，按一年计算", compensation.ROUND_UP_FROM_MONTHS == 6),
    ("劳动合同法", 47, "支付半个月工资", Decimal("0.5") == compensation.HALF),
    ("劳动合同法", 47, "月平均工资三倍", compensation.CAP_MULTIPLE == 3),
    ("劳动合同法", 47, "最高不超过十二年", compensation.CAP_YEARS == 12),
    ("劳动合同法", 87, "二倍", compensation.DAMAGES_MULTIPLE == 2),
    ("劳动合同法", 97, "自本法施行之日起计算", date(2008, 1, 1) == compensation.CONTRACT_LAW_START),
    ("劳动合同法", 98, "2008年1月1日", date(2008, 1, 1) == compensation.CONTRACT_LAW_START),
    ("劳动合同法", 82, "超过一个月不满一年", double_wage.MAX_MONTHS == 11),
    ("劳动合同法实施条例", 7, "满一个月的次日至满一年的前一日", double_wage.MAX_MONTHS == 11),
    ("职工带薪年休假条例", 3, "已满1年不满10年的，年休假5天", (1, 5) in annual_leave.TIERS),
    ("职工带薪年休假条例", 3, "已满10年不满20年的，年休假10天", (10, 10) in annual_leave.TIERS),
    ("职工带薪年休假条例", 3, "已满20年的，年休假15天", (20, 15) in annual_leave.TIERS),
    ("企业职工带薪年休假实施办法", 5, "÷365天", annual_leave.YEAR_DAYS == 365),
    ("企业职工带薪年休假实施办法", 12, "÷365天", annual_leave.YEAR_DAYS == 365),
    ("企业职工带薪年休假实施办法", 10, "300%", annual_leave.TOTAL_RATE == 300),
    (
        "企业职工带薪年休假实施办法",
        10,
        "其中包含用人单位支付职工正常工作期间的工资收入",
        annual_leave.EXTRA_RATE == annual_leave.TOTAL_RATE - 100,
    ),
    ("企业职工带薪年休假实施办法", 11, "21.75", Decimal("21.75") == overtime.PAY_DAYS_PER_MONTH),
    (
        "劳动合同法",
        19,
        "三个月以上不满一年的，试用期不得超过一个月",
        (Decimal(3), Decimal(1)) in periods.PROBATION_TIERS,
    ),
    (
        "劳动合同法",
        19,
        "一年以上不满三年的，试用期不得超过二个月",
        (Decimal(12), Decimal(2)) in periods.PROBATION_TIERS,
    ),
    (
        "劳动合同法",
        19,
        "三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月",
        (Decimal(36), Decimal(6)) in periods.PROBATION_TIERS and periods.OPEN_ENDED_LIMIT == 6,
    ),
    ("劳动合同法", 37, "提前三十日以书面形式通知", periods.WORKER_NOTICE_DAYS == 30),
    ("劳动合同法", 37, "试用期内提前三日通知", periods.PROBATION_NOTICE_DAYS == 3),
    ("劳动合同法", 40, "提前三十日以书面形式通知", periods.EMPLOYER_NOTICE_DAYS == 30),
    ("劳动合同法", 40, "额外支付劳动者一个月工资", True),
    ("最低工资规定", 10, "每两年至少调整一次", min_wage.load_data().stale_after_years == 2),
]


@pytest.mark.parametrize(("law", "article", "phrase", "code_agrees"), NUMBER_FACTS)
def test_code_numbers_agree_with_statute(
    library: StatuteLibrary, law: str, article: int | None, phrase: str, code_agrees: bool
) -> None:
    assert folded(phrase) in article_text(library, law, article)
    assert code_agrees


def _sample_results() -> list[object]:
    """Results covering every branch that adds a citation."""
    d = Decimal
    samples = [
        (
            overtime.SPEC,
            {
                "wage": d(4350),
                "weekday_hours": d(40),
                "rest_day_hours": d(8),
                "rest_day_comp_hours": d(4),
                "holiday_hours": d(8),
            },
        ),
        (
            overtime.SPEC,
            {
                "wage": Wage(d(250), "day"),
                "weekday_hours": WorkTime(d(12), "h", "day", "work"),
                "weekday_days": d(22),
                "rest_day_hours": WorkTime(d(6), "d", "week", "work"),
                "rest_day_weeks": d(4),
                "holiday_hours": WorkTime(d(3), "d"),
            },
        ),
        (overtime.SPEC, {"wage": Wage(d("0.5"), "piece")}),
        (
            compensation.SPEC,
            {
                "kind": "economic",
                "start_date": ServiceLength(d(24), "more"),
                "monthly_wage": Wage(d(250), "day"),
            },
        ),
        (
            compensation.SPEC,
            {
                "kind": "economic",
                "start_date": date(2005, 1, 1),
                "end_date": date(2024, 1, 1),
                "monthly_wage": d(40000),
                "local_avg_wage": d(9000),
            },
        ),
        (
            compensation.SPEC,
            {
                "kind": "unlawful",
                "start_date": date(2020, 1, 1),
                "end_date": date(2024, 1, 1),
                "monthly_wage": d(5000),
            },
        ),
        (
            double_wage.SPEC,
            {
                "start_date": date(2025, 1, 10),
                "contract_status": "never",
                "end_date": date(2026, 5, 1),
                "monthly_wage": d(4000),
            },
        ),
        (
            double_wage.SPEC,
            {
                "start_date": date(2025, 1, 10),
                "contract_status": "signed",
                "signed_date": date(2025, 5, 20),
                "monthly_wage": d(4000),
                "part_month_days": d(8),
            },
        ),
        (
            annual_leave.SPEC,
            {
                "cumulative_years": d(3),
                "year_status": "joined_and_leaving",
                "join_date": date(2026, 3, 1),
                "leave_date": date(2026, 10, 1),
                "taken_days": d(0),
                "monthly_wage": d(4350),
            },
        ),
        (annual_leave.SPEC, {"cumulative_years": d("0.5")}),
        (
            periods.PROBATION_SPEC,
            {
                "contract_type": "fixed_term",
                "contract_months": d(12),
                "agreed_months": d(3),
                "served_months": d(3),
                "regular_wage": d(5000),
            },
        ),
        (periods.NOTICE_SPEC, {"who": "worker_quits", "in_probation": False}),
        (periods.NOTICE_SPEC, {"who": "employer_ends", "employer_reason": "misconduct"}),
        (periods.NOTICE_SPEC, {"who": "employer_ends", "employer_reason": "layoff"}),
        (periods.NOTICE_SPEC, {"who": "employer_ends", "employer_reason": "other"}),
        (
            periods.NOTICE_SPEC,
            {
                "who": "employer_ends",
                "employer_reason": "illness_incompetence_change",
                "notified_30_days": False,
                "last_month_wage": d(4000),
            },
        ),
        (min_wage.SPEC, {"city": "东莞", "monthly_wage": d(2000)}),
        (min_wage.SPEC, {"city": "重庆", "area": "tier1", "on_date": date(2027, 2, 1)}),
    ]
    return [run(spec, answers) for spec, answers in samples]


def test_every_emitted_citation_is_declared_and_exists(library: StatuteLibrary) -> None:
    declared = {texts.citation(key) for key in texts.citation_keys()}
    seen = set()
    for result in _sample_results():
        for citation in result.citations + result.further_citations:  # type: ignore[attr-defined]
            assert citation in declared, citation
            assert library.article(citation.law, citation.article) is not None
            seen.add(citation)
    # Each declared citation is used by some branch (no dead declarations).
    assert declared == seen


def test_result_texts_name_only_cited_article_numbers() -> None:
    # A "第X条" written into a calculator text must be one the result also cites.
    for key in ("overtime", "compensation", "double_wage", "annual_leave", "probation"):
        assert not re.search(r"第[一二三四五六七八九十百]+条", str(texts.node(key))), key
    assert set(CALCULATORS) == {
        "calc_overtime",
        "calc_compensation",
        "calc_double_wage",
        "calc_annual_leave",
        "calc_min_wage",
        "calc_probation",
        "calc_notice_period",
    }


def test_short_reply_cites_at_most_four_articles() -> None:
    for result in _sample_results():
        assert 0 < len(result.citations) <= MAX_SHORT_CITATIONS  # type: ignore[attr-defined]
        assert not set(result.citations) & set(result.further_citations)  # type: ignore[attr-defined]
