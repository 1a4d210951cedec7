"""From a Telegram update to queued replies, exactly once per ``update_id``.

Per update, under a per-chat lock (shared by every process when the store is Redis): skip it
if it was handled already, work out the replies (the conversation core for text, commands and
taps; a kind word of our own for everything else), queue them in the outbox under ids derived
from the update, then note the update as handled. The outbox row ids make the "handled" note
durable on the embedded default too: a restarted process that is handed the update again finds
its replies already queued. Sending happens afterwards, in :mod:`bot.channels.telegram.sender`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from telegram.error import TelegramError

from bot.channels.telegram.api import TelegramApi
from bot.channels.telegram.buttons import Keyboards
from bot.channels.telegram.sender import CHANNEL, OutboxSender
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.text import to_html
from bot.channels.telegram.updates import Incoming, Kind
from bot.core import ConversationCore
from bot.log import get_logger
from bot.messages import Inbound, Reply
from bot.prompts import load_prompts
from bot.stores.base import KeyValueStore
from handoff.conversations import ConversationAddress
from handoff.crypto import Vault
from handoff.models import utcnow
from handoff.outbox import OutboxItem, OutboxRepository
from handoff.ports import OutgoingMessage

log = get_logger(__name__)

_HANDLED_TTL = 48 * 3600  # longer than Telegram keeps an unconfirmed update (24 hours)
_CHAT_LOCK_SECONDS = 60.0
_PUBLIC_NOTICE_SECONDS = 3600  # a group or channel is told at most once an hour
_SIDE_CALL_SECONDS = 10.0
_SIMPLE_PROMPTS = {
    Kind.EDITED: "edited",
    Kind.STICKER: "sticker",
    Kind.LOCATION: "location",
    Kind.CONTACT: "contact",
    Kind.OTHER: "unsupported",
}


def to_outgoing(reply: Reply) -> OutgoingMessage:
    """The channel-free shape of a reply, as the outbox keeps it."""
    return OutgoingMessage(reply.text, tuple((b.title, b.payload) for b in reply.buttons))


@dataclass(frozen=True, slots=True)
class AdapterParts:
    """What the adapter works with."""

    core: ConversationCore
    store: KeyValueStore
    vault: Vault
    outbox: OutboxRepository
    api: TelegramApi
    keyboards: Keyboards
    sender: OutboxSender
    settings: TelegramSettings
    bot_id: str


class TelegramAdapter:
    """Handles updates: replies come from the core or from ``bot/prompts/telegram.yml``."""

    def __init__(self, parts: AdapterParts) -> None:
        self._p = parts
        self._prompts = load_prompts("telegram")
        self._side_calls: set[asyncio.Task[None]] = set()

    def chat_key(self, chat_id: str) -> str:
        """The blind index of a chat (the conversation's key index and session key)."""
        return self._p.core.session_key(CHANNEL, chat_id)

    def row_id(self, update_id: int, index: int) -> str:
        """The outbox id of an update's ``index``-th reply: the same in every process."""
        return self._p.vault.blind_index(
            "telegram-update", self._p.bot_id, str(update_id), str(index)
        )[:32]

    async def handle(self, incoming: Incoming) -> None:
        """Act on one update, at most once however often it is delivered.

        Raises only when nothing was done (the store or database is down, or the chat stayed
        locked): the caller delivers the update again later.
        """
        if incoming.kind is Kind.IGNORE or incoming.chat_id is None:
            return
        chat_id = str(incoming.chat_id)
        key = self.chat_key(chat_id)
        if incoming.kind in (Kind.GROUP, Kind.CHANNEL):
            await self._tell_public_chat(incoming, chat_id, key)
            return
        async with self._p.store.lock("tg:chat:" + key, timeout_seconds=_CHAT_LOCK_SECONDS):
            if await self._handled_before(incoming.update_id):
                log.info("telegram_update_repeated")
                return
            log.info("telegram_update", kind=incoming.kind.value)
            replies = await self._replies(incoming, chat_id, key)
            await self._queue(incoming.update_id, chat_id, key, replies)
            await self._p.store.set(self._handled_key(incoming.update_id), b"1", _HANDLED_TTL)

    def _handled_key(self, update_id: int) -> str:
        return f"tg:update:{self._p.bot_id}:{update_id}"

    async def _handled_before(self, update_id: int) -> bool:
        if await self._p.store.get(self._handled_key(update_id)) is not None:
            return True
        return await asyncio.to_thread(self._p.outbox.exists, self.row_id(update_id, 0))

    # ---- replies ----------------------------------------------------------------------

    async def _replies(self, incoming: Incoming, chat_id: str, key: str) -> list[Reply]:
        """The replies to an update; every kind of update counts toward the per-chat limit,
        and the first one over it is told why the bot goes quiet for the minute."""
        if incoming.kind is Kind.TAP:
            self._answer_tap(incoming)
        count = await self._p.store.incr("tg:rate:" + key, ttl_seconds=60)
        if count > self._p.settings.updates_per_minute_per_chat:
            if count == self._p.settings.updates_per_minute_per_chat + 1:
                log.warning("telegram_chat_over_rate_limit")
                return [Reply(self._prompts.text("too_fast"))]
            return []
        kind = incoming.kind
        if kind is Kind.TEXT:
            return await self._turn(chat_id, text=incoming.text)
        if kind is Kind.COMMAND:
            return await self._command(chat_id, incoming.payload or "/menu")
        if kind is Kind.TAP:
            return await self._tap(incoming, chat_id, key)
        if kind is Kind.MEDIA:
            if not incoming.text.strip():
                return [Reply(self._prompts.text("media"))]
            note = Reply(self._prompts.text("media_with_caption"))
            return [note, *await self._turn(chat_id, text=incoming.text)]
        if kind is Kind.UNKNOWN_COMMAND:
            return [self._with_menu("unknown_command")]
        if kind in (Kind.BLOCKED, Kind.UNBLOCKED):
            await self._reachability(key, blocked=kind is Kind.BLOCKED)
            return []
        return [Reply(self._prompts.text(_SIMPLE_PROMPTS.get(kind, "unsupported")))]

    async def _turn(
        self, chat_id: str, *, text: str = "", payload: str | None = None
    ) -> list[Reply]:
        inbound = Inbound(channel=CHANNEL, conversation_key=chat_id, text=text, payload=payload)
        return await self._p.core.handle(inbound)

    async def _command(self, chat_id: str, payload: str) -> list[Reply]:
        replies = await self._turn(chat_id, payload=payload)
        if payload in ("/greet", "/help") and replies:
            first = replies[0]
            note = self._prompts.text("mainland_note")
            replies[0] = Reply(f"{first.text}\n\n{note}", first.buttons)
        return replies

    async def _tap(self, incoming: Incoming, chat_id: str, key: str) -> list[Reply]:
        payload = await self._p.keyboards.resolve(key, incoming.callback_data or "")
        if payload is None:
            log.info("telegram_stale_button")
            self._retire_buttons(incoming, chat_id, chosen=None)
            return [self._with_menu("stale_button")]
        self._retire_buttons(incoming, chat_id, chosen=incoming.tapped_title or "✓")
        return await self._turn(chat_id, payload=payload)

    def _with_menu(self, prompt: str) -> Reply:
        return Reply(self._prompts.text(prompt), self._prompts.buttons("menu_button"))

    # ---- side calls of a tap ----------------------------------------------------------

    def _answer_tap(self, incoming: Incoming) -> None:
        """Stop the tapped button's spinner (a courtesy: it runs beside the turn, may fail)."""
        if incoming.callback_query_id:
            self._side_call(self._p.api.answer_callback_query(incoming.callback_query_id))

    def _retire_buttons(self, incoming: Incoming, chat_id: str, *, chosen: str | None) -> None:
        """Take the buttons off the tapped message so older buttons are not tapped by mistake,
        noting which one was chosen (a courtesy, like the spinner)."""
        if incoming.message_id is None or not incoming.message_text:
            return
        text = to_html(incoming.message_text)
        if chosen is not None:
            text += "\n\n" + to_html(self._prompts.text("tapped", title=chosen))
        self._side_call(self._p.api.edit_message_text(chat_id, incoming.message_id, text))

    def _side_call(self, call: Coroutine[Any, Any, None]) -> None:
        async def run() -> None:
            with contextlib.suppress(TelegramError, TimeoutError):
                async with asyncio.timeout(_SIDE_CALL_SECONDS):
                    await call

        task = asyncio.create_task(run())
        self._side_calls.add(task)
        task.add_done_callback(self._side_calls.discard)

    # ---- queueing ---------------------------------------------------------------------

    async def _queue(
        self, update_id: int, chat_id: str, key: str, replies: Sequence[Reply]
    ) -> None:
        if not replies:
            return
        messages = [to_outgoing(r) for r in replies]
        found = await asyncio.to_thread(self._p.outbox.conversation, key)
        if found is None:  # deleted in this very turn, or never begun: keep nothing
            self._p.sender.send_direct(chat_id, messages)
            return
        conversation_id, unreachable = found
        if unreachable:  # the worker wrote: they can be reached again
            await asyncio.to_thread(self._p.outbox.mark_reachable, conversation_id)
        ids = [self.row_id(update_id, i) for i in range(len(messages))]
        queued, leased = await asyncio.to_thread(
            self._p.outbox.enqueue_leased,
            conversation_id,
            CHANNEL,
            messages,
            ids=ids,
            lease_seconds=self._p.settings.lease_seconds,
        )
        address = ConversationAddress(CHANNEL, chat_id)
        items = [
            OutboxItem(row_id, conversation_id, address, message, 0, utcnow())
            for row_id, message in zip(queued, messages, strict=True)
        ]
        self._p.sender.kick(conversation_id, leased=items if leased else ())

    async def _reachability(self, key: str, *, blocked: bool) -> None:
        found = await asyncio.to_thread(self._p.outbox.conversation, key)
        if found is None:
            return
        conversation_id, unreachable = found
        if blocked and not unreachable:
            log.info("telegram_chat_blocked_bot")
            await asyncio.to_thread(self._p.outbox.mark_unreachable, conversation_id, "blocked")
        elif not blocked and unreachable:
            await asyncio.to_thread(self._p.outbox.mark_reachable, conversation_id)

    async def _tell_public_chat(self, incoming: Incoming, chat_id: str, key: str) -> None:
        """A group or channel is told (at most hourly) that the bot talks only in private; it
        never gets a conversation, a turn of the core, or anything stored but a counter."""
        count = await self._p.store.incr("tg:public:" + key, ttl_seconds=_PUBLIC_NOTICE_SECONDS)
        if count > 1:
            return
        prompt = "channel_refused" if incoming.kind is Kind.CHANNEL else "group_refused"
        log.info("telegram_public_chat_refused", kind=incoming.kind.value)
        self._p.sender.send_direct(chat_id, [OutgoingMessage(self._prompts.text(prompt))])
