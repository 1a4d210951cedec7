"""In-process stores for the embedded default and for tests (one process only)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.stores.base import MailboxEvent
from bot.stores.waiters import Waiters

_MAX_EVENTS_PER_KEY = 200


class InMemoryKeyValueStore:
    """Dictionary with expiry and asyncio locks; same behaviour as the Redis store."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[bytes, float]] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def _live(self, key: str) -> bytes | None:
        item = self._values.get(key)
        if item is None:
            return None
        value, expires_at = item
        if expires_at <= time.monotonic():
            del self._values[key]
            return None
        return value

    async def get(self, key: str) -> bytes | None:
        """The value, or None when missing or expired."""
        return self._live(key)

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Store a value that expires after ``ttl_seconds``."""
        self._values[key] = (value, time.monotonic() + ttl_seconds)

    async def delete(self, key: str) -> None:
        """Remove a key."""
        self._values.pop(key, None)

    async def incr(self, key: str, ttl_seconds: int) -> int:
        """Increment a counter; the TTL is set when the counter is created."""
        current = self._live(key)
        if current is None:
            self._values[key] = (b"1", time.monotonic() + ttl_seconds)
            return 1
        value = int(current) + 1
        self._values[key] = (str(value).encode(), self._values[key][1])
        return value

    @asynccontextmanager
    async def lock(self, key: str, timeout_seconds: float = 10.0) -> AsyncIterator[None]:
        """An asyncio lock per key (enough within one process)."""
        lock = self._locks[key]
        # asyncio.timeout rather than wait_for: the same TimeoutError, without a task per
        # message (wait_for wraps the acquire in one, even when the lock is free).
        async with asyncio.timeout(timeout_seconds):
            await lock.acquire()
        try:
            yield
        finally:
            lock.release()

    async def ping(self) -> bool:
        """Always reachable."""
        return True

    async def disconnect(self) -> None:
        """No connections."""

    async def close(self) -> None:
        """Nothing to release."""


class InMemoryMailbox:
    """Per-key event lists; waiters in any event loop are woken thread-safely."""

    def __init__(self) -> None:
        self._events: dict[str, list[MailboxEvent]] = defaultdict(list)
        self._counter = 0
        self._waiters = Waiters()

    async def publish(self, key: str, data: dict[str, Any], ttl_seconds: int) -> str:
        """Append an event and wake readers of this key."""
        self._counter += 1
        event = MailboxEvent(id=str(self._counter), data=data)
        events = self._events[key]
        events.append(event)
        del events[:-_MAX_EVENTS_PER_KEY]
        self._waiters.wake(key)
        return event.id

    def _after(self, key: str, after: str | None) -> list[MailboxEvent]:
        events = self._events.get(key, [])
        if after is None:
            return list(events)
        try:
            cursor = int(after)
        except ValueError:
            return list(events)
        return [e for e in events if int(e.id) > cursor]

    async def read(self, key: str, after: str | None, timeout_seconds: float) -> list[MailboxEvent]:
        """Events after the cursor, waiting up to the timeout for new ones."""
        found = self._after(key, after)
        if found or timeout_seconds <= 0:
            return found
        with self._waiters.waiting(key) as woken:
            try:
                async with asyncio.timeout(timeout_seconds):
                    await woken.wait()
            except TimeoutError:
                return []
        return self._after(key, after)

    async def delete(self, key: str) -> None:
        """Forget the conversation's events and wake its readers (they find nothing)."""
        self._events.pop(key, None)
        self._waiters.wake(key)

    @property
    def waiting_readers(self) -> int:
        """Readers waiting right now (for tests)."""
        return len(self._waiters)

    async def disconnect(self) -> None:
        """No connections."""

    async def close(self) -> None:
        """Nothing to release."""
