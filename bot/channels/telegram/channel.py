"""The Telegram channel, assembled: receive (polling or webhook), send (outbox), and the
delivery entry points the caseworker console uses.

Who sends: in webhook mode every web process receives and sends; in polling mode the poller
process does, and a web process only queues (its rows are sent by the poller's sweep within
``sweep_interval_seconds``). Without Redis the two processes share no memory, so this keeps the
buttons of a message and the taps on them in the same process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import time
from collections.abc import Sequence
from typing import Any

from telegram.error import TelegramError

from bot.channels.telegram.adapter import AdapterParts, TelegramAdapter, to_outgoing
from bot.channels.telegram.api import TelegramApi
from bot.channels.telegram.buttons import Keyboards
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.registration import webhook_secret, webhook_secrets
from bot.channels.telegram.sender import CHANNEL, OutboxSender
from bot.channels.telegram.settings import TelegramSecrets, TelegramSettings
from bot.channels.telegram.updates import read_raw
from bot.log import get_logger
from bot.messages import Reply
from bot.runtime import Runtime
from handoff.db import session_factory
from handoff.errors import DatabaseUnavailableError
from handoff.outbox import FAILED, SENT, UNREACHABLE, OutboxRepository
from handoff.ports import Delivery, OutgoingMessage

log = get_logger(__name__)


class TelegramNotConfiguredError(RuntimeError):
    """No bot token: the channel cannot start."""


class TelegramChannel:
    """Receives updates, turns them into conversations, and delivers what they answer."""

    name = CHANNEL

    def __init__(
        self,
        runtime: Runtime,
        settings: TelegramSettings,
        secrets: TelegramSecrets,
        *,
        sends: bool = True,
    ) -> None:
        if not secrets.token:
            raise TelegramNotConfiguredError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.sends = sends
        self._secrets = secrets
        self._vault = runtime.vault
        self.api = TelegramApi(
            secrets.token,
            secrets.api_base_url,
            connections=settings.max_concurrent_sends + 8,
            poll_timeout_seconds=settings.poll_timeout_seconds,
        )
        self.outbox = OutboxRepository(session_factory(runtime.engine), runtime.vault)
        keyboards = Keyboards(runtime.kv, runtime.vault, settings.button_ttl_hours * 3600)

        def chat_key(chat_id: str) -> str:
            return runtime.core.session_key(CHANNEL, chat_id)

        self._chat_key = chat_key
        self.sender = OutboxSender(
            outbox=self.outbox,
            api=self.api,
            keyboards=keyboards,
            chat_key=chat_key,
            settings=settings,
        )
        self.adapter = TelegramAdapter(
            AdapterParts(
                core=runtime.core,
                store=runtime.kv,
                vault=runtime.vault,
                outbox=self.outbox,
                api=self.api,
                keyboards=keyboards,
                sender=self.sender,
                settings=settings,
                bot_id=secrets.bot_id,
            )
        )
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._register_channel = runtime.register_channel

    @property
    def webhook_secret(self) -> str:
        """The secret Telegram sends with each webhook request (see ``registration``)."""
        return webhook_secret(self._secrets, self._vault)

    def accepts_secret(self, given: str) -> bool:
        """True when ``given`` is the webhook secret (or one from before a key rotation)."""
        return any(
            hmac.compare_digest(given.encode(), secret.encode())
            for secret in webhook_secrets(self._secrets, self._vault)
        )

    # ---- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Start the outbox sweep (when this process sends); caseworkers' messages to Telegram
        conversations then go through :meth:`deliver` (sent at once)."""
        if self.sends:
            self._spawn(self.sender.run(self._stop))
            self._register_channel(CHANNEL, self)

    async def stop(self) -> None:
        """Stop sweeping, let sends in progress finish, close connections."""
        self._register_channel(CHANNEL, None)
        self._stop.set()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=10)
        await self.sender.close()
        with contextlib.suppress(TelegramError):
            await self.api.close()

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- receiving --------------------------------------------------------------------

    def poller(self) -> Poller:
        """A long-polling loop feeding this channel."""
        return Poller(
            self.api,
            self.adapter.handle,
            timeout_seconds=self.settings.poll_timeout_seconds,
            max_concurrent_turns=self.settings.max_concurrent_turns,
        )

    async def process(self, data: dict[str, Any]) -> None:
        """Handle one update as Telegram sends it (a webhook body). Raises only when nothing
        was done and Telegram should deliver it again (store or database down)."""
        await self.adapter.handle(read_raw(data, self.api.bot))

    # ---- delivering (for the caseworker console) --------------------------------------

    async def send(self, conversation_key: str, replies: Sequence[Reply]) -> None:
        """Deliver ``replies`` to the Telegram chat ``conversation_key`` (the chat id).

        Contract: returns once the replies are durably queued in the outbox (one row each), in
        order after anything queued before for that chat; it does not wait for Telegram. 429s
        and network errors are retried with backoff until Telegram accepts each message; a
        blocked bot (403) marks the conversation unreachable. A chat with no conversation (the
        worker deleted their data) gets nothing and nothing is stored. Never raises for a
        delivery problem; raises ``DatabaseUnavailableError`` when nothing could be queued.
        """
        found = await asyncio.to_thread(self.outbox.conversation, self._chat_key(conversation_key))
        if found is None:
            log.info("telegram_send_to_unknown_conversation")
            return
        await self.deliver(found[0], [to_outgoing(r) for r in replies], wait_seconds=0)

    async def deliver(
        self,
        conversation_id: str,
        messages: Sequence[OutgoingMessage],
        *,
        case_id: str | None = None,
        live_chat_id: str | None = None,
        wait_seconds: float = 5.0,
    ) -> Delivery:
        """Deliver to a conversation by its internal id (``handoff.ports.WorkerDelivery``).

        Contract: the messages are queued in the outbox (one row each, tagged with
        ``live_chat_id`` for the console; never with ``case_id``, which is accepted only for
        the port's sake: a row may not link a case to a conversation), then this process tries
        to send them for up to ``wait_seconds``. Returns DELIVERED when Telegram accepted all
        of them, QUEUED when some are still waiting (429, network, or another process sends:
        polling mode), UNREACHABLE when the worker blocked the bot (nothing is queued then) or
        Telegram refused a message for good, UNKNOWN when the conversation no longer exists.
        Never raises for a delivery problem; a database outage gives QUEUED only if the rows
        were written, else raises ``DatabaseUnavailableError``.
        """
        unreachable = await asyncio.to_thread(self.outbox.is_unreachable, conversation_id)
        if unreachable is None:
            return Delivery.UNKNOWN
        if unreachable:
            return Delivery.UNREACHABLE
        ids = await asyncio.to_thread(
            self.outbox.enqueue,
            conversation_id,
            CHANNEL,
            messages,
            live_chat_id=live_chat_id,
        )
        if not ids:
            return Delivery.UNKNOWN  # the conversation was deleted meanwhile
        if not self.sends:
            return Delivery.QUEUED
        self.sender.kick(conversation_id)
        return await self._outcome(conversation_id, ids, wait_seconds)

    async def _outcome(self, conversation_id: str, ids: list[str], wait_seconds: float) -> Delivery:
        """What became of rows ``ids`` within ``wait_seconds`` (retries included)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                await self.sender.idle(conversation_id, remaining)
            try:
                states = await asyncio.to_thread(self.outbox.states, ids)
            except DatabaseUnavailableError:
                return Delivery.QUEUED
            found = set(states.values())
            if found & {UNREACHABLE, FAILED}:
                return Delivery.UNREACHABLE
            if found <= {SENT}:
                return Delivery.DELIVERED
            if deadline - time.monotonic() <= 0:
                return Delivery.QUEUED
            await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
