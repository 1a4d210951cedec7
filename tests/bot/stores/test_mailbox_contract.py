"""Mailbox contract (pushed messages for SSE/polling) on every implementation."""

from __future__ import annotations

import asyncio

import pytest

from bot.stores import Mailbox

pytestmark = pytest.mark.anyio


async def test_read_returns_published_in_order(mailbox: Mailbox) -> None:
    first = await mailbox.publish("conv", {"n": 1}, ttl_seconds=60)
    second = await mailbox.publish("conv", {"n": 2}, ttl_seconds=60)
    events = await mailbox.read("conv", None, timeout_seconds=0)
    assert [e.data for e in events] == [{"n": 1}, {"n": 2}]
    assert [e.id for e in events] == [first, second]


async def test_read_after_cursor_skips_seen(mailbox: Mailbox) -> None:
    first = await mailbox.publish("conv", {"n": 1}, ttl_seconds=60)
    await mailbox.publish("conv", {"n": 2}, ttl_seconds=60)
    events = await mailbox.read("conv", first, timeout_seconds=0)
    assert [e.data for e in events] == [{"n": 2}]


async def test_keys_are_separate(mailbox: Mailbox) -> None:
    await mailbox.publish("a", {"to": "a"}, ttl_seconds=60)
    assert await mailbox.read("b", None, timeout_seconds=0) == []


async def test_waiting_reader_wakes_on_publish(mailbox: Mailbox) -> None:
    async def publish_later() -> None:
        await asyncio.sleep(0.2)
        await mailbox.publish("live", {"text": "你好"}, ttl_seconds=60)

    task = asyncio.create_task(publish_later())
    events = await mailbox.read("live", None, timeout_seconds=5)
    await task
    assert [e.data for e in events] == [{"text": "你好"}]


async def test_read_times_out_empty(mailbox: Mailbox) -> None:
    assert await mailbox.read("quiet", None, timeout_seconds=0.3) == []


async def test_garbage_cursor_reads_everything(mailbox: Mailbox) -> None:
    await mailbox.publish("conv", {"n": 1}, ttl_seconds=60)
    events = await mailbox.read("conv", "not-a-cursor", timeout_seconds=0)
    assert [e.data for e in events] == [{"n": 1}]


async def test_delete_forgets_the_conversation_only(mailbox: Mailbox) -> None:
    await mailbox.publish("gone", {"n": 1}, ttl_seconds=60)
    await mailbox.publish("kept", {"n": 2}, ttl_seconds=60)
    await mailbox.delete("gone")
    assert await mailbox.read("gone", None, timeout_seconds=0) == []
    assert [e.data for e in await mailbox.read("kept", None, timeout_seconds=0)] == [{"n": 2}]
    await mailbox.delete("never-there")


async def test_many_waiting_readers_all_wake(mailbox: Mailbox) -> None:
    readers = [
        asyncio.create_task(mailbox.read(f"page-{i % 5}", None, timeout_seconds=5))
        for i in range(50)
    ]
    await asyncio.sleep(0.3)
    for key in range(5):
        await mailbox.publish(f"page-{key}", {"key": key}, ttl_seconds=60)
    results = await asyncio.gather(*readers)
    assert [r[0].data["key"] for r in results] == [i % 5 for i in range(50)]
