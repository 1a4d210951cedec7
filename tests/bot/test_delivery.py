"""Delivery to a worker's channel never fails silently: each outcome is said, a web message the
store refused waits in the outbox (the console sees it pending) and goes out later."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from bot.stores.base import StoreUnavailableError
from handoff.console_models import OutboxMessage
from handoff.outbox import OutboxRepository
from handoff.ports import Delivery, OutgoingMessage
from tests.helpers import Chat

pytestmark = pytest.mark.anyio


async def conversation_of(chat: Chat) -> str:
    await chat.say("你好")
    state = await chat.state()
    assert state is not None
    return state.conversation_id


def outbox_rows(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.console.db() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at)))


async def test_telegram_messages_wait_in_the_outbox_when_no_sender_runs_here(
    org_runtime: Runtime,
) -> None:
    conversation_id = await conversation_of(Chat(org_runtime, channel="telegram", key="7100001"))
    outcome = await org_runtime.console.delivery.deliver(
        conversation_id, [OutgoingMessage("工作人员：在吗？")], case_id=None, live_chat_id="chat-1"
    )
    assert outcome is Delivery.QUEUED
    (row,) = outbox_rows(org_runtime)
    assert (row.channel, row.state, row.live_chat_id) == ("telegram", "pending", "chat-1")
    assert "在吗".encode() not in row.payload_ciphertext


async def test_unreachable_unknown_and_channels_that_cannot_receive(org_runtime: Runtime) -> None:
    delivery = org_runtime.console.delivery
    message = [OutgoingMessage("工作人员：你好")]
    blocked = await conversation_of(Chat(org_runtime, channel="telegram", key="7100002"))
    OutboxRepository(org_runtime.console.db, org_runtime.vault).mark_unreachable(blocked, "403")
    assert await delivery.deliver(blocked, message) is Delivery.UNREACHABLE
    assert await delivery.deliver("no-such-conversation", message) is Delivery.UNKNOWN
    terminal = await conversation_of(Chat(org_runtime, channel="terminal"))
    assert await delivery.deliver(terminal, message) is Delivery.UNREACHABLE
    assert outbox_rows(org_runtime) == []


async def test_a_web_message_the_store_refused_is_retried(
    org_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = Chat(org_runtime, channel="web")
    conversation_id = await conversation_of(chat)
    mailbox = org_runtime.mailbox
    publish = mailbox.publish

    async def store_down(*_args: object, **_kwargs: object) -> str:
        raise StoreUnavailableError("down")

    monkeypatch.setattr(mailbox, "publish", store_down)
    outcome = await org_runtime.console.delivery.deliver(
        conversation_id, [OutgoingMessage("工作人员：第一条")], case_id=None
    )
    assert outcome is Delivery.QUEUED
    assert [r.state for r in outbox_rows(org_runtime)] == ["pending"]
    await org_runtime.live.tick()  # still down: stays pending, tried again later
    assert [(r.state, r.attempts) for r in outbox_rows(org_runtime)] == [("pending", 1)]

    monkeypatch.setattr(mailbox, "publish", publish)
    with org_runtime.console.db() as session:  # the retry is due now
        for row in session.scalars(select(OutboxMessage)):
            row.next_attempt_at = row.created_at
        session.commit()
    await org_runtime.live.tick()
    assert [r.state for r in outbox_rows(org_runtime)] == ["sent"]
    key = org_runtime.core.session_key("web", chat.key)
    (event,) = await mailbox.read(key, None, timeout_seconds=0)
    assert event.data["replies"][0]["text"] == "工作人员：第一条"
