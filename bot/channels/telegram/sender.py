"""Delivery from the outbox to Telegram: in order per chat, every chat on its own.

Each conversation with something to send gets its own drain task, so a chat waiting out a 429
or a slow network never holds up another. A drain leases the conversation's next rows, sends
them one by one and marks each; on a retryable error it puts the row (and those leased behind
it) back with a time to try again and sets a timer. A sweep picks up what other processes
queued, retries that came due and rows whose sender died. A message is sent twice only when
Telegram accepted it and its answer was lost on the way back (or the outbox could not be told).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import TelegramError

from bot.channels.telegram.api import TelegramApi
from bot.channels.telegram.buttons import Keyboards
from bot.channels.telegram.failures import Failure, Verdict, classify, is_entity_error
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.text import split_message, to_html
from bot.log import get_logger
from handoff.errors import DatabaseUnavailableError
from handoff.models import utcnow
from handoff.outbox import OutboxItem, OutboxRepository
from handoff.ports import OutgoingMessage

log = get_logger(__name__)

CHANNEL = "telegram"
_BATCH = 10
_HOUSEKEEPING_SECONDS = 300.0
# Sent rows are kept (empty) this long: Telegram keeps an unconfirmed update for 24 hours, and
# the row's id is how a restarted process knows the update was already answered.
_KEEP_SENT = timedelta(hours=25)
_KEEP_FAILED = timedelta(days=7)
_DIRECT_ATTEMPTS = 5
_PART_JOINER = "\n"


class Throttle:
    """Spaces sends evenly at ``rate`` per second (one process, all chats together)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the next message may go."""
        now = time.monotonic()
        at = max(now, self._next)
        self._next = at + self._interval
        if at > now:
            await asyncio.sleep(at - now)


class SentMarks:
    """Group commit of "sent" marks: marks asked for while one write is under way go out
    together in the next, so many chats sending at once cost a few commits, not one each.
    Each caller waits for its own mark to be written before it claims more rows."""

    def __init__(self, outbox: OutboxRepository) -> None:
        self._outbox = outbox
        self._waiting: list[tuple[str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def mark(self, row_id: str) -> None:
        """Note ``row_id`` as sent; returns once that is written."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row_id, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await asyncio.to_thread(self._outbox.mark_sent_many, [row for row, _ in batch])
            except Exception as exc:  # noqa: BLE001 - handed to every waiter, never lost
                for _row, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _row, done in batch:
                    if not done.done():
                        done.set_result(None)


@dataclass(frozen=True, slots=True)
class Sent:
    """The message went out (Telegram accepted every part)."""


SendResult = Sent | Failure


