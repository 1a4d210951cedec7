"""Interfaces of the shared stores."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol


class StoreUnavailableError(RuntimeError):
    """The backing service (Redis) cannot be reached."""


class KeyValueStore(Protocol):
    """Expiring bytes by key, counters and per-key locks: sessions and rate limits live here."""

    async def get(self, key: str) -> bytes | None:
        """The value, or None when missing or expired."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Store a value that expires after ``ttl_seconds``."""
        ...

    async def delete(self, key: str) -> None:
        """Remove a key (no error when missing)."""
        ...

    async def incr(self, key: str, ttl_seconds: int) -> int:
        """Increment a counter, creating it with a TTL; returns the new value."""
        ...

    def lock(self, key: str, timeout_seconds: float = 10.0) -> AbstractAsyncContextManager[None]:
        """Exclusive lock across processes so two messages of one conversation never interleave."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def disconnect(self) -> None:
        """Close the connections opened so far (e.g. by an event loop that is ending); the
        store stays usable and reconnects when used again."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True)
class MailboxEvent:
    """A message pushed to a conversation later (e.g. by a caseworker), with a resumable id."""

    id: str
    data: dict[str, Any]


class Mailbox(Protocol):
    """Per-conversation queue of pushed messages that web pages follow (SSE or polling).

    A waiting reader holds no connection of its own: each process has one subscriber that
    wakes its readers, which then read by cursor (see :mod:`handoff.live.bus`)."""

    async def publish(self, key: str, data: dict[str, Any], ttl_seconds: int) -> str:
        """Append an event; returns its id."""
        ...

    async def read(self, key: str, after: str | None, timeout_seconds: float) -> list[MailboxEvent]:
        """Events after ``after`` (all kept events when None), waiting up to the timeout
        for the first one to arrive."""
        ...

    async def delete(self, key: str) -> None:
        """Forget every event of a conversation (the worker deleted their data)."""
        ...

    async def disconnect(self) -> None:
        """Close the connections opened so far; the mailbox reconnects when used again."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
