"""State stores shared by every process: an in-memory implementation for the embedded
default and a Redis implementation for deployments, behind the same interfaces."""

from bot.stores.base import KeyValueStore, Mailbox, MailboxEvent
from bot.stores.factory import open_stores
from bot.stores.memory import InMemoryKeyValueStore, InMemoryMailbox
from bot.stores.redis_store import RedisKeyValueStore, RedisMailbox

__all__ = [
    "InMemoryKeyValueStore",
    "InMemoryMailbox",
    "KeyValueStore",
    "Mailbox",
    "MailboxEvent",
    "RedisKeyValueStore",
    "RedisMailbox",
    "open_stores",
]
