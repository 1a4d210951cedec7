"""The chat side of ``handoff``'s ports: a caseworker's message reaches the worker's channel.

:class:`ChannelDelivery` (``handoff.ports.WorkerDelivery``) looks up the conversation's channel
and address and hands the message over:

- web chat: the conversation's (encrypted) mailbox, which an open page follows over SSE and a
  returning page reads from its cursor. If the store is down, the message goes to the outbox
  and :class:`WebOutboxSender` retries it.
- Telegram: the outbox, which the Telegram channel's sender empties (retries, 429, blocked).
- anything else (the terminal, tests): nothing can reach it later, said plainly.

Messages arrive as the worker should see them (the console labels them 工作人员, never with
the account). A message about a complaint gets a 回复工作人员 button whose short-lived token
stands for the case, so the worker can answer from the chat.

:class:`ChannelControl` (``handoff.ports.ConversationControl``) tells the worker that a person
took the chat over or handed it back.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.flows.staff_reply import reply_payload
from bot.log import get_logger
from bot.messages import Button, Reply
from bot.prompts import load_prompts
from bot.stores.base import KeyValueStore, Mailbox, StoreUnavailableError
from handoff.conversations import ConversationAddress, ConversationRepository
from handoff.crypto import DecryptionError, Vault
from handoff.errors import DatabaseUnavailableError
from handoff.models import utcnow
from handoff.outbox import OutboxRepository
from handoff.ports import Delivery, OutgoingMessage, WorkerDelivery

log = get_logger(__name__)

WEB = "web"
TELEGRAM = "telegram"
STAFF = "staff"
BOT = "bot"
_REPLY_TOKEN_PREFIX = "staff_reply:"  # noqa: S105 - a key prefix, not a secret
_WEB_RETRY_SECONDS = (2.0, 5.0, 15.0, 60.0, 300.0)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """What a 回复工作人员 button stands for."""

    case_id: str
    conversation_id: str


class ReplyTokens:
    """Short random tokens for 回复工作人员 buttons, each standing for (case, conversation) in
    the session store under the server key, expiring with the session."""

    def __init__(self, kv: KeyValueStore, vault: Vault, ttl_seconds: int) -> None:
        self._kv = kv
        self._vault = vault
        self._ttl = ttl_seconds

    async def issue(self, case_id: str, conversation_id: str) -> str:
        """A new token for a reply to ``case_id`` from ``conversation_id``."""
        token = secrets.token_urlsafe(12)
        value = json.dumps({"case": case_id, "conversation": conversation_id})
        await self._kv.set(_REPLY_TOKEN_PREFIX + token, self._vault.encrypt(value), self._ttl)
        return token

    async def resolve(self, token: str, conversation_id: str) -> ReplyTarget | None:
        """The case a token stands for, only from the conversation it was given to."""
        if not token or len(token) > 64:
            return None
        raw = await self._kv.get(_REPLY_TOKEN_PREFIX + token)
        if raw is None:
            return None
        try:
            data = json.loads(self._vault.decrypt(raw))
        except (DecryptionError, ValueError):
            return None
        if data.get("conversation") != conversation_id or not isinstance(data.get("case"), str):
            return None
        return ReplyTarget(data["case"], conversation_id)


def web_payload(replies: Sequence[Reply], author: str) -> dict[str, Any]:
    """What an open web page receives: replies as the chat API shapes them, and who speaks."""
    return {
        "from": author,
        "replies": [
            {
                "text": r.text,
                "buttons": [{"title": b.title, "payload": b.payload} for b in r.buttons],
            }
            for r in replies
        ],
    }


def _outgoing(reply: Reply) -> OutgoingMessage:
    return OutgoingMessage(reply.text, tuple((b.title, b.payload) for b in reply.buttons))


def _reply(message: OutgoingMessage) -> Reply:
    return Reply(message.text, tuple(Button(title, payload) for title, payload in message.buttons))


@dataclass(frozen=True, slots=True)
class DeliveryParts:
    """What delivery works with."""

    conversations: ConversationRepository
    outbox: OutboxRepository
    mailbox: Mailbox
    tokens: ReplyTokens
    mailbox_ttl_seconds: int


class ChannelDelivery:
    """``WorkerDelivery`` over the web chat's mailbox and the Telegram outbox."""

    def __init__(self, parts: DeliveryParts) -> None:
        self._parts = parts
        self._prompts = load_prompts("live")
        self._channels: dict[str, WorkerDelivery] = {}

    def register(self, channel: str, delivery: WorkerDelivery | None) -> None:
        """Let a channel running in this process deliver its conversations' messages itself
        (Telegram: queued and sent at once); None hands them back to the outbox."""
        if delivery is None:
            self._channels.pop(channel, None)
        else:
            self._channels[channel] = delivery

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        """A caseworker's messages to the worker (a case's get a 回复工作人员 button)."""
        replies = [_reply(m) for m in messages]
        if case_id is not None and replies:
            try:
                token = await self._parts.tokens.issue(case_id, conversation_id)
            except StoreUnavailableError:
                token = None  # the worker can still answer with the receipt
            if token is not None:
                button = Button(self._prompts.text("reply_button"), reply_payload(token))
                last = replies[-1]
                replies[-1] = Reply(last.text, (*last.buttons, button))
        return await self.push(
            conversation_id, replies, author=STAFF, case_id=case_id, live_chat_id=live_chat_id
        )

    async def push(
        self,
        conversation_id: str,
        replies: Sequence[Reply],
        *,
        author: str = BOT,
        case_id: str | None = None,
        live_chat_id: str | None = None,
    ) -> Delivery:
        """Send replies into a conversation outside a turn (``author`` staff or bot)."""
        try:
            reach = await asyncio.to_thread(self._reach, conversation_id)
        except DatabaseUnavailableError:
            # Without the database the address cannot be read and nothing can be queued.
            log.error("delivery_database_unavailable")
            return Delivery.UNKNOWN
        if reach is None:
            return Delivery.UNKNOWN
        address, unreachable = reach
        if unreachable:
            return Delivery.UNREACHABLE
        if address.channel == WEB:
            return await self._to_web(
                address, conversation_id, replies, author, case_id, live_chat_id
            )
        messages = [_outgoing(r) for r in replies]
        channel = self._channels.get(address.channel)
        if channel is not None:
            return await channel.deliver(
                conversation_id, messages, case_id=case_id, live_chat_id=live_chat_id
            )
        if address.channel == TELEGRAM:  # the Telegram process sends it from the outbox
            return await self._queue(conversation_id, TELEGRAM, messages, case_id, live_chat_id)
        log.info("delivery_channel_cannot_receive", channel=address.channel)
        return Delivery.UNREACHABLE

    def _reach(self, conversation_id: str) -> tuple[ConversationAddress, bool] | None:
        address = self._parts.conversations.address(conversation_id)
        if address is None:
            return None
        return address, bool(self._parts.outbox.is_unreachable(conversation_id))

    async def _to_web(
        self,
        address: ConversationAddress,
        conversation_id: str,
        replies: Sequence[Reply],
        author: str,
        case_id: str | None,
        live_chat_id: str | None,
    ) -> Delivery:
        parts = self._parts
        key = parts.conversations.key_index(WEB, address.key)
        try:
            await parts.mailbox.publish(
                key, web_payload(replies, author), parts.mailbox_ttl_seconds
            )
        except StoreUnavailableError:
            log.warning("web_delivery_deferred")
            messages = [_outgoing(r) for r in replies]
            return await self._queue(conversation_id, WEB, messages, case_id, live_chat_id)
        return Delivery.DELIVERED

    async def _queue(
        self,
        conversation_id: str,
        channel: str,
        messages: Sequence[OutgoingMessage],
        case_id: str | None,
        live_chat_id: str | None,
    ) -> Delivery:
        try:
            await asyncio.to_thread(
                self._parts.outbox.enqueue,
                conversation_id,
                channel,
                messages,
                live_chat_id=live_chat_id,
            )
        except DatabaseUnavailableError:
            log.error("delivery_not_queued_database_unavailable", channel=channel)
            return Delivery.UNKNOWN
        return Delivery.QUEUED


