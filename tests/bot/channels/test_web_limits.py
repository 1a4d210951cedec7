"""Starting web conversations: counted per address and for the whole service, on the
in-process store and on Redis (every process shares the windows)."""

from __future__ import annotations

import pytest

from bot.channels.web_limits import ConversationStarts
from handoff.console.throttle import limits_uri
from tests.conftest import store_params


@pytest.fixture(params=store_params())
def storage_uri(request: pytest.FixtureRequest) -> str:
    redis = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return limits_uri(redis)


@pytest.mark.anyio
async def test_each_address_has_its_own_allowance(storage_uri: str) -> None:
    starts = ConversationStarts(storage_uri, per_ip_per_hour=2, per_minute=100)
    assert [await starts.allow("198.51.100.1") for _ in range(3)] == [True, True, False]
    assert await starts.allow("198.51.100.2")
    assert 0 < await starts.retry_after("198.51.100.1") <= 3600


@pytest.mark.anyio
async def test_the_service_has_an_allowance_across_addresses(storage_uri: str) -> None:
    starts = ConversationStarts(storage_uri, per_ip_per_hour=100, per_minute=2)
    allowed = [await starts.allow(f"198.51.100.{n}") for n in range(3)]
    assert allowed == [True, True, False]
    assert 0 < await starts.retry_after("198.51.100.9") <= 60