class OutboxSender:
    """Sends what the outbox holds for Telegram conversations."""

    def __init__(
        self,
        *,
        outbox: OutboxRepository,
        api: TelegramApi,
        keyboards: Keyboards,
        chat_key: Callable[[str], str],
        settings: TelegramSettings,
    ) -> None:
        self._outbox = outbox
        self._api = api
        self._keyboards = keyboards
        self._chat_key = chat_key
        self._settings = settings
        self._throttle = Throttle(settings.messages_per_second)
        self._marks = SentMarks(outbox)
        self._sending = asyncio.Semaphore(settings.max_concurrent_sends)
        self._drains: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._leased: dict[str, list[list[OutboxItem]]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._direct: set[asyncio.Task[None]] = set()
        self._closing = False
        self._last_housekeeping = 0.0

    # ---- starting deliveries ----------------------------------------------------------

    def kick(self, conversation_id: str, leased: Sequence[OutboxItem] = ()) -> asyncio.Task[None]:
        """Make sure the conversation's outbox is being drained; ``leased`` rows (already
        leased to this process, see ``OutboxRepository.enqueue_leased``) are sent first.
        Returns the drain task."""
        if leased:
            self._leased.setdefault(conversation_id, []).append(list(leased))
        running = self._drains.get(conversation_id)
        if running is not None and not running.done():
            self._again.add(conversation_id)  # rows may have come after its last look
            return running
        task = asyncio.create_task(self._drain(conversation_id))
        self._drains[conversation_id] = task
        task.add_done_callback(lambda _t: self._forget(conversation_id, task))
        return task

    def _forget(self, conversation_id: str, task: asyncio.Task[None]) -> None:
        if self._drains.get(conversation_id) is task:
            del self._drains[conversation_id]

    def send_direct(self, chat_id: str, messages: Sequence[OutgoingMessage]) -> None:
        """Send without the outbox, for a chat that has no conversation (it was just deleted,
        or never began): a few tries in this process, nothing stored."""
        task = asyncio.create_task(self._send_direct(chat_id, messages))
        self._direct.add(task)
        task.add_done_callback(self._direct.discard)

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep the outbox until ``stop`` is set: start drains for due conversations, and now
        and then give up on very old rows and forget finished ones."""
        while not stop.is_set():
            try:
                await self.sweep()
            except DatabaseUnavailableError:
                log.warning("telegram_outbox_unavailable")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.sweep_interval_seconds):
                    await stop.wait()

    async def sweep(self) -> None:
        """One pass of :meth:`run`."""
        due = await asyncio.to_thread(self._outbox.due_conversations, CHANNEL)
        for conversation_id in due:
            if conversation_id not in self._drains:
                self.kick(conversation_id)
        if time.monotonic() - self._last_housekeeping > _HOUSEKEEPING_SECONDS:
            self._last_housekeeping = time.monotonic()
            await asyncio.to_thread(self._housekeeping)

    def _housekeeping(self) -> None:
        now = utcnow()
        expired = self._outbox.expire(
            pending_before=now - timedelta(hours=self._settings.give_up_after_hours)
        )
        purged = self._outbox.purge(sent_before=now - _KEEP_SENT, failed_before=now - _KEEP_FAILED)
        if expired or purged:
            log.info("telegram_outbox_housekeeping", expired=expired, purged=purged)

    async def idle(self, conversation_id: str, timeout: float) -> bool:
        """Wait up to ``timeout`` for the conversation's drain to finish; True when it did."""
        task = self._drains.get(conversation_id)
        if task is None:
            return True
        done, _ = await asyncio.wait({task}, timeout=timeout)
        return bool(done)

    async def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until this process sends nothing (no drain running, no direct send, no retry
        timer set); True when that happened within ``timeout``."""
        deadline = time.monotonic() + timeout
        while self._drains or self._direct or self._timers:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def close(self) -> None:
        """Stop timers and let running sends finish (a few seconds at most). Nothing new
        starts once closing begins: a retry that comes due meanwhile stays in the outbox for
        the next process (sending it here, after the connection closed, could only fail)."""
        self._closing = True
        while True:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            pending = [*self._drains.values(), *self._direct]
            if not pending:
                return
            _, late = await asyncio.wait(pending, timeout=10)
            for task in late:
                task.cancel()
            if late:
                return

    # ---- draining a conversation ------------------------------------------------------

    async def _drain(self, conversation_id: str) -> None:
        try:
            while True:
                self._again.discard(conversation_id)
                more = await self._drain_batch(conversation_id)
                if not more and conversation_id not in self._again:
                    return
        except DatabaseUnavailableError:
            log.warning("telegram_outbox_unavailable")  # the sweep comes back to it
        except Exception as exc:  # noqa: BLE001 - a drain must never die silently mid-chat
            log.error("telegram_drain_failed", error_type=type(exc).__name__)

    async def _drain_batch(self, conversation_id: str) -> bool:
        """Send one leased batch; True when there may be more to send right away."""
        waiting = self._leased.get(conversation_id)
        if waiting:
            items = waiting.pop(0)
            if not waiting:
                del self._leased[conversation_id]
        else:
            items = await asyncio.to_thread(
                self._outbox.claim,
                conversation_id,
                lease_seconds=self._settings.lease_seconds,
                limit=_BATCH,
            )
        return await self._send_batch(conversation_id, items)

    async def _send_batch(self, conversation_id: str, items: Sequence[OutboxItem]) -> bool:
        for index, item in enumerate(items):
            result = await self._send_item(item)
            if isinstance(result, Sent):
                await self._marks.mark(item.id)
                continue
            if result.verdict is Verdict.FAILED:
                log.warning("telegram_message_refused", reason=result.reason)
                await asyncio.to_thread(self._outbox.mark_failed, item.id, result.reason)
                continue
            if result.verdict is Verdict.UNREACHABLE:
                log.info("telegram_chat_unreachable", reason=result.reason)
                await asyncio.to_thread(
                    self._outbox.mark_unreachable, conversation_id, result.reason
                )
                return False
            rest = [later.id for later in items[index + 1 :]]
            await asyncio.to_thread(
                self._outbox.retry_later,
                item.id,
                utcnow() + result.delay,
                result.reason,
                release=rest,
            )
            self._wake_later(conversation_id, result.delay.total_seconds())
            log.info(
                "telegram_send_retry",
                reason=result.reason,
                delay=round(result.delay.total_seconds(), 1),
            )
            return False
        return len(items) >= _BATCH  # a full batch: there may be more behind it

    def _wake_later(self, conversation_id: str, seconds: float) -> None:
        if self._closing:
            return  # the row waits in the outbox for the next sweep, here or elsewhere
        old = self._timers.pop(conversation_id, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self._timers[conversation_id] = loop.call_later(seconds, self._wake, conversation_id)

    def _wake(self, conversation_id: str) -> None:
        self._timers.pop(conversation_id, None)
        if not self._closing:
            self.kick(conversation_id)

    async def _send_item(self, item: OutboxItem) -> SendResult:
        if item.address.channel != CHANNEL:
            return Failure(Verdict.FAILED, f"not a Telegram conversation ({item.address.channel})")

        async def keep_rest(rest: OutgoingMessage) -> None:
            await asyncio.to_thread(self._outbox.remaining, item.id, rest)

        return await self._send_message(item.address.key, item.message, item.attempts, keep_rest)

    # ---- one message ------------------------------------------------------------------

    async def _send_message(
        self,
        chat_id: str,
        message: OutgoingMessage,
        attempts: int,
        keep_rest: Callable[[OutgoingMessage], Awaitable[None]] | None = None,
    ) -> SendResult:
        """Send a message in as many parts as it needs; when a later part fails, what is
        left is handed to ``keep_rest`` so the parts already accepted are not sent again."""
        parts = (
            split_message(message.text, self._settings.max_message_chars) if message.text else []
        )
        if not parts:
            return Sent()
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            keyboard = None
            if last and message.buttons:
                keyboard = await self._keyboards.register(self._chat_key(chat_id), message.buttons)
            try:
                await self._post(chat_id, part, keyboard)
            except TelegramError as exc:
                if index > 0 and keep_rest is not None:
                    rest = OutgoingMessage(_PART_JOINER.join(parts[index:]), message.buttons)
                    await keep_rest(rest)
                return classify(
                    exc,
                    attempts,
                    base=self._settings.retry_base_seconds,
                    cap=self._settings.retry_max_seconds,
                )
        return Sent()

    async def _post(
        self, chat_id: str, text: str, keyboard: list[list[tuple[str, str]]] | None
    ) -> None:
        await self._throttle.wait()
        async with self._sending:
            try:
                await self._api.send_message(chat_id, to_html(text), keyboard)
            except TelegramError as exc:
                if not is_entity_error(exc):
                    raise
                log.error("telegram_html_rejected")  # our escaping missed something: go plain
                await self._api.send_message(chat_id, text, keyboard, html=False)

    async def _send_direct(self, chat_id: str, messages: Sequence[OutgoingMessage]) -> None:
        pending = list(messages)
        attempts = 0
        while pending and attempts < _DIRECT_ATTEMPTS:
            current = pending[0]

            async def keep(rest: OutgoingMessage) -> None:
                pending[0] = rest

            result = await self._send_message(chat_id, current, attempts, keep)
            if isinstance(result, Sent):
                pending.pop(0)
                attempts = 0
            elif result.verdict is Verdict.RETRY:
                attempts += 1
                await asyncio.sleep(result.delay.total_seconds())
            elif result.verdict is Verdict.FAILED:
                pending.pop(0)
            else:
                return
        if pending:
            log.warning("telegram_direct_send_gave_up", messages=len(pending))
