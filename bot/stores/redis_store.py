"""Redis implementations: shared by any number of processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.stores.base import MailboxEvent, StoreUnavailableError
from bot.stores.waiters import Waiters
from handoff.live.bus import RESYNC, Listener, RedisBus

_PREFIX = "gongyou:"
_MAX_EVENTS_PER_KEY = 200
_STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")
MAILBOX_TOPIC = "mailbox"
# Open pages read their mailboxes in bursts (one wake-up, many readers): share a few connections.
_MAILBOX_CONNECTIONS = 16
_POOL_WAIT_SECONDS = 5.0


def connect(url: str, *, socket_timeout: float | None, max_connections: int | None = None) -> Redis:
    """A client that reconnects: a pooled connection closed by a Redis restart is retried on a
    fresh one (with backoff) instead of failing the request. With ``max_connections`` the pool
    is capped and a burst waits for a free connection instead of opening one per caller."""
    options: dict[str, Any] = {
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": 3,
        "retry": Retry(ExponentialBackoff(cap=0.5, base=0.02), retries=4),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "health_check_interval": 30,
    }
    if max_connections is None:
        return Redis.from_url(url, **options)
    pool = BlockingConnectionPool.from_url(
        url, max_connections=max_connections, timeout=_POOL_WAIT_SECONDS, **options
    )
    return Redis.from_pool(pool)


class RedisKeyValueStore:
    """Values with TTL, counters and distributed locks (redis-py's Lua-based Lock)."""

    def __init__(self, client: Redis) -> None:
        self._redis = client

    @classmethod
    def from_url(cls, url: str) -> RedisKeyValueStore:
        """Connect lazily to ``url`` (redis://host:port/db)."""
        return cls(connect(url, socket_timeout=5))

    async def get(self, key: str) -> bytes | None:
        """The value, or None when missing or expired."""
        try:
            value = cast("bytes | None", await self._redis.get(_PREFIX + key))
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        return value

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Store a value that expires after ``ttl_seconds``."""
        try:
            await self._redis.set(_PREFIX + key, value, ex=ttl_seconds)
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc

    async def delete(self, key: str) -> None:
        """Remove a key."""
        try:
            await self._redis.delete(_PREFIX + key)
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc

    async def incr(self, key: str, ttl_seconds: int) -> int:
        """Increment a counter; the TTL is set when the counter is created."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(_PREFIX + key)
                pipe.expire(_PREFIX + key, ttl_seconds, nx=True)
                value, _ = await pipe.execute()
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        return int(value)

    @asynccontextmanager
    async def lock(self, key: str, timeout_seconds: float = 10.0) -> AsyncIterator[None]:
        """A lock that expires by itself if its holder dies."""
        lock = self._redis.lock(
            _PREFIX + "lock:" + key, timeout=timeout_seconds, blocking_timeout=timeout_seconds
        )
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        if not acquired:
            raise TimeoutError("conversation is busy")
        try:
            yield
        finally:
            # If it expired while we worked, the next holder is already safe: nothing to undo.
            with contextlib.suppress(LockError):
                await lock.release()

    async def ping(self) -> bool:
        """True when Redis answers."""
        try:
            return bool(await self._redis.ping())
        except RedisError:
            return False

    async def disconnect(self) -> None:
        """Close the pooled connections (they belong to the loop that opened them)."""
        await self._redis.connection_pool.disconnect()

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


class RedisMailbox:
    """One Redis stream per conversation, capped and expiring.

    A reader never blocks a Redis connection: it reads by cursor (non-blocking XREAD), and if
    nothing is there it waits for this process's one subscriber (:class:`RedisBus`) to say the
    stream changed, then reads again. Five hundred open chats cost one subscribing connection,
    not five hundred blocked ones.
    """

    def __init__(self, client: Redis, bus: RedisBus, *, owns_bus: bool = False) -> None:
        self._redis = client
        self._bus = bus
        self._owns_bus = owns_bus
        self._waiters = Waiters()
        self._listener: Listener | None = None

    @classmethod
    def from_url(cls, url: str, bus: RedisBus | None = None) -> RedisMailbox:
        """Connect lazily to ``url``; readers are woken through ``bus`` (one per process)."""
        client = connect(url, socket_timeout=5, max_connections=_MAILBOX_CONNECTIONS)
        if bus is None:
            return cls(client, RedisBus(url), owns_bus=True)
        return cls(client, bus)

    async def publish(self, key: str, data: dict[str, Any], ttl_seconds: int) -> str:
        """XADD the event (capped length), refresh the stream's expiry, wake the readers."""
        stream = _PREFIX + "mailbox:" + key
        payload = json.dumps(data, ensure_ascii=False)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.xadd(stream, {"d": payload}, maxlen=_MAX_EVENTS_PER_KEY, approximate=True)
                pipe.expire(stream, ttl_seconds)
                pipe.publish(self._bus.channel(MAILBOX_TOPIC), key)
                event_id, _, _ = await pipe.execute()
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        return event_id.decode() if isinstance(event_id, bytes) else str(event_id)

    async def _read_now(self, key: str, after: str | None) -> list[MailboxEvent]:
        stream = _PREFIX + "mailbox:" + key
        cursor = after if after and _STREAM_ID.fullmatch(after) else "0-0"
        try:
            response = cast(
                "list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]]",
                await self._redis.xread({stream: cursor}, count=100),
            )
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        events: list[MailboxEvent] = []
        for _stream, entries in response or []:
            for event_id, fields in entries:
                data = json.loads(fields[b"d"])
                eid = event_id.decode() if isinstance(event_id, bytes) else str(event_id)
                events.append(MailboxEvent(id=eid, data=data))
        return events

    def _follow(self) -> None:
        if self._listener is None:
            self._listener = self._bus.listen(MAILBOX_TOPIC, self._on_wake)
        else:
            self._bus.ensure_running()

    def _on_wake(self, key: str) -> None:
        if key == RESYNC:
            self._waiters.wake_all()
        else:
            self._waiters.wake(key)

    async def read(self, key: str, after: str | None, timeout_seconds: float) -> list[MailboxEvent]:
        """Events after the cursor, waiting up to the timeout for the first to arrive."""
        if timeout_seconds <= 0:
            return await self._read_now(key, after)
        self._follow()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_seconds
        with self._waiters.waiting(key) as woken:
            while True:
                woken.clear()  # before reading: a wake-up during the read is not lost
                found = await self._read_now(key, after)
                remaining = deadline - loop.time()
                if found or remaining <= 0:
                    return found
                # Woken for another reason (a resync, a deletion): read again, wait again.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await woken.wait()

    async def delete(self, key: str) -> None:
        """Delete the conversation's stream and wake its readers."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(_PREFIX + "mailbox:" + key)
                pipe.publish(self._bus.channel(MAILBOX_TOPIC), key)
                await pipe.execute()
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc

    @property
    def waiting_readers(self) -> int:
        """Readers of this process waiting right now (for tests and benchmarks)."""
        return len(self._waiters)

    async def disconnect(self) -> None:
        """Close the pooled connections (they belong to the loop that opened them)."""
        await self._redis.connection_pool.disconnect()

    async def close(self) -> None:
        """Stop following and close the connection pool."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._owns_bus:
            await self._bus.close()
        await self._redis.aclose()
