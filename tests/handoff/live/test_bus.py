"""The wake-up bus: one subscriber per process, listeners by topic, a resync after connecting."""

from __future__ import annotations

import asyncio

import pytest
import redis

from handoff.live.bus import RESYNC, RedisBus, WakeBus, channel_prefix
from tests.conftest import needs_redis

pytestmark = pytest.mark.anyio


async def next_message(queue: asyncio.Queue[str], skip_resync: bool = True) -> str:
    while True:
        message = await asyncio.wait_for(queue.get(), timeout=5)
        if not (skip_resync and message == RESYNC):
            return message


def drained(queue: asyncio.Queue[str]) -> list[str]:
    found = []
    while not queue.empty():
        found.append(queue.get_nowait())
    return found


def subscribing_connections(client: redis.Redis) -> list[dict[str, str]]:
    """Pattern-subscribed connections to the test database (another pytest-xdist worker has
    its own database, and its subscribers are not this test's)."""
    db = str(client.connection_pool.connection_kwargs.get("db", 0))
    return [
        info
        for info in client.client_list()
        if int(info.get("psub", 0)) > 0 and str(info.get("db")) == db
    ]


async def ready(bus: WakeBus) -> None:
    if isinstance(bus, RedisBus):
        await asyncio.wait_for(bus.subscribed.wait(), timeout=5)


async def test_listeners_get_their_topic_only(bus: WakeBus) -> None:
    console: asyncio.Queue[str] = asyncio.Queue()
    mailbox: asyncio.Queue[str] = asyncio.Queue()
    bus.listen("console", console.put_nowait)
    bus.listen("mailbox", mailbox.put_nowait)
    await ready(bus)
    await bus.publish("console", "org-1")
    assert await next_message(console) == "org-1"
    await bus.publish("mailbox", "key-9")
    assert await next_message(mailbox) == "key-9"
    assert set(drained(console)) <= {RESYNC}


async def test_closed_listener_hears_nothing(bus: WakeBus) -> None:
    heard: asyncio.Queue[str] = asyncio.Queue()
    listener = bus.listen("console", heard.put_nowait)
    other: asyncio.Queue[str] = asyncio.Queue()
    bus.listen("console", other.put_nowait)
    await ready(bus)
    listener.close()
    await bus.publish("console", "org-1")
    assert await next_message(other) == "org-1"
    assert set(drained(heard)) <= {RESYNC}
    assert bus.listener_count == 1


@pytest.mark.redis
@needs_redis
async def test_one_subscribing_connection_for_many_listeners(redis_url: str) -> None:
    bus = RedisBus(redis_url)
    queues = [asyncio.Queue[str]() for _ in range(50)]
    for queue in queues:
        bus.listen("mailbox", queue.put_nowait)
    await ready(bus)
    try:
        client = redis.Redis.from_url(redis_url)
        subscribers = subscribing_connections(client)
        client.close()
        assert len(subscribers) == 1
        await bus.publish("mailbox", "k")
        assert [await next_message(q) for q in queues] == ["k"] * 50
    finally:
        await bus.close()


@pytest.mark.redis
@needs_redis
async def test_two_processes_hear_each_other(redis_url: str) -> None:
    first, second = RedisBus(redis_url), RedisBus(redis_url)
    heard: asyncio.Queue[str] = asyncio.Queue()
    second.listen("console", heard.put_nowait)
    await ready(second)
    try:
        await first.publish("console", "org-2")
        assert await next_message(heard) == "org-2"
    finally:
        await first.close()
        await second.close()


@pytest.mark.redis
@needs_redis
async def test_listeners_resync_after_reconnecting(redis_url: str) -> None:
    bus = RedisBus(redis_url)
    heard: asyncio.Queue[str] = asyncio.Queue()
    bus.listen("console", heard.put_nowait)
    await ready(bus)
    assert await asyncio.wait_for(heard.get(), timeout=5) == RESYNC
    client = redis.Redis.from_url(redis_url)
    try:
        for info in subscribing_connections(client):
            client.client_kill_filter(_id=info["id"])
        # The subscriber reconnects and tells its listeners to read everything again.
        assert await asyncio.wait_for(heard.get(), timeout=10) == RESYNC
        await ready(bus)
        await bus.publish("console", "after")
        assert await next_message(heard) == "after"
    finally:
        client.close()
        await bus.close()


def test_channels_carry_the_database_number() -> None:
    assert channel_prefix("redis://127.0.0.1:6379/3") == "gongyou:wake:3:"
    assert channel_prefix("redis://127.0.0.1:6379") == "gongyou:wake:0:"


@pytest.mark.redis
@needs_redis
async def test_buses_on_other_databases_do_not_wake_each_other(redis_url: str) -> None:
    """Redis pub/sub ignores the database: the channel name keeps deployments apart."""
    path = redis_url.rsplit("/", 1)
    other_url = f"{path[0]}/{(int(path[1]) + 8) % 16}" if path[1].isdigit() else redis_url + "/8"
    here, elsewhere = RedisBus(redis_url), RedisBus(other_url)
    heard_here: asyncio.Queue[str] = asyncio.Queue()
    heard_elsewhere: asyncio.Queue[str] = asyncio.Queue()
    here.listen("console", heard_here.put_nowait)
    elsewhere.listen("console", heard_elsewhere.put_nowait)
    await ready(here)
    await ready(elsewhere)
    try:
        await elsewhere.publish("console", "org-elsewhere")
        await here.publish("console", "org-here")
        assert await next_message(heard_here) == "org-here"
        assert await next_message(heard_elsewhere) == "org-elsewhere"
        await asyncio.sleep(0.2)
        assert [m for m in drained(heard_here) if m != RESYNC] == []
        assert [m for m in drained(heard_elsewhere) if m != RESYNC] == []
    finally:
        await here.close()
        await elsewhere.close()
