"""How many web conversations may start: per address and across the service.

Starting a conversation writes a database row, so a script could otherwise fill the table.
Counted with the `limits` library in the console's storage (Redis when configured, so every
process shares the windows). Addresses are counted under a keyed hash, so a copy of Redis holds
no worker's IP address.
"""

from __future__ import annotations

from handoff.console.throttle import Throttle, per_minutes
from handoff.crypto import Vault


class ConversationStarts:
    """Allow or refuse starting one more web conversation."""

    def __init__(
        self, storage_uri: str, vault: Vault, *, per_ip_per_hour: int, per_minute: int
    ) -> None:
        self._vault = vault
        self._per_ip = Throttle(storage_uri, per_minutes(per_ip_per_hour, 60), "chat-start-ip")
        self._everyone = Throttle(storage_uri, per_minutes(per_minute, 1), "chat-start-all")

    def _key(self, address: str) -> str:
        return self._vault.blind_index("chat-start-address", address)[:32]

    async def allow(self, address: str) -> bool:
        """Count a start from ``address``; False when this address or the service is over."""
        if not await self._per_ip.hit(self._key(address)):
            return False
        return await self._everyone.hit("all")

    async def retry_after(self, address: str) -> int:
        """Seconds until a start could be allowed again (from the limit that was hit)."""
        key = self._key(address)
        if not await self._per_ip.allowed(key):
            return await self._per_ip.retry_after(key)
        return await self._everyone.retry_after("all")
