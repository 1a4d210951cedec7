"""Redis implementations: shared by any number of processes."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.stores.base import MailboxEvent, StoreUnavailableError

_PREFIX = "gongyou:"
_MAX_EVENTS_PER_KEY = 200
_STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")


def connect(url: str, *, socket_timeout: float | None) -> Redis:
    """A client that reconnects: a pooled connection closed by a Redis restart is retried on a
    fresh one (with backoff) instead of failing the request."""
    return Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=3,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.02), retries=4),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=30,
    )


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

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


class RedisMailbox:
    """One Redis stream per conversation, capped and expiring; readers block with XREAD."""

    def __init__(self, client: Redis) -> None:
        self._redis = client

    @classmethod
    def from_url(cls, url: str) -> RedisMailbox:
        """Connect lazily to ``url``."""
        return cls(connect(url, socket_timeout=None))

    async def publish(self, key: str, data: dict[str, Any], ttl_seconds: int) -> str:
        """XADD the event (capped length) and refresh the stream's expiry."""
        stream = _PREFIX + "mailbox:" + key
        payload = json.dumps(data, ensure_ascii=False)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.xadd(stream, {"d": payload}, maxlen=_MAX_EVENTS_PER_KEY, approximate=True)
                pipe.expire(stream, ttl_seconds)
                event_id, _ = await pipe.execute()
        except RedisError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        return event_id.decode() if isinstance(event_id, bytes) else str(event_id)

    async def read(self, key: str, after: str | None, timeout_seconds: float) -> list[MailboxEvent]:
        """XREAD after the cursor, blocking up to the timeout."""
        stream = _PREFIX + "mailbox:" + key
        cursor = after if after and _STREAM_ID.fullmatch(after) else "0-0"
        block = int(timeout_seconds * 1000) if timeout_seconds > 0 else None
        try:
            response = cast(
                "list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]]",
                await self._redis.xread({stream: cursor}, count=100, block=block),
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

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
