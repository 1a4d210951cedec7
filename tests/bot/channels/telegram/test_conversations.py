"""Whole conversations over the Bot API stand-in, in polling and webhook mode, on every store:
a cited answer, a calculator, a complaint to its receipt, a caseworker's message."""

from __future__ import annotations

import pytest

from bot.messages import Button, Reply
from handoff.ports import Delivery, OutgoingMessage
from tests.bot.channels.telegram.conftest import RunningBot, TgChat, file_complaint, texts

pytestmark = pytest.mark.anyio


async def test_a_question_gets_its_cited_answer(bot: RunningBot) -> None:
    chat = TgChat(bot, 700000001)
    greeting = await chat.command("/start")
    assert "/file_complaint" in await chat.payloads(greeting)
    replies = await chat.say("试用期最长多久")
    assert "《劳动合同法》第十九条" in texts(replies)
    assert {"/details", "/show_law"} <= set(await chat.payloads(replies))
    law = await chat.tap("/show_law")
    assert "第十九条" in texts(law)


async def test_a_calculator_to_its_result(bot: RunningBot) -> None:
    chat = TgChat(bot, 700000002)
    confirm = await chat.say("月薪5220，平时加班10小时，周末和节假日没加班，加班费多少")
    assert "/calc_ok" in await chat.payloads(confirm)
    result = texts(await chat.tap("/calc_ok"))
    assert "30.00元/小时" in result
    assert "《劳动法》第四十四条" in result


async def test_a_whole_complaint_to_its_receipt(bot: RunningBot) -> None:
    chat = TgChat(bot, 700000003)
    receipt = await file_complaint(chat, employer="<b>宏达</b> & 电子厂")
    assert bot.runtime.cases.find_by_receipt(receipt) is not None
    status = await chat.command("/status")
    assert status
    assert texts(await chat.say(receipt))


async def test_a_caseworkers_message_is_delivered(bot: RunningBot) -> None:
    chat = TgChat(bot, 700000004)
    await chat.command("/start")
    found = bot.ch.outbox.conversation(chat.key)
    assert found is not None
    conversation_id = found[0]
    message = OutgoingMessage("工作人员：你好，工资条还在吗？<请回复>", (("回复", "/menu"),))
    outcome = await bot.ch.deliver(conversation_id, [message])
    assert outcome is Delivery.DELIVERED
    delivered = bot.standin.messages(chat.chat_id)[-1]
    assert delivered.text == message.text
    assert len(delivered.button_data()) == 1
    # By the chat id, as the OutboundPort: queued at once, sent right after.
    await bot.ch.send(
        str(chat.chat_id), [Reply("工作人员：我们明天联系你", (Button("好的", "/affirm"),))]
    )
    assert (await bot.standin.wait_for_messages(chat.chat_id, 3))[
        -1
    ].text == "工作人员：我们明天联系你"
    # The console's own path: a row put straight into the outbox is sent by the sweep.
    bot.ch.outbox.enqueue(conversation_id, "telegram", [OutgoingMessage("第二条消息")])
    messages = await bot.standin.wait_for_messages(
        chat.chat_id, len(chat.bot.standin.messages(chat.chat_id)) + 1
    )
    assert messages[-1].text == "第二条消息"
