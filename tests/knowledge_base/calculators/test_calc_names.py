"""A message that names what it wants computed gets that calculator (names.py)."""

from __future__ import annotations

import pytest

from knowledge_base.calculators.names import (
    SURE_CONFIDENCE,
    calculator_continuing,
    calculator_meant,
    calculator_wanted,
    first_question_answer,
    named_calculator,
    requested_calculator,
)
from knowledge_base.calculators.registry import CALCULATORS
from nlu.entities import extract_entities
from nlu.types import Entity
from tests.knowledge_base.calculators.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("底薪2000加提成，一个月大概拿6000，辞退补偿按多少算", "calc_compensation"),
        ("周末加班的加班费怎么算", "calc_overtime"),
        ("一年多没签合同，双倍工资能拿多少", "calc_double_wage"),
        ("加班费没给，辞职能要补偿吗", None),  # two named: the NLU decides
        ("一天250 国庆三天都上班了", None),  # none named
    ],
)
def test_the_one_calculator_a_message_names(text: str, named: str | None) -> None:
    assert named_calculator(text) == named


def test_the_nlu_choice_stands_unless_another_calculator_is_named() -> None:
    text = "底薪2000加提成，一个月大概拿6000，辞退补偿按多少算"
    assert calculator_meant("calc_overtime", text) == "calc_compensation"
    assert calculator_meant("calc_overtime", "一天250 国庆三天都上班了") == "calc_overtime"
    assert calculator_meant("ask_dismissal", text) == "ask_dismissal"  # not a calculator


def with_city(text: str) -> list[Entity]:
    """The rules' entities plus the city (the NLU finds it in its lookup table)."""
    city = next(c for c in ("广州", "东莞", "深圳", "苏州") if c in text)
    start = text.index(city)
    return [*extract_entities(text), Entity("city", city, start, start + 2, city, "lookup")]


@pytest.mark.parametrize(
    ("intent", "text", "meant"),
    [
        # Overtime would read only the wage; the minimum-wage check has all it needs.
        ("calc_overtime", "在广州番禺上班 底薪1900 合法吗", "calc_min_wage"),
        # The NLU's calculator reads two facts: it stands.
        ("calc_overtime", "苏州 工资2000 一个月加班80小时", "calc_overtime"),
        # 没签合同 names the double-wage calculator, whatever else the message holds.
        ("calc_double_wage", "我在东莞 月薪3000 入职半年没签合同", "calc_double_wage"),
        ("calc_compensation", "深圳 月薪3000 干了两年被辞退了", "calc_compensation"),
    ],
)
def test_a_calculator_that_finds_every_fact_beats_one_that_finds_one(
    intent: str, text: str, meant: str
) -> None:
    entities = with_city(text)
    assert calculator_meant(intent, text, entities, TODAY) == meant
    assert calculator_meant(intent, text) == intent or named_calculator(text) == meant


def test_an_unsure_pick_with_another_calculator_complete_starts_that_one() -> None:
    text = "在东莞上班 一个月到手2300 是不是太低了"
    entities = with_city(text)
    assert calculator_wanted("calc_overtime", text, 0.2, entities, TODAY)
    assert calculator_meant("calc_overtime", text, entities, TODAY) == "calc_min_wage"


@pytest.mark.parametrize(
    ("text", "requested"),
    [
        ("我要算补偿", "calc_compensation"),
        ("算年假", "calc_annual_leave"),
        ("帮我算一下双倍工资", "calc_double_wage"),
        ("年假怎么算", None),  # how it is computed: a question about the rule
        ("这样算违法解除吗 要赔偿", None),  # 算 as "count as"
        ("我要算", None),  # no calculator named
        ("我在厂里干了八年 被辞退了 帮我算算补偿有多少", None),  # a story, not a request
    ],
)
def test_a_short_request_to_compute_names_its_calculator(text: str, requested: str | None) -> None:
    assert requested_calculator(text) == requested


