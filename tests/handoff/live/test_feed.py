"""The console feed: durable content-free events, one reader per process fanning out."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.orm import Session, sessionmaker

from handoff.live import feed as events
from handoff.live.bus import RedisBus, WakeBus
from handoff.live.feed import ConsoleFeed, FeedEvent, FeedHub, FeedSubscription
from tests.conftest import needs_redis

pytestmark = pytest.mark.anyio


async def take(subscription: FeedSubscription, count: int) -> list[FeedEvent]:
    found = []
    for _ in range(count):
        event = await subscription.next(timeout=5)
        assert event is not None, f"only {len(found)} of {count} events arrived"
        found.append(event)
    return found


async def settle(bus: WakeBus) -> None:
    if isinstance(bus, RedisBus):
        await asyncio.wait_for(bus.subscribed.wait(), timeout=5)


async def test_events_are_read_by_cursor(db: sessionmaker[Session], bus: WakeBus) -> None:
    feed = ConsoleFeed(db, bus)
    first = await feed.emit("org-a", events.CASE_NEW, case_id="c1")
    await feed.emit("org-b", events.CASE_NEW, case_id="c2")
    await feed.emit("org-a", events.LIVE_REQUESTED, live_chat_id="l1")
    assert first is not None
    after = feed.read_after(first, org_id="org-a")
    assert [(e.kind, e.live_chat_id) for e in after] == [(events.LIVE_REQUESTED, "l1")]
    assert [e.public() for e in feed.read_after(0, org_id="org-b")] == [
        {"kind": events.CASE_NEW, "case_id": "c2", "live_chat_id": None}
    ]


async def test_one_read_per_wake_whatever_the_number_of_pages(
    db: sessionmaker[Session], bus: WakeBus
) -> None:
    feed = ConsoleFeed(db, bus)
    hub = FeedHub(feed)
    pages = [await hub.subscribe("org-a") for _ in range(40)]
    other = await hub.subscribe("org-b")
    await settle(bus)
    reads_before = hub.reads
    await feed.emit("org-a", events.CASE_MESSAGE, case_id="c1")
    received = [await take(page, 1) for page in pages]
    assert {r[0].case_id for r in received} == {"c1"}
    assert hub.reads - reads_before <= 2  # one read (a resync may add one), not forty
    assert await other.next(timeout=0.2) is None  # another organisation's event never arrives
    for page in pages:
        page.close()
    other.close()
    assert hub.page_count == 0
    await hub.close()


async def test_reconnecting_page_gets_what_it_missed(
    db: sessionmaker[Session], bus: WakeBus
) -> None:
    feed = ConsoleFeed(db, bus)
    hub = FeedHub(feed)
    page = await hub.subscribe("org-a")
    await settle(bus)
    await feed.emit("org-a", events.CASE_NEW, case_id="c1")
    (seen,) = await take(page, 1)
    page.close()
    # While the page is away:
    await feed.emit("org-a", events.CASE_NEW, case_id="c2")
    await feed.emit("org-a", events.CASE_NEW, case_id="c3")
    again = await hub.subscribe("org-a", after=seen.id)
    assert [e.case_id for e in await take(again, 2)] == ["c2", "c3"]
    await feed.emit("org-a", events.CASE_NEW, case_id="c4")
    assert [e.case_id for e in await take(again, 1)] == ["c4"]
    assert await again.next(timeout=0.2) is None  # nothing twice
    again.close()
    await hub.close()


async def test_a_lost_wake_up_only_delays(db: sessionmaker[Session], bus: WakeBus) -> None:
    feed = ConsoleFeed(db, bus)
    hub = FeedHub(feed, resync_seconds=0.2)
    page = await hub.subscribe("org-a")
    feed.append("org-a", events.CASE_NEW, "c1")  # written without ringing the bus
    assert [e.case_id for e in await take(page, 1)] == ["c1"]
    page.close()
    await hub.close()


@pytest.mark.redis
@needs_redis
async def test_across_processes(db: sessionmaker[Session], redis_url: str) -> None:
    """A caseworker's page served by one process hears an event emitted by another."""
    emitter_bus, server_bus = RedisBus(redis_url), RedisBus(redis_url)
    emitter = ConsoleFeed(db, emitter_bus)
    hub = FeedHub(ConsoleFeed(db, server_bus))
    page = await hub.subscribe("org-a")
    await settle(server_bus)
    try:
        await emitter.emit("org-a", events.LIVE_MESSAGE, live_chat_id="l1")
        assert [e.live_chat_id for e in await take(page, 1)] == ["l1"]
    finally:
        page.close()
        await hub.close()
        await emitter_bus.close()
        await server_bus.close()


async def test_old_events_are_purged(db: sessionmaker[Session], bus: WakeBus) -> None:
    from datetime import timedelta

    feed = ConsoleFeed(db, bus)
    await feed.emit("org-a", events.CASE_NEW, case_id="c1")
    assert feed.purge(keep=timedelta(days=1)) == 0
    assert feed.purge(keep=timedelta(seconds=-1)) == 1
    assert feed.read_after(0) == []
