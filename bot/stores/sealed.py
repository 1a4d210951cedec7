"""Pushed messages encrypted at rest, like session state: a copy of Redis shows no words.

Wraps any :class:`~bot.stores.base.Mailbox`; each event's data is stored as one Fernet token
under the server key (:class:`handoff.crypto.Vault`). Events written before encryption (plain
JSON) are still read, so a deploy loses nothing a page had not fetched yet.
"""

from __future__ import annotations

import json
from typing import Any

from bot.log import get_logger
from bot.stores.base import Mailbox, MailboxEvent
from handoff.crypto import DecryptionError, Vault

log = get_logger(__name__)
_SEALED = "sealed"


class SealedMailbox:
    """A mailbox whose events are encrypted before they reach the store."""

    def __init__(self, inner: Mailbox, vault: Vault) -> None:
        self._inner = inner
        self._vault = vault

    @property
    def inner(self) -> Mailbox:
        """The store underneath (for tests and benchmarks)."""
        return self._inner

    async def publish(self, key: str, data: dict[str, Any], ttl_seconds: int) -> str:
        """Encrypt, then append."""
        token = self._vault.encrypt(json.dumps(data, ensure_ascii=False))
        return await self._inner.publish(key, {_SEALED: token.decode("ascii")}, ttl_seconds)

    async def read(self, key: str, after: str | None, timeout_seconds: float) -> list[MailboxEvent]:
        """Read and decrypt; an event that does not decrypt (another key) is skipped."""
        events = await self._inner.read(key, after, timeout_seconds)
        opened: list[MailboxEvent] = []
        for event in events:
            token = event.data.get(_SEALED)
            if not isinstance(token, str):
                opened.append(event)  # written before mailboxes were encrypted
                continue
            try:
                data = json.loads(self._vault.decrypt(token.encode("ascii")))
            except (DecryptionError, ValueError):
                log.warning("mailbox_event_unreadable")
                data = {}
            opened.append(MailboxEvent(id=event.id, data=data if isinstance(data, dict) else {}))
        return opened

    async def delete(self, key: str) -> None:
        """Forget every event of the conversation."""
        await self._inner.delete(key)

    async def disconnect(self) -> None:
        """Close the store's connections opened so far."""
        await self._inner.disconnect()

    async def close(self) -> None:
        """Release the store's connections."""
        await self._inner.close()