class WebOutboxSender:
    """Retries web messages that could not be put in the mailbox (the store was down), in
    order, with backoff; the console sees them as pending until they are out."""

    def __init__(
        self,
        outbox: OutboxRepository,
        conversations: ConversationRepository,
        mailbox: Mailbox,
        ttl_seconds: int,
    ) -> None:
        self._outbox = outbox
        self._conversations = conversations
        self._mailbox = mailbox
        self._ttl = ttl_seconds

    async def send_due(self) -> int:
        """Send what is due now; returns how many messages went out."""
        sent = 0
        outbox = self._outbox
        for conversation_id in await asyncio.to_thread(outbox.due_conversations, WEB):
            items = await asyncio.to_thread(outbox.claim, conversation_id, lease_seconds=30)
            for index, item in enumerate(items):
                key = self._conversations.key_index(WEB, item.address.key)
                try:
                    await self._mailbox.publish(
                        key, web_payload([_reply(item.message)], STAFF), self._ttl
                    )
                except StoreUnavailableError as exc:
                    delay = _WEB_RETRY_SECONDS[min(item.attempts, len(_WEB_RETRY_SECONDS) - 1)]
                    await asyncio.to_thread(
                        outbox.retry_later,
                        item.id,
                        utcnow() + timedelta(seconds=delay),
                        type(exc).__name__,
                        release=[i.id for i in items[index + 1 :]],
                    )
                    break
                await asyncio.to_thread(outbox.mark_sent, item.id)
                sent += 1
        return sent


class ChannelControl:
    """``ConversationControl``: tell the worker a person took over or handed back."""

    def __init__(self, delivery: ChannelDelivery) -> None:
        self._delivery = delivery
        self._prompts = load_prompts("live")

    async def taken_over(self, conversation_id: str) -> None:
        """A caseworker speaks now; the bot stays silent (bot/live.py's leading route)."""
        await self._delivery.push(conversation_id, [Reply(self._prompts.text("taken_over"))])

    async def handed_back(self, conversation_id: str) -> None:
        """The bot answers again."""
        reply = Reply(
            self._prompts.text("handed_back"), self._prompts.buttons("handed_back_buttons")
        )
        await self._delivery.push(conversation_id, [reply])
