from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.stores import (
    InMemoryKeyValueStore,
    InMemoryMailbox,
    KeyValueStore,
    Mailbox,
    RedisKeyValueStore,
    RedisMailbox,
)
from tests.conftest import store_params


@pytest.fixture(params=store_params())
async def kv(request: pytest.FixtureRequest) -> AsyncIterator[KeyValueStore]:
    store: KeyValueStore
    if request.param == "memory":
        store = InMemoryKeyValueStore()
    else:
        store = RedisKeyValueStore.from_url(request.getfixturevalue("redis_url"))
    yield store
    await store.close()


@pytest.fixture(params=store_params())
async def mailbox(request: pytest.FixtureRequest) -> AsyncIterator[Mailbox]:
    box: Mailbox
    if request.param == "memory":
        box = InMemoryMailbox()
    else:
        box = RedisMailbox.from_url(request.getfixturevalue("redis_url"))
    yield box
    await box.close()
