"""Rate limits with the `limits` library, one storage per URI per event loop.

``async+memory://`` on the embedded default (one process), ``async+redis://…`` when Redis is
configured, so every process counts against the same windows.
"""

from __future__ import annotations

import asyncio
import time
from weakref import WeakKeyDictionary

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string


def limits_uri(redis_url: str | None) -> str:
    """The `limits` storage URI for a Redis URL (or the in-process store)."""
    if not redis_url:
        return "async+memory://"
    return "async+" + redis_url


def storage(uri: str) -> Storage:
    """A `limits` storage at ``uri``."""
    options: dict[str, str] = {"key_prefix": "gongyou-limits"}
    if "redis" in uri.split("://", 1)[0]:
        options["implementation"] = "redispy"  # redis-py is a dependency; coredis is not
    found = storage_from_string(uri, **options)
    assert isinstance(found, Storage)  # noqa: S101 - async+ URIs give async storages
    return found


# One limiter per URI per event loop: a Redis connection belongs to the loop that opened it
# (a server process has one loop; tests open several).
_LIMITERS: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, MovingWindowRateLimiter]] = (
    WeakKeyDictionary()
)


def limiter(uri: str) -> MovingWindowRateLimiter:
    """The running loop's moving-window limiter over the storage at ``uri``."""
    per_loop = _LIMITERS.setdefault(asyncio.get_running_loop(), {})
    if uri not in per_loop:
        per_loop[uri] = MovingWindowRateLimiter(storage(uri))
    return per_loop[uri]


async def close_limiters() -> None:
    """Close the running loop's limits storages (a Redis client belongs to its loop): call it
    when a server's loop ends, so no connection is left behind."""
    for found in _LIMITERS.pop(asyncio.get_running_loop(), {}).values():
        client = getattr(getattr(found.storage, "bridge", None), "storage", None)
        if client is not None:
            await client.aclose()


def per_minutes(amount: int, minutes: int) -> RateLimitItem:
    """``amount`` events per ``minutes``."""
    return RateLimitItemPerMinute(amount, minutes)


class Throttle:
    """Count failures (or starts) under named keys and say when a key is over its limit."""

    def __init__(self, uri: str, item: RateLimitItem, namespace: str) -> None:
        self._uri = uri
        self._item = item
        self._namespace = namespace

    async def allowed(self, key: str) -> bool:
        """True while ``key`` is under its limit (does not count)."""
        return await limiter(self._uri).test(self._item, self._namespace, key)

    async def hit(self, key: str) -> bool:
        """Count one event for ``key``; False when that went over the limit."""
        return await limiter(self._uri).hit(self._item, self._namespace, key)

    async def clear(self, key: str) -> None:
        """Forget ``key``'s events (a successful login clears the account's failures)."""
        await limiter(self._uri).clear(self._item, self._namespace, key)

    async def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again (at least 1)."""
        stats = await limiter(self._uri).get_window_stats(self._item, self._namespace, key)
        return max(1, int(stats.reset_time - time.time()))
