"""Long polling (``gongyou telegram --polling``): fetch updates, handle each chat's in order and
different chats side by side, and confirm an update to Telegram only once it is handled.

getUpdates confirms every update below the offset it is given, so the offset never passes an
update still being handled: after a crash, Telegram hands back whatever was not finished, and
the adapter recognises the ones that were (their replies are already in the outbox).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.channels.telegram.api import TelegramApi
from bot.channels.telegram.failures import retry_after_seconds
from bot.channels.telegram.updates import Incoming, read_raw
from bot.log import get_logger
from bot.stores.base import StoreUnavailableError
from handoff.errors import DatabaseUnavailableError

log = get_logger(__name__)

_TRANSIENT = (StoreUnavailableError, DatabaseUnavailableError, TimeoutError)
_MAX_BACKOFF_SECONDS = 30.0
_MAX_IN_FLIGHT = 2000
_STOP_WAIT_SECONDS = 15.0
_REFETCH_SECONDS = 0.25


@dataclass
class OffsetTracker:
    """Which updates are in hand and which offset may be confirmed."""

    in_flight: set[int] = field(default_factory=set)
    done: set[int] = field(default_factory=set)
    highest: int | None = None
    confirmed: int | None = None

    def begin(self, update_id: int) -> bool:
        """True when the update is new (not in hand, not finished, not confirmed)."""
        if update_id in self.in_flight or update_id in self.done:
            return False
        if self.confirmed is not None and update_id < self.confirmed:
            return False
        self.in_flight.add(update_id)
        self.highest = update_id if self.highest is None else max(self.highest, update_id)
        return True

    def finish(self, update_id: int) -> None:
        """The update was handled (or deliberately skipped)."""
        self.in_flight.discard(update_id)
        self.done.add(update_id)

    def next_offset(self) -> int | None:
        """The offset for the next getUpdates: the oldest update in hand, else one past the
        newest seen (None before anything was seen: Telegram then sends what is pending)."""
        if self.highest is None:
            return None
        offset = min(self.in_flight) if self.in_flight else self.highest + 1
        self.done = {d for d in self.done if d >= offset}
        self.confirmed = offset
        return offset


class Poller:
    """Fetches updates and hands them to ``handle`` chat by chat."""

    def __init__(
        self,
        api: TelegramApi,
        handle: Callable[[Incoming], Awaitable[None]],
        *,
        timeout_seconds: int,
        max_concurrent_turns: int,
    ) -> None:
        self._api = api
        self._handle = handle
        self._timeout = timeout_seconds
        self._turns = asyncio.Semaphore(max_concurrent_turns)
        self.tracker = OffsetTracker()
        self._queues: dict[int, deque[Incoming]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._progress = asyncio.Event()  # the oldest update in hand is done
        self._failures = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set, then finish what is in hand and confirm it. Cancelling
        instead is a crash: nothing more is confirmed (updates being handled still finish)."""
        await self._without_webhook(stop)
        try:
            while not stop.is_set():
                await self._poll_once(stop)
        except asyncio.CancelledError:
            for worker in self._workers:
                worker.cancel()
            raise
        await self._finish()

    async def _without_webhook(self, stop: asyncio.Event) -> None:
        """getUpdates refuses to work while a webhook is set: remove it (retrying, never
        giving up because Telegram said "too many requests")."""
        while not stop.is_set():
            try:
                await self._api.delete_webhook()
            except TelegramError as exc:
                await self._pause_after(exc, stop)
            else:
                self._failures = 0
                return

    async def _poll_once(self, stop: asyncio.Event) -> None:
        if len(self.tracker.in_flight) >= _MAX_IN_FLIGHT:
            await self._wait_for_progress(1.0)
            return
        timeout = 0 if self.tracker.in_flight else self._timeout
        fetch = asyncio.create_task(self._api.get_updates(self.tracker.next_offset(), timeout))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():  # stopping: what this poll would bring stays unconfirmed
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return
        try:
            updates = fetch.result()
        except TelegramError as exc:
            await self._pause_after(exc, stop)
            return
        self._failures = 0
        fresh = 0
        for raw in updates:
            update_id = raw.get("update_id")
            if isinstance(update_id, int) and self.tracker.begin(update_id):
                fresh += 1
                self._dispatch(read_raw(raw, self._api.bot))
        if not fresh and self.tracker.in_flight:
            # Only updates already in hand came back. Fetch again when the oldest one is done
            # (the offset can move), or after a short while for other chats' new updates.
            await self._wait_for_progress(_REFETCH_SECONDS)

    async def _pause_after(self, exc: TelegramError, stop: asyncio.Event) -> None:
        if isinstance(exc, RetryAfter):
            seconds = retry_after_seconds(exc)
        else:
            self._failures += 1
            seconds = min(_MAX_BACKOFF_SECONDS, 0.5 * 2**self._failures)
        if isinstance(exc, InvalidToken):
            log.error("telegram_token_rejected")
            seconds = _MAX_BACKOFF_SECONDS
        elif isinstance(exc, Conflict):
            log.warning("telegram_polling_conflict")  # another poller, or a webhook is set
        else:
            log.warning("telegram_polling_error", error_type=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await stop.wait()

    async def _wait_for_progress(self, timeout: float) -> None:
        self._progress.clear()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that
        # arrives as the event is set, and a crashed poller then polled on for ever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._progress.wait()

    # ---- per-chat order ---------------------------------------------------------------

    def _dispatch(self, incoming: Incoming) -> None:
        if incoming.chat_id is None:
            self.tracker.finish(incoming.update_id)
            return
        queue = self._queues.get(incoming.chat_id)
        if queue is not None:
            queue.append(incoming)
            return
        self._queues[incoming.chat_id] = deque([incoming])
        worker = asyncio.create_task(self._work(incoming.chat_id))
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def _work(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue:
                incoming = queue[0]
                async with self._turns:
                    # Shielded: stopping (or a crash drill) never cuts an update in half.
                    await asyncio.shield(self._process(incoming))
                queue.popleft()
                oldest = incoming.update_id == min(self.tracker.in_flight)
                self.tracker.finish(incoming.update_id)
                if oldest:
                    self._progress.set()
        finally:
            if self._queues.get(chat_id) is queue:
                del self._queues[chat_id]

    async def _process(self, incoming: Incoming) -> None:
        failures = 0
        while True:
            try:
                await self._handle(incoming)
            except _TRANSIENT as exc:
                failures += 1
                log.warning("telegram_update_retry", error_type=type(exc).__name__)
                await asyncio.sleep(min(_MAX_BACKOFF_SECONDS, 0.5 * 2**failures))
            except Exception as exc:  # noqa: BLE001 - one bad update must not stall the bot
                log.error("telegram_update_failed", error_type=type(exc).__name__)
                return
            else:
                return

    async def _finish(self) -> None:
        """Let the updates in hand finish, then confirm them so they are not sent again."""
        if self._workers:
            await asyncio.wait(set(self._workers), timeout=_STOP_WAIT_SECONDS)
        offset = self.tracker.next_offset()
        if offset is None:
            return
        with contextlib.suppress(TelegramError):
            await self._api.get_updates(offset, timeout=0, limit=1)
