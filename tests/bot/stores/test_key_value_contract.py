"""One contract, every implementation: in-memory always, Redis when REDIS_URL is set."""

from __future__ import annotations

import asyncio

import pytest

from bot.stores import KeyValueStore

pytestmark = pytest.mark.anyio


async def test_get_returns_what_set_stored(kv: KeyValueStore) -> None:
    await kv.set("k1", b"\x00value\xff", ttl_seconds=60)
    assert await kv.get("k1") == b"\x00value\xff"


async def test_missing_key_is_none(kv: KeyValueStore) -> None:
    assert await kv.get("never-set") is None


async def test_delete_removes(kv: KeyValueStore) -> None:
    await kv.set("k2", b"x", ttl_seconds=60)
    await kv.delete("k2")
    assert await kv.get("k2") is None
    await kv.delete("k2")  # deleting twice is fine


async def test_value_expires_after_ttl(kv: KeyValueStore) -> None:
    await kv.set("short", b"x", ttl_seconds=1)
    assert await kv.get("short") == b"x"
    await asyncio.sleep(1.2)
    assert await kv.get("short") is None


async def test_incr_counts_from_one(kv: KeyValueStore) -> None:
    assert [await kv.incr("counter", ttl_seconds=60) for _ in range(3)] == [1, 2, 3]


async def test_lock_serialises_holders(kv: KeyValueStore) -> None:
    order: list[str] = []

    async def worker(name: str) -> None:
        async with kv.lock("same-conversation", timeout_seconds=5):
            order.append(f"{name}-in")
            await asyncio.sleep(0.05)
            order.append(f"{name}-out")

    await asyncio.gather(worker("a"), worker("b"))
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])


async def test_ping(kv: KeyValueStore) -> None:
    assert await kv.ping() is True
