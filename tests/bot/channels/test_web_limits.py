"""Starting web conversations: counted per address and for the whole service, on the
in-process store and on Redis (every process shares the windows)."""

from __future__ import annotations

import pytest
import redis.asyncio as redis

from bot.channels.web_limits import ConversationStarts
from handoff.console.throttle import close_limiters, limits_uri
from handoff.crypto import Vault
from tests.conftest import REDIS_URL, store_params

VAULT = Vault("limits-test-secret-" * 3)


@pytest.fixture(params=store_params())
def storage_uri(request: pytest.FixtureRequest) -> str:
    redis = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return limits_uri(redis)


@pytest.mark.anyio
async def test_each_address_has_its_own_allowance(storage_uri: str) -> None:
    starts = ConversationStarts(storage_uri, VAULT, per_ip_per_hour=2, per_minute=100)
    assert [await starts.allow("198.51.100.1") for _ in range(3)] == [True, True, False]
    assert await starts.allow("198.51.100.2")
    assert 0 < await starts.retry_after("198.51.100.1") <= 3600


@pytest.mark.anyio
async def test_the_service_has_an_allowance_across_addresses(storage_uri: str) -> None:
    starts = ConversationStarts(storage_uri, VAULT, per_ip_per_hour=100, per_minute=2)
    allowed = [await starts.allow(f"198.51.100.{n}") for n in range(3)]
    assert allowed == [True, True, False]
    assert 0 < await starts.retry_after("198.51.100.9") <= 60


@pytest.mark.anyio
@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL) to read the stored keys")
async def test_addresses_are_not_kept_in_clear(redis_url: str) -> None:
    starts = ConversationStarts(limits_uri(redis_url), VAULT, per_ip_per_hour=5, per_minute=5)
    await starts.allow("198.51.100.77")
    client = redis.Redis.from_url(redis_url)
    try:
        keys = [key.decode() for key in await client.keys("*")]
    finally:
        await client.aclose()
    assert keys and not any("198.51.100.77" in key for key in keys)


@pytest.mark.anyio
async def test_a_closed_loop_leaves_no_connection_and_counts_go_on(storage_uri: str) -> None:
    starts = ConversationStarts(storage_uri, VAULT, per_ip_per_hour=2, per_minute=100)
    assert await starts.allow("198.51.100.3")
    await close_limiters()  # what the web app does when its loop ends
    assert await starts.allow("198.51.100.3")
    if "redis" in storage_uri:  # Redis keeps the count; an in-process store ends with its loop
        assert not await starts.allow("198.51.100.3")
