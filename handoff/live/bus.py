"""The wake-up signal between server processes: one subscriber per process.

A message on the bus only says "something changed under this name" (an organisation id, a
mailbox's blind index). It carries no content and may be lost (Redis pub/sub is fire and
forget): readers always read what changed by cursor from a durable store, and re-read
everything after a reconnect (:data:`RESYNC`), so a lost signal only delays an update.

Redis: one pattern subscription per process on one connection, whatever the number of open
pages; each process fans the signal out to its own listeners. Redis's pub/sub ignores the
database number, so the channels carry it: two deployments (or two test workers) on different
databases of one Redis never wake each other. Embedded default: listeners are called in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.connection import parse_url
from redis.exceptions import RedisError

from handoff.live.tasks import current_loop, stop

log = structlog.get_logger(__name__)

#: The message a listener receives after the subscriber (re)connected: read everything again.
RESYNC = ""
_CHANNEL_PREFIX = "gongyou:wake:"
_MAX_BACKOFF_SECONDS = 2.0

Callback = Callable[[str], None]


@dataclass(eq=False)
class Listener:
    """A callback for one topic, run in the event loop it was registered from."""

    topic: str
    callback: Callback
    loop: asyncio.AbstractEventLoop | None
    bus: WakeBus | None = field(default=None, repr=False)

    def deliver(self, message: str) -> None:
        """Call the callback in its own loop (thread-safe); a closed loop drops it."""
        loop = self.loop
        if loop is None:
            self.callback(message)
            return
        if loop.is_closed():
            self.close()
            return
        if current_loop() is loop:
            self.callback(message)
        else:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self.callback, message)

    def close(self) -> None:
        """Stop listening."""
        if self.bus is not None:
            self.bus.remove(self)
            self.bus = None


class WakeBus(Protocol):
    """Publish a wake-up under a topic; listen to a topic."""

    async def publish(self, topic: str, message: str) -> None:
        """Wake the listeners of ``topic`` in every process (never raises)."""
        ...

    def listen(self, topic: str, callback: Callback) -> Listener:
        """Call ``callback(message)`` for each wake-up of ``topic`` (and with :data:`RESYNC`
        after the subscriber reconnected); ``close()`` the listener to stop."""
        ...

    def remove(self, listener: Listener) -> None:
        """Forget a listener."""
        ...

    @property
    def listener_count(self) -> int:
        """How many listeners this process has (for tests and benchmarks)."""
        ...

    async def close(self) -> None:
        """Stop the subscriber and release connections."""
        ...


class _Listeners:
    """Listeners by topic (shared by both buses)."""

    def __init__(self) -> None:
        self._by_topic: dict[str, set[Listener]] = defaultdict(set)

    def add(self, bus: WakeBus, topic: str, callback: Callback) -> Listener:
        listener = Listener(topic, callback, current_loop(), bus)
        self._by_topic[topic].add(listener)
        return listener

    def remove(self, listener: Listener) -> None:
        listeners = self._by_topic.get(listener.topic)
        if listeners is not None:
            listeners.discard(listener)

    def wake(self, topic: str, message: str) -> None:
        for listener in list(self._by_topic.get(topic, ())):
            listener.deliver(message)

    def wake_all(self, message: str) -> None:
        for topic in list(self._by_topic):
            self.wake(topic, message)

    def count(self) -> int:
        return sum(len(listeners) for listeners in self._by_topic.values())


class InProcessBus:
    """The embedded default: one process, listeners called directly."""

    def __init__(self) -> None:
        self._listeners = _Listeners()

    async def publish(self, topic: str, message: str) -> None:
        """Wake this process's listeners of ``topic``."""
        self._listeners.wake(topic, message)

    def listen(self, topic: str, callback: Callback) -> Listener:
        """Register a listener."""
        return self._listeners.add(self, topic, callback)

    def remove(self, listener: Listener) -> None:
        """Forget a listener."""
        self._listeners.remove(listener)

    @property
    def listener_count(self) -> int:
        """Listeners in this process."""
        return self._listeners.count()

    async def close(self) -> None:
        """Nothing to release."""


class RedisBus:
    """Redis pub/sub: one subscribing connection per process, started with the first listener."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._prefix = channel_prefix(url)
        self._listeners = _Listeners()
        self._task: asyncio.Task[None] | None = None
        self._publishers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Redis] = (
            weakref.WeakKeyDictionary()
        )
        self.subscribed = asyncio.Event()

    def _client(self) -> Redis:
        return Redis.from_url(self._url, socket_connect_timeout=3, health_check_interval=30)

    async def publish(self, topic: str, message: str) -> None:
        """PUBLISH on the topic's channel; a failure is logged, not raised (readers catch up
        from the durable store on their next resync)."""
        loop = asyncio.get_running_loop()
        client = self._publishers.get(loop)
        if client is None:
            client = self._publishers[loop] = self._client()
        try:
            await client.publish(self.channel(topic), message)
        except RedisError:
            log.warning("wake_publish_failed")

    def channel(self, topic: str) -> str:
        """The Redis channel of a topic on this bus's database (for publishing in a pipeline)."""
        return self._prefix + topic

    def listen(self, topic: str, callback: Callback) -> Listener:
        """Register a listener and make sure this process's subscriber runs."""
        listener = self._listeners.add(self, topic, callback)
        self.ensure_running()
        return listener

    def remove(self, listener: Listener) -> None:
        """Forget a listener."""
        self._listeners.remove(listener)

    @property
    def listener_count(self) -> int:
        """Listeners in this process."""
        return self._listeners.count()

    def ensure_running(self) -> None:
        """Start the subscriber in the running loop if it is not running (no-op outside one)."""
        loop = current_loop()
        if loop is None:
            return
        task = self._task
        if task is not None and not task.done() and not task.get_loop().is_closed():
            return  # one subscriber per process, whichever loop started it
        self.subscribed = asyncio.Event()
        self._task = loop.create_task(self._subscribe_forever(), name="wake-bus")

    async def _subscribe_forever(self) -> None:
        backoff = 0.1
        while True:
            client = self._client()
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(self._prefix + "*")
                # Anything published while we were away is in the durable stores: re-read.
                self.subscribed.set()
                self._listeners.wake_all(RESYNC)
                backoff = 0.1
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    topic = _text(message["channel"]).removeprefix(self._prefix)
                    self._listeners.wake(topic, _text(message["data"]))
            except (RedisError, OSError):
                log.warning("wake_subscriber_reconnecting")
            finally:
                self.subscribed.clear()
                with contextlib.suppress(RedisError, OSError, RuntimeError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py lacks hints
                with contextlib.suppress(RedisError, OSError, RuntimeError):
                    await client.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _MAX_BACKOFF_SECONDS)

    async def close(self) -> None:
        """Stop the subscriber and close this loop's publishing connection."""
        task, self._task = self._task, None
        await stop(task)
        loop = current_loop()
        client = self._publishers.pop(loop, None) if loop is not None else None
        if client is not None:
            with contextlib.suppress(RedisError, OSError):
                await client.aclose()


def channel_prefix(url: str) -> str:
    """The channels' prefix for the Redis database ``url`` names (``gongyou:wake:<db>:``)."""
    database = parse_url(url).get("db", 0)  # type: ignore[no-untyped-call]  # redis-py lacks hints
    return f"{_CHANNEL_PREFIX}{database}:"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def open_bus(redis_url: str | None) -> WakeBus:
    """Redis pub/sub when a URL is given, else the in-process bus."""
    return RedisBus(redis_url) if redis_url else InProcessBus()