def test_every_named_calculator_exists() -> None:
    from knowledge_base.calculators.names import _names

    assert {intent for intent, _ in _names()} <= set(CALCULATORS)


@pytest.mark.parametrize(
    ("intent", "text", "wanted"),
    [
        # Unsure, but the facts are stated (wage and holiday days): compute.
        ("calc_overtime", "一天250 国庆三天都上班了", True),
        # Unsure, and named: compute.
        ("calc_compensation", "公司说我是临时工 辞退不用给补偿 可我在这干了两年多了", True),
        # Unsure, one fact, nothing named: a question (is this dismissal lawful?).
        (
            "calc_annual_leave",
            "我54岁了，在这个厂干了17年，现在说要裁员第一批就是我，他们能裁我吗",
            False,
        ),
        ("calc_compensation", "我在厂里干了10年了，老板要把厂卖了，我们怎么办", False),
        ("ask_dismissal", "干了5年被开除了", False),  # not a calculator intent
    ],
)
def test_an_unsure_calculator_pick_needs_the_subject_or_the_facts(
    intent: str, text: str, wanted: bool
) -> None:
    entities = extract_entities(text)
    assert calculator_wanted(intent, text, SURE_CONFIDENCE - 0.2, entities, TODAY) is wanted
    if intent in CALCULATORS:  # a sure pick is always taken
        assert calculator_wanted(intent, text, SURE_CONFIDENCE, entities, TODAY)


@pytest.mark.parametrize(
    ("topic", "intent", "confidence", "text", "continued"),
    [
        # 年假怎么算 → 我工作了8年: the facts continue the annual-leave answer.
        ("annual_leave", "calc_compensation", 0.51, "我工作了8年", "calc_annual_leave"),
        # Years at this factory are a fact for it too (the calculator asks the total).
        ("annual_leave", "calc_compensation", 0.51, "我在这个厂干了3年", "calc_annual_leave"),
        ("overtime", "calc_overtime", 0.73, "月薪5000", "calc_overtime"),
        # The NLU is sure of another topic: a new question, not facts for the last answer.
        ("annual_leave", "calc_overtime", 0.73, "月薪5000", None),
        ("overtime", "ask_overtime", 0.9, "国庆加班呢", None),
        # No calculator serves the topic, or the message tells no fact, or is a story.
        ("dismissal", "calc_compensation", 0.5, "我工作了8年", None),
        ("annual_leave", "ask_annual_leave", 0.4, "那病假呢", None),
        (
            "annual_leave",
            "ask_annual_leave",
            0.4,
            "我工作了8年 厂里一直不让休 离职的时候能要钱吗",
            None,
        ),
        (None, "calc_compensation", 0.51, "我工作了8年", None),
    ],
)
def test_facts_told_after_an_answer_continue_its_calculator(
    topic: str | None, intent: str, confidence: float, text: str, continued: str | None
) -> None:
    entities = extract_entities(text)
    assert calculator_continuing(topic, intent, confidence, text, entities, TODAY) == continued


def test_years_at_this_factory_do_not_answer_the_total_years_question() -> None:
    spec = CALCULATORS["calc_annual_leave"]
    text = "我在这个厂干了3年"
    assert first_question_answer(spec, text, extract_entities(text), TODAY) is None
    text = "我工作了8年"
    assert first_question_answer(spec, text, extract_entities(text), TODAY) is not None


def test_facts_read_from_the_words_keep_the_nlu_calculator() -> None:
    # City and pay complete the minimum-wage check, but the annual-leave calculator reads the
    # join day and the leave taken from the words: it stays the one the NLU picked.
    text = (
        "原来在东莞的厂做了整整5年 干到今年3月31号 4月1号就直接来了现在这个厂 "
        "工资每月4800 进来以后一天年假都没休过 厂里要另外补我多少"
    )
    meant = calculator_meant("calc_annual_leave", text, with_city(text), TODAY)
    assert meant == "calc_annual_leave"
