"""Relay and live takeover on Telegram, against the Bot API stand-in: a caseworker's message
reaches the chat through the console's delivery port at once and is answered from a button;
a person takes the chat over (the bot goes silent) and hands it back."""

from __future__ import annotations

import pytest

from handoff.live import feed as events
from handoff.ports import Delivery, OutgoingMessage
from tests.bot.channels.telegram.conftest import RunningBot, TgChat, file_complaint, texts
from tests.bot.channels.telegram.standin import SentMessage
from tests.bot.conftest import COORDINATOR, PASSWORD

pytestmark = pytest.mark.anyio


async def arrived(chat: TgChat) -> list[SentMessage]:
    """What reached the chat without the worker writing (pushed by the console's side)."""
    await chat.bot.quiet()
    messages = chat.bot.standin.messages(chat.chat_id)
    fresh, chat.seen = messages[chat.seen :], len(messages)
    return fresh


async def test_a_case_message_reaches_telegram_and_is_answered(bot: RunningBot) -> None:
    runtime = bot.runtime
    staff = runtime.organisations.unlock(COORDINATOR, PASSWORD)
    chat = TgChat(bot, 700000901)
    await file_complaint(chat)
    (case,) = runtime.cases.list_for_org(staff.org_id)
    conversation_id = runtime.cases.read_for_org(
        case.id, staff.org_id, staff.org_key
    ).conversation_id

    outcome = await runtime.console.delivery.deliver(
        conversation_id, [OutgoingMessage("工作人员：工资条还在吗？")], case_id=case.id
    )
    assert outcome is Delivery.DELIVERED  # sent at once by the channel, not left to a sweep
    (sent,) = await arrived(chat)
    assert sent.text == "工作人员：工资条还在吗？"
    (reply,) = [p for p in await chat.payloads([sent]) if p.startswith("/reply_staff")]

    await chat.tap(reply)
    await chat.say("还在，我拍了照片")
    thread = runtime.cases.read_for_org(case.id, staff.org_id, staff.org_key).messages
    assert [(m.author, m.text) for m in thread][-1] == ("worker", "还在，我拍了照片")
    assert runtime.console.live.feed.read_after(0)[-1].kind == events.CASE_MESSAGE


async def test_live_takeover_on_telegram(bot: RunningBot) -> None:
    runtime = bot.runtime
    staff = runtime.organisations.unlock(COORDINATOR, PASSWORD)
    chats = runtime.console.live.chats
    chat = TgChat(bot, 700000902)
    await chat.command("/start")
    queued = await chat.command("/human")
    assert "/end_human" in await chat.payloads(queued)
    (waiting,) = chats.list_for_org(staff.org_id)

    await chats.take_over(waiting.chat_id, staff.org_id, staff.member_id)
    assert len(await arrived(chat)) == 1  # 工作人员已经接入
    assert await chat.say("老板不给加班费") == []  # the bot is silent
    await chats.staff_message(
        waiting.chat_id,
        staff.org_id,
        staff.member_id,
        "加班多少小时？",
        shown_as="工作人员：{text}",
    )
    assert texts(await arrived(chat)) == "工作人员：加班多少小时？"
    lines = chats.read(waiting.chat_id, staff.org_id, staff.org_key).lines
    assert [(line.author, line.text) for line in lines] == [
        ("worker", "老板不给加班费"),
        ("staff", "加班多少小时？"),
    ]
    await chats.hand_back(waiting.chat_id, staff.org_id)
    assert len(await arrived(chat)) == 1  # back to the bot
    assert await chat.command("/menu")
