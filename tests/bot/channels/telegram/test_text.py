"""Telegram text: HTML escaping and splitting at sentence boundaries under the limit."""

from __future__ import annotations

import pytest

from bot.channels.telegram.api import api_root
from bot.channels.telegram.buttons import layout
from bot.channels.telegram.text import split_message, to_html, utf16_len
from tests.bot.channels.telegram.standin import plain_text


@pytest.mark.parametrize(
    "typed",
    [
        "<b>宏达</b>",
        "A&B厂",
        "1 < 2 > 0",
        "&amp; is not an entity here",
        "<script>alert(1)</script>",
    ],
)
def test_anything_typed_reads_back_exactly(typed: str) -> None:
    assert plain_text(to_html(typed), "HTML") == typed


def test_a_receipt_becomes_code() -> None:
    assert to_html("查询码：1234 5678 9012 3456。") == "查询码：<code>1234 5678 9012 3456</code>。"


def test_short_text_is_one_part() -> None:
    assert split_message("你好。", 10) == ["你好。"]


def test_parts_end_at_sentences_and_lose_nothing() -> None:
    text = "第一句话在这里。" * 30 + "第二段开始了！" * 30
    parts = split_message(text, 100)
    assert all(utf16_len(p) <= 100 for p in parts)
    assert all(p.endswith(("。", "！")) for p in parts)
    assert "".join(parts) == text


def test_paragraphs_are_preferred_to_sentences() -> None:
    text = "一二三四五六七八九十。" * 4 + "\n\n" + "甲乙丙丁。" * 4
    assert split_message(text, 60) == ["一二三四五六七八九十。" * 4, "甲乙丙丁。" * 4]


def test_text_without_boundaries_is_cut_hard() -> None:
    parts = split_message("字" * 250, 100)
    assert [len(p) for p in parts] == [100, 100, 50]


def test_emoji_count_twice() -> None:
    parts = split_message("😀" * 60, 100)
    assert [utf16_len(p) for p in parts] == [100, 20]


def test_short_buttons_share_a_row() -> None:
    rows = layout([("投诉", "a"), ("查询进度", "b"), ("问一个很长的法律问题", "c"), ("好", "d")])
    assert rows == [
        [("投诉", "a"), ("查询进度", "b")],
        [("问一个很长的法律问题", "c")],
        [("好", "d")],
    ]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.telegram.org", "https://api.telegram.org/bot"),
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"),
        ("http://local/bot", "http://local/bot"),
        ("http://local/bot{token}/test", "http://local/bot{token}/test"),
    ],
)
def test_the_api_address_takes_the_token_where_ptb_puts_it(given: str, expected: str) -> None:
    assert api_root(given) == expected
