"""How the knowledge base combines its signals: the minor-age signal and the topic prior.
Retrieval only (no NLU); every question here was written for this test."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pytest

from knowledge_base.service import KnowledgeBase
from nlu import load_backend


@pytest.mark.parametrize("age", ["13岁", "十四岁", "15岁"])
def test_a_holiday_job_under_16_is_child_labour(kb: KnowledgeBase, age: str) -> None:
    result = kb.answer(f"我{age} 放暑假了想去电子厂打暑假工 可以吗")
    assert result.topic == "child_or_forced_labor"


def test_the_same_job_at_17_is_not(kb: KnowledgeBase) -> None:
    result = kb.answer("我17岁 放暑假了想去电子厂打暑假工 可以吗")
    assert result.topic != "child_or_forced_labor"


def test_the_age_signal_can_be_switched_off(kb: KnowledgeBase) -> None:
    question = "我13岁 放暑假了想去电子厂打暑假工 可以吗"
    off = KnowledgeBase(
        kb.library, kb.book, kb.retriever, dataclasses.replace(kb.weights, minor_age=0)
    )
    on_score = kb.answer(question).topic_scores["child_or_forced_labor"]
    off_score = off.answer(question).topic_scores["child_or_forced_labor"]
    assert on_score > off_score


def test_the_prior_follows_the_answer_book(kb: KnowledgeBase) -> None:
    counts = Counter(entry.topic for entry in kb.book.entries)
    prior = KnowledgeBase._topic_prior(kb.book, 0.5)
    most, fewest = counts.most_common()[0][0], counts.most_common()[-1][0]
    assert prior[most] > 1.0 > prior[fewest]
    assert KnowledgeBase._topic_prior(kb.book, 0.0) == {}


def test_the_prior_keeps_a_weak_belief_weak(kb: KnowledgeBase) -> None:
    scores = {"wages_arrears": 0.2, "student_intern": 0.2}
    weighted = kb._apply_prior(scores)
    assert sum(weighted.values()) == pytest.approx(0.4)
    assert weighted["wages_arrears"] > weighted["student_intern"]


def _with(kb: KnowledgeBase, **changes: Any) -> KnowledgeBase:
    return KnowledgeBase(
        kb.library, kb.book, kb.retriever, dataclasses.replace(kb.weights, **changes)
    )


@pytest.mark.parametrize(
    "question",
    ["老板拖欠三个月工资 我能不能马上辞职", "怀孕了公司要辞退我 能拿多少补偿"],
)
def test_a_close_runner_up_with_its_own_answer_is_the_second_side(
    kb: KnowledgeBase, question: str
) -> None:
    result = _with(kb, two_sided_ratio=0.0).answer(question)
    assert result.entry is not None
    assert result.also is not None
    assert result.also.topic == result.topics[1]
    assert result.also.entry.topic == result.also.topic
    assert result.also.confidence >= kb.weights.min_confidence
    assert {c.key for c in result.also.entry.citations} == {c for c in result.also.citations}
    # The first topic shown stays the first: evaluation counts it.
    assert result.topic == kb.answer(question).topic
    assert _with(kb, two_sided_ratio=1.01).answer(question).also is None


def test_no_second_side_without_a_first(kb: KnowledgeBase) -> None:
    assert _with(kb, two_sided_ratio=0.0).answer("今天天气怎么样").also is None


@pytest.mark.parametrize(
    ("question", "situation"),
    [
        ("老板欠我三个月工资一直不给 现在该怎么办", True),
        ("在厂里干了两年多 手被机器压伤了 老板没买工伤保险 怎么办", True),
        ("老板欠了三个月工资", False),
        ("怎么办", False),  # a cue without any situation before it
    ],
)
def test_a_told_situation_prefers_a_what_to_do_answer(
    kb: KnowledgeBase, question: str, situation: bool
) -> None:
    result = kb.answer(question)
    assert kb.reads_as_situation(question) is situation
    assert result.situation is situation
    if situation:
        assert result.entry is not None
        assert result.entry.kind == "situation"


@pytest.mark.parametrize("question", ["上夜班没有夜班补贴", "天天上夜班 厂里不给夜班费"])
def test_night_shifts_without_a_woman_named_are_not_the_rules_on_women(
    kb: KnowledgeBase, question: str
) -> None:
    assert kb.answer(question).topic != "female_protection"


@pytest.mark.parametrize(
    "question", ["天天上夜班 厂里不给夜班费", "上夜班没有夜班补贴", "夜班津贴厂里说取消就取消了"]
)
def test_night_shift_pay_withheld_gets_the_allowances_answer_with_the_nlu(
    kb: KnowledgeBase, question: str
) -> None:
    # The NLU read 天天上夜班 as rest days (2026-12-06): the allowance is what is asked.
    parse = load_backend("embedded").parse(question)
    assert kb.answer(question, parse).answer_id == "wages_arrears.bonus_and_allowances"


@pytest.mark.parametrize(
    "question",
    [
        "想换工作 老板说要提前三个月通知 不然就扣一个月工资 合理吗",
        "我喺廠做咗兩年 想轉工 老細話要提前三個月通知 唔係就扣一個月人工",
    ],
)
def test_a_longer_notice_demanded_on_pain_of_a_deduction_is_a_resignation_question(
    kb: KnowledgeBase, question: str
) -> None:
    # 扣一个月工资 pulled these to unpaid wages (2026-12-06): the 30 days' notice is the answer.
    parse = load_backend("embedded").parse(question)
    assert kb.answer(question, parse).topic == "resignation"


@pytest.mark.parametrize("question", ["怀孕了还让我上夜班", "女工能上夜班吗"])
def test_night_shifts_of_a_pregnant_worker_are(kb: KnowledgeBase, question: str) -> None:
    assert kb.answer(question).topic == "female_protection"
