"""Courtesy openers are set aside for the classifier. Sentences written for this test."""

from __future__ import annotations

import pytest

from nlu.embedded import EmbeddedBackend
from nlu.openers import without_opener


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("您好，我想请教一下，厂里不给交社保怎么办", "厂里不给交社保怎么办"),
        ("请问试用期可以延长吗", "试用期可以延长吗"),
        ("老师好！想咨询个事儿：加班费怎么算", "加班费怎么算"),
        ("在吗 在吗 我想问问 工伤怎么认定", "工伤怎么认定"),
        ("請問一下 年假有幾天", "年假有幾天"),  # Traditional: the original characters are kept
        ("我想请教一下", "我想请教一下"),  # nothing left: the opener is the message
        ("我想问一下 好吗", "我想问一下 好吗"),  # too little left to be a question
        ("我想辞职", "我想辞职"),  # not an opener
        ("厂里不发工资 请问怎么办", "厂里不发工资 请问怎么办"),  # only a leading opener
    ],
)
def test_without_opener(text: str, expected: str) -> None:
    assert without_opener(text) == expected


@pytest.mark.parametrize("text", ["我想请教个问题", "您好 想咨询一下", "请问在吗"])
def test_an_opener_alone_is_a_greeting(embedded_backend: EmbeddedBackend, text: str) -> None:
    assert embedded_backend.parse(text).intent.name == "greet"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("您好 我想请教一下 厂里一直拖着工资不发怎么办", "ask_wages_arrears"),
        ("想咨询个事儿 上班路上被车撞了算工伤吗", "ask_work_injury"),
        ("我想问问 辞职要提前几天说", "ask_resignation"),
    ],
)
def test_an_opener_does_not_hide_the_question(
    embedded_backend: EmbeddedBackend, text: str, intent: str
) -> None:
    assert embedded_backend.parse(text).intent.name == intent
