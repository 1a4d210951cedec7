"""The Redis mailbox: waiting readers hold no connection of their own (one subscriber per
process), and what is pushed is encrypted at rest."""

from __future__ import annotations

import asyncio

import pytest
import redis

from bot.stores import RedisMailbox
from bot.stores.sealed import SealedMailbox
from handoff.crypto import Vault
from tests.conftest import needs_redis

pytestmark = [pytest.mark.anyio, pytest.mark.redis, needs_redis]


def connections(url: str) -> list[dict[str, str]]:
    """Connections to the test database (other databases belong to other users of Redis)."""
    client = redis.Redis.from_url(url)
    db = str(client.connection_pool.connection_kwargs.get("db", 0))
    try:
        return [
            {k: str(v) for k, v in info.items()}
            for info in client.client_list()
            if str(info.get("db")) == db
        ]
    finally:
        client.close()


def subscribing(found: list[dict[str, str]]) -> int:
    return sum(1 for c in found if int(c.get("psub", "0")) > 0)


async def test_hundred_waiting_pages_cost_one_subscriber(redis_url: str) -> None:
    before = connections(redis_url)  # earlier tests' connections may linger a while
    mailbox = RedisMailbox.from_url(redis_url)
    readers = [
        asyncio.create_task(mailbox.read(f"page-{i}", None, timeout_seconds=10)) for i in range(100)
    ]
    try:
        for _ in range(50):
            if mailbox.waiting_readers == 100:
                break
            await asyncio.sleep(0.05)
        assert mailbox.waiting_readers == 100
        for _ in range(50):
            found = connections(redis_url)
            if subscribing(found) > subscribing(before):
                break
            await asyncio.sleep(0.05)
        assert subscribing(found) - subscribing(before) == 1
        blocked = [c for c in found if "xread" in c.get("cmd", "") and "b" in c.get("flags", "")]
        assert blocked == []
        # One subscriber and at most 16 pooled connections: not a hundred.
        assert len(found) - len(before) <= 18
        await mailbox.publish("page-7", {"n": 7}, ttl_seconds=60)
        assert [e.data for e in await readers[7]] == [{"n": 7}]
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await mailbox.close()


async def test_pushed_messages_are_encrypted_at_rest(redis_url: str) -> None:
    mailbox = SealedMailbox(RedisMailbox.from_url(redis_url), Vault("mailbox-secret-" * 3))
    try:
        await mailbox.publish("conv", {"replies": [{"text": "工作人员：你好，欠薪多少？"}]}, 60)
        raw = redis.Redis.from_url(redis_url)
        stored = b"".join(
            value for entry in raw.xrange("gongyou:mailbox:conv") for value in entry[1].values()
        )
        raw.close()
        assert stored and "欠薪".encode() not in stored and b"replies" not in stored
        (event,) = await mailbox.read("conv", None, timeout_seconds=0)
        assert event.data == {"replies": [{"text": "工作人员：你好，欠薪多少？"}]}
    finally:
        await mailbox.close()


async def test_another_key_reads_nothing_and_old_plain_events_still_read(redis_url: str) -> None:
    inner = RedisMailbox.from_url(redis_url)
    await inner.publish("conv", {"replies": [{"text": "旧的"}]}, 60)  # written before sealing
    await SealedMailbox(inner, Vault("one-secret-" * 4)).publish("conv", {"n": 1}, 60)
    other = SealedMailbox(inner, Vault("another-secret-" * 3))
    try:
        events = await other.read("conv", None, timeout_seconds=0)
        assert [e.data for e in events] == [{"replies": [{"text": "旧的"}]}, {}]
    finally:
        await other.close()
