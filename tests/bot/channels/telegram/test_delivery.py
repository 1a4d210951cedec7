"""Delivery through the outbox: 429 storms, lost answers, blocked bots, slow chats that hold up
no one else, and answers longer than Telegram allows."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bot.prompts import load_prompts
from handoff.db import session_factory
from handoff.models import Conversation
from handoff.outbox import SENT
from handoff.ports import Delivery, OutgoingMessage
from tests.bot.channels.telegram.conftest import RunningBot, TgChat

pytestmark = pytest.mark.anyio

CORE = load_prompts("core")


def first_lines(bot: RunningBot, chat_id: int) -> list[str]:
    return [m.text.split("\n", 1)[0] for m in bot.standin.messages(chat_id)]


async def test_a_429_storm_loses_and_repeats_nothing(bot: RunningBot) -> None:
    chats = [710000000 + i for i in range(20)]
    for chat_id in chats:
        bot.standin.command(chat_id, "/menu")
        bot.standin.command(chat_id, "/help")
        bot.standin.command(chat_id, "/menu")
    bot.standin.fail("sendMessage", "429", times=40, retry_after=1)
    await bot.quiet()
    await bot.standin.settle(quiet_seconds=0.3)
    assert bot.standin.faults[0].times == 0  # every 429 was answered
    menu = CORE.text("menu_text").split("\n", 1)[0]
    help_first = CORE.text("help").split("\n", 1)[0]
    for chat_id in chats:
        assert first_lines(bot, chat_id) == [menu, help_first, menu]


async def test_a_message_is_sent_twice_only_when_telegrams_answer_was_lost(bot: RunningBot) -> None:
    chat = TgChat(bot, 710000100)
    await chat.command("/start")
    conversation_id = bot.ch.outbox.conversation(chat.key)[0]  # type: ignore[index]
    bot.standin.fail("sendMessage", "lost", chat_id=chat.chat_id)
    outcome = await bot.ch.deliver(
        conversation_id, [OutgoingMessage("第一条"), OutgoingMessage("第二条")]
    )
    assert outcome is Delivery.DELIVERED
    texts = [m.text for m in bot.standin.messages(chat.chat_id)[1:]]
    assert texts == ["第一条", "第一条", "第二条"]


async def test_a_blocked_bot_marks_the_conversation_unreachable(bot: RunningBot) -> None:
    chat = TgChat(bot, 710000200)
    await chat.command("/start")
    conversation_id = bot.ch.outbox.conversation(chat.key)[0]  # type: ignore[index]
    bot.standin.block(chat.chat_id)
    calls = bot.standin.calls["sendMessage"]
    outcome = await bot.ch.deliver(conversation_id, [OutgoingMessage("工作人员：你好")])
    assert outcome is Delivery.UNREACHABLE
    assert bot.standin.calls["sendMessage"] == calls + 1  # tried once, never again
    with session_factory(bot.runtime.engine)() as session:
        unreachable = session.scalar(
            select(Conversation.unreachable_at).where(Conversation.id == conversation_id)
        )
    assert unreachable is not None
    again = await bot.ch.deliver(conversation_id, [OutgoingMessage("还在吗？")])
    assert again is Delivery.UNREACHABLE
    assert bot.standin.calls["sendMessage"] == calls + 1
    # The worker unblocks and writes: reachable again, and answered.
    bot.standin.blocked_chats.discard(chat.chat_id)
    assert await chat.command("/menu")
    assert bot.ch.outbox.is_unreachable(conversation_id) is False


async def test_blocking_is_noticed_without_a_failed_send(bot: RunningBot) -> None:
    chat = TgChat(bot, 710000250)
    await chat.command("/start")
    conversation_id = bot.ch.outbox.conversation(chat.key)[0]  # type: ignore[index]
    change = {
        "chat": {"id": chat.chat_id, "type": "private", "first_name": "阿芳"},
        "from": {"id": chat.chat_id, "is_bot": False, "first_name": "阿芳"},
        "date": int(time.time()),
        "old_chat_member": {
            "status": "member",
            "user": {"id": 1, "is_bot": True, "first_name": "工友"},
        },
        "new_chat_member": {
            "status": "kicked",
            "until_date": 0,
            "user": {"id": 1, "is_bot": True, "first_name": "工友"},
        },
    }
    bot.standin.raw({"my_chat_member": change})
    await bot.quiet()
    assert bot.ch.outbox.is_unreachable(conversation_id) is True


async def test_one_slow_chat_holds_up_no_other(bot: RunningBot) -> None:
    slow, quick = TgChat(bot, 710000300), TgChat(bot, 710000301)
    await slow.command("/start")
    await quick.command("/start")
    bot.standin.fail("sendMessage", "429", chat_id=slow.chat_id, retry_after=3)
    started = time.monotonic()
    bot.standin.command(slow.chat_id, "/menu")
    bot.standin.command(quick.chat_id, "/menu")
    quick_reply = (await bot.standin.wait_for_messages(quick.chat_id, 2))[-1]
    slow_reply = (await bot.standin.wait_for_messages(slow.chat_id, 2, timeout=10))[-1]
    assert quick_reply.at - started < 1.5
    assert slow_reply.at - started >= 3


async def test_a_long_answer_is_split_at_sentences(bot: RunningBot) -> None:
    chat = TgChat(bot, 710000400)
    await chat.command("/start")
    conversation_id = bot.ch.outbox.conversation(chat.key)[0]  # type: ignore[index]
    sentence = "工资必须以货币形式按月支付给劳动者本人，不得克扣或者无故拖欠<劳动者>的工资&奖金。"
    text = sentence * 250  # about 10,000 characters
    outcome = await bot.ch.deliver(conversation_id, [OutgoingMessage(text, (("好的", "/menu"),))])
    assert outcome is Delivery.DELIVERED
    parts = bot.standin.messages(chat.chat_id)[1:]
    assert len(parts) == 3
    assert all(len(p.text) <= 4096 and p.text.endswith("。") for p in parts)
    assert "".join(p.text for p in parts) == text
    assert [bool(p.buttons) for p in parts] == [False, False, True]


async def test_the_outbox_forgets_what_was_sent(bot: RunningBot) -> None:
    chat = TgChat(bot, 710000500)
    await chat.command("/start")
    conversation_id = bot.ch.outbox.conversation(chat.key)[0]  # type: ignore[index]
    ids = bot.ch.outbox.enqueue(conversation_id, "telegram", [OutgoingMessage("秘密内容")])
    await bot.standin.wait_for_messages(chat.chat_id, 2)
    await bot.ch.sender.wait_idle()
    assert bot.ch.outbox.states(ids) == {ids[0]: SENT}
    from handoff.console_models import OutboxMessage

    with session_factory(bot.runtime.engine)() as session:
        row = session.get(OutboxMessage, ids[0])
        assert row is not None and row.payload_ciphertext == b""
