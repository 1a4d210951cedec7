"""Choose the store implementations from settings."""

from __future__ import annotations

from bot.stores.base import KeyValueStore, Mailbox
from bot.stores.memory import InMemoryKeyValueStore, InMemoryMailbox
from bot.stores.redis_store import RedisKeyValueStore, RedisMailbox
from bot.stores.sealed import SealedMailbox
from handoff.crypto import Vault
from handoff.live.bus import RedisBus, WakeBus


def open_stores(
    redis_url: str | None, *, vault: Vault | None = None, bus: WakeBus | None = None
) -> tuple[KeyValueStore, Mailbox]:
    """Redis stores when a URL is given, else the in-process stand-ins. With a ``vault`` the
    mailbox is encrypted; with a Redis ``bus`` its readers share the process's subscriber."""
    mailbox: Mailbox
    if redis_url:
        kv: KeyValueStore = RedisKeyValueStore.from_url(redis_url)
        mailbox = RedisMailbox.from_url(redis_url, bus if isinstance(bus, RedisBus) else None)
    else:
        kv, mailbox = InMemoryKeyValueStore(), InMemoryMailbox()
    if vault is not None:
        mailbox = SealedMailbox(mailbox, vault)
    return kv, mailbox
