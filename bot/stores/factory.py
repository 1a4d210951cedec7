"""Choose the store implementations from settings."""

from __future__ import annotations

from bot.stores.base import KeyValueStore, Mailbox
from bot.stores.memory import InMemoryKeyValueStore, InMemoryMailbox
from bot.stores.redis_store import RedisKeyValueStore, RedisMailbox


def open_stores(redis_url: str | None) -> tuple[KeyValueStore, Mailbox]:
    """Redis stores when a URL is given, else the in-process stand-ins."""
    if redis_url:
        return RedisKeyValueStore.from_url(redis_url), RedisMailbox.from_url(redis_url)
    return InMemoryKeyValueStore(), InMemoryMailbox()
