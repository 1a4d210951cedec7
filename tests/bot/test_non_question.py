"""Messages that are not a question get a reply that fits them — or are left to the core."""

from __future__ import annotations

import re

import pytest

from bot.messages import Inbound, Reply
from bot.non_question import non_question_replies
from bot.prompts import load_prompts
from bot.runtime import Runtime

PROMPTS = load_prompts("non_question")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def only_reply(text: str) -> Reply:
    replies = non_question_replies(text)
    assert replies is not None, text
    assert len(replies) == 1
    return replies[0]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("😭😭😭", "distress"),
        ("💔", "distress"),
        ("😢 😢！", "distress"),
        ("😭💔😭", "distress"),
        ("T_T", "distress"),
        ("呜呜呜", "distress"),
        ("Hello, my boss did not pay me", "latin_script"),
        ("help", "latin_script"),
        ("laoban bu fa gongzi", "latin_script"),  # pinyin
        ("Tôi bị nợ lương", "latin_script"),  # Vietnamese
        ("3500", "bare_number"),
        ("3500元", "bare_number"),
        ("¥3,500", "bare_number"),
        ("三千五", "bare_number"),
        ("3k5", "bare_number"),
        ("10年", "bare_number"),
        ("２０２１年３月", "bare_date"),
        ("2021年3月", "bare_date"),
        ("2021-03-05", "bare_date"),
        ("3月5日", "bare_date"),
    ],
)
def test_reply_fits_the_message(text: str, kind: str) -> None:
    reply = only_reply(text)
    assert reply.buttons == PROMPTS.buttons(f"{kind}_buttons")
    assert reply.text == PROMPTS.text(kind, value=_shown_value(text))


def _shown_value(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("。，,.!！?？~～")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "👍",  # not distress: left to the core
        "😊😊",
        "老板不发工资😭",  # a question with an emoji is still a question
        "加班费怎么算",
        "你好",
        "13912345678",  # a phone number is not an amount
        "Привет",  # not Latin script
    ],
)
def test_everything_else_is_left_to_the_core(text: str) -> None:
    assert non_question_replies(text) is None


def test_english_reply_is_english_with_a_way_to_start() -> None:
    reply = only_reply("Hi, can you help me?")
    first_line = reply.text.splitlines()[0]
    assert first_line.isascii()  # written in English for a worker who wrote English
    assert any(b.payload == "/menu" for b in reply.buttons)


def test_bare_number_offers_calculators_and_questions() -> None:
    payloads = {b.payload for b in only_reply("3500").buttons}
    assert {"/calc_overtime", "/calc_compensation", "/ask_question"} <= payloads
    assert "3500" in only_reply("3500").text  # says which number it asks about


def test_distress_reply_asks_what_happened_without_buttons_to_dead_ends() -> None:
    reply = only_reply("😭😭😭")
    assert _HAN.search(reply.text)
    assert "？" in reply.text  # a question back, not a refusal
    assert {b.payload for b in reply.buttons} <= {"/menu", "/ask_question"}


def _all_buttons() -> list[tuple[str, str]]:
    keys = ("distress", "latin_script", "bare_number", "bare_date")
    return sorted({(b.title, b.payload) for k in keys for b in PROMPTS.buttons(f"{k}_buttons")})


@pytest.mark.anyio
@pytest.mark.parametrize(("title", "payload"), _all_buttons())
async def test_every_button_leads_somewhere(runtime: Runtime, title: str, payload: str) -> None:
    core_prompts = load_prompts("core")
    dead_ends = {core_prompts.text("fallback"), core_prompts.text("low_confidence")}
    replies = await runtime.core.handle(
        Inbound("test", "k-" + payload, text=title, payload=payload)
    )
    assert replies
    assert not {r.text for r in replies} & dead_ends
