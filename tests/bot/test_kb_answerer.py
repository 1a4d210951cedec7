"""Legal answers in chat: short answer with its basis, details, statute text, honest misses."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from knowledge_base.service import default_knowledge_base
from knowledge_base.topics import intent_for_topic
from tests.helpers import Chat, payloads, said

pytestmark = pytest.mark.anyio


async def test_answer_cites_its_basis_and_offers_more(runtime: Runtime) -> None:
    chat = Chat(runtime)
    replies = await chat.say("试用期最长多久")
    text = said(replies)
    assert "六个月" in text
    assert "法律依据：《劳动合同法》第十九条" in text
    assert payloads(replies)[:2] == ["/details", "/show_law"]


async def test_details_then_statute_text(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.say("试用期最长多久")
    details = said(await chat.tap("/details"))
    assert "你可以这样做" in details
    law = said(await chat.say("看原文"))
    assert "《劳动合同法》第十九条" in law
    assert "试用期不得超过六个月" in law  # the statute's own words


async def test_the_short_answer_names_at_most_four_articles_and_details_the_rest(
    runtime: Runtime,
) -> None:
    chat = Chat(runtime)
    question = "前年在厂里摔断了腿，厂里一直没给我申请工伤，现在还能申请吗"
    answer = said(await chat.say(question))
    state = await chat.state()
    assert state is not None
    cited = state.context["last_citations"]
    assert len(cited) > 4  # this answer rests on many articles
    basis = next(line for line in answer.splitlines() if line.startswith("法律依据"))
    assert basis.count("《") == 4
    details = said(await chat.tap("/details"))
    law, number = cited[4]
    article = default_knowledge_base().article_text(law, number)
    assert article is not None and article.label in details


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("劳动合同法第47条", "每满一年支付一个月工资"),
        ("《工伤保险条例》第十四条是什么", "应当认定为工伤"),
        ("勞動法第四十四條", "百分之一百五十"),
    ],
)
async def test_named_article_is_shown(runtime: Runtime, message: str, expected: str) -> None:
    assert expected in said(await Chat(runtime).say(message))


async def test_article_number_alone_uses_the_law_just_discussed(runtime: Runtime) -> None:
    chat = Chat(runtime)
    await chat.say("劳动合同法第47条")
    assert "第四十六条" in said(await chat.say("第四十六条原文"))


async def test_unknown_article_is_said_plainly(runtime: Runtime) -> None:
    assert "没找到" in said(await Chat(runtime).say("劳动合同法第999条"))


async def test_details_without_an_answer_is_kind(runtime: Runtime) -> None:
    assert "先把你的问题" in said(await Chat(runtime).tap("/details"))


async def test_a_two_sided_question_gets_both_sides_with_a_button_each(
    runtime: Runtime,
) -> None:
    kb = default_knowledge_base()
    question = "老板两个月不发工资了 我能直接走人吗"
    chat = Chat(runtime)
    replies = await chat.say(question)
    result = kb.answer(question, runtime.nlu.parse(question))
    assert result.entry is not None
    assert result.also is not None
    text = said(replies)
    assert result.entry.short in text
    assert result.also.entry.short in text
    first_side = f"/{intent_for_topic(result.topic)}{{{result.entry.id}}}"
    second_side = f"/{intent_for_topic(result.also.topic)}{{{result.also.entry.id}}}"
    assert payloads(replies)[:3] == [first_side, second_side, "/show_law"]
    # Tapping a side opens it in full, and "details" then means that side.
    side = await chat.tap(second_side)
    assert said(side).startswith(result.also.entry.short)
    assert "/details" in payloads(side)
    details = said(await chat.tap("/details"))
    assert result.also.entry.next_steps[0] in details


async def test_a_one_sided_question_is_answered_once(runtime: Runtime) -> None:
    replies = await Chat(runtime).say("试用期最长多久")
    assert not any(p.startswith("/ask_") for p in payloads(replies))
